import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up: string | ((db: Database) => void);
}

export class DatabaseFromFutureError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This database was written by a newer version of Relais (schema ${found}; this version knows up to ${supported}). ` +
        'Update Relais, or choose another data folder with --data-dir. Nothing was changed.',
    );
    this.name = 'DatabaseFromFutureError';
  }
}

export function latestVersion(list: readonly Migration[]): number {
  return list.length === 0 ? 0 : list[list.length - 1]!.version;
}

function checkOrdered(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is not numbered 1..n (found ${m.version} at position ${i + 1})`);
  });
}

export interface MigrationOutcome {
  from: number;
  to: number;
  backupPath: string | null;
}

/**
 * Brings the database to the newest schema. Refuses a newer database, copies the
 * file aside before touching an existing one, and applies each migration in the
 * same transaction as its `user_version` bump, so a crash leaves a whole version.
 */
export function migrate(
  db: Database,
  list: readonly Migration[],
  opts: { dbPath: string | null; backupDir: string | null; now?: () => number },
): MigrationOutcome {
  checkOrdered(list);
  const target = latestVersion(list);
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > target) throw new DatabaseFromFutureError(from, target);
  if (from === target) return { from, to: target, backupPath: null };

  let backupPath: string | null = null;
  if (from > 0 && opts.dbPath && opts.backupDir) {
    fs.mkdirSync(opts.backupDir, { recursive: true });
    const stamp = new Date((opts.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
    backupPath = path.join(opts.backupDir, `${path.basename(opts.dbPath, '.sqlite')}-v${from}-${stamp}.sqlite`);
    // VACUUM INTO writes a consistent copy even in WAL mode, synchronously.
    db.prepare('VACUUM INTO ?').run(backupPath);
  }

  for (const m of list) {
    if (m.version <= from) continue;
    db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { from, to: target, backupPath };
}
