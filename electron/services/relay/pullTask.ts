import crypto from 'node:crypto';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { ImportResult } from '../../../shared/domain/imports';
import type { JobProgress } from '../../../shared/domain/jobs';
import type { RelayErrorCode, RelayPullResult } from '../../../shared/domain/relay';
import { toImportResult } from '../imports/tasks';
import { ImportError } from '../ingest/errors';
import { importArchive, type ImportProgress } from '../ingest/importArchive';
import { pullFromRelay, RelayPullError, type PullResult, type RetryOptions } from '../webhooks';
import { landAndImport } from './landing';
import { getSyncState, saveSyncState } from './syncState';

export interface RelayPullTaskArgs {
  workspaceId: number;
  /** Normalised relay address (shared/domain/relay RelayUrl). */
  url: string;
  /** Lives only in this task's memory: never written, logged or returned. */
  pullToken: string;
  addPages: boolean;
  restart: boolean;
}

/** Knobs for tests; the app uses the defaults. */
export interface RelayPullTaskOptions {
  retry?: RetryOptions;
  /** Events per page to ask the relay for. */
  limit?: number;
  now?: () => number;
}

export type ProgressSink = (p: Partial<JobProgress>) => void;

/** A relay pull that could not finish; `code` becomes the job's error code. */
export class RelayTaskError extends Error {
  constructor(
    readonly code: RelayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RelayTaskError';
  }
}

/**
 * Where a workspace's pulls from one relay land: per workspace and per relay, so a
 * cursor file never meets events of another relay. The host is in the name because
 * it is what the import history shows.
 */
export function relayLandingFile(dataDir: string, workspaceId: number, url: string): string {
  const host = url.replace(/^https?:\/\//, '').split('/')[0]!.replace(/[^a-z0-9.-]+/gi, '_');
  const hash = crypto.createHash('sha256').update(url).digest('hex').slice(0, 8);
  return path.join(dataDir, 'relay', `workspace-${workspaceId}`, `relay-${host}-${hash}.ndjson`);
}

function importProgress(p: ImportProgress): Partial<JobProgress> {
  return {
    phase: p.phase,
    done: p.bytesRead,
    total: p.totalBytes,
    unit: 'bytes',
    rate: p.eventsPerSecond > 0 ? p.eventsPerSecond : null,
    etaMs: p.etaSeconds === null ? null : p.etaSeconds * 1000,
    counters: { events: p.events, badLines: p.badLines },
  };
}

/** Belt and braces: whatever a lower layer put in a message, the token does not leave this task. */
function redact(message: string, token: string): string {
  return token.length > 0 ? message.split(token).join('…') : message;
}

function typedError(e: RelayPullError, token: string): Error {
  switch (e.code) {
    case 'RELAY_BAD_CURSOR':
      return new RelayTaskError(
        'RELAY_BAD_CURSOR',
        'The relay no longer recognises where the last pull stopped (its event store was replaced or reset). ' +
          'Pull everything again: the events it still keeps are fetched from the start and those already imported are recognised, not duplicated.',
      );
    case 'RELAY_UNAUTHORIZED':
      return new RelayTaskError('RELAY_UNAUTHORIZED', 'The relay refused the pull token: enter the value of RELAIS_PULL_TOKEN set on the relay.');
    case 'RELAY_UNAVAILABLE':
    case 'RELAY_PROTOCOL':
      return new RelayTaskError(e.code, redact(e.message, token));
    case 'PULL_ABORTED':
      return e;
  }
}

/**
 * Pulls a relay's new events into a workspace: into the landing file (cursor file = commit
 * point), through the webhook archive importer, then the cursor and the time into
 * sync_state. Runs in the job worker on its own connection; tests call it directly.
 */
export async function runRelayPullTask(
  db: Database,
  dataDir: string,
  args: RelayPullTaskArgs,
  progress: ProgressSink,
  signal: AbortSignal,
  opts: RelayPullTaskOptions = {},
): Promise<RelayPullResult> {
  const now = opts.now ?? Date.now;
  if (db.prepare('SELECT 1 FROM workspaces WHERE id = ?').get(args.workspaceId) === undefined) {
    throw new ImportError('workspace_not_found', `Workspace ${args.workspaceId} does not exist.`);
  }
  let pulled = 0;
  let pages = 0;
  let gap = false;
  const started = Date.now();

  const importFile = async (file: string): Promise<ImportResult> =>
    toImportResult(await importArchive(db, { file, workspaceId: args.workspaceId, addPages: args.addPages, signal }, (p) => progress(importProgress(p))));

  try {
    const landed = await landAndImport<PullResult>({
      file: relayLandingFile(dataDir, args.workspaceId, args.url),
      fetch: (sink) => {
        const stored = getSyncState(db, args.workspaceId, 'relay', args.url);
        // The landing file's cursor is never behind sync_state's (it commits first); the row covers a deleted file.
        const cursor = args.restart ? null : (sink.cursor ?? stored?.cursor ?? null);
        progress({ phase: 'pulling', unit: 'events', done: 0, total: null, rate: null, etaMs: null, counters: { events: 0, pages: 0 } });
        return pullFromRelay({
          url: args.url,
          pullToken: args.pullToken,
          cursor,
          signal,
          limit: opts.limit,
          retry: opts.retry,
          onBatch: async (lines, next) => {
            await sink.onBatch(lines, next);
            pulled += lines.length;
            pages++;
            const seconds = (Date.now() - started) / 1000;
            progress({ phase: 'pulling', unit: 'events', done: pulled, total: null, rate: seconds > 0 ? pulled / seconds : null, etaMs: null, counters: { events: pulled, pages } });
          },
        }).then((r) => {
          gap = r.gap;
          return r;
        });
      },
      importFile,
      commit: (cursor, outcome) => {
        const previous = getSyncState(db, args.workspaceId, 'relay', args.url);
        saveSyncState(db, {
          workspaceId: args.workspaceId,
          source: 'relay',
          sourceKey: args.url,
          cursor,
          // Recovering an earlier run, or a pull that broke off, moves the cursor but is not "the last pull" the UI reports.
          progress: outcome.complete ? { lastAt: now(), lastEvents: pulled, lastGap: gap } : (previous?.progress ?? { lastAt: null, lastEvents: null, lastGap: false }),
          now: now(),
        });
      },
    });
    return {
      url: args.url,
      pulled,
      pages: landed.fetched?.pages ?? pages,
      gap,
      restarted: args.restart,
      imported: landed.imported,
      recovered: landed.recovered,
    };
  } catch (e) {
    if (e instanceof RelayPullError) throw typedError(e, args.pullToken);
    if (e instanceof Error && !(e instanceof ImportError)) e.message = redact(e.message, args.pullToken);
    throw e;
  }
}
