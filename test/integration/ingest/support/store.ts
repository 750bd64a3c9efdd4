import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { openStore, type Store } from '../../../../electron/services/db/store';
import { makeTempDir } from '../../../support/tempDir';
import type { ExpectedContact, ExpectedMessage } from './scenario';

/** A fixed clock, so two imports of the same file stamp identical rows. */
export const FIXED_NOW = () => Date.UTC(2026, 5, 1, 8, 0, 0);

export interface TestStore {
  store: Store;
  db: Database;
  dir: string;
  workspaceId: number;
  /** Writes an archive file next to the store. */
  write(name: string, lines: string[] | string): string;
  close(): void;
}

export function freshStore(prefix = 'relais-ingest-'): TestStore {
  const tmp = makeTempDir(prefix);
  const store = openStore({ dataDir: path.join(tmp.dir, 'data') });
  const t = FIXED_NOW();
  const workspaceId = Number(
    store.db.prepare('INSERT INTO workspaces (name, time_zone, locale, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('Le Petit Zinc', 'Europe/Paris', 'fr-FR', t, t)
      .lastInsertRowid,
  );
  return {
    store,
    db: store.db,
    dir: tmp.dir,
    workspaceId,
    write(name, lines) {
      const file = path.join(tmp.dir, name);
      fs.writeFileSync(file, typeof lines === 'string' ? lines : lines.map((l) => `${l}\n`).join(''));
      return file;
    },
    close() {
      store.close();
      tmp.cleanup();
    },
  };
}

export function addPage(db: Database, workspaceId: number, pageId: string): void {
  db.prepare('INSERT INTO pages (workspace_id, page_id, created_at) VALUES (?, ?, ?)').run(workspaceId, pageId, FIXED_NOW());
}

/** The store as the domain sees it: natural keys only, so row ids and insertion order do not matter. */
export function domainView(db: Database): { messages: ExpectedMessage[]; contacts: ExpectedContact[]; receipts: unknown[]; pendingMids: unknown[]; campaigns: unknown[] } {
  const messages = db
    .prepare(
      `SELECT m.mid, p.page_id AS pageId, c.psid, m.direction, m.sent_at AS sentAt, m.delivered_at AS deliveredAt,
              m.delivered_inferred AS inferred, m.read_at AS readAt, ca.external_ref AS campaign, v.name AS variant
       FROM messages m JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref
       LEFT JOIN campaigns ca ON ca.id = m.campaign_id LEFT JOIN variants v ON v.id = m.variant_id
       ORDER BY m.mid`,
    )
    .all() as ExpectedMessage[];
  const contacts = db
    .prepare(
      `SELECT p.page_id AS pageId, c.psid, c.first_inbound_at AS firstInbound, c.last_inbound_at AS lastInbound
       FROM contacts c JOIN pages p ON p.id = c.page_ref ORDER BY p.page_id || '/' || c.psid`,
    )
    .all() as ExpectedContact[];
  const receipts = db
    .prepare(
      `SELECT p.page_id AS pageId, c.psid, r.kind, r.watermark, r.event_time AS eventTime, r.mids, r.received_at AS receivedAt
       FROM receipt_events r JOIN contacts c ON c.id = r.contact_ref JOIN pages p ON p.id = c.page_ref
       ORDER BY pageId, c.psid, r.kind, r.watermark, r.event_time`,
    )
    .all();
  const pendingMids = db
    .prepare(
      `SELECT r.mid, p.page_id AS pageId, c.psid, r.event_time AS eventTime
       FROM receipt_mids r JOIN contacts c ON c.id = r.contact_ref JOIN pages p ON p.id = c.page_ref ORDER BY r.mid, pageId, c.psid`,
    )
    .all();
  const campaigns = db
    .prepare(
      `SELECT ca.external_ref AS ref, ca.name, ca.kind, ca.created_at AS createdAt, group_concat(v.name) AS variants
       FROM campaigns ca LEFT JOIN (SELECT * FROM variants ORDER BY name) v ON v.campaign_id = ca.id GROUP BY ca.id ORDER BY ca.external_ref`,
    )
    .all();
  return { messages, contacts, receipts, pendingMids, campaigns };
}

const TABLES = ['pages', 'contacts', 'campaigns', 'variants', 'messages', 'receipt_events', 'receipt_mids', 'import_runs', 'import_bad_lines'] as const;

/**
 * Every row of every table the import writes, row ids included: what "the same database as an
 * uninterrupted run" means. Only the number of attempts of the run differs by construction.
 */
export function fullDump(db: Database): Record<string, unknown[]> {
  const dump: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const rows = db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
    const key = (r: Record<string, unknown>) => JSON.stringify(r);
    dump[table] = rows
      .map((r) => {
        if (table !== 'import_runs') return r;
        const { attempts: _attempts, ...rest } = r;
        return rest;
      })
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return dump;
}

export function countRows(db: Database): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return counts;
}
