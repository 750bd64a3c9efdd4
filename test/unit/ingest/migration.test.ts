import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/services/db/migrate';
import { migrations } from '../../../electron/services/db/migrations';
import { openStore } from '../../../electron/services/db/store';
import { makeTempDir } from '../../support/tempDir';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('relais-ingest-migration-');
});
afterEach(() => tmp.cleanup());

describe('schema for webhook ingestion', () => {
  it('adds import runs, pending mids and a unique identity for receipts', () => {
    const store = openStore({ dataDir: tmp.dir });
    try {
      const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(['import_runs', 'import_bad_lines', 'receipt_mids']));
      const index = store.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'receipt_events_identity'").get() as { sql: string };
      expect(index.sql).toContain('UNIQUE');
    } finally {
      store.close();
    }
  });

  it('collapses duplicate receipts written before it, keeping the first', () => {
    const file = path.join(tmp.dir, 'relais.sqlite');
    const db = new Database(file);
    const ingest = migrations.find((m) => m.name === 'webhook ingestion')!;
    migrate(db, migrations.slice(0, ingest.version - 1), { dbPath: null, backupDir: null });
    db.exec(`
      INSERT INTO workspaces (id, name, time_zone, locale, created_at, updated_at) VALUES (1, 'W', 'UTC', 'en', 0, 0);
      INSERT INTO pages (id, workspace_id, page_id, created_at) VALUES (1, 1, 'P', 0);
      INSERT INTO contacts (id, page_ref, psid) VALUES (1, 1, 'U');
      INSERT INTO receipt_events (contact_ref, kind, watermark, event_time, received_at) VALUES (1, 'read', 5, 6, 7), (1, 'read', 5, 6, 8), (1, 'read', 5, 9, 7);
    `);
    migrate(db, migrations.slice(0, ingest.version), { dbPath: null, backupDir: null });
    expect(db.prepare('SELECT event_time AS t, received_at AS r FROM receipt_events ORDER BY id').all()).toEqual([
      { t: 6, r: 7 },
      { t: 9, r: 7 },
    ]);
    expect(() => db.prepare("INSERT INTO receipt_events (contact_ref, kind, watermark, event_time, received_at) VALUES (1, 'read', 5, 6, 1)").run()).toThrow(/UNIQUE/);
    db.close();
  });
});
