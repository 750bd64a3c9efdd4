import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, DatabaseFromFutureError, latestVersion, type Migration } from '../../../electron/services/db/migrate';
import { migrations } from '../../../electron/services/db/migrations';
import { DB_FILE_NAME, openStore, StoreError } from '../../../electron/services/db/store';
import { makeTempDir } from '../../support/tempDir';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.cleanup());

const tablesOf = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

/** The schema a fresh store reaches, as SQL text, to compare upgrade paths against. */
function schemaOf(db: Database.Database): string[] {
  return (db.prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name").all() as { type: string; name: string; sql: string }[]).map(
    (r) => `${r.type} ${r.name}: ${r.sql.replace(/\s+/g, ' ')}`,
  );
}

describe('migrations', () => {
  it('are numbered 1..n', () => {
    migrations.forEach((m, i) => expect(m.version).toBe(i + 1));
  });

  it('create a fresh store at the latest version, in WAL mode with foreign keys', () => {
    const store = openStore({ dataDir: tmp.dir });
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(latestVersion(migrations));
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(tablesOf(store.db)).toEqual(expect.arrayContaining(['workspaces', 'pages', 'contacts', 'conversations', 'messages', 'receipt_events', 'campaigns', 'variants', 'segments', 'sync_state', 'app_settings']));
      expect(store.migration).toMatchObject({ from: 0, backupPath: null });
    } finally {
      store.close();
    }
  });

  // Upgrade from every earlier version: build the database at version v with
  // the first v migrations, put data in, then open it with the current code.
  for (let v = 1; v < latestVersion(migrations); v++) {
    it(`upgrade from version ${v}: keeps data, reaches the fresh schema, backs up first`, () => {
      const file = path.join(tmp.dir, DB_FILE_NAME);
      const old = new Database(file);
      migrate(old, migrations.slice(0, v), { dbPath: null, backupDir: null });
      old.prepare("INSERT INTO workspaces (name, time_zone, locale, created_at, updated_at) VALUES ('Bistro', 'Europe/Paris', 'fr-FR', 1, 1)").run();
      old.close();

      const store = openStore({ dataDir: tmp.dir });
      try {
        expect(store.migration.from).toBe(v);
        expect(store.migration.to).toBe(latestVersion(migrations));
        expect(store.db.prepare('SELECT name FROM workspaces').all()).toEqual([{ name: 'Bistro' }]);
        // The backup is a real database at the old version with the old data.
        expect(store.migration.backupPath).not.toBeNull();
        const backup = new Database(store.migration.backupPath!, { readonly: true });
        expect(backup.pragma('user_version', { simple: true })).toBe(v);
        expect(backup.prepare('SELECT count(*) AS n FROM workspaces').get()).toEqual({ n: 1 });
        backup.close();

        const fresh = makeTempDir();
        const freshStore = openStore({ dataDir: fresh.dir });
        expect(schemaOf(store.db)).toEqual(schemaOf(freshStore.db));
        freshStore.close();
        fresh.cleanup();
      } finally {
        store.close();
      }
    });
  }

  it('refuse a database from a newer version, with a clear message, changing nothing', () => {
    const file = path.join(tmp.dir, DB_FILE_NAME);
    const future = new Database(file);
    future.pragma('user_version = 999');
    future.close();
    const before = fs.readFileSync(file);
    expect(() => openStore({ dataDir: tmp.dir })).toThrow(/newer version of Relais.*schema 999/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(path.join(tmp.dir, 'backups'))).toBe(false);
  });

  it('the runner itself refuses a newer database', () => {
    const db = new Database(':memory:');
    db.pragma(`user_version = ${latestVersion(migrations) + 1}`);
    expect(() => migrate(db, migrations, { dbPath: null, backupDir: null })).toThrow(DatabaseFromFutureError);
    db.close();
  });

  it('apply a migration and its version bump atomically: a failing migration leaves the previous version', () => {
    const broken: Migration[] = [...migrations, { version: migrations.length + 1, name: 'broken', up: 'CREATE TABLE ok_then (x); SELECT * FROM no_such_table;' }];
    const db = new Database(':memory:');
    expect(() => migrate(db, broken, { dbPath: null, backupDir: null })).toThrow(/no_such_table/);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(tablesOf(db)).not.toContain('ok_then');
    db.close();
  });

  it('refuse a file that is not SQLite and leave it untouched', () => {
    const file = path.join(tmp.dir, DB_FILE_NAME);
    const junk = Buffer.from('this is a spreadsheet, not a database\n'.repeat(20));
    fs.writeFileSync(file, junk);
    const err = (() => {
      try {
        openStore({ dataDir: tmp.dir });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).kind).toBe('not_sqlite');
    expect((err as Error).message).toMatch(/not a Relais database.*Nothing was changed/);
    expect(fs.readFileSync(file).equals(junk)).toBe(true);
    expect(fs.readdirSync(tmp.dir)).toEqual([DB_FILE_NAME]);
  });

  it('refuse a damaged SQLite file (valid header, garbage after) without writing', () => {
    const file = path.join(tmp.dir, DB_FILE_NAME);
    const damaged = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4096, 0xab)]);
    fs.writeFileSync(file, damaged);
    expect(() => openStore({ dataDir: tmp.dir })).toThrow(StoreError);
    expect(fs.readFileSync(file).equals(damaged)).toBe(true);
  });

  it('report a data folder that cannot be created clearly', () => {
    const blocker = path.join(tmp.dir, 'a-file');
    fs.writeFileSync(blocker, 'x');
    expect(() => openStore({ dataDir: path.join(blocker, 'data') })).toThrow(/cannot write to its data folder/);
  });

  // Root ignores permission bits, so this one only runs as a normal user.
  it.runIf(process.getuid?.() !== 0)('report a read-only data folder clearly', () => {
    fs.chmodSync(tmp.dir, 0o500);
    try {
      expect(() => openStore({ dataDir: tmp.dir })).toThrow(/cannot write to its data folder/);
    } finally {
      fs.chmodSync(tmp.dir, 0o700);
    }
  });
});
