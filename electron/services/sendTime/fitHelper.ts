import os from 'node:os';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { runHelperTask, type FitHelper, type HelperTask } from '../../../shared/sendTime/helper';

/**
 * A second thread for send-time fits (see shared/sendTime/helper.ts). The fit is synchronous,
 * so the thread that asked waits on shared memory (Atomics) rather than on a message: its
 * own event loop is not running while it fits.
 */
const ROLE = 'relais-fit-helper';
const BUSY = 0;
const DONE = 1;
const FAILED = 2;
/** A helper that has not answered in this long is given up on, and the fit does its half itself. */
const DEFAULT_TIMEOUT_MS = 30_000;

export interface ThreadHelper extends FitHelper {
  close(): void;
}

/**
 * Starts a helper thread running `script`, a bundle whose entry calls `serveFitHelperIfAsked`
 * first. Null on a single-core machine, where a second thread would only compete.
 */
export function startFitHelper(script: string, options: { timeoutMs?: number } = {}): ThreadHelper | null {
  if (os.availableParallelism() < 2) return null;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const state = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(state, 0, DONE);
  let broken = false;
  const worker = new Worker(script, { workerData: { role: ROLE, state } });
  // A helper that fails to start or dies is a helper that does not answer: `wait` says so.
  worker.on('error', () => {
    broken = true;
  });
  worker.unref();
  return {
    shared: (length) => new Float64Array(new SharedArrayBuffer(8 * length)),
    post(task: HelperTask) {
      if (broken) return;
      Atomics.store(state, 0, BUSY);
      worker.postMessage(task);
    },
    wait() {
      if (broken) return false;
      const deadline = Date.now() + timeoutMs;
      while (Atomics.load(state, 0) === BUSY) {
        const left = deadline - Date.now();
        if (left <= 0 || Atomics.wait(state, 0, BUSY, left) === 'timed-out') {
          broken = true;
          return false;
        }
      }
      if (Atomics.load(state, 0) === FAILED) broken = true;
      return !broken;
    },
    close() {
      void worker.terminate();
    },
  };
}

/** In a thread started by `startFitHelper`: serves its tasks and returns true. Anywhere else: false. */
export function serveFitHelperIfAsked(): boolean {
  const data = workerData as { role?: string; state?: Int32Array } | null;
  if (!parentPort || data?.role !== ROLE || !data.state) return false;
  const state = data.state;
  parentPort.on('message', (task: HelperTask) => {
    let outcome = DONE;
    try {
      runHelperTask(task);
    } catch {
      outcome = FAILED;
    }
    Atomics.store(state, 0, outcome);
    Atomics.notify(state, 0);
  });
  return true;
}
