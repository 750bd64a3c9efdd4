import { EventEmitter } from 'node:events';
import path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { ImportError } from './errors';
import type { ImportOptions, ImportProgress, ImportSummary } from './importArchive';

/** What crosses into the worker: plain data only (no signal, no clock). */
export type WorkerImportOptions = Omit<ImportOptions, 'signal' | 'now'>;

export interface ImportWorkerData {
  dataDir: string;
  nativeBinding?: string;
  options: WorkerImportOptions;
}

export type ImportWorkerCommand = { type: 'cancel' };

export interface SerializedImportError {
  name: string;
  message: string;
  kind: ImportError['kind'] | null;
  pageIds: string[];
}

export type ImportWorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'done'; summary: ImportSummary }
  | { type: 'error'; error: SerializedImportError };

export interface ImportInWorker {
  /** Resolves with the summary (status 'cancelled' after cancel()); rejects with an ImportError. */
  result: Promise<ImportSummary>;
  /** Emits 'progress' with an ImportProgress, from the scan and after every committed batch. */
  progress: EventEmitter;
  /** Stops at the next batch boundary; what was committed stays and a later run resumes from it. */
  cancel(): void;
}

export interface RunImportInWorkerOptions extends ImportWorkerData {
  /** The worker bundle; defaults to ingestWorker.cjs next to the running bundle. */
  workerFile?: string;
  /** Caps the worker's V8 heap: the import streams, so a small cap holds for any file size. */
  resourceLimits?: ResourceLimits;
}

export function defaultWorkerFile(): string {
  if (typeof __dirname !== 'string') throw new Error('runImportInWorker: pass workerFile (no bundle directory to find ingestWorker.cjs in).');
  return path.join(__dirname, 'ingestWorker.cjs');
}

export function toImportError(e: SerializedImportError): Error {
  if (e.kind !== null) return new ImportError(e.kind, e.message, e.pageIds);
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}

/**
 * Runs an import on a worker thread with its own connection to the database file, so the
 * window and the browser shell keep answering while it works. The worker is the only writer
 * for the duration; the caller's connection can keep reading (WAL).
 */
export function runImportInWorker(opts: RunImportInWorkerOptions): ImportInWorker {
  const progress = new EventEmitter();
  const data: ImportWorkerData = { dataDir: opts.dataDir, options: opts.options };
  if (opts.nativeBinding !== undefined) data.nativeBinding = opts.nativeBinding;
  const worker = new Worker(opts.workerFile ?? defaultWorkerFile(), { workerData: data, ...(opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {}) });
  let settled = false;
  const result = new Promise<ImportSummary>((resolve, reject) => {
    worker.on('message', (m: ImportWorkerMessage) => {
      if (m.type === 'progress') progress.emit('progress', m.progress);
      else if (m.type === 'done') {
        settled = true;
        resolve(m.summary);
      } else {
        settled = true;
        reject(toImportError(m.error));
      }
    });
    worker.on('error', (e) => {
      if (settled) return;
      settled = true;
      reject(new ImportError('worker_failed', `The import stopped unexpectedly: ${e.message}. What was committed is kept; run it again to continue.`));
    });
    worker.on('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new ImportError('worker_failed', `The import stopped unexpectedly (exit code ${code}). What was committed is kept; run it again to continue.`));
    });
  });
  return {
    result,
    progress,
    cancel: () => {
      if (!settled) worker.postMessage({ type: 'cancel' } satisfies ImportWorkerCommand);
    },
  };
}
