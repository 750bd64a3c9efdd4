import Database from 'better-sqlite3';
import { migrate } from '../../../electron/services/db/migrate';
import { migrations } from '../../../electron/services/db/migrations';
import { compileSegment } from '../../../electron/services/segments/compile';
import { refreshContactStats } from '../../../electron/services/segments/stats';
import { sentRangeOf } from '../../../electron/services/segments/query';
import type { CampaignKind } from '../../../shared/domain/monitoring';
import type { SegmentResolver, SegmentRule } from '../../../shared/domain/segmentRule';
import { evaluateSegment, type SegmentDataset } from '../../../shared/segments/evaluate';

/** A dataset plus the campaigns its messages point at (the evaluator does not need them). */
export interface TestDataset extends SegmentDataset {
  campaigns: readonly { id: number; workspaceId: number; kind?: CampaignKind; variantIds: readonly number[] }[];
}

export function freshDb(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations, { dbPath: null, backupDir: null });
  return db;
}

export function insertDataset(db: Database.Database, data: TestDataset): void {
  db.transaction(() => {
    const workspaces = new Set([...data.pages.map((p) => p.workspaceId), ...data.campaigns.map((c) => c.workspaceId)]);
    const ws = db.prepare("INSERT INTO workspaces (id, name, time_zone, locale, created_at, updated_at) VALUES (?, ?, 'UTC', 'fr', 0, 0)");
    for (const id of workspaces) ws.run(id, `ws${id}`);
    const page = db.prepare('INSERT INTO pages (id, workspace_id, page_id, created_at) VALUES (?, ?, ?, 0)');
    for (const p of data.pages) page.run(p.id, p.workspaceId, `page${p.id}`);
    const campaign = db.prepare('INSERT INTO campaigns (id, workspace_id, name, kind, created_at) VALUES (?, ?, ?, ?, 0)');
    const variant = db.prepare('INSERT INTO variants (id, campaign_id, name) VALUES (?, ?, ?)');
    for (const c of data.campaigns) {
      campaign.run(c.id, c.workspaceId, `campaign${c.id}`, c.kind ?? 'other');
      for (const v of c.variantIds) variant.run(v, c.id, `variant${v}`);
    }
    const contact = db.prepare(
      `INSERT INTO contacts (id, page_ref, psid, locale, time_zone, first_inbound_at, last_inbound_at, consent_messenger, consent_sms, consent_email, opted_out_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const c of data.contacts) {
      contact.run(c.id, c.pageRef, `psid${c.id}`, c.locale, c.timeZone, c.firstInboundAt, c.lastInboundAt, Number(c.consentMessenger), Number(c.consentSms), Number(c.consentEmail), c.optedOutAt);
    }
    const label = db.prepare('INSERT OR IGNORE INTO contact_labels (contact_ref, label) VALUES (?, ?)');
    for (const c of data.contacts) for (const l of c.labels ?? []) label.run(c.id, l);
    const message = db.prepare(
      `INSERT INTO messages (id, mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, read_at, campaign_id, variant_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const m of data.messages) {
      message.run(m.id, `mid${m.id}`, m.contactRef, m.direction, m.sentAt, m.direction === 'out' ? 'echo' : 'inbound', m.deliveredAt, m.readAt, m.campaignId, m.variantId);
    }
  })();
}

export interface RunContext {
  workspaceId: number;
  now: number;
  resolveSegment: SegmentResolver;
}

/** With `aggregates`, the per-contact totals are refreshed first and read where they answer. */
export function sqlMembers(db: Database.Database, rule: SegmentRule, ctx: RunContext, aggregates = false): number[] {
  if (aggregates && !refreshContactStats(db, ctx.workspaceId).fresh) throw new Error('stats not refreshed');
  const { sql, params } = compileSegment(rule, { ...ctx, aggregates, sentRange: aggregates ? sentRangeOf(db) : undefined });
  return db.prepare(sql).pluck().all(...params) as number[];
}

/** Members by both paths; throws (via the caller's expect) when they differ. */
export function bothMembers(db: Database.Database, data: SegmentDataset, rule: SegmentRule, ctx: RunContext): { sql: number[]; memory: number[] } {
  return { sql: sqlMembers(db, rule, ctx), memory: evaluateSegment(rule, data, ctx) };
}

/** Members by SQL without and with the per-contact totals, and in memory. */
export function allMembers(db: Database.Database, data: SegmentDataset, rule: SegmentRule, ctx: RunContext): { sql: number[]; aggregated: number[]; memory: number[] } {
  return { sql: sqlMembers(db, rule, ctx), aggregated: sqlMembers(db, rule, ctx, true), memory: evaluateSegment(rule, data, ctx) };
}
