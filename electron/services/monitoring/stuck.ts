import type { Database } from 'better-sqlite3';
import { DAY_MS, HOUR_MS } from '../../../shared/time/zones';
import {
  DEFAULT_STUCK_LOOKBACK_MS,
  type CampaignKind,
  type IncidentEvidence,
  type LikelyCause,
  type StuckMessage,
  type StuckOutput,
  type StuckStatus,
} from '../../../shared/domain/monitoring';
import { refreshHourly } from './aggregates';
import { incidentParamsOf } from './alertRules';
import { evaluateIncidentWindow, incidentSamples, MIN_BASELINE_MESSAGES, windowStartsAround, type IncidentParams } from './incidents';
import { neverDelivers, offlinePattern, rarelyReads, type SentMessage } from './likelyCauses';
import { nearestRank, selectKth } from './numbers';
import { echoScope, LATEST, scopeCondition, SENDS, type Scope } from './scope';
import { stuckThresholdsOf } from './settings';
import { effectiveDelivered } from './sql';
import { zoneCalendar } from './zoneCalendar';

/** History looked at for a contact's hints: enough for every contact-level cause. */
const HISTORY_LIMIT = 200;
/** Peak hour: the share of sends delivered within 1 h at each local hour over the 28 days before the campaign. */
const PEAK_HOUR = { historyMs: 28 * DAY_MS, minSends: 30, lateShareFactor: 2, minGap: 0.1 };

interface StuckRow {
  messageId: number;
  mid: string;
  contactId: number;
  psid: string;
  name: string | null;
  pageId: number;
  campaignId: number | null;
  campaignName: string | null;
  campaignKind: CampaignKind;
  sentAt: number;
  deliveredAt: number | null;
  deliveredInferred: number;
}

export function computeStuck(
  db: Database,
  scope: Scope,
  opts: { status: 'any' | StuckStatus; withHints: boolean; limit: number; offset: number },
): StuckOutput {
  const now = scope.now;
  const thresholds = stuckThresholdsOf(db, scope.workspaceId);
  const from = scope.from ?? now - DEFAULT_STUCK_LOOKBACK_MS;
  const to = scope.to ?? LATEST;
  const shortest = Math.min(...Object.values(thresholds));
  const cond = scopeCondition(scope);
  // Old enough for the shortest threshold bounds the index range; the per-kind test does the rest.
  const params = {
    ...cond.params,
    from,
    to: Math.min(to, now - shortest + 1),
    now,
    flash: thresholds.flash_promo,
    notice: thresholds.notice,
    newsletter: thresholds.newsletter,
    other: thresholds.other,
    limit: opts.limit,
    offset: opts.offset,
  };
  const base = `FROM ${SENDS} LEFT JOIN campaigns cp ON cp.id = m.campaign_id
    WHERE m.direction = 'out' AND ${cond.sql} AND m.sent_at >= @from AND m.sent_at < @to AND m.read_at IS NULL
      AND m.sent_at <= @now - CASE coalesce(cp.kind, 'other') WHEN 'flash_promo' THEN @flash WHEN 'notice' THEN @notice
        WHEN 'newsletter' THEN @newsletter ELSE @other END`;
  const perCampaign = db
    .prepare(
      `SELECT m.campaign_id AS campaignId, cp.name AS campaignName, coalesce(cp.kind, 'other') AS kind,
         count(*) FILTER (WHERE m.delivered_at IS NULL) AS notDelivered, count(*) FILTER (WHERE m.delivered_at IS NOT NULL) AS deliveredNotSeen
       ${base} GROUP BY m.campaign_id ORDER BY notDelivered + deliveredNotSeen DESC, m.campaign_id`,
    )
    .all(params) as StuckOutput['byCampaign'];
  const notDelivered = perCampaign.reduce((a, c) => a + c.notDelivered, 0);
  const deliveredNotSeen = perCampaign.reduce((a, c) => a + c.deliveredNotSeen, 0);
  const statusCondition = opts.status === 'not_delivered' ? ' AND m.delivered_at IS NULL' : opts.status === 'delivered_not_seen' ? ' AND m.delivered_at IS NOT NULL' : '';
  const rows = db
    .prepare(
      `SELECT m.id AS messageId, m.mid, m.contact_ref AS contactId, c.psid, c.name, c.page_ref AS pageId, m.campaign_id AS campaignId,
         cp.name AS campaignName, coalesce(cp.kind, 'other') AS campaignKind, m.sent_at AS sentAt, m.delivered_at AS deliveredAt,
         m.delivered_inferred AS deliveredInferred
       ${base}${statusCondition}
       ORDER BY m.sent_at DESC, m.id DESC LIMIT @limit OFFSET @offset`,
    )
    .all(params) as StuckRow[];

  const items: StuckMessage[] = rows.map((r) => ({
    ...r,
    deliveredInferred: r.deliveredInferred === 1,
    readAt: null,
    status: r.deliveredAt === null ? 'not_delivered' : 'delivered_not_seen',
    stuckForMs: now - r.sentAt,
    thresholdMs: thresholds[r.campaignKind],
    hints: [],
  }));
  if (opts.withHints) addHints(db, scope, items);

  return {
    scope: echoScope(scope),
    now,
    from,
    to: scope.to ?? now,
    thresholds,
    total: opts.status === 'not_delivered' ? notDelivered : opts.status === 'delivered_not_seen' ? deliveredNotSeen : notDelivered + deliveredNotSeen,
    notDelivered,
    deliveredNotSeen,
    byCampaign: perCampaign,
    limit: opts.limit,
    offset: opts.offset,
    items,
  };
}

function addHints(db: Database, scope: Scope, items: StuckMessage[]): void {
  if (items.length === 0) return;
  const now = scope.now;
  const ED = effectiveDelivered('m');
  const historyOf = db.prepare(
    `SELECT m.id, m.sent_at AS sentAt, ${ED} AS deliveredAt, m.read_at AS readAt FROM messages m
     WHERE m.contact_ref = ? AND m.direction = 'out' ORDER BY m.sent_at DESC, m.id DESC LIMIT ${HISTORY_LIMIT}`,
  );
  const zoneOf = db.prepare('SELECT coalesce(c.time_zone, p.time_zone) FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE c.id = ?').pluck();
  const histories = new Map<number, { history: SentMessage[]; zone: string }>();
  for (const item of items) {
    if (histories.has(item.contactId)) continue;
    histories.set(item.contactId, {
      history: historyOf.all(item.contactId) as SentMessage[],
      zone: (zoneOf.get(item.contactId) as string | null) ?? scope.timeZone,
    });
  }
  const calendars = new Map<string, ReturnType<typeof zoneCalendar>>();
  const calendarFor = (zone: string) => {
    let c = calendars.get(zone);
    if (!c) {
      c = zoneCalendar(zone, now - 30 * DAY_MS, now);
      calendars.set(zone, c);
    }
    return c;
  };

  const detector = incidentParamsOf(db, scope.workspaceId);
  const incidents = incidentsAround(
    db,
    scope.workspaceId,
    items.filter((i) => i.status === 'not_delivered').map((i) => i.sentAt),
    detector,
    now,
  );
  const peakHours = new Map<number, LikelyCause | null>();

  for (const item of items) {
    const { history, zone } = histories.get(item.contactId)!;
    const message: SentMessage = { id: item.messageId, sentAt: item.sentAt, deliveredAt: item.deliveredAt, readAt: null };
    const hints: (LikelyCause | null)[] = [];
    if (item.status === 'not_delivered') {
      hints.push(neverDelivers(history, message, now), offlinePattern(history, message, now, calendarFor(zone)));
      const incident = windowStartsAround(item.sentAt, detector)
        .map((s) => incidents.get(s))
        .find((e) => e != null);
      if (incident) hints.push({ kind: 'platform_incident', evidence: incident });
      if (item.campaignId !== null) {
        if (!peakHours.has(item.campaignId)) peakHours.set(item.campaignId, peakHourCause(db, scope, item.campaignId, detector));
        hints.push(peakHours.get(item.campaignId)!);
      }
    } else {
      hints.push(rarelyReads(history, message, now));
    }
    item.hints = hints.filter((h): h is LikelyCause => h !== null);
  }
}

/** Incident evidence for every grid window containing one of the instants (null where none). */
function incidentsAround(db: Database, workspaceId: number, instants: number[], p: IncidentParams, now: number): Map<number, IncidentEvidence | null> {
  const starts = [...new Set(instants.flatMap((t) => windowStartsAround(t, p)))].sort((a, b) => a - b);
  const out = new Map<number, IncidentEvidence | null>();
  // Windows close together share one fetch of their baselines.
  let i = 0;
  while (i < starts.length) {
    let j = i;
    while (j + 1 < starts.length && starts[j + 1]! - starts[j]! <= p.baselineMs) j++;
    const samples = incidentSamples(db, workspaceId, starts[i]! - p.baselineMs, starts[j]! + p.windowMs, now);
    for (let k = i; k <= j; k++) out.set(starts[k]!, evaluateIncidentWindow(samples, starts[k]!, p));
    i = j + 1;
  }
  return out;
}

/**
 * The whole campaign was late (its median delivery latency jumped like an incident's) and
 * it went out at a local hour whose sends are usually slow to deliver.
 */
function peakHourCause(db: Database, scope: Scope, campaignId: number, p: IncidentParams): LikelyCause | null {
  const now = scope.now;
  const ED = effectiveDelivered('m');
  const campaign = db
    .prepare(
      `SELECT m.sent_at, CASE WHEN ${ED} <= @now THEN max(0, ${ED} - m.sent_at) ELSE @now - m.sent_at END
       FROM messages m WHERE m.campaign_id = @campaignId AND m.direction = 'out' AND m.sent_at <= @now`,
    )
    .raw()
    .all({ campaignId, now }) as [number, number][];
  if (campaign.length === 0) return null;
  let start = Infinity;
  for (const [t] of campaign) start = Math.min(start, t);
  const latencies = Float64Array.from(campaign, (r) => r[1]);
  const campaignMedian = selectKth(latencies, latencies.length, nearestRank(latencies.length, 50));
  const baseline = incidentSamples(db, scope.workspaceId, start - p.baselineMs, start, now);
  if (baseline.n < MIN_BASELINE_MESSAGES) return null;
  const baselineMedian = selectKth(baseline.latency, baseline.n, nearestRank(baseline.n, 50));
  if (campaignMedian < Math.max(p.factor * baselineMedian, baselineMedian + p.minJumpMs)) return null;

  const calendar = zoneCalendar(scope.timeZone, start - PEAK_HOUR.historyMs, start);
  const hourOfDay = calendar.hourOfDay(start);
  const fromHour = Math.floor((start - PEAK_HOUR.historyMs) / HOUR_MS);
  const toHour = Math.floor(Math.min(start, now - HOUR_MS) / HOUR_MS);
  const hourly = refreshHourly(db, scope.workspaceId)
    ? (db
        .prepare(
          `SELECT hour, sum(sent) AS sent, sum(delivered_1h) AS fast FROM monitoring_hourly
           WHERE page_ref IN (SELECT id FROM pages WHERE workspace_id = @workspaceId) AND hour >= @a AND hour < @b GROUP BY hour`,
        )
        .all({ workspaceId: scope.workspaceId, a: fromHour, b: toHour }) as { hour: number; sent: number; fast: number }[])
    : (db
        .prepare(
          `SELECT m.sent_at / ${HOUR_MS} AS hour, count(*) AS sent, count(*) FILTER (WHERE ${ED} - m.sent_at <= ${HOUR_MS}) AS fast
           FROM ${SENDS}
           WHERE m.direction = 'out' AND c.page_ref IN (SELECT id FROM pages WHERE workspace_id = @workspaceId)
             AND m.sent_at >= @a * ${HOUR_MS} AND m.sent_at < @b * ${HOUR_MS} GROUP BY hour`,
        )
        .all({ workspaceId: scope.workspaceId, a: fromHour, b: toHour }) as { hour: number; sent: number; fast: number }[]);
  let hourSends = 0;
  let hourFast = 0;
  let allSends = 0;
  let allFast = 0;
  for (const h of hourly) {
    allSends += h.sent;
    allFast += h.fast;
    // The middle of a UTC hour names its local hour, also in zones with half-hour offsets.
    if (calendar.hourOfDay(h.hour * HOUR_MS + HOUR_MS / 2) === hourOfDay) {
      hourSends += h.sent;
      hourFast += h.fast;
    }
  }
  if (hourSends < PEAK_HOUR.minSends || allSends === 0) return null;
  const hourShare = hourFast / hourSends;
  const overallShare = allFast / allSends;
  if (1 - hourShare < PEAK_HOUR.lateShareFactor * (1 - overallShare) || hourShare > overallShare - PEAK_HOUR.minGap) return null;
  return {
    kind: 'peak_hour',
    evidence: {
      timeZone: scope.timeZone,
      hourOfDay,
      campaignMedianMs: Math.round(campaignMedian),
      baselineMedianMs: Math.round(baselineMedian),
      hourShareWithin1h: hourShare,
      overallShareWithin1h: overallShare,
      hourSends,
    },
  };
}
