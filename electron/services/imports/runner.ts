import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ApiError } from '../../../shared/api/errors';
import type { WorkerInput, WorkerMessage, WorkerTask } from '../../workers/jobWorker';
import type { AppContext } from '../context';
import type { JobHandle } from '../jobs';

/** The worker bundled next to the running bundle (dist/electron); null when running from source. */
export function bundledJobWorkerScript(): string | null {
  const next = path.join(__dirname, 'jobWorker.cjs');
  return fs.existsSync(next) ? next : null;
}

/** The bundled worker next to the running bundle (dist/electron), or the build output when running from source. */
export function jobWorkerScript(): string | null {
  const candidates = [path.join(__dirname, 'jobWorker.cjs'), path.join(process.cwd(), 'dist', 'electron', 'jobWorker.cjs')];
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}

class TaskError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
  }
}

export interface WorkerRun {
  signal?: AbortSignal;
  onProgress?: (p: Record<string, unknown>) => void;
}

/**
 * Runs a task in a fresh worker thread on `script`. An ApiError thrown in the worker comes back
 * as the same ApiError (code, message, issues); anything else as an error carrying its code.
 */
export function runInWorker(ctx: AppContext, script: string, task: WorkerTask, run: WorkerRun = {}): Promise<unknown> {
  const input: WorkerInput = { dataDir: ctx.store.dataDir, nativeBinding: ctx.nativeBinding, task };
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: input });
    let settled = false;
    const onAbort = () => worker.postMessage({ type: 'cancel' });
    run.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') run.onProgress?.(m.progress);
      else if (m.type === 'done') {
        settled = true;
        resolve(m.result);
      } else if (m.type === 'apiError') {
        settled = true;
        reject(ApiError.fromBody(m.error));
      } else if (m.type === 'error') {
        settled = true;
        reject(new TaskError(m.error.code, m.error.message, m.error.details));
      }
    });
    worker.on('error', (e) => {
      if (!settled) reject(new TaskError('worker_failed', e.message));
      settled = true;
    });
    worker.on('exit', (code) => {
      run.signal?.removeEventListener('abort', onAbort);
      if (!settled) reject(new TaskError('worker_failed', `The background worker stopped unexpectedly (exit ${code}).`));
    });
  });
}

/** Runs a task in a worker thread and relays its progress to the job. */
export function runTaskInWorker(ctx: AppContext, task: WorkerTask, job: JobHandle): Promise<unknown> {
  const script = ctx.workerScript ?? jobWorkerScript();
  if (!script) return Promise.reject(new TaskError('worker_missing', 'The background worker is not built: run "npm run build".'));
  return runInWorker(ctx, script, task, { signal: job.signal, onProgress: (p) => job.progress(p) });
}
