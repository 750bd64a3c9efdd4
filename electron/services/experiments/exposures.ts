import type { Database } from 'better-sqlite3';
import type { PrimaryMetric } from '../../../shared/domain/experiments';
import type { VariantCounts } from '../../../shared/stats';

/** A contact's first outbound message of a campaign: the moment the contact was exposed. */
export interface Exposure {
  contactRef: number;
  psid: string;
  variantId: number | null;
  sentAt: number;
  deliveredAt: number | null;
  readAt: number | null;
  /** First message from the contact after the exposure, if any. */
  firstReplyAt: number | null;
  /** 1 when the contact received more than one variant of the campaign. */
  severalVariants: 0 | 1;
}

// One row per contact: the window picks the first send (ties broken by id, i.e. insertion order).
// SQLite has no count(DISTINCT) over a window, so min <> max tells a contact who got several variants.
// %CAMPAIGNS% is replaced by fixed SQL below, never by input; values are bound parameters.
const FIRST_SENDS = `
  WITH sends AS (
    SELECT m.id, m.contact_ref, m.variant_id, m.sent_at, m.delivered_at, m.read_at,
      row_number() OVER (PARTITION BY m.campaign_id, m.contact_ref ORDER BY m.sent_at, m.id) AS rank,
      min(m.variant_id) OVER contact AS first_variant, max(m.variant_id) OVER contact AS last_variant
    FROM messages m
    WHERE m.direction = 'out' AND m.campaign_id IN (%CAMPAIGNS%)
    WINDOW contact AS (PARTITION BY m.campaign_id, m.contact_ref)
  )
  SELECT s.contact_ref AS contactRef, c.psid, s.variant_id AS variantId, s.sent_at AS sentAt,
    s.delivered_at AS deliveredAt, s.read_at AS readAt,
    coalesce(s.first_variant <> s.last_variant, 0) AS severalVariants,
    (SELECT min(i.sent_at) FROM messages i
      WHERE i.contact_ref = s.contact_ref AND i.direction = 'in' AND i.sent_at > s.sent_at) AS firstReplyAt
  FROM sends s JOIN contacts c ON c.id = s.contact_ref
  WHERE s.rank = 1
  ORDER BY s.sent_at, s.id`;

/** Exposures of one campaign. */
export function campaignExposures(db: Database, campaignId: number): Exposure[] {
  return db.prepare(FIRST_SENDS.replace('%CAMPAIGNS%', '?')).all(campaignId) as Exposure[];
}

/** Exposures of every other campaign of the workspace: the history a prior can be built from. */
export function historyExposures(db: Database, workspaceId: number, exceptCampaignId: number): Exposure[] {
  return db
    .prepare(FIRST_SENDS.replace('%CAMPAIGNS%', 'SELECT id FROM campaigns WHERE workspace_id = ? AND id <> ?'))
    .all(workspaceId, exceptCampaignId) as Exposure[];
}

export type Outcome = 'pending' | 'converted' | 'notConverted';

/** Metrics with a data source; clicked has none yet. */
export type ObservableMetric = Exclude<PrimaryMetric, 'clicked'>;

/** When the metric's event happened, or null. */
function eventTime(exposure: Exposure, metric: ObservableMetric): number | null {
  switch (metric) {
    case 'delivered':
      return exposure.deliveredAt;
    case 'seenWithin':
      return exposure.readAt;
    case 'replied':
      return exposure.firstReplyAt;
  }
}

/**
 * Judged H minutes after the send. A message younger than H is pending: its
 * contact may still convert, and counting it as a non-conversion would bias
 * every rate down (most for the variant sent last).
 */
export function outcome(exposure: Exposure, metric: ObservableMetric, horizonMs: number, now: number): Outcome {
  if (now - exposure.sentAt < horizonMs) return 'pending';
  const at = eventTime(exposure, metric);
  return at !== null && at - exposure.sentAt <= horizonMs ? 'converted' : 'notConverted';
}

/** Exposures and conversions of already-judged messages. */
export function countOutcomes(exposures: readonly Exposure[], metric: ObservableMetric, horizonMs: number, now: number): VariantCounts {
  let judged = 0;
  let converted = 0;
  for (const exposure of exposures) {
    const result = outcome(exposure, metric, horizonMs, now);
    if (result === 'pending') continue;
    judged++;
    if (result === 'converted') converted++;
  }
  return { exposures: judged, conversions: converted };
}
