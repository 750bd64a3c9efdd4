import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/services/db/store';
import type { GraphServer } from '../../../electron/services/simulator/graph';
import { GraphClient } from '../../../electron/services/sync/graphClient';
import { connectPages, syncWorkspace } from '../../../electron/services/sync/service';
import { makeTempDir } from '../../support/tempDir';
import { bundleForNode } from '../ingest/support/bundle';
import { expectedHistory, FIXED_NOW, fullDump, memorySecrets, startSim, storedHistory, syncStore } from './support';

let tmp: ReturnType<typeof makeTempDir>;
let child: string;
let sim: GraphServer;
const PAGE_SIZE = 10;
const MAX_RPS = 25;
const MINUTE_MS = 50;

beforeAll(async () => {
  tmp = makeTempDir('relais-sync-kill-');
  child = path.join(tmp.dir, 'syncChild.cjs');
  await bundleForNode(fileURLToPath(new URL('./child/syncChild.ts', import.meta.url)), child);
  sim = await startSim();
}, 60_000);
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

/** A seeded generator, so a failing run can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Line {
  ready?: boolean;
  conversations?: number;
  done?: string[];
}

/** Runs the child; with killAfterMs, SIGKILLs it that long after it is ready. */
function runChild(args: object, killAfterMs: number | null): Promise<{ lines: Line[]; signal: NodeJS.Signals | null }> {
  const proc = spawn(process.execPath, [child], { env: { ...process.env, RELAIS_SYNC_CHILD: JSON.stringify(args) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  readline.createInterface({ input: proc.stdout }).on('line', (l) => {
    const line = JSON.parse(l) as Line;
    lines.push(line);
    if (line.ready && killAfterMs !== null) setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
  });
  return new Promise((resolve, reject) => {
    proc.on('exit', (code, signal) => {
      if (signal === null && code !== 0) reject(new Error(`child failed (${code}): ${stderr}`));
      else resolve({ lines, signal });
    });
  });
}

describe('a sync killed with SIGKILL at random points resumes to exactly the rows of an uninterrupted sync', () => {
  it('20 kills, then finish: every table equal row for row, and equal to the ground truth', async () => {
    const seed = Number(process.env.RELAIS_KILL_SEED ?? 20261125);
    const random = rng(seed);
    const reference = syncStore();
    const crashed = syncStore();
    try {
      const refSecrets = memorySecrets();
      const refClient = new GraphClient({ baseUrl: sim.url, minuteMs: MINUTE_MS, pace: { maxPerSecond: 500 } });
      await connectPages(reference.db, refSecrets, refClient, { workspaceId: reference.workspaceId, userToken: sim.tokens.user, now: FIXED_NOW });
      const [whole] = await syncWorkspace(reference.db, refSecrets, refClient, { workspaceId: reference.workspaceId, now: FIXED_NOW, pageSize: PAGE_SIZE });
      expect(whole!.status).toBe('done');

      const secrets = memorySecrets();
      await connectPages(crashed.db, secrets, refClient, { workspaceId: crashed.workspaceId, userToken: sim.tokens.user, now: FIXED_NOW });
      crashed.store.close(); // the child is the only writer while it runs
      const args = {
        dataDir: crashed.dataDir,
        workspaceId: crashed.workspaceId,
        graphUrl: sim.url,
        secrets: Object.fromEntries(secrets.values),
        pageSize: PAGE_SIZE,
        maxPerSecond: MAX_RPS,
        minuteMs: MINUTE_MS,
        now: FIXED_NOW(),
      };
      let kills = 0;
      const progressAtKill: number[] = [];
      while (kills < 20) {
        const run = await runChild(args, Math.floor(random() * 250));
        expect(run.signal, 'the sync finished before 20 kills: make it longer').toBe('SIGKILL');
        kills++;
        progressAtKill.push(Math.max(0, ...run.lines.map((l) => l.conversations ?? 0)));
      }
      // The kills landed all along the sync, not all before its first commit.
      expect(Math.max(...progressAtKill)).toBeGreaterThan(PAGE_SIZE * 3);
      const last = await runChild(args, null);
      expect(last.lines.at(-1)!.done).toEqual(['done']);

      const reopened = openStore({ dataDir: crashed.dataDir });
      try {
        expect(fullDump(reopened.db)).toEqual(fullDump(reference.db));
        expect(storedHistory(reopened.db)).toEqual(expectedHistory(sim));
      } finally {
        reopened.close();
      }
    } finally {
      reference.close();
      crashed.close();
    }
  }, 180_000);
});
