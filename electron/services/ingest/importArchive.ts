import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { BadLineReason, MessagingEvent } from '../../../shared/domain/webhook';
import { storageErrorMessage } from '../db/store';
import { ArchiveReader, type ArchiveBytes, type ArchiveFormat } from './archiveReader';
import { scanArchive, type ArchiveScan } from './archiveScan';
import { eventsOfValue } from './archiveValue';
import { ImportError } from './errors';
import { BAD_LINES_LISTED, ImportRuns, zeroCounts, type BadLine, type ImportCounts, type ImportRun } from './importRuns';
import { ThreadWriter } from './threadWriter';

export interface ImportOptions {
  file: string;
  workspaceId: number;
  /** Pages found in the file but not in the workspace are added; without it the import stops first. */
  addPages?: boolean;
  /** Verifies wrapped lines' signatures; without it they are accepted and counted as unverified. */
  appSecret?: string | Uint8Array | null;
  /** Re-reads a file already imported (replays change nothing; useful after supplying the app secret). */
  force?: boolean;
  /** Values per transaction; each commit also saves the resume point. */
  batchSize?: number;
  maxValueBytes?: number;
  signal?: AbortSignal;
  /** Clock for the rows the import stamps (pages, runs); tests fix it. */
  now?: () => number;
}

export interface ImportProgress {
  phase: 'scanning' | 'importing';
  bytesRead: number;
  totalBytes: number;
  /** Values (lines or array elements) read in the import phase, including earlier attempts. */
  values: number;
  events: number;
  badLines: number;
  eventsPerSecond: number;
  /** Seconds left in the current phase; null until there is a rate to go by. */
  etaSeconds: number | null;
}

export type ImportStatus = 'completed' | 'already_imported' | 'cancelled';

export interface ImportSummary extends ImportCounts {
  status: ImportStatus;
  /** Null only when cancelled during the pre-scan, before anything was recorded. */
  runId: number | null;
  workspaceId: number;
  file: string;
  fingerprint: string | null;
  format: ArchiveFormat | null;
  bytes: number;
  values: number;
  badLineReport: BadLine[];
  pagesAdded: string[];
  /** Byte offset this attempt resumed from, when it continued an interrupted run. */
  resumedFrom: number | null;
  attempts: number;
  durationMs: number;
  /** Events applied per second by this attempt (pre-scan included). */
  eventsPerSecond: number;
}

/**
 * Connection settings while importing. Each checkpoint syncs the disk: at SQLite's default
 * (1000 WAL pages) a large import waits on those syncs more than it works. A batch dirties
 * index pages all over the file; a page cache that holds them all writes each once per commit
 * instead of spilling and rewriting it. Both are bounded (64 MiB each). The benchmark's ceiling
 * runs with the same settings.
 */
const IMPORT_PRAGMAS = { wal_autocheckpoint: 16384, cache_size: -65536 } as const;

/** Applies the import's connection settings for its duration; returns the undo. */
export function tuneForImport(db: Database): () => void {
  const previous = Object.keys(IMPORT_PRAGMAS).map((name) => [name, db.pragma(name, { simple: true })] as const);
  for (const [name, value] of Object.entries(IMPORT_PRAGMAS)) db.pragma(`${name} = ${value}`);
  return () => {
    for (const [name, value] of previous) if (Number.isInteger(value)) db.pragma(`${name} = ${value as number}`);
  };
}

/**
 * Values per transaction. Larger batches write each hot index page once for more rows; a
 * crash costs at most one batch of work, redone on resume.
 */
export const DEFAULT_BATCH_SIZE = 20_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function workspacePages(db: Database, workspaceId: number): Map<string, number> {
  const rows = db.prepare('SELECT id, page_id AS pageId FROM pages WHERE workspace_id = ?').all(workspaceId) as { id: number; pageId: string }[];
  return new Map(rows.map((r) => [r.pageId, r.id]));
}

function summaryOf(run: ImportRun, runs: ImportRuns, session: { status: ImportStatus; file: string; resumedFrom: number | null; started: number; events: number }): ImportSummary {
  const durationMs = Date.now() - session.started;
  return {
    ...run.counts,
    status: session.status,
    runId: run.id,
    workspaceId: run.workspaceId,
    file: session.file,
    fingerprint: run.fingerprint,
    format: run.format,
    bytes: run.fileSize,
    values: run.cursor.item,
    badLineReport: runs.badLines(run.id),
    pagesAdded: run.pagesAdded,
    resumedFrom: session.resumedFrom,
    attempts: run.attempts,
    durationMs,
    eventsPerSecond: durationMs > 0 ? Math.round((session.events * 1000) / durationMs) : 0,
  };
}

/**
 * Imports a webhook archive (NDJSON, or a JSON array) into a workspace.
 *
 * One pre-scan pass fingerprints the file and lists its Pages; nothing is written if a Page is
 * missing and `addPages` is off, or if this content was already imported. Then values are
 * applied in batches, each one transaction that also records the resume point, so a process
 * killed at any moment leaves a consistent database and a re-run finishes with exactly the rows
 * of an uninterrupted run. Bad lines are counted and listed; good lines are kept.
 *
 * Database work is synchronous on the caller's connection and never spans an await; between
 * batches the event loop runs, for progress messages and cancellation.
 */
export async function importArchive(db: Database, options: ImportOptions, onProgress?: (p: ImportProgress) => void): Promise<ImportSummary> {
  const started = Date.now();
  const now = options.now ?? Date.now;
  const file = path.resolve(options.file);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;

  if (db.prepare('SELECT 1 FROM workspaces WHERE id = ?').get(options.workspaceId) === undefined) {
    throw new ImportError('workspace_not_found', `Workspace ${options.workspaceId} does not exist.`);
  }
  let fd: number;
  let size: number;
  try {
    fd = fs.openSync(file, 'r');
    size = fs.fstatSync(fd).size;
  } catch (e) {
    throw new ImportError('file_unreadable', `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }

  const untune = tuneForImport(db);
  try {
    let scan: ArchiveScan;
    const scanStarted = Date.now();
    try {
      scan = await scanArchive(fd, size, {
        maxValueBytes: options.maxValueBytes,
        signal: options.signal,
        onBytes: (bytesRead) => {
          const seconds = (Date.now() - scanStarted) / 1000;
          const rate = seconds > 0 ? bytesRead / seconds : 0;
          onProgress?.({
            phase: 'scanning',
            bytesRead,
            totalBytes: size,
            values: 0,
            events: 0,
            badLines: 0,
            eventsPerSecond: 0,
            etaSeconds: rate > 0 ? Math.max(0, (size - bytesRead) / rate) : null,
          });
        },
      });
    } catch (e) {
      if (!options.signal?.aborted) throw e;
      return {
        ...zeroCounts(),
        status: 'cancelled',
        runId: null,
        workspaceId: options.workspaceId,
        file,
        fingerprint: null,
        format: null,
        bytes: size,
        values: 0,
        badLineReport: [],
        pagesAdded: [],
        resumedFrom: null,
        attempts: 0,
        durationMs: Date.now() - started,
        eventsPerSecond: 0,
      };
    }

    const runs = new ImportRuns(db);
    const previous = runs.find(options.workspaceId, scan.fingerprint);
    if (previous?.status === 'completed' && !options.force) {
      return summaryOf(previous, runs, { status: 'already_imported', file, resumedFrom: null, started, events: 0 });
    }

    const pageRefs = workspacePages(db, options.workspaceId);
    const missing = scan.pageIds.filter((id) => !pageRefs.has(id));
    // Consent given when the run started still holds when it resumes after a crash.
    const addPages = !!options.addPages || (previous?.status === 'running' && previous.addPages);
    if (missing.length > 0 && !addPages) {
      throw new ImportError(
        'pages_not_in_workspace',
        `This archive has events for ${missing.length === 1 ? 'a Page' : `${missing.length} Pages`} not in the workspace: ${missing.join(', ')}. ` +
          'Nothing was imported. Import again allowing new Pages to add them, or choose the workspace they belong to.',
        missing,
      );
    }

    const runId = db.transaction(() => {
      const t = now();
      const insertPage = db.prepare('INSERT INTO pages (workspace_id, page_id, created_at) VALUES (?, ?, ?)');
      for (const id of missing) pageRefs.set(id, Number(insertPage.run(options.workspaceId, id, t).lastInsertRowid));
      const pagesAdded = [...(previous?.pagesAdded ?? []), ...missing];
      const input = { fileName: path.basename(file), addPages, pagesAdded, now: t };
      if (previous === null) return runs.create({ ...input, workspaceId: options.workspaceId, fileSize: size, fingerprint: scan.fingerprint, format: scan.format });
      if (previous.status === 'completed') runs.restart(previous.id, input);
      else runs.resume(previous.id, input);
      return previous.id;
    })();
    const run = runs.get(runId);
    const resumedFrom = run.cursor.offset > 0 ? run.cursor.offset : null;

    const counts: ImportCounts = { ...run.counts };
    const writer = new ThreadWriter(db, options.workspaceId, pageRefs);
    const reader = new ArchiveReader(fd, { format: run.format, from: run.cursor, limit: size, maxValueBytes: options.maxValueBytes });
    const secret = options.appSecret ?? null;

    const setAside = (value: ArchiveBytes, reason: BadLineReason, detail: string | null) => {
      counts.badLines++;
      if (counts.badLines <= BAD_LINES_LISTED) runs.addBadLine(runId, { line: value.line, item: value.item, reason, detail });
    };

    const importValue = (value: ArchiveBytes): void => {
      const result = eventsOfValue(value, secret);
      if (!result.ok) return setAside(value, result.reason, result.detail);
      for (const e of result.events) {
        if (!pageRefs.has(e.pageId)) return setAside(value, 'page_not_in_workspace', `Page ${e.pageId}`);
      }
      for (const e of result.events) {
        batchEvents.push(e);
        switch (e.kind) {
          case 'echo':
            counts.echoes++;
            break;
          case 'inbound':
            counts.inbound++;
            break;
          case 'delivery':
            counts.deliveries++;
            break;
          case 'read':
            counts.reads++;
            break;
          case 'ignored':
            counts.ignored++;
            break;
        }
      }
      counts.events += result.events.length;
      if (result.wrapped === true && secret === null) counts.unverified++;
    };

    let done = false;
    let batchEvents: MessagingEvent[] = [];
    const applyBatch = db.transaction(() => {
      batchEvents = [];
      for (let n = 0; n < batchSize; n++) {
        const value = reader.nextBytes();
        if (value === null) {
          done = true;
          break;
        }
        importValue(value);
      }
      writer.applyBatch(batchEvents);
      runs.commit(runId, reader.cursor, counts, done, now());
    });

    const importStarted = Date.now();
    const eventsBefore = counts.events;
    const offsetBefore = run.cursor.offset;
    while (!done) {
      try {
        applyBatch();
      } catch (e) {
        // The batch rolled back; the run's committed point is where a new attempt resumes.
        const friendly = storageErrorMessage(e);
        if (friendly) throw new ImportError('storage', `${friendly} The import stopped at a consistent point; run it again to continue.`);
        throw e;
      }
      const seconds = (Date.now() - importStarted) / 1000;
      const offset = reader.cursor.offset;
      const byteRate = seconds > 0 ? (offset - offsetBefore) / seconds : 0;
      onProgress?.({
        phase: 'importing',
        bytesRead: offset,
        totalBytes: size,
        values: reader.cursor.item,
        events: counts.events,
        badLines: counts.badLines,
        eventsPerSecond: seconds > 0 ? Math.round((counts.events - eventsBefore) / seconds) : 0,
        etaSeconds: byteRate > 0 ? Math.max(0, (size - offset) / byteRate) : null,
      });
      if (done) break;
      await yieldToEventLoop();
      if (options.signal?.aborted) {
        return summaryOf(runs.get(runId), runs, { status: 'cancelled', file, resumedFrom, started, events: counts.events - eventsBefore });
      }
    }
    return summaryOf(runs.get(runId), runs, { status: 'completed', file, resumedFrom, started, events: counts.events - eventsBefore });
  } finally {
    untune();
    fs.closeSync(fd);
  }
}
