import Database from 'better-sqlite3';
import { latestVersion, migrate, type Migration } from '../../../electron/services/db/migrate';
import { migrations } from '../../../electron/services/db/migrations';
import { experiments } from '../../../electron/services/db/migrations/005_experiments';

/**
 * The registered migrations plus 005_experiments. Until 004 lands, a no-op
 * stands in for it (test databases only) so the list stays numbered 1..n;
 * once 005 is registered the list is returned as is.
 */
export function withExperimentsSchema(list: readonly Migration[] = migrations): Migration[] {
  if (list.some((m) => m.version === experiments.version)) return [...list];
  const gaps: Migration[] = [];
  for (let version = latestVersion(list) + 1; version < experiments.version; version++) {
    gaps.push({ version, name: `test stand-in for migration ${version}`, up: '' });
  }
  return [...list, ...gaps, experiments];
}

/** Brings an open store (or any database) up to the experiments schema. */
export function applyExperimentsSchema(db: Database.Database): void {
  migrate(db, withExperimentsSchema(), { dbPath: null, backupDir: null });
}

export function openExperimentsDb(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  applyExperimentsSchema(db);
  return db;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function insertWorkspace(db: Database.Database, name = 'Bistro Léon'): number {
  return Number(
    db.prepare("INSERT INTO workspaces (name, time_zone, locale, created_at, updated_at) VALUES (?, 'Europe/Paris', 'fr-FR', 1, 1)").run(name).lastInsertRowid,
  );
}

export function insertPage(db: Database.Database, workspaceId: number, pageId = 'page-1'): number {
  return Number(db.prepare('INSERT INTO pages (workspace_id, page_id, created_at) VALUES (?, ?, 1)').run(workspaceId, pageId).lastInsertRowid);
}

/** A campaign with its variants, as the webhook importer would leave them. */
export function insertCampaign(db: Database.Database, workspaceId: number, ref: string, variants: readonly string[]): { campaignId: number; variantIds: number[] } {
  const campaignId = Number(
    db.prepare("INSERT INTO campaigns (workspace_id, name, kind, external_ref, created_at) VALUES (?, ?, 'flash_promo', ?, 1)").run(workspaceId, `Campaign ${ref}`, ref).lastInsertRowid,
  );
  const insert = db.prepare('INSERT INTO variants (campaign_id, name, external_ref) VALUES (?, ?, ?)');
  return { campaignId, variantIds: variants.map((name) => Number(insert.run(campaignId, name, name).lastInsertRowid)) };
}

export interface MessagePlan {
  psid: string;
  campaignId: number;
  variantId: number | null;
  sentAt: number;
  deliveredAt?: number | null;
  readAt?: number | null;
  /** When the contact wrote back, if they did. */
  replyAt?: number | null;
}

/** Writes contacts (created on first use) and their outbound message, plus an inbound reply when given. */
export function insertMessages(db: Database.Database, pageRef: number, plans: readonly MessagePlan[]): void {
  const findContact = db.prepare('SELECT id FROM contacts WHERE page_ref = ? AND psid = ?');
  const insertContact = db.prepare('INSERT INTO contacts (page_ref, psid) VALUES (?, ?)');
  const insertOut = db.prepare(
    "INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, read_at, campaign_id, variant_id) VALUES (?, ?, 'out', ?, 'echo', ?, ?, ?, ?)",
  );
  const insertIn = db.prepare("INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source) VALUES (?, ?, 'in', ?, 'inbound')");
  const counter = { n: (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n };
  db.transaction(() => {
    for (const p of plans) {
      const found = findContact.get(pageRef, p.psid) as { id: number } | undefined;
      const contact = found?.id ?? Number(insertContact.run(pageRef, p.psid).lastInsertRowid);
      insertOut.run(`m-${++counter.n}`, contact, p.sentAt, p.deliveredAt ?? null, p.readAt ?? null, p.campaignId, p.variantId);
      if (p.replyAt != null) insertIn.run(`m-${++counter.n}`, contact, p.replyAt);
    }
  })();
}
