import type { Database, Statement } from 'better-sqlite3';
import type { BadLineReason } from '../../../shared/domain/webhook';
import type { ArchiveCursor, ArchiveFormat } from './archiveReader';

/** How many bad lines a run lists; all of them are counted. */
export const BAD_LINES_LISTED = 1000;

export interface ImportCounts {
  events: number;
  echoes: number;
  inbound: number;
  deliveries: number;
  reads: number;
  ignored: number;
  badLines: number;
  unverified: number;
}

export const zeroCounts = (): ImportCounts => ({ events: 0, echoes: 0, inbound: 0, deliveries: 0, reads: 0, ignored: 0, badLines: 0, unverified: 0 });

export interface BadLine {
  line: number;
  /** Position of the value in the file (equals the line for one value per line). */
  item: number;
  reason: BadLineReason;
  detail: string | null;
}

export interface ImportRun {
  id: number;
  workspaceId: number;
  fileName: string;
  fileSize: number;
  fingerprint: string;
  format: ArchiveFormat;
  addPages: boolean;
  status: 'running' | 'completed';
  cursor: ArchiveCursor;
  counts: ImportCounts;
  pagesAdded: string[];
  attempts: number;
  startedAt: number;
  finishedAt: number | null;
}

interface RunRow {
  id: number;
  workspace_id: number;
  file_name: string;
  file_size: number;
  fingerprint: string;
  format: ArchiveFormat;
  add_pages: number;
  status: 'running' | 'completed';
  committed_offset: number;
  committed_line: number;
  committed_item: number;
  events: number;
  echoes: number;
  inbound: number;
  deliveries: number;
  reads: number;
  ignored: number;
  bad_lines: number;
  unverified: number;
  pages_added: string;
  attempts: number;
  started_at: number;
  finished_at: number | null;
}

const toRun = (r: RunRow): ImportRun => ({
  id: r.id,
  workspaceId: r.workspace_id,
  fileName: r.file_name,
  fileSize: r.file_size,
  fingerprint: r.fingerprint,
  format: r.format,
  addPages: r.add_pages === 1,
  status: r.status,
  cursor: { offset: r.committed_offset, line: r.committed_line, item: r.committed_item },
  counts: {
    events: r.events,
    echoes: r.echoes,
    inbound: r.inbound,
    deliveries: r.deliveries,
    reads: r.reads,
    ignored: r.ignored,
    badLines: r.bad_lines,
    unverified: r.unverified,
  },
  pagesAdded: JSON.parse(r.pages_added) as string[],
  attempts: r.attempts,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/** The bookkeeping of archive imports: what was committed, how far, and what was set aside. */
export class ImportRuns {
  private readonly commitStmt: Statement;
  private readonly badLineStmt: Statement;

  constructor(private readonly db: Database) {
    this.commitStmt = db.prepare(`
      UPDATE import_runs SET
        committed_offset = ?, committed_line = ?, committed_item = ?,
        events = ?, echoes = ?, inbound = ?, deliveries = ?, reads = ?, ignored = ?, bad_lines = ?, unverified = ?,
        status = ?, updated_at = ?, finished_at = ?
      WHERE id = ?`);
    this.badLineStmt = db.prepare(
      'INSERT INTO import_bad_lines (run_id, item, line, reason, detail) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
  }

  find(workspaceId: number, fingerprint: string): ImportRun | null {
    const row = this.db.prepare('SELECT * FROM import_runs WHERE workspace_id = ? AND fingerprint = ?').get(workspaceId, fingerprint) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  get(id: number): ImportRun {
    return toRun(this.db.prepare('SELECT * FROM import_runs WHERE id = ?').get(id) as RunRow);
  }

  create(input: { workspaceId: number; fileName: string; fileSize: number; fingerprint: string; format: ArchiveFormat; addPages: boolean; pagesAdded: string[]; now: number }): number {
    const info = this.db
      .prepare(
        `INSERT INTO import_runs (workspace_id, file_name, file_size, fingerprint, format, add_pages, status, committed_line, pages_added, started_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'running', 1, ?, ?, ?)`,
      )
      .run(input.workspaceId, input.fileName, input.fileSize, input.fingerprint, input.format, input.addPages ? 1 : 0, JSON.stringify(input.pagesAdded), input.now, input.now);
    return Number(info.lastInsertRowid);
  }

  /** A new attempt at an unfinished run: keeps what was committed, records consent to add Pages once given. */
  resume(id: number, input: { fileName: string; addPages: boolean; pagesAdded: string[]; now: number }): void {
    this.db
      .prepare(
        `UPDATE import_runs SET attempts = attempts + 1, file_name = ?, add_pages = max(add_pages, ?), pages_added = ?, updated_at = ? WHERE id = ?`,
      )
      .run(input.fileName, input.addPages ? 1 : 0, JSON.stringify(input.pagesAdded), input.now, id);
  }

  /** Starts a run over from the first byte (a forced re-import); what it wrote stays, replays change nothing. */
  restart(id: number, input: { fileName: string; addPages: boolean; pagesAdded: string[]; now: number }): void {
    this.db.prepare('DELETE FROM import_bad_lines WHERE run_id = ?').run(id);
    this.db
      .prepare(
        `UPDATE import_runs SET status = 'running', committed_offset = 0, committed_line = 1, committed_item = 0,
           events = 0, echoes = 0, inbound = 0, deliveries = 0, reads = 0, ignored = 0, bad_lines = 0, unverified = 0,
           attempts = attempts + 1, file_name = ?, add_pages = ?, pages_added = ?, started_at = ?, updated_at = ?, finished_at = NULL
         WHERE id = ?`,
      )
      .run(input.fileName, input.addPages ? 1 : 0, JSON.stringify(input.pagesAdded), input.now, input.now, id);
  }

  /** Called inside the batch's transaction: the resume point moves only together with the rows it covers. */
  commit(id: number, cursor: ArchiveCursor, c: ImportCounts, completed: boolean, now: number): void {
    this.commitStmt.run(
      cursor.offset,
      cursor.line,
      cursor.item,
      c.events,
      c.echoes,
      c.inbound,
      c.deliveries,
      c.reads,
      c.ignored,
      c.badLines,
      c.unverified,
      completed ? 'completed' : 'running',
      now,
      completed ? now : null,
      id,
    );
  }

  addBadLine(id: number, bad: BadLine): void {
    this.badLineStmt.run(id, bad.item, bad.line, bad.reason, bad.detail);
  }

  badLines(id: number, limit = BAD_LINES_LISTED): BadLine[] {
    return this.db.prepare('SELECT line, item, reason, detail FROM import_bad_lines WHERE run_id = ? ORDER BY item LIMIT ?').all(id, limit) as BadLine[];
  }
}
