import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../db/store';
import { ImportError } from './errors';
import { importArchive } from './importArchive';
import type { ImportWorkerCommand, ImportWorkerData, ImportWorkerMessage, SerializedImportError } from './runInWorker';

/**
 * Entry of the import worker (bundled as ingestWorker.cjs). It opens its own connection to the
 * store, runs one import, reports progress, and exits.
 */
const port = parentPort;
if (port === null) throw new Error('ingest worker: start it with worker_threads');

const data = workerData as ImportWorkerData;
const controller = new AbortController();
const post = (m: ImportWorkerMessage) => port.postMessage(m);

port.on('message', (m: ImportWorkerCommand) => {
  if (m.type === 'cancel') controller.abort();
});

function serialize(e: unknown): SerializedImportError {
  if (e instanceof ImportError) return { name: e.name, message: e.message, kind: e.kind, pageIds: e.pageIds };
  const error = e instanceof Error ? e : new Error(String(e));
  return { name: error.name, message: error.message, kind: null, pageIds: [] };
}

void (async () => {
  try {
    const store = openStore({ dataDir: data.dataDir, nativeBinding: data.nativeBinding });
    try {
      const summary = await importArchive(store.db, { ...data.options, signal: controller.signal }, (progress) => post({ type: 'progress', progress }));
      post({ type: 'done', summary });
    } finally {
      store.close();
    }
  } catch (e) {
    post({ type: 'error', error: serialize(e) });
  } finally {
    port.close();
  }
})();
