import { parentPort, workerData } from 'node:worker_threads';
import { ApiError, type ApiErrorBody } from '../../shared/api/errors';
import { openStore, type Store } from '../services/db/store';
import { runDemoTask, runImportTask, type ImportTaskArgs } from '../services/imports/tasks';
import { runRelayPullTask, type RelayPullTaskArgs } from '../services/relay/pullTask';
import { serveFitHelperIfAsked } from '../services/sendTime/fitHelper';
import { useFitHelperScript } from '../services/sendTime/history';
import { runSendTimeTask, type SendTimeTask } from '../services/sendTime/offThread';

/**
 * Runs one heavy task (an import, the demo) off the main thread, on its own
 * connection to the store: while it runs it is the store's only writer of bulk
 * data, and the window and the browser shell keep answering. A send-time task
 * only reads: it opens the store read-only, and the main process writes its result.
 */
export type WorkerTask =
  | { kind: 'import'; args: ImportTaskArgs }
  | { kind: 'demo' }
  | { kind: 'relayPull'; args: RelayPullTaskArgs }
  | { kind: 'sendTime'; args: SendTimeTask };
export interface WorkerInput {
  dataDir: string;
  nativeBinding?: string;
  task: WorkerTask;
}
export type WorkerMessage =
  | { type: 'progress'; progress: Record<string, unknown> }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: { code: string; message: string; details?: string[] } }
  /** An ApiError, relayed whole so the caller answers exactly what an in-process call would. */
  | { type: 'apiError'; error: ApiErrorBody };

// The same bundle also runs as the send-time fit's helper thread (see services/sendTime/fitHelper.ts).
if (!serveFitHelperIfAsked()) runJob();

function runJob(): void {
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

  async function run(store: Store, task: WorkerTask): Promise<unknown> {
    switch (task.kind) {
      case 'import':
        return runImportTask(store.db, task.args, progress, controller.signal);
      case 'relayPull':
        return runRelayPullTask(store.db, input.dataDir, task.args, progress, controller.signal);
      case 'demo':
        return runDemoTask(store.db, input.dataDir, progress, controller.signal);
      case 'sendTime':
        // This bundle serves fit helpers too: the fit hands it half of its EM sums and lifts.
        useFitHelperScript(__filename);
        return runSendTimeTask(store.db, task.args);
    }
  }

  void (async () => {
    let store: Store | null = null;
    try {
      store = openStore({ dataDir: input.dataDir, nativeBinding: input.nativeBinding, readonly: input.task.kind === 'sendTime' });
      post({ type: 'done', result: await run(store, input.task) });
    } catch (e) {
      if (e instanceof ApiError) {
        post({ type: 'apiError', error: e.toBody() });
        return;
      }
      const err = e as { kind?: string; code?: string; message?: string; pageIds?: string[] };
      post({ type: 'error', error: { code: err.kind ?? err.code ?? 'FAILED', message: err.message ?? String(e), ...(err.pageIds?.length ? { details: err.pageIds } : {}) } });
    } finally {
      store?.close();
      // The cancel listener keeps the thread alive otherwise: one idle thread left behind per task.
      parentPort?.unref();
    }
  })();
}
