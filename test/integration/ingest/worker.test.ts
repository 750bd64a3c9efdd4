import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError } from '../../../electron/services/ingest/errors';
import { importArchive, type ImportProgress } from '../../../electron/services/ingest/importArchive';
import { runImportInWorker } from '../../../electron/services/ingest/runInWorker';
import { writeSyntheticArchive } from '../../../electron/services/ingest/syntheticArchive';
import { makeTempDir } from '../../support/tempDir';
import { bundleForNode } from './support/bundle';
import { addPage, domainView, freshStore } from './support/store';

let tmp: ReturnType<typeof makeTempDir>;
let workerFile: string;
let archive: string;
const PAGE = '333000000000001';

beforeAll(async () => {
  tmp = makeTempDir('relais-ingest-worker-');
  workerFile = path.join(tmp.dir, 'ingestWorker.cjs');
  await bundleForNode(fileURLToPath(new URL('../../../electron/services/ingest/worker.ts', import.meta.url)), workerFile);
  archive = path.join(tmp.dir, 'archive.ndjson');
  writeSyntheticArchive(archive, { events: 60_000, seed: 5, pageIds: [PAGE] });
}, 60_000);
afterAll(() => tmp.cleanup());

describe('import on a worker thread', () => {
  it('imports through its own connection while the main thread keeps answering and reading', async () => {
    const s = freshStore();
    const direct = freshStore();
    try {
      const job = runImportInWorker({ dataDir: s.store.dataDir, workerFile, options: { file: archive, workspaceId: s.workspaceId, addPages: true, batchSize: 2000 } });
      const progress: ImportProgress[] = [];
      job.progress.on('progress', (p: ImportProgress) => progress.push(p));
      // The main thread's own connection keeps reading while the worker writes (WAL).
      let reads = 0;
      let lastTick = Date.now();
      let worstGap = 0;
      const timer = setInterval(() => {
        const now = Date.now();
        worstGap = Math.max(worstGap, now - lastTick);
        lastTick = now;
        s.db.prepare('SELECT count(*) AS n FROM messages').get();
        reads++;
      }, 5);
      const summary = await job.result.finally(() => clearInterval(timer));
      expect(summary).toMatchObject({ status: 'completed', events: 60_000, badLines: 0 });
      expect(progress.some((p) => p.phase === 'scanning')).toBe(true);
      const importing = progress.filter((p) => p.phase === 'importing');
      expect(importing.length).toBeGreaterThan(5);
      expect(importing.at(-1)).toMatchObject({ bytesRead: importing.at(-1)!.totalBytes, events: 60_000 });
      expect(reads).toBeGreaterThan(10);
      // Generous: the machine may be shared, but a blocked main thread would stall for the whole import.
      expect(worstGap).toBeLessThan(1000);

      await importArchive(direct.db, { file: archive, workspaceId: direct.workspaceId, addPages: true });
      expect(domainView(s.db)).toEqual(domainView(direct.db));
    } finally {
      s.close();
      direct.close();
    }
  }, 120_000);

  it('cancels at a batch boundary; a later run continues from there', async () => {
    const s = freshStore();
    try {
      const job = runImportInWorker({ dataDir: s.store.dataDir, workerFile, options: { file: archive, workspaceId: s.workspaceId, addPages: true, batchSize: 1000 } });
      job.progress.on('progress', (p: ImportProgress) => {
        if (p.phase === 'importing') job.cancel();
      });
      const first = await job.result;
      expect(first.status).toBe('cancelled');
      expect(first.events).toBeLessThan(60_000);
      const second = await runImportInWorker({ dataDir: s.store.dataDir, workerFile, options: { file: archive, workspaceId: s.workspaceId, addPages: true } }).result;
      expect(second).toMatchObject({ status: 'completed', events: 60_000 });
      expect(second.resumedFrom).toBeGreaterThan(0);
    } finally {
      s.close();
    }
  }, 120_000);

  it('reports a refused import as the same ImportError, with the missing Pages', async () => {
    const s = freshStore();
    try {
      addPage(s.db, s.workspaceId, '333000000000999');
      const error = await runImportInWorker({ dataDir: s.store.dataDir, workerFile, options: { file: archive, workspaceId: s.workspaceId } }).result.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportError);
      expect(error).toMatchObject({ kind: 'pages_not_in_workspace', pageIds: [PAGE] });
      expect((s.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(0);
    } finally {
      s.close();
    }
  }, 60_000);
});
