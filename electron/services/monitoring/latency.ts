import type { Database } from 'better-sqlite3';
import type { LatencyOutput, SeenCurveOutput } from '../../../shared/domain/monitoring';
import { summarizeLatencies } from './latencyStats';
import { campaignOf, EARLIEST, echoScope, LATEST, scopeCondition, SENDS, type Scope } from './scope';
import { effectiveDelivered } from './sql';
import { zoneCalendar } from './zoneCalendar';

const ED = effectiveDelivered('m');
const INFERRED = '(m.delivered_inferred = 1 OR (m.delivered_at IS NULL AND m.read_at IS NOT NULL))';

/** A column sent as one comma-separated string; an empty item is "not measured" (NaN). */
function parseColumn(text: string | null, n: number): Float64Array {
  const out = new Float64Array(n);
  if (text === null) return out;
  let item = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && text.charCodeAt(i) !== 44) continue;
    out[item++] = i === start ? NaN : Number(text.slice(start, i));
    start = i + 1;
  }
  return out;
}

export function computeLatency(db: Database, scope: Scope, timeZone: string): LatencyOutput {
  const cond = scopeCondition(scope);
  // Three long strings in one row rather than a JavaScript row per message: crossing into
  // JavaScript row by row is what costs most on a million messages. The three aggregates
  // see the rows in the same order, so the columns stay aligned.
  const row = db
    .prepare(
      `SELECT count(*) AS n, count(*) FILTER (WHERE ${INFERRED}) AS inferred, min(m.sent_at) AS first, max(m.sent_at) AS last,
         group_concat(m.sent_at) AS sentAt,
         group_concat(coalesce(${ED} - m.sent_at, '')) AS toDelivered,
         group_concat(coalesce(CASE WHEN NOT ${INFERRED} AND m.delivered_at IS NOT NULL AND m.read_at IS NOT NULL THEN m.read_at - m.delivered_at END, '')) AS toSeen
       FROM ${SENDS}
       WHERE m.direction = 'out' AND ${cond.sql} AND m.sent_at >= @lo AND m.sent_at < @hi`,
    )
    .get({ ...cond.params, lo: scope.from ?? EARLIEST, hi: scope.to ?? LATEST }) as {
    n: number;
    inferred: number;
    first: number | null;
    last: number | null;
    sentAt: string | null;
    toDelivered: string | null;
    toSeen: string | null;
  };
  const n = row.n;
  const calendar = zoneCalendar(timeZone, row.first ?? scope.now, row.last ?? scope.now);
  const summary = summarizeLatencies(
    { n, sentAt: parseColumn(row.sentAt, n), toDelivered: parseColumn(row.toDelivered, n), toSeen: parseColumn(row.toSeen, n) },
    calendar,
  );
  return {
    scope: echoScope(scope),
    timeZone,
    messages: n,
    sentToDelivered: { ...summary.sentToDelivered, inferredDeliveries: row.inferred },
    deliveredToSeen: { ...summary.deliveredToSeen, leftOutInferred: row.inferred },
  };
}

/**
 * How fast a campaign was delivered and seen: cumulative counts every `stepMs` over
 * `spanMs`, from the campaign's first send (what share saw a one-hour promo inside its
 * hour) or from each message's own send. Points not observable yet are null.
 */
export function computeSeenCurve(
  db: Database,
  scope: Scope,
  opts: { origin: 'campaign_start' | 'each_send'; stepMs: number; spanMs: number },
): SeenCurveOutput {
  const campaignId = scope.campaignId!;
  const campaign = campaignOf(db, scope.workspaceId, campaignId);
  const cond = scopeCondition(scope);
  const rows = db
    .prepare(
      `SELECT m.sent_at AS sentAt, ${ED} AS deliveredAt, m.read_at AS readAt
       FROM ${SENDS}
       WHERE m.direction = 'out' AND ${cond.sql}`,
    )
    .all(cond.params) as { sentAt: number; deliveredAt: number | null; readAt: number | null }[];
  const messages = rows.length;
  let startedAt: number | null = null;
  let lastSent: number | null = null;
  for (const r of rows) {
    if (startedAt === null || r.sentAt < startedAt) startedAt = r.sentAt;
    if (lastSent === null || r.sentAt > lastSent) lastSent = r.sentAt;
  }
  const fromCampaignStart = opts.origin === 'campaign_start';
  const offsets = (pick: (r: (typeof rows)[number]) => number | null) =>
    Float64Array.from(
      rows.flatMap((r) => {
        const at = pick(r);
        return at === null ? [] : [at - (fromCampaignStart ? startedAt! : r.sentAt)];
      }),
    ).sort();
  const delivered = offsets((r) => r.deliveredAt);
  const seen = offsets((r) => r.readAt);
  // A point is known once every message has been out for its offset.
  const knownUntil = startedAt === null ? -1 : scope.now - (fromCampaignStart ? startedAt : lastSent!);
  const points: SeenCurveOutput['points'] = [];
  let d = 0;
  let s = 0;
  for (let offset = 0; offset <= opts.spanMs; offset += opts.stepMs) {
    while (d < delivered.length && delivered[d]! <= offset) d++;
    while (s < seen.length && seen[s]! <= offset) s++;
    const known = offset <= knownUntil;
    points.push({
      offsetMs: offset,
      delivered: known ? d : null,
      seen: known ? s : null,
      deliveredShare: known && messages > 0 ? d / messages : null,
      seenShare: known && messages > 0 ? s / messages : null,
    });
  }
  return {
    campaignId,
    campaignName: campaign.name,
    kind: campaign.kind,
    origin: opts.origin,
    startedAt,
    messages,
    stepMs: opts.stepMs,
    spanMs: opts.spanMs,
    points,
  };
}
