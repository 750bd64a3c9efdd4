import fs from 'node:fs';
import type { Database } from 'better-sqlite3';

/** Tables whose row counts `relais db info` and the About page show. */
export const countedTables = [
  'workspaces',
  'pages',
  'contacts',
  'conversations',
  'messages',
  'receipt_events',
  'campaigns',
  'variants',
  'segments',
  'sync_state',
] as const;

export function dbInfo(db: Database, file: string) {
  const counts: Record<string, number> = {};
  for (const table of countedTables) {
    // Table names come from the constant list above, never from input.
    counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  let sizeBytes = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      sizeBytes += fs.statSync(f).size;
    } catch {
      /* the WAL file may not exist */
    }
  }
  return {
    path: file,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    sizeBytes,
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    counts,
  };
}
