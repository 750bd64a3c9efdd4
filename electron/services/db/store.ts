import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations';
import { latestVersion, migrate, type MigrationOutcome } from './migrate';
import { nativeBindingForRuntime } from './nativeBinding';

export const DB_FILE_NAME = 'relais.sqlite';
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** A failure the user can act on; its message is written for them, not for us. */
export class StoreError extends Error {
  constructor(
    readonly kind: 'not_sqlite' | 'data_dir_unwritable' | 'from_future' | 'disk_full' | 'open_failed',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface Store {
  db: Database.Database;
  path: string;
  dataDir: string;
  migration: MigrationOutcome;
  close(): void;
}

function assertSqliteFile(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return; // no file yet; the folder check below explains the rest
    throw new StoreError('open_failed', `Cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return; // an empty file is a database nobody wrote yet
    const head = Buffer.alloc(16);
    fs.readSync(fd, head, 0, 16, 0);
    if (size < 100 || !head.equals(SQLITE_HEADER)) {
      throw new StoreError(
        'not_sqlite',
        `${file} is not a Relais database (it is not an SQLite file, or it is damaged). Nothing was changed. ` +
          'Move it aside, restore a copy from the backups folder, or choose another data folder with --data-dir.',
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}

function assertWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.R_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new StoreError(
      code === 'ENOSPC' ? 'disk_full' : 'data_dir_unwritable',
      code === 'ENOSPC'
        ? `The disk holding ${dir} is full. Free some space and start Relais again.`
        : `Relais cannot write to its data folder ${dir} (${code ?? 'error'}). Check its permissions or choose another folder with --data-dir.`,
    );
  }
}

/** Translates SQLite's disk errors into messages a user can act on. */
export function storageErrorMessage(e: unknown): string | null {
  const code = (e as { code?: string }).code ?? '';
  if (code === 'SQLITE_FULL') return 'The disk is full: nothing was saved. Free some space and try again.';
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_'))
    return 'The data folder is read-only: nothing was saved. Check its permissions.';
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_')) return 'The disk reported an error: nothing was saved.';
  return null;
}

export interface OpenStoreOptions {
  dataDir: string;
  /** Electron passes the path of its own build of better-sqlite3; Node passes nothing. */
  nativeBinding?: string;
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the store of a data folder: WAL, foreign keys, a busy
 * timeout, then migrations. One Store is the app's single writer.
 */
export function openStore(opts: OpenStoreOptions): Store {
  const dataDir = path.resolve(opts.dataDir);
  const file = path.join(dataDir, DB_FILE_NAME);
  assertSqliteFile(file);
  if (!opts.readonly) assertWritableDir(dataDir);
  let db: Database.Database;
  try {
    db = new Database(file, {
      fileMustExist: !!opts.readonly,
      readonly: !!opts.readonly,
      nativeBinding: nativeBindingForRuntime(opts.nativeBinding),
    });
  } catch (e) {
    throw new StoreError('open_failed', `Cannot open ${file}: ${(e as Error).message}`);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const supported = latestVersion(migrations);
    if (version > supported) {
      throw new StoreError(
        'from_future',
        `${file} was written by a newer version of Relais (schema ${version}; this version knows up to ${supported}). ` +
          'Update Relais, or choose another data folder with --data-dir. Nothing was changed.',
      );
    }
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // The monitoring triggers write temporary b-trees on every receipt update.
    db.pragma('temp_store = MEMORY');
    const migration = opts.readonly
      ? { from: version, to: version, backupPath: null }
      : migrate(db, migrations, { dbPath: file, backupDir: path.join(dataDir, 'backups') });
    return { db, path: file, dataDir, migration, close: () => db.close() };
  } catch (e) {
    db.close();
    if (e instanceof StoreError) throw e;
    const friendly = storageErrorMessage(e);
    if (friendly) throw new StoreError('disk_full', friendly);
    if ((e as { code?: string }).code === 'SQLITE_NOTADB') {
      throw new StoreError('not_sqlite', `${file} is not a Relais database (damaged or not SQLite). Nothing was changed.`);
    }
    throw e;
  }
}
