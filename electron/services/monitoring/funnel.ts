import type { Database } from 'better-sqlite3';
import { HOUR_MS } from '../../../shared/time/zones';
import type {
  ContactFunnelRow,
  FunnelBasis,
  FunnelDrilldownOutput,
  FunnelOutput,
  FunnelRates,
  FunnelSegment,
  FunnelStep,
  MessageRow,
} from '../../../shared/domain/monitoring';
import { refreshHourly, ROLLUP_HORIZONS, ROLLUP_REPLY_WINDOW_MS } from './aggregates';
import { difference, median, rate } from './numbers';
import { EARLIEST, echoScope, LATEST, pageCondition, scopeCondition, SENDS, type Scope } from './scope';
import { effectiveDelivered, firstReplyWithin, NEVER, nextSend, replied, storedReply } from './sql';

/** Sets behind the funnel: settled messages (or contacts), and those reaching each step. */
export interface StepCounts {
  sent: number;
  delivered: number;
  seen: number;
  replied: number;
  /** Seen within H and replied: what separates the replied step's drop from replies without a read. */
  seenReplied: number;
}
interface KeyedCounts extends StepCounts {
  firstSentAt: number;
}

const zero = (): KeyedCounts => ({ sent: 0, delivered: 0, seen: 0, replied: 0, seenReplied: 0, firstSentAt: LATEST });
function addInto(map: Map<number, KeyedCounts>, key: number, c: KeyedCounts): void {
  const t = map.get(key) ?? zero();
  t.sent += c.sent;
  t.delivered += c.delivered;
  t.seen += c.seen;
  t.replied += c.replied;
  t.seenReplied += c.seenReplied;
  t.firstSentAt = Math.min(t.firstSentAt, c.firstSentAt);
  map.set(key, t);
}

export interface FunnelParams {
  horizonMs: number;
  replyWindowMs: number;
}

type ScopeFilter = Pick<Scope, 'workspaceId' | 'pageId' | 'campaignId'>;

const ED = effectiveDelivered('m');

/**
 * Per-message facts of the outbound sends in [lo, hi): delivery and read latency, whether
 * they are settled, and the reply (only for settled sends when `settledOnlyReplies`). With
 * fresh aggregates and the default reply window, replies are looked up where the refresh
 * stored them instead of searched for in each thread.
 */
function messageFacts(
  filter: ScopeFilter,
  lo: number,
  hi: number,
  p: FunnelParams & { settledBefore: number; storedReplies: boolean },
  opts: { campaignsOnly: boolean; settledOnlyReplies: boolean },
) {
  const cond = scopeCondition(filter);
  const reply = p.storedReplies && p.replyWindowMs === ROLLUP_REPLY_WINDOW_MS ? storedReply('m') : replied('m', '@replyWindowMs');
  return {
    sql: `SELECT m.contact_ref, coalesce(m.campaign_id, 0) AS campaign_id, m.sent_at, m.sent_at < @settledBefore AS settled,
        ${ED} - m.sent_at AS d, m.read_at - m.sent_at AS s,
        ${opts.settledOnlyReplies ? `CASE WHEN m.sent_at < @settledBefore THEN ${reply} ELSE 0 END` : reply} AS rep
      FROM ${SENDS}
      WHERE m.direction = 'out' AND ${cond.sql} AND m.sent_at >= @lo AND m.sent_at < @hi${opts.campaignsOnly ? ' AND m.campaign_id IS NOT NULL' : ''}`,
    params: { ...cond.params, lo, hi, settledBefore: p.settledBefore, h: p.horizonMs, replyWindowMs: p.replyWindowMs },
  };
}

function rawMessageCounts(
  db: Database,
  filter: ScopeFilter,
  lo: number,
  hi: number,
  p: FunnelParams,
  byCampaign: boolean,
  storedReplies: boolean,
): Map<number, KeyedCounts> {
  const facts = messageFacts(filter, lo, hi, { ...p, settledBefore: hi, storedReplies }, { campaignsOnly: byCampaign, settledOnlyReplies: false });
  const rows = db
    .prepare(
      `WITH x AS MATERIALIZED (${facts.sql})
       SELECT ${byCampaign ? 'campaign_id' : '0'} AS k, count(*) AS sent, count(*) FILTER (WHERE d <= @h) AS delivered,
         count(*) FILTER (WHERE s <= @h) AS seen, count(*) FILTER (WHERE rep) AS replied,
         count(*) FILTER (WHERE s <= @h AND rep) AS seenReplied, min(sent_at) AS firstSentAt
       FROM x GROUP BY k`,
    )
    .all(facts.params) as (KeyedCounts & { k: number })[];
  const out = new Map<number, KeyedCounts>();
  for (const r of rows) addInto(out, r.k, r);
  return out;
}

function rollupMessageCounts(db: Database, filter: ScopeFilter, hourLo: number, hourHi: number, horizonMs: number, byCampaign: boolean): Map<number, KeyedCounts> {
  const suffix = ROLLUP_HORIZONS.get(horizonMs)!;
  const pages = pageCondition(filter, 'page_ref');
  const campaign = filter.campaignId !== null ? ' AND campaign_id = @campaignId' : byCampaign ? ' AND campaign_id <> 0' : '';
  const rows = db
    .prepare(
      `SELECT ${byCampaign ? 'campaign_id' : '0'} AS k, sum(sent) AS sent, sum(delivered_${suffix}) AS delivered, sum(seen_${suffix}) AS seen,
         sum(replied) AS replied, sum(seen_replied_${suffix}) AS seenReplied, min(first_sent_at) AS firstSentAt
       FROM monitoring_hourly WHERE ${pages.sql} AND hour >= @a AND hour < @b${campaign}
       GROUP BY k`,
    )
    .all({ ...pages.params, campaignId: filter.campaignId ?? 0, a: hourLo, b: hourHi }) as (KeyedCounts & { k: number })[];
  const out = new Map<number, KeyedCounts>();
  for (const r of rows) addInto(out, r.k, r);
  return out;
}

/**
 * Step counts of the messages sent in [lo, hi), a range the caller has made settled. Whole
 * hours come from the rollup when it is fresh and answers H and the reply window; the
 * partial hours at either end, and everything else, from the messages.
 */
export function settledMessageCounts(
  db: Database,
  filter: ScopeFilter,
  lo: number,
  hi: number,
  p: FunnelParams,
  opts: { rollupFresh: boolean; byCampaign?: boolean },
): Map<number, KeyedCounts> {
  const byCampaign = opts.byCampaign ?? false;
  if (hi <= lo) return new Map();
  const rollup = opts.rollupFresh && ROLLUP_HORIZONS.has(p.horizonMs) && p.replyWindowMs === ROLLUP_REPLY_WINDOW_MS;
  if (!rollup) return rawMessageCounts(db, filter, lo, hi, p, byCampaign, opts.rollupFresh);
  const firstHour = lo === EARLIEST ? Math.floor(EARLIEST / HOUR_MS) : Math.ceil(lo / HOUR_MS);
  const endHour = Math.floor(hi / HOUR_MS);
  if (firstHour >= endHour) return rawMessageCounts(db, filter, lo, hi, p, byCampaign, true);
  const out = rollupMessageCounts(db, filter, firstHour, endHour, p.horizonMs, byCampaign);
  const edges: [number, number][] = [];
  if (lo !== EARLIEST && lo < firstHour * HOUR_MS) edges.push([lo, firstHour * HOUR_MS]);
  if (endHour * HOUR_MS < hi) edges.push([endHour * HOUR_MS, hi]);
  for (const [a, b] of edges) for (const [k, c] of rawMessageCounts(db, filter, a, b, p, byCampaign, true)) addInto(out, k, c);
  return out;
}

function countSends(db: Database, filter: ScopeFilter, lo: number, hi: number): number {
  if (hi <= lo) return 0;
  const cond = scopeCondition(filter);
  return db
    .prepare(`SELECT count(*) FROM ${SENDS} WHERE m.direction = 'out' AND ${cond.sql} AND m.sent_at >= @lo AND m.sent_at < @hi`)
    .pluck()
    .get({ ...cond.params, lo, hi }) as number;
}

/**
 * Contacts of the sends in [lo, hi): a contact is pending while none of its messages there
 * is settled, and reaches a step when one of its settled messages does.
 */
function contactCounts(
  db: Database,
  filter: ScopeFilter,
  lo: number,
  hi: number,
  settledBefore: number,
  p: FunnelParams,
  byCampaign: boolean,
  storedReplies: boolean,
): Map<number, KeyedCounts & { pending: number }> {
  const facts = messageFacts(filter, lo, hi, { ...p, settledBefore, storedReplies }, { campaignsOnly: byCampaign, settledOnlyReplies: true });
  const rows = db
    .prepare(
      `WITH x AS MATERIALIZED (${facts.sql}),
       per AS (
         SELECT ${byCampaign ? 'campaign_id' : '0'} AS k, contact_ref, max(settled) AS settled,
           count(*) FILTER (WHERE settled AND d <= @h) > 0 AS del, count(*) FILTER (WHERE settled AND s <= @h) > 0 AS seen,
           count(*) FILTER (WHERE rep) > 0 AS rep, min(sent_at) AS first
         FROM x GROUP BY k, contact_ref)
       SELECT k, count(*) FILTER (WHERE settled) AS sent, count(*) FILTER (WHERE NOT settled) AS pending,
         count(*) FILTER (WHERE del) AS delivered, count(*) FILTER (WHERE seen) AS seen, count(*) FILTER (WHERE rep) AS replied,
         count(*) FILTER (WHERE seen AND rep) AS seenReplied, min(first) AS firstSentAt
       FROM per GROUP BY k`,
    )
    .all(facts.params) as (KeyedCounts & { k: number; pending: number })[];
  return new Map(rows.map((r) => [r.k, r]));
}

export function settledBeforeOf(now: number, p: FunnelParams): number {
  return now - Math.max(p.horizonMs, p.replyWindowMs);
}

interface PeriodCounts {
  counts: StepCounts;
  pending: number;
}

function periodCounts(
  db: Database,
  basis: FunnelBasis,
  filter: ScopeFilter,
  lo: number,
  hi: number,
  settledBefore: number,
  p: FunnelParams,
  rollupFresh: boolean,
): PeriodCounts {
  if (basis === 'contacts') {
    const c = contactCounts(db, filter, lo, hi, settledBefore, p, false, rollupFresh).get(0);
    return { counts: c ?? zero(), pending: c?.pending ?? 0 };
  }
  const settled = settledMessageCounts(db, filter, lo, Math.min(hi, settledBefore), p, { rollupFresh }).get(0) ?? zero();
  return { counts: settled, pending: countSends(db, filter, Math.max(lo, settledBefore), hi) };
}

function ratesOf(c: StepCounts): FunnelRates {
  return { delivered: rate(c.delivered, c.sent), seen: rate(c.seen, c.sent), replied: rate(c.replied, c.sent) };
}

function changeOf(a: FunnelRates, b: FunnelRates) {
  return { delivered: difference(a.delivered, b.delivered), seen: difference(a.seen, b.seen), replied: difference(a.replied, b.replied) };
}

export function funnelSteps(c: StepCounts): FunnelStep[] {
  return [
    { step: 'sent', count: c.sent, rate: c.sent > 0 ? 1 : null, fromPrevious: null, drop: null, reachedWithoutPrevious: 0 },
    { step: 'delivered', count: c.delivered, rate: rate(c.delivered, c.sent), fromPrevious: rate(c.delivered, c.sent), drop: c.sent - c.delivered, reachedWithoutPrevious: 0 },
    { step: 'seen', count: c.seen, rate: rate(c.seen, c.sent), fromPrevious: rate(c.seen, c.delivered), drop: c.delivered - c.seen, reachedWithoutPrevious: 0 },
    {
      step: 'replied',
      count: c.replied,
      rate: rate(c.replied, c.sent),
      fromPrevious: rate(c.seenReplied, c.seen),
      drop: c.seen - c.seenReplied,
      reachedWithoutPrevious: c.replied - c.seenReplied,
    },
  ];
}

/**
 * Median over the workspace's past campaigns of each rate: campaigns other than the one
 * analysed, with settled messages, that started before it (or before the period, or now).
 */
function workspaceNormal(db: Database, basis: FunnelBasis, scope: Scope, settledBefore: number, p: FunnelParams, rollupFresh: boolean, cutoff: number) {
  const filter = { workspaceId: scope.workspaceId, pageId: scope.pageId, campaignId: null };
  const perCampaign =
    basis === 'contacts'
      ? contactCounts(db, filter, EARLIEST, LATEST, settledBefore, p, true, rollupFresh)
      : settledMessageCounts(db, filter, EARLIEST, settledBefore, p, { rollupFresh, byCampaign: true });
  const rates: FunnelRates[] = [];
  for (const [campaignId, c] of perCampaign) {
    if (campaignId === scope.campaignId || c.sent === 0 || c.firstSentAt >= cutoff) continue;
    rates.push(ratesOf(c));
  }
  const med = (pick: (r: FunnelRates) => number | null) => median(rates.map(pick).filter((v): v is number => v !== null));
  return { campaigns: rates.length, rates: { delivered: med((r) => r.delivered), seen: med((r) => r.seen), replied: med((r) => r.replied) } };
}

function firstSendOfCampaign(db: Database, campaignId: number): number | null {
  return db.prepare("SELECT min(sent_at) FROM messages WHERE campaign_id = ? AND direction = 'out'").pluck().get(campaignId) as number | null;
}

export function computeFunnel(db: Database, scope: Scope, basis: FunnelBasis, p: FunnelParams, compare: boolean): FunnelOutput {
  const settledBefore = settledBeforeOf(scope.now, p);
  const rollupFresh = refreshHourly(db, scope.workspaceId);
  const lo = scope.from ?? EARLIEST;
  const hi = scope.to ?? LATEST;
  const current = periodCounts(db, basis, scope, lo, hi, settledBefore, p, rollupFresh);
  const currentRates = ratesOf(current.counts);

  let previous: FunnelOutput['previous'] = null;
  if (compare && scope.from !== null && scope.to !== null) {
    const from = scope.from - (scope.to - scope.from);
    const prev = periodCounts(db, basis, scope, from, scope.from, settledBefore, p, rollupFresh);
    const rates = ratesOf(prev.counts);
    previous = { from, to: scope.from, sent: prev.counts.sent, pending: prev.pending, rates, change: changeOf(currentRates, rates) };
  }

  let normal: FunnelOutput['normal'] = null;
  if (compare) {
    const cutoff = (scope.campaignId !== null ? firstSendOfCampaign(db, scope.campaignId) : null) ?? scope.from ?? scope.now;
    const n = workspaceNormal(db, basis, scope, settledBefore, p, rollupFresh, cutoff);
    normal = { ...n, change: changeOf(currentRates, n.rates) };
  }

  return {
    basis,
    scope: echoScope(scope),
    horizonMs: p.horizonMs,
    replyWindowMs: p.replyWindowMs,
    now: scope.now,
    settledBefore,
    total: current.counts.sent + current.pending,
    pending: current.pending,
    steps: funnelSteps(current.counts),
    previous,
    normal,
  };
}

// ---------------------------------------------------------------------------------------------
// Drill-down

const MESSAGE_SEGMENT: Record<Exclude<FunnelSegment, 'pending'>, string> = {
  sent: '1',
  delivered: `${ED} - m.sent_at <= @h`,
  not_delivered: `NOT coalesce(${ED} - m.sent_at <= @h, 0)`,
  seen: 'm.read_at - m.sent_at <= @h',
  delivered_not_seen: `${ED} - m.sent_at <= @h AND NOT coalesce(m.read_at - m.sent_at <= @h, 0)`,
  replied: replied('m', '@replyWindowMs'),
  seen_not_replied: `m.read_at - m.sent_at <= @h AND NOT ${replied('m', '@replyWindowMs')}`,
  replied_not_seen: `${replied('m', '@replyWindowMs')} AND NOT coalesce(m.read_at - m.sent_at <= @h, 0)`,
};

const CONTACT_SEGMENT: Record<FunnelSegment, string> = {
  pending: 'messages = 0',
  sent: 'messages > 0',
  delivered: 'delivered > 0',
  not_delivered: 'messages > 0 AND delivered = 0',
  seen: 'seen > 0',
  delivered_not_seen: 'delivered > 0 AND seen = 0',
  replied: 'replied > 0',
  seen_not_replied: 'seen > 0 AND replied = 0',
  replied_not_seen: 'replied > 0 AND seen = 0',
};

function segmentTotal(segment: FunnelSegment, c: StepCounts, pending: number): number {
  switch (segment) {
    case 'pending':
      return pending;
    case 'sent':
      return c.sent;
    case 'delivered':
      return c.delivered;
    case 'not_delivered':
      return c.sent - c.delivered;
    case 'seen':
      return c.seen;
    case 'delivered_not_seen':
      return c.delivered - c.seen;
    case 'replied':
      return c.replied;
    case 'seen_not_replied':
      return c.seen - c.seenReplied;
    case 'replied_not_seen':
      return c.replied - c.seenReplied;
  }
}

interface MessageRowSql extends Omit<MessageRow, 'deliveredInferred' | 'repliedAt'> {
  deliveredInferred: number;
}

export function computeDrilldown(
  db: Database,
  scope: Scope,
  basis: FunnelBasis,
  p: FunnelParams,
  segment: FunnelSegment,
  limit: number,
  offset: number,
): FunnelDrilldownOutput {
  const settledBefore = settledBeforeOf(scope.now, p);
  const lo = scope.from ?? EARLIEST;
  const hi = scope.to ?? LATEST;
  const cond = scopeCondition(scope);
  const params = { ...cond.params, h: p.horizonMs, replyWindowMs: p.replyWindowMs, limit, offset, settledBefore };

  if (basis === 'contacts') {
    const facts = messageFacts(scope, lo, hi, { ...p, settledBefore, storedReplies: refreshHourly(db, scope.workspaceId) }, { campaignsOnly: false, settledOnlyReplies: true });
    const body = `WITH x AS MATERIALIZED (${facts.sql}),
      per AS (
        SELECT contact_ref, count(*) FILTER (WHERE settled) AS messages, count(*) FILTER (WHERE NOT settled) AS pendingMessages,
          count(*) FILTER (WHERE settled AND d <= @h) AS delivered, count(*) FILTER (WHERE settled AND s <= @h) AS seen,
          count(*) FILTER (WHERE rep) AS replied, max(sent_at) AS lastSentAt
        FROM x GROUP BY contact_ref)`;
    const rows = db
      .prepare(
        `${body}
         SELECT per.contact_ref AS contactId, c.psid, c.name, c.page_ref AS pageId, per.messages, per.pendingMessages,
           per.delivered, per.seen, per.replied, per.lastSentAt, count(*) OVER () AS total
         FROM per JOIN contacts c ON c.id = per.contact_ref
         WHERE ${CONTACT_SEGMENT[segment]}
         ORDER BY per.lastSentAt DESC, per.contact_ref DESC LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, ...facts.params }) as (ContactFunnelRow & { total: number })[];
    const total =
      rows[0]?.total ??
      (offset > 0
        ? (db.prepare(`${body} SELECT count(*) FROM per WHERE ${CONTACT_SEGMENT[segment]}`).pluck().get({ ...params, ...facts.params }) as number)
        : 0);
    return { basis, segment, total, limit, offset, items: rows.map(({ total: _t, ...r }) => r) };
  }

  const rollupFresh = refreshHourly(db, scope.workspaceId);
  const settled = settledMessageCounts(db, scope, lo, Math.min(hi, settledBefore), p, { rollupFresh }).get(0) ?? zero();
  const range = segment === 'pending' ? [Math.max(lo, settledBefore), hi] : [lo, Math.min(hi, settledBefore)];
  const total = segment === 'pending' ? countSends(db, scope, range[0]!, range[1]!) : segmentTotal(segment, settled, 0);
  const condition = segment === 'pending' ? '1' : MESSAGE_SEGMENT[segment];
  const rows =
    range[1]! <= range[0]!
      ? []
      : (db
          .prepare(
            `SELECT m.id AS messageId, m.mid, m.contact_ref AS contactId, c.psid, c.name, c.page_ref AS pageId,
               m.campaign_id AS campaignId, cp.name AS campaignName, m.sent_at AS sentAt, ${ED} AS deliveredAt,
               (m.delivered_inferred = 1 OR (m.delivered_at IS NULL AND m.read_at IS NOT NULL)) AS deliveredInferred, m.read_at AS readAt
             FROM ${SENDS} LEFT JOIN campaigns cp ON cp.id = m.campaign_id
             WHERE m.direction = 'out' AND ${cond.sql} AND m.sent_at >= @lo AND m.sent_at < @hi AND ${condition}
             ORDER BY m.sent_at DESC, m.id DESC LIMIT @limit OFFSET @offset`,
          )
          .all({ ...params, lo: range[0], hi: range[1] }) as MessageRowSql[]);
  const replyOf = db.prepare(
    `SELECT CASE WHEN fr < coalesce(ns, ${NEVER}) THEN fr END FROM (
       SELECT ${firstReplyWithin('m', '@replyWindowMs')} AS fr, ${nextSend('m')} AS ns FROM messages m WHERE m.id = @id)`,
  );
  const items: MessageRow[] = rows.map((r) => ({
    ...r,
    deliveredInferred: r.deliveredInferred === 1,
    repliedAt: (replyOf.pluck().get({ id: r.messageId, replyWindowMs: p.replyWindowMs }) as number | null) ?? null,
  }));
  return { basis, segment, total, limit, offset, items };
}
