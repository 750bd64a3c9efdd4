import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportProgress } from '../../../electron/services/ingest/importArchive';
import { runImportInWorker } from '../../../electron/services/ingest/runInWorker';
import { writeSyntheticArchive } from '../../../electron/services/ingest/syntheticArchive';
import { makeTempDir } from '../../support/tempDir';
import { bundleForNode } from './support/bundle';
import { freshStore } from './support/store';

let tmp: ReturnType<typeof makeTempDir>;
let workerFile: string;

beforeAll(async () => {
  tmp = makeTempDir('relais-ingest-large-');
  workerFile = path.join(tmp.dir, 'ingestWorker.cjs');
  await bundleForNode(fileURLToPath(new URL('../../../electron/services/ingest/worker.ts', import.meta.url)), workerFile);
}, 60_000);
afterAll(() => tmp.cleanup());

const MB = 1024 * 1024;

describe('a large archive streams in constant memory', () => {
  it('imports a 200 MB file with a 96 MB heap cap, and the process grows far less than the file', async () => {
    const archive = path.join(tmp.dir, 'large.ndjson');
    // Long texts make a big file of a manageable number of events (the texts are read, never stored).
    const generated = writeSyntheticArchive(archive, { events: 220_000, seed: 21, textLength: 1800 });
    expect(generated.bytes).toBeGreaterThan(200 * MB);
    const s = freshStore();
    try {
      const rssBefore = process.memoryUsage().rss;
      const growth: { at: number; rss: number }[] = [];
      const job = runImportInWorker({
        dataDir: s.store.dataDir,
        workerFile,
        options: { file: archive, workspaceId: s.workspaceId, addPages: true },
        // A reader that kept the file, or anything proportional to it, would die here.
        resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 },
      });
      job.progress.on('progress', (p: ImportProgress) => {
        if (p.phase === 'importing') growth.push({ at: p.bytesRead / p.totalBytes, rss: process.memoryUsage().rss - rssBefore });
      });
      const summary = await job.result;
      expect(summary).toMatchObject({ status: 'completed', events: generated.events, badLines: 0 });
      const peak = Math.max(...growth.map((g) => g.rss));
      const atHalf = growth.find((g) => g.at >= 0.5)!.rss;
      // Worker heap (≤ 112 MB) + SQLite page cache (64 MB) + native buffers: bounded, not the file.
      expect(peak).toBeLessThan(260 * MB);
      // The second half of the file adds (almost) nothing.
      expect(peak - atHalf).toBeLessThan(64 * MB);
    } finally {
      s.close();
      fs.rmSync(archive, { force: true });
    }
  }, 180_000);
});
