import type { Database } from 'better-sqlite3';

export type SyncSource = 'relay' | 'receiver';

/** What we keep next to a cursor, for the status lines in the UI. */
export interface SyncProgress {
  lastAt: number | null;
  lastEvents: number | null;
  lastGap: boolean;
}

export interface SyncStateRow {
  workspaceId: number;
  sourceKey: string;
  cursor: string | null;
  progress: SyncProgress;
  updatedAt: number;
}

interface RawRow {
  workspace_id: number;
  source_key: string;
  cursor: string | null;
  progress: string | null;
  updated_at: number;
}

function parseProgress(text: string | null): SyncProgress {
  const empty: SyncProgress = { lastAt: null, lastEvents: null, lastGap: false };
  if (!text) return empty;
  try {
    const v = JSON.parse(text) as Partial<SyncProgress> | null;
    return {
      lastAt: typeof v?.lastAt === 'number' ? v.lastAt : null,
      lastEvents: typeof v?.lastEvents === 'number' ? v.lastEvents : null,
      lastGap: v?.lastGap === true,
    };
  } catch {
    // A row written by a future version: its cursor still counts, the status line starts over.
    return empty;
  }
}

const toRow = (r: RawRow): SyncStateRow => ({ workspaceId: r.workspace_id, sourceKey: r.source_key, cursor: r.cursor, progress: parseProgress(r.progress), updatedAt: r.updated_at });

export function getSyncState(db: Database, workspaceId: number, source: SyncSource, sourceKey: string): SyncStateRow | null {
  const r = db
    .prepare('SELECT workspace_id, source_key, cursor, progress, updated_at FROM sync_state WHERE workspace_id = ? AND source = ? AND source_key = ?')
    .get(workspaceId, source, sourceKey) as RawRow | undefined;
  return r ? toRow(r) : null;
}

/** The workspace's most recently saved row of a source (the relay it last pulled from). */
export function latestSyncState(db: Database, workspaceId: number, source: SyncSource): SyncStateRow | null {
  const r = db
    .prepare('SELECT workspace_id, source_key, cursor, progress, updated_at FROM sync_state WHERE workspace_id = ? AND source = ? ORDER BY updated_at DESC, id DESC LIMIT 1')
    .get(workspaceId, source) as RawRow | undefined;
  return r ? toRow(r) : null;
}

/** The most recent row of a source and key in any workspace (the receiver's store is shared by all of them). */
export function latestSyncStateForKey(db: Database, source: SyncSource, sourceKey: string): SyncStateRow | null {
  const r = db
    .prepare('SELECT workspace_id, source_key, cursor, progress, updated_at FROM sync_state WHERE source = ? AND source_key = ? ORDER BY updated_at DESC, id DESC LIMIT 1')
    .get(source, sourceKey) as RawRow | undefined;
  return r ? toRow(r) : null;
}

export function saveSyncState(db: Database, row: { workspaceId: number; source: SyncSource; sourceKey: string; cursor: string | null; progress: SyncProgress; now: number }): void {
  db.prepare(
    `INSERT INTO sync_state (workspace_id, source, source_key, cursor, progress, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (workspace_id, source, source_key) DO UPDATE SET cursor = excluded.cursor, progress = excluded.progress, updated_at = excluded.updated_at`,
  ).run(row.workspaceId, row.source, row.sourceKey, row.cursor, JSON.stringify(row.progress), row.now);
}
