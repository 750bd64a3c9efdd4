import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { normaliseRelayUrl } from '../../../shared/domain/relay';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import { relayLandingFile, RelayTaskError, runRelayPullTask, type RelayPullTaskArgs, type RelayPullTaskOptions } from '../../../electron/services/relay/pullTask';
import { getSyncState } from '../../../electron/services/relay/syncState';
import { loadScenarioFile, runSimulation, type SimulationSummary } from '../../../electron/services/simulator';
import { openPullFile, pullFromRelay, type Relay } from '../../../electron/services/webhooks';
import type { JobProgress } from '../../../shared/domain/jobs';
import { makeTempDir } from '../../support/tempDir';
import { APP_SECRET, expectDbEqualsTruth, expectNoFileContains, loadTruth, messageRows, openRelay, PULL_TOKEN, type TruthMessage } from './support';

// Simulator → signed POSTs → relay → the app's pull task → database, compared with the
// simulator's ground truth, including a relay that goes away in the middle of a pull.

let tmp: ReturnType<typeof makeTempDir>;
let storeDir: string;
let truth: Map<string, TruthMessage>;
let sim: SimulationSummary;
let stored: number;

beforeAll(async () => {
  tmp = makeTempDir('relais-relaypull-');
  storeDir = path.join(tmp.dir, 'relay-store');
  const relay = await openRelay(storeDir);
  try {
    const scenario = await loadScenarioFile(path.join(process.cwd(), 'resources', 'scenarios', 'small-test.json'));
    sim = await runSimulation(scenario, {
      post: relay.url + '/webhook',
      appSecret: APP_SECRET,
      truthDir: path.join(tmp.dir, 'truth'),
      expectedRates: false,
      postOptions: { concurrency: 8 },
    });
    stored = relay.counters.accepted;
  } finally {
    await relay.close();
  }
  truth = loadTruth(path.join(tmp.dir, 'truth'));
}, 180_000);
afterAll(() => tmp.cleanup());

let open: { ctx: AppContext; dir: ReturnType<typeof makeTempDir> }[] = [];
let relays: Relay[] = [];
afterEach(async () => {
  for (const r of relays) await r.close();
  relays = [];
  for (const o of open) {
    o.ctx.store.close();
    o.dir.cleanup();
  }
  open = [];
});

function app(): { ctx: AppContext; dataDir: string; workspaceId: number } {
  const dir = makeTempDir('relais-relaypull-app-');
  const ctx = createContext({ dataDir: dir.dir });
  open.push({ ctx, dir });
  const ws = ctx.workspaces.create({ name: 'Bistro', timeZone: 'Europe/Paris', locale: 'fr-FR' });
  return { ctx, dataDir: dir.dir, workspaceId: ws.id };
}

async function relayOn(port = 0): Promise<Relay> {
  const r = await openRelay(storeDir, port);
  relays.push(r);
  return r;
}

async function closeRelay(r: Relay): Promise<void> {
  relays = relays.filter((x) => x !== r);
  await r.close();
}

const quickRetry: RelayPullTaskOptions = { retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20, timeoutMs: 5_000 } };

function pull(a: { ctx: AppContext; dataDir: string; workspaceId: number }, url: string, extra: Partial<RelayPullTaskArgs> = {}, onProgress: (p: Partial<JobProgress>) => void = () => undefined) {
  const args: RelayPullTaskArgs = { workspaceId: a.workspaceId, url: normaliseRelayUrl(url)!, pullToken: PULL_TOKEN, addPages: true, restart: false, ...extra };
  return runRelayPullTask(a.ctx.store.db, a.dataDir, args, onProgress, new AbortController().signal, quickRetry);
}

describe('relay pull task', () => {
  it('the simulator posted a hard mix through the relay', () => {
    expect(sim.posted?.posted).toBeGreaterThan(1000);
    expect(sim.bodies.duplicates).toBeGreaterThan(0);
    expect(sim.bodies.shuffled).toBeGreaterThan(0);
    expect(stored).toBe(sim.posted?.posted);
  });

  it('pulls everything into the database as the ground truth has it; a second pull gets nothing new', async () => {
    const relay = await relayOn();
    const a = app();
    const first = await pull(a, relay.url);
    expect(first.pulled).toBe(stored);
    expect(first.pages).toBeGreaterThan(5);
    expect(first.gap).toBe(false);
    expect(first.recovered).toBeNull();
    expect(first.imported?.status).toBe('completed');
    expect(first.imported?.badLines).toBe(0);
    expectDbEqualsTruth(a.ctx.store.db, truth);

    const before = messageRows(a.ctx.store.db);
    const second = await pull(a, relay.url);
    expect(second).toMatchObject({ pulled: 0, imported: null, recovered: null });
    expect(messageRows(a.ctx.store.db)).toEqual(before);

    // The cursor and the time live in sync_state; the landing file is empty again.
    const url = normaliseRelayUrl(relay.url)!;
    const row = getSyncState(a.ctx.store.db, a.workspaceId, 'relay', url);
    expect(row?.cursor).toEqual(expect.any(String));
    expect(row?.progress.lastEvents).toBe(0);
    expect(fs.statSync(relayLandingFile(a.dataDir, a.workspaceId, url)).size).toBe(0);
    const status = await dispatch(a.ctx, 'relay:status', { workspaceId: a.workspaceId });
    expect(status).toEqual({ ok: true, data: { url, hasCursor: true, lastPullAt: expect.any(Number), lastEvents: 0, lastGap: false } });

    // The token was used, never kept: not in the database, its WAL, the landing or cursor files.
    a.ctx.store.db.pragma('wal_checkpoint(TRUNCATE)');
    expectNoFileContains(a.dataDir, PULL_TOKEN);
  }, 120_000);

  it('a relay that goes away mid-pull: the job fails RELAY_UNAVAILABLE, keeps what it got, and the next pull completes with nothing duplicated', async () => {
    const relay = await relayOn();
    const port = relay.port;
    const a = app();
    let cut = false;
    const failure = await pull(a, relay.url, {}, (p) => {
      if (!cut && p.phase === 'pulling' && (p.counters?.pages ?? 0) >= 3) {
        cut = true;
        void closeRelay(relay);
      }
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(RelayTaskError);
    expect((failure as RelayTaskError).code).toBe('RELAY_UNAVAILABLE');
    expect((failure as Error).message).toMatch(/unavailable/i);
    expect((failure as Error).message).not.toContain(PULL_TOKEN);
    // The pages that arrived before the cut are imported and the cursor moved past them.
    const partial = messageRows(a.ctx.store.db).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(truth.size);
    const url = normaliseRelayUrl(relay.url)!;
    expect(getSyncState(a.ctx.store.db, a.workspaceId, 'relay', url)?.cursor).toEqual(expect.any(String));

    // The relay comes back on the same address with the same store.
    await relayOn(port);
    const resumed = await pull(a, url);
    expect(resumed.pulled).toBeGreaterThan(0);
    expect(resumed.pulled).toBeLessThan(stored);
    expectDbEqualsTruth(a.ctx.store.db, truth);
  }, 120_000);

  it('lines landed by a pull that crashed before importing them are imported first, once', async () => {
    const relay = await relayOn();
    const a = app();
    const url = normaliseRelayUrl(relay.url)!;
    // What a crash between "pages committed to the landing file" and "import" leaves behind.
    const sink = await openPullFile({ file: relayLandingFile(a.dataDir, a.workspaceId, url) });
    const partial = await pullFromRelay({ url, pullToken: PULL_TOKEN, maxPages: 3, onBatch: (lines, next) => sink.onBatch(lines, next) });
    await sink.close();
    expect(partial.complete).toBe(false);

    const result = await pull(a, url);
    expect(result.recovered?.status).toBe('completed');
    expect(result.recovered?.values).toBe(partial.events);
    expect(result.pulled).toBe(stored - partial.events);
    expectDbEqualsTruth(a.ctx.store.db, truth);
  }, 120_000);

  it('a wrong token fails RELAY_UNAUTHORIZED without echoing it; a replaced relay store fails RELAY_BAD_CURSOR and "pull everything again" recovers', async () => {
    let relay = await relayOn();
    const port = relay.port;
    const a = app();
    const wrong = 'not-the-pull-token-at-all-123456';
    const unauthorized = await pull(a, relay.url, { pullToken: wrong }).then(
      () => null,
      (e: unknown) => e as RelayTaskError,
    );
    expect(unauthorized?.code).toBe('RELAY_UNAUTHORIZED');
    expect(unauthorized?.message).not.toContain(wrong);
    expect(messageRows(a.ctx.store.db)).toEqual([]);

    await pull(a, relay.url);
    const before = messageRows(a.ctx.store.db);

    // The relay's store is replaced by a copy with another identity (a restore, a rebuilt server).
    await closeRelay(relay);
    const meta = path.join(storeDir, 'spool.json');
    const original = fs.readFileSync(meta, 'utf8');
    try {
      fs.writeFileSync(meta, original.replace(/"id": "[0-9a-f]{16}"/, '"id": "00000000deadbeef"'));
      relay = await relayOn(port);
      const bad = await pull(a, relay.url).then(
        () => null,
        (e: unknown) => e as RelayTaskError,
      );
      expect(bad?.code).toBe('RELAY_BAD_CURSOR');
      expect(bad?.message).toMatch(/Pull everything again/);

      const again = await pull(a, relay.url, { restart: true });
      expect(again.restarted).toBe(true);
      expect(again.pulled).toBe(stored);
      // The same events in the same order: the importer recognises the content and changes nothing.
      expect(again.imported?.status).toBe('already_imported');
      expect(messageRows(a.ctx.store.db)).toEqual(before);
      expectDbEqualsTruth(a.ctx.store.db, truth);
      expect((await pull(a, relay.url)).pulled).toBe(0);
    } finally {
      await closeRelay(relay);
      fs.writeFileSync(meta, original);
    }
  }, 120_000);
});
