import type { Database } from 'better-sqlite3';
import { DAY_MS, HOUR_MS } from '../../../../shared/time/zones';
import {
  DEFAULT_STUCK_LOOKBACK_MS,
  type CampaignKind,
  type IncidentEvidence,
  type LikelyCause,
  type RecurringRule,
  type StuckThresholds,
} from '../../../../shared/domain/monitoring';
import { evaluateIncidentWindow, MIN_BASELINE_MESSAGES, windowStartsAround, type IncidentParams, type IncidentSamples } from '../incidents';
import { summarizeLatencies, type LatencySummary } from '../latencyStats';
import { neverDelivers, offlinePattern, rarelyReads, type SentMessage } from '../likelyCauses';
import { median, nearestRank, rate, selectKth } from '../numbers';
import type { ZoneCalendar } from '../zoneCalendar';

/**
 * The benchmark's lower bounds: each monitoring query computed by plain loops over typed
 * arrays already in memory, with the same definitions (and the same pure helpers for
 * percentiles, likely causes and incident windows). What the database costs on top of
 * this is what the benchmark measures.
 */
export interface Preloaded {
  n: number;
  id: Float64Array;
  contact: Int32Array;
  campaign: Int32Array;
  outbound: Uint8Array;
  sentAt: Float64Array;
  /** Effective delivery (a read implies it); NaN for none. */
  deliveredAt: Float64Array;
  readAt: Float64Array;
  inferred: Uint8Array;
  /** Messages of contact c are [contactStart[c], contactStart[c + 1]), by send time then id. */
  contactStart: Int32Array;
  /** Outbound messages by send time. */
  byTime: Int32Array;
  lastInboundAt: Float64Array;
  campaignKind: CampaignKind[];
}


export function preload(db: Database, workspaceId: number): Preloaded {
  const maxContact = db.prepare('SELECT max(id) FROM contacts').pluck().get() as number;
  const maxCampaign = (db.prepare('SELECT max(id) FROM campaigns').pluck().get() as number | null) ?? 0;
  const n = db
    .prepare('SELECT count(*) FROM messages m JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ?')
    .pluck()
    .get(workspaceId) as number;
  const P: Preloaded = {
    n,
    id: new Float64Array(n),
    contact: new Int32Array(n),
    campaign: new Int32Array(n),
    outbound: new Uint8Array(n),
    sentAt: new Float64Array(n),
    deliveredAt: new Float64Array(n),
    readAt: new Float64Array(n),
    inferred: new Uint8Array(n),
    contactStart: new Int32Array(maxContact + 2),
    byTime: new Int32Array(0),
    lastInboundAt: new Float64Array(maxContact + 1).fill(NaN),
    campaignKind: new Array<CampaignKind>(maxCampaign + 1).fill('other'),
  };
  const rows = db
    .prepare(
      `SELECT m.id, m.contact_ref, coalesce(m.campaign_id, 0), m.direction = 'out', m.sent_at,
         coalesce(min(m.delivered_at, m.read_at), m.delivered_at, m.read_at), m.read_at,
         (m.delivered_inferred = 1 OR (m.delivered_at IS NULL AND m.read_at IS NOT NULL))
       FROM messages m JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref
       WHERE p.workspace_id = ? ORDER BY m.contact_ref, m.sent_at, m.id`,
    )
    .raw()
    .iterate(workspaceId) as Iterable<[number, number, number, number, number, number | null, number | null, number]>;
  let i = 0;
  for (const r of rows) {
    P.id[i] = r[0];
    P.contact[i] = r[1];
    P.campaign[i] = r[2];
    P.outbound[i] = r[3];
    P.sentAt[i] = r[4];
    P.deliveredAt[i] = r[5] ?? NaN;
    P.readAt[i] = r[6] ?? NaN;
    P.inferred[i] = r[7];
    i++;
  }
  for (let k = 0, c = 0; c <= maxContact + 1; c++) {
    while (k < n && P.contact[k]! < c) k++;
    P.contactStart[c] = k;
  }
  const outs: number[] = [];
  for (let k = 0; k < n; k++) if (P.outbound[k]) outs.push(k);
  P.byTime = Int32Array.from(outs).sort((a, b) => P.sentAt[a]! - P.sentAt[b]!);
  for (const r of db.prepare('SELECT id, last_inbound_at FROM contacts WHERE last_inbound_at IS NOT NULL').raw().iterate() as Iterable<[number, number]>) {
    P.lastInboundAt[r[0]] = r[1];
  }
  for (const r of db.prepare('SELECT id, kind FROM campaigns WHERE workspace_id = ?').raw().iterate(workspaceId) as Iterable<[number, CampaignKind]>) {
    P.campaignKind[r[0]] = r[1];
  }
  return P;
}

/** First reply of message i within the window and before the thread's next send; NaN if none. */
function replyOf(P: Preloaded, i: number, windowMs: number): number {
  const c = P.contact[i]!;
  const t = P.sentAt[i]!;
  const end = P.contactStart[c + 1]!;
  for (let j = i + 1; j < end; j++) {
    const u = P.sentAt[j]!;
    if (u <= t) continue;
    if (P.outbound[j]) return NaN;
    // An outbound message at the reply's very millisecond is not after it.
    for (let k = j + 1; k < end && P.sentAt[k] === u; k++) if (P.outbound[k]) return NaN;
    return u - t <= windowMs ? u : NaN;
  }
  return NaN;
}

interface Counts {
  sent: number;
  delivered: number;
  seen: number;
  replied: number;
  seenReplied: number;
}
const zero = (): Counts => ({ sent: 0, delivered: 0, seen: 0, replied: 0, seenReplied: 0 });

export function baselineFunnel(P: Preloaded, q: { from: number; to: number; now: number; horizonMs: number; replyWindowMs: number }) {
  const settledBefore = q.now - Math.max(q.horizonMs, q.replyWindowMs);
  const previousFrom = q.from - (q.to - q.from);
  const current = zero();
  const previous = zero();
  let pending = 0;
  let previousPending = 0;
  const perCampaign = new Map<number, Counts & { first: number }>();
  for (let i = 0; i < P.n; i++) {
    if (!P.outbound[i]) continue;
    const t = P.sentAt[i]!;
    const inCurrent = t >= q.from && t < q.to;
    const inPrevious = t >= previousFrom && t < q.from;
    const camp = P.campaign[i]!;
    if (!inCurrent && !inPrevious && camp === 0) continue;
    if (t >= settledBefore) {
      if (inCurrent) pending++;
      if (inPrevious) previousPending++;
      continue;
    }
    const delivered = P.deliveredAt[i]! - t <= q.horizonMs;
    const seen = P.readAt[i]! - t <= q.horizonMs;
    const reply = replyOf(P, i, q.replyWindowMs);
    const replied = reply === reply ? 1 : 0;
    const add = (c: Counts) => {
      c.sent++;
      if (delivered) c.delivered++;
      if (seen) c.seen++;
      c.replied += replied;
      if (seen && replied) c.seenReplied++;
    };
    if (inCurrent) add(current);
    if (inPrevious) add(previous);
    if (camp !== 0) {
      let c = perCampaign.get(camp);
      if (!c) {
        c = { ...zero(), first: t };
        perCampaign.set(camp, c);
      }
      c.first = Math.min(c.first, t);
      add(c);
    }
  }
  const rates = (c: Counts) => ({ delivered: rate(c.delivered, c.sent), seen: rate(c.seen, c.sent), replied: rate(c.replied, c.sent) });
  const campaignRates = [...perCampaign.values()].filter((c) => c.sent > 0 && c.first < q.from).map(rates);
  const med = (k: 'delivered' | 'seen' | 'replied') => median(campaignRates.map((r) => r[k]).filter((v): v is number => v !== null));
  return {
    current,
    pending,
    previous,
    previousPending,
    normal: { campaigns: campaignRates.length, delivered: med('delivered'), seen: med('seen'), replied: med('replied') },
  };
}

export function baselineLatency(P: Preloaded, calendar: ZoneCalendar): LatencySummary {
  const m = P.byTime.length;
  const sentAt = new Float64Array(m);
  const toDelivered = new Float64Array(m);
  const toSeen = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const i = P.byTime[k]!;
    const t = P.sentAt[i]!;
    sentAt[k] = t;
    toDelivered[k] = P.deliveredAt[i]! - t;
    toSeen[k] = P.inferred[i] ? NaN : P.readAt[i]! - P.deliveredAt[i]!;
  }
  return summarizeLatencies({ n: m, sentAt, toDelivered, toSeen }, calendar);
}

function historyOf(P: Preloaded, contact: number): SentMessage[] {
  const out: SentMessage[] = [];
  for (let j = P.contactStart[contact + 1]! - 1; j >= P.contactStart[contact]! && out.length < 200; j--) {
    if (!P.outbound[j]) continue;
    const d = P.deliveredAt[j]!;
    const r = P.readAt[j]!;
    out.push({ id: P.id[j]!, sentAt: P.sentAt[j]!, deliveredAt: d === d ? d : null, readAt: r === r ? r : null });
  }
  return out;
}

function lowerIndex(P: Preloaded, t: number): number {
  let a = 0;
  let b = P.byTime.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (P.sentAt[P.byTime[mid]!]! < t) a = mid + 1;
    else b = mid;
  }
  return a;
}

function samplesBetween(P: Preloaded, lo: number, hi: number, now: number): IncidentSamples {
  const a = lowerIndex(P, lo);
  const b = lowerIndex(P, Math.min(hi, now + 1));
  const n = b - a;
  const s: IncidentSamples = { n, sentAt: new Float64Array(n), latency: new Float64Array(n), contact: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    const i = P.byTime[a + k]!;
    const t = P.sentAt[i]!;
    const d = P.deliveredAt[i]!;
    s.sentAt[k] = t;
    s.latency[k] = d <= now ? Math.max(0, d - t) : now - t;
    s.contact[k] = P.contact[i]!;
  }
  return s;
}

export function baselineStuck(
  P: Preloaded,
  q: { now: number; thresholds: StuckThresholds; limit: number; detector: IncidentParams; calendar: ZoneCalendar },
) {
  const from = q.now - DEFAULT_STUCK_LOOKBACK_MS;
  const candidates: number[] = [];
  let notDelivered = 0;
  for (let i = 0; i < P.n; i++) {
    if (!P.outbound[i]) continue;
    const t = P.sentAt[i]!;
    if (t < from || P.readAt[i] === P.readAt[i]) continue;
    if (t > q.now - q.thresholds[P.campaignKind[P.campaign[i]!] ?? 'other']) continue;
    candidates.push(i);
    if (P.deliveredAt[i] !== P.deliveredAt[i]) notDelivered++;
  }
  candidates.sort((a, b) => P.sentAt[b]! - P.sentAt[a]! || P.id[b]! - P.id[a]!);
  const page = candidates.slice(0, q.limit);
  const detector = q.detector;
  const incidents = new Map<number, IncidentEvidence | null>();
  const peak = new Map<number, LikelyCause | null>();
  const items = page.map((i) => {
    const d = P.deliveredAt[i]!;
    const message: SentMessage = { id: P.id[i]!, sentAt: P.sentAt[i]!, deliveredAt: d === d ? d : null, readAt: null };
    const history = historyOf(P, P.contact[i]!);
    const hints: (LikelyCause | null)[] = [];
    if (message.deliveredAt === null) {
      hints.push(neverDelivers(history, message, q.now), offlinePattern(history, message, q.now, q.calendar));
      for (const start of windowStartsAround(message.sentAt, detector)) {
        if (!incidents.has(start)) incidents.set(start, evaluateIncidentWindow(samplesBetween(P, start - detector.baselineMs, start + detector.windowMs, q.now), start, detector));
      }
      const incident = windowStartsAround(message.sentAt, detector)
        .map((s) => incidents.get(s))
        .find((e) => e != null);
      if (incident) hints.push({ kind: 'platform_incident', evidence: incident });
      const camp = P.campaign[i]!;
      if (camp !== 0) {
        if (!peak.has(camp)) peak.set(camp, baselinePeakHour(P, camp, q.now, detector, q.calendar));
        hints.push(peak.get(camp)!);
      }
    } else {
      hints.push(rarelyReads(history, message, q.now));
    }
    return { messageId: message.id, hints: hints.filter((h): h is LikelyCause => h !== null) };
  });
  return { total: candidates.length, notDelivered, items };
}

function baselinePeakHour(P: Preloaded, campaignId: number, now: number, p: IncidentParams, calendar: ZoneCalendar): LikelyCause | null {
  const latencies: number[] = [];
  let start = Infinity;
  for (let i = 0; i < P.n; i++) {
    if (P.campaign[i] !== campaignId || !P.outbound[i] || P.sentAt[i]! > now) continue;
    const t = P.sentAt[i]!;
    const d = P.deliveredAt[i]!;
    latencies.push(d <= now ? Math.max(0, d - t) : now - t);
    start = Math.min(start, t);
  }
  if (latencies.length === 0) return null;
  const campaignMedian = selectKth(Float64Array.from(latencies), latencies.length, nearestRank(latencies.length, 50));
  const baseline = samplesBetween(P, start - p.baselineMs, start, now);
  if (baseline.n < MIN_BASELINE_MESSAGES) return null;
  const baselineMedian = selectKth(baseline.latency, baseline.n, nearestRank(baseline.n, 50));
  if (campaignMedian < Math.max(p.factor * baselineMedian, baselineMedian + p.minJumpMs)) return null;
  const hourOfDay = calendar.hourOfDay(start);
  const a = Math.floor((start - 28 * DAY_MS) / HOUR_MS) * HOUR_MS;
  const b = Math.floor(Math.min(start, now - HOUR_MS) / HOUR_MS) * HOUR_MS;
  let hourSends = 0;
  let hourFast = 0;
  let allSends = 0;
  let allFast = 0;
  for (let k = lowerIndex(P, a); k < P.byTime.length; k++) {
    const i = P.byTime[k]!;
    const t = P.sentAt[i]!;
    if (t >= b) break;
    const fast = P.deliveredAt[i]! - t <= HOUR_MS ? 1 : 0;
    allSends++;
    allFast += fast;
    if (calendar.hourOfDay(Math.floor(t / HOUR_MS) * HOUR_MS + HOUR_MS / 2) === hourOfDay) {
      hourSends++;
      hourFast += fast;
    }
  }
  if (hourSends < 30 || allSends === 0) return null;
  const hourShare = hourFast / hourSends;
  const overallShare = allFast / allSends;
  if (1 - hourShare < 2 * (1 - overallShare) || hourShare > overallShare - 0.1) return null;
  return {
    kind: 'peak_hour',
    evidence: {
      timeZone: calendar.timeZone,
      hourOfDay,
      campaignMedianMs: Math.round(campaignMedian),
      baselineMedianMs: Math.round(baselineMedian),
      hourShareWithin1h: hourShare,
      overallShareWithin1h: overallShare,
      hourSends,
    },
  };
}

export function baselineRecurring(P: Preloaded, q: { rule: RecurringRule; now: number; limit: number }) {
  const { rule, now } = q;
  const flagged: { contact: number; nd: number; un: number; lastSent: number }[] = [];
  const contacts = P.contactStart.length - 2;
  for (let c = 1; c <= contacts; c++) {
    let considered = 0;
    let nd = 0;
    let un = 0;
    let lastSent = NaN;
    for (let j = P.contactStart[c + 1]! - 1; j >= P.contactStart[c]! && considered < rule.lastN; j--) {
      if (!P.outbound[j]) continue;
      const t = P.sentAt[j]!;
      if (considered === 0) lastSent = t;
      considered++;
      const d = P.deliveredAt[j]! - t;
      const s = P.readAt[j]! - t;
      if (now - t >= rule.notDelivered.withinMs && !(d <= rule.notDelivered.withinMs)) nd++;
      if (now - t >= rule.unseen.withinMs && d === d && !(s <= rule.unseen.withinMs)) un++;
    }
    if (nd >= rule.notDelivered.min || un >= rule.unseen.min) flagged.push({ contact: c, nd, un, lastSent });
  }
  flagged.sort((a, b) => b.nd - a.nd || b.un - a.un || b.lastSent - a.lastSent || a.contact - b.contact);
  const items = flagged.slice(0, q.limit).map((f) => {
    let lastSeen = P.lastInboundAt[f.contact]! === P.lastInboundAt[f.contact]! ? P.lastInboundAt[f.contact]! : 0;
    for (let j = P.contactStart[f.contact]!; j < P.contactStart[f.contact + 1]!; j++) {
      const seen = P.outbound[j] ? P.readAt[j]! : P.sentAt[j]!;
      if (seen > lastSeen) lastSeen = seen;
    }
    return { contactId: f.contact, lastSeenAt: lastSeen > 0 ? lastSeen : null };
  });
  return { total: flagged.length, items };
}
