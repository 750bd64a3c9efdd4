import Database from 'better-sqlite3';
import { migrate } from '../../../electron/services/db/migrate';
import { migrations } from '../../../electron/services/db/migrations';
import { compileSegment } from '../../../electron/services/segments/compile';
import type { SegmentResolver, SegmentRule } from '../../../shared/domain/segmentRule';
import { evaluateSegment, type SegmentDataset } from '../../../shared/segments/evaluate';

/** A dataset plus the campaigns its messages point at (the evaluator does not need them). */
export interface TestDataset extends SegmentDataset {
  campaigns: readonly { id: number; workspaceId: number; variantIds: readonly number[] }[];
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
    const campaign = db.prepare("INSERT INTO campaigns (id, workspace_id, name, created_at) VALUES (?, ?, ?, 0)");
    const variant = db.prepare('INSERT INTO variants (id, campaign_id, name) VALUES (?, ?, ?)');
    for (const c of data.campaigns) {
      campaign.run(c.id, c.workspaceId, `campaign${c.id}`);
      for (const v of c.variantIds) variant.run(v, c.id, `variant${v}`);
    }
    const contact = db.prepare(
      `INSERT INTO contacts (id, page_ref, psid, locale, time_zone, first_inbound_at, last_inbound_at, consent_messenger, consent_sms, consent_email, opted_out_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const c of data.contacts) {
      contact.run(c.id, c.pageRef, `psid${c.id}`, c.locale, c.timeZone, c.firstInboundAt, c.lastInboundAt, Number(c.consentMessenger), Number(c.consentSms), Number(c.consentEmail), c.optedOutAt);
    }
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

export function sqlMembers(db: Database.Database, rule: SegmentRule, ctx: RunContext): number[] {
  const { sql, params } = compileSegment(rule, ctx);
  return db.prepare(sql).pluck().all(...params) as number[];
}

/** Members by both paths; throws (via the caller's expect) when they differ. */
export function bothMembers(db: Database.Database, data: SegmentDataset, rule: SegmentRule, ctx: RunContext): { sql: number[]; memory: number[] } {
  return { sql: sqlMembers(db, rule, ctx), memory: evaluateSegment(rule, data, ctx) };
}
