import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../services/db/store';
import { runDemoTask, runImportTask, type ImportTaskArgs } from '../services/imports/tasks';
import { runRelayPullTask, type RelayPullTaskArgs } from '../services/relay/pullTask';

/**
 * Runs one heavy task (an import, the demo) off the main thread, on its own
 * connection to the store: while it runs it is the store's only writer of bulk
 * data, and the window and the browser shell keep answering.
 */
export type WorkerTask = { kind: 'import'; args: ImportTaskArgs } | { kind: 'demo' } | { kind: 'relayPull'; args: RelayPullTaskArgs };
export interface WorkerInput {
  dataDir: string;
  nativeBinding?: string;
  task: WorkerTask;
}
export type WorkerMessage =
  | { type: 'progress'; progress: Record<string, unknown> }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: { code: string; message: string; details?: string[] } };

const input = workerData as WorkerInput;
const controller = new AbortController();
parentPort?.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') controller.abort();
});

const post = (m: WorkerMessage) => parentPort?.postMessage(m);
let lastPost = 0;
const progress = (p: Record<string, unknown>) => {
  const now = Date.now();
  if (now - lastPost < 100) return;
  lastPost = now;
  post({ type: 'progress', progress: p });
};

void (async () => {
  const store = openStore({ dataDir: input.dataDir, nativeBinding: input.nativeBinding });
  try {
    const result =
      input.task.kind === 'import'
        ? await runImportTask(store.db, input.task.args, progress, controller.signal)
        : input.task.kind === 'relayPull'
          ? await runRelayPullTask(store.db, input.dataDir, input.task.args, progress, controller.signal)
          : await runDemoTask(store.db, input.dataDir, progress, controller.signal);
    post({ type: 'done', result });
  } catch (e) {
    const err = e as { kind?: string; code?: string; message?: string; pageIds?: string[] };
    post({ type: 'error', error: { code: err.kind ?? err.code ?? 'FAILED', message: err.message ?? String(e), ...(err.pageIds?.length ? { details: err.pageIds } : {}) } });
  } finally {
    store.close();
  }
})();
