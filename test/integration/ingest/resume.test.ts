import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/services/db/store';
import { importArchive } from '../../../electron/services/ingest/importArchive';
import { writeSyntheticArchive } from '../../../electron/services/ingest/syntheticArchive';
import { makeTempDir } from '../../support/tempDir';
import { bundleForNode } from './support/bundle';
import { FIXED_NOW, freshStore, fullDump, type TestStore } from './support/store';

let tmp: ReturnType<typeof makeTempDir>;
let child: string;
let archive: string;
let archiveBytes: number;
const BATCH = 400;

beforeAll(async () => {
  tmp = makeTempDir('relais-ingest-resume-');
  child = path.join(tmp.dir, 'importChild.cjs');
  await bundleForNode(fileURLToPath(new URL('./support/importChild.ts', import.meta.url)), child);
  archive = path.join(tmp.dir, 'archive.ndjson');
  archiveBytes = writeSyntheticArchive(archive, { events: 40_000, seed: 11, pageIds: ['222000000000001', '222000000000002'] }).bytes;
}, 60_000);
afterAll(() => tmp.cleanup());

interface Line {
  values?: number;
  done?: string;
  resumedFrom?: number | null;
}

/** Runs the child; with killAfter, sends SIGKILL once it has committed that many batches. */
function runChild(s: TestStore, killAfter: number | null): Promise<{ lines: Line[]; signal: NodeJS.Signals | null }> {
  const proc = spawn(process.execPath, [child], {
    env: { ...process.env, RELAIS_INGEST_CHILD: JSON.stringify({ dataDir: s.store.dataDir, file: archive, workspaceId: s.workspaceId, batchSize: BATCH, now: FIXED_NOW() }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  readline.createInterface({ input: proc.stdout }).on('line', (l) => {
    lines.push(JSON.parse(l) as Line);
    if (killAfter !== null && lines.length === killAfter) proc.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    proc.on('exit', (code, signal) => {
      if (signal === null && code !== 0) reject(new Error(`child failed (${code}): ${stderr}`));
      else resolve({ lines, signal });
    });
  });
}

function committed(s: TestStore): { status: string; offset: number; messages: number } {
  const run = s.db.prepare('SELECT status, committed_offset AS offset FROM import_runs').get() as { status: string; offset: number };
  const { n } = s.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
  return { ...run, messages: n };
}

describe('an import killed with SIGKILL resumes to exactly the rows of an uninterrupted run', () => {
  it('kill -9 twice mid-import, then finish: every table equal, row for row', async () => {
    const reference = freshStore();
    const crashed = freshStore();
    try {
      const whole = await importArchive(reference.db, { file: archive, workspaceId: reference.workspaceId, addPages: true, batchSize: BATCH, now: FIXED_NOW });
      expect(whole.status).toBe('completed');

      // The child is the only writer while it runs.
      crashed.store.close();
      const first = await runChild(crashed, 3);
      expect(first.signal).toBe('SIGKILL');
      const second = await runChild(crashed, 12);
      expect(second.signal).toBe('SIGKILL');

      const reopened = openStore({ dataDir: crashed.store.dataDir });
      const afterKill = { ...crashed, store: reopened, db: reopened.db };
      const state = committed(afterKill);
      expect(state.status).toBe('running');
      expect(state.offset).toBeGreaterThan(0);
      expect(state.offset).toBeLessThan(archiveBytes);
      expect(state.messages).toBeLessThan(whole.echoes + whole.inbound);
      reopened.close();

      const last = await runChild(crashed, null);
      expect(last.lines.at(-1)).toMatchObject({ done: 'completed', resumedFrom: state.offset });

      const final = openStore({ dataDir: crashed.store.dataDir });
      try {
        expect(fullDump(final.db)).toEqual(fullDump(reference.db));
        expect((final.db.prepare('SELECT attempts FROM import_runs').get() as { attempts: number }).attempts).toBe(3);
      } finally {
        final.close();
      }
    } finally {
      reference.close();
      crashed.close();
    }
  }, 120_000);

  it('cancelled at a batch boundary and run again: the same rows, and the report says where it resumed', async () => {
    const reference = freshStore();
    const resumed = freshStore();
    try {
      await importArchive(reference.db, { file: archive, workspaceId: reference.workspaceId, addPages: true, batchSize: BATCH, now: FIXED_NOW });
      const controller = new AbortController();
      const first = await importArchive(
        resumed.db,
        { file: archive, workspaceId: resumed.workspaceId, addPages: true, batchSize: BATCH, now: FIXED_NOW, signal: controller.signal },
        (p) => {
          if (p.phase === 'importing' && p.bytesRead > archiveBytes / 2) controller.abort();
        },
      );
      expect(first.status).toBe('cancelled');
      const second = await importArchive(resumed.db, { file: archive, workspaceId: resumed.workspaceId, addPages: true, batchSize: BATCH, now: FIXED_NOW });
      expect(second.status).toBe('completed');
      expect(second.resumedFrom).toBeGreaterThan(archiveBytes / 2);
      expect(second.events).toBe(40_000);
      expect(fullDump(resumed.db)).toEqual(fullDump(reference.db));
    } finally {
      reference.close();
      resumed.close();
    }
  }, 120_000);
});
