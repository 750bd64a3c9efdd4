import type { Migration } from '../migrate';

/**
 * Webhook ingestion: receipts stored once whatever the replays, pending mid-receipts for
 * messages not seen yet, and import runs that can resume after a crash.
 */
export const ingest: Migration = {
  version: 3,
  name: 'webhook ingestion',
  up: `
    -- A receipt's identity: replays and duplicates collapse into one row (two deliveries that
    -- differ only in their mids become one listing both). The same index answers "earliest
    -- receipt at or above a watermark" for a newly arrived message from the index alone.
    DELETE FROM receipt_events WHERE id NOT IN (
      SELECT min(id) FROM receipt_events GROUP BY contact_ref, kind, watermark, event_time);
    DROP INDEX receipt_events_thread;
    CREATE UNIQUE INDEX receipt_events_identity ON receipt_events(contact_ref, kind, watermark, event_time);

    -- Deliveries that name (by mid) a message not seen yet. Applied and removed when it arrives;
    -- what remains names messages that never came.
    CREATE TABLE receipt_mids (
      mid TEXT NOT NULL,
      contact_ref INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      event_time INTEGER NOT NULL,
      PRIMARY KEY (mid, contact_ref)
    ) WITHOUT ROWID;
    CREATE INDEX receipt_mids_contact ON receipt_mids(contact_ref);

    -- One row per (workspace, file content). The committed point is written in the same
    -- transaction as the rows it covers, so a run killed at any moment resumes exactly there.
    CREATE TABLE import_runs (
      id INTEGER PRIMARY KEY,
      workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      file_name TEXT NOT NULL,
      file_size INTEGER NOT NULL,
      fingerprint TEXT NOT NULL,
      format TEXT NOT NULL CHECK (format IN ('ndjson', 'json_array')),
      add_pages INTEGER NOT NULL DEFAULT 0,
      status TEXT NOT NULL CHECK (status IN ('running', 'completed')),
      committed_offset INTEGER NOT NULL DEFAULT 0,
      committed_line INTEGER NOT NULL DEFAULT 0,
      committed_item INTEGER NOT NULL DEFAULT 0,
      events INTEGER NOT NULL DEFAULT 0,
      echoes INTEGER NOT NULL DEFAULT 0,
      inbound INTEGER NOT NULL DEFAULT 0,
      deliveries INTEGER NOT NULL DEFAULT 0,
      reads INTEGER NOT NULL DEFAULT 0,
      ignored INTEGER NOT NULL DEFAULT 0,
      bad_lines INTEGER NOT NULL DEFAULT 0,
      unverified INTEGER NOT NULL DEFAULT 0,
      pages_added TEXT NOT NULL DEFAULT '[]',
      attempts INTEGER NOT NULL DEFAULT 1,
      started_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      finished_at INTEGER,
      UNIQUE (workspace_id, fingerprint)
    );

    -- Every bad line is counted in import_runs.bad_lines; only the first ones are listed here.
    CREATE TABLE import_bad_lines (
      run_id INTEGER NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
      item INTEGER NOT NULL,
      line INTEGER NOT NULL,
      reason TEXT NOT NULL,
      detail TEXT,
      PRIMARY KEY (run_id, item)
    ) WITHOUT ROWID;
  `,
};
