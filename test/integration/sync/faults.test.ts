import { afterEach, describe, expect, it } from 'vitest';
import type { GraphServer } from '../../../electron/services/simulator/graph';
import { GraphClient, type GraphClientOptions } from '../../../electron/services/sync/graphClient';
import { connectPages, syncStatus, syncWorkspace } from '../../../electron/services/sync/service';
import { expectedHistory, FIXED_NOW, memorySecrets, startSim, storedHistory, syncStore, type SyncStore } from './support';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(simOpts: Parameters<typeof startSim>[0] = {}) {
  const sim = await startSim(simOpts);
  cleanups.push(() => sim.close());
  const s = syncStore();
  cleanups.push(() => s.close());
  return { sim, s, secrets: memorySecrets() };
}

function client(sim: GraphServer, extra: Partial<GraphClientOptions> = {}): GraphClient {
  return new GraphClient({
    baseUrl: sim.url,
    minuteMs: 50,
    timeoutMs: 1500,
    retry: { baseMs: 5, capMs: 100, maxAttempts: 8 },
    pace: { maxPerSecond: 500 },
    ...extra,
  });
}

async function connectAndSync(sim: GraphServer, s: SyncStore, secrets: ReturnType<typeof memorySecrets>, c: GraphClient) {
  await connectPages(s.db, secrets, c, { workspaceId: s.workspaceId, userToken: sim.tokens.user, now: FIXED_NOW });
  return syncWorkspace(s.db, secrets, c, { workspaceId: s.workspaceId, now: FIXED_NOW });
}

describe('Page history sync against the Graph simulator', () => {
  it('an undisturbed sync stores exactly the ground truth: every conversation, the 20 most recent messages each', async () => {
    const { sim, s, secrets } = await setup();
    const outcomes = await connectAndSync(sim, s, secrets, client(sim));
    expect(outcomes.map((o) => o.error ?? o.status)).toEqual(['done']);
    const truth = expectedHistory(sim);
    expect(truth.messages.length).toBeGreaterThan(100);
    expect(storedHistory(s.db)).toEqual(truth);
    const status = await syncStatus(s.db, secrets, s.workspaceId);
    const exp = sim.expected()[0]!;
    expect(status.pages[0]!.messagesOutOfReach).toBe(exp.unretrievableMessages);
    expect(status.pages[0]!.truncatedConversations).toBe(exp.conversations.filter((c) => c.messageCount > 20).length);
    // Batches saved calls: fewer HTTP requests than Graph calls.
    expect(sim.stats.httpRequests).toBeLessThan(sim.stats.calls);
  });

  it('a rate-limit storm (every code, with estimated_time_to_regain_access) ends complete', async () => {
    const { sim, s, secrets } = await setup({
      faults: { rates: { 'rate-limit-4': 0.04, 'rate-limit-17': 0.03, 'rate-limit-32': 0.04, 'rate-limit-613': 0.03, 'rate-limit-80006': 0.04 } },
      rateLimits: { minuteMs: 5, penaltyMinutes: 1 },
    });
    const outcomes = await connectAndSync(sim, s, secrets, client(sim, { minuteMs: 5 }));
    expect(outcomes.map((o) => o.status)).toEqual(['done']);
    expect(sim.stats.faultsTotal).toBeGreaterThan(5);
    expect(storedHistory(s.db)).toEqual(expectedHistory(sim));
  });

  it('500s, 503s, 1200s, resets and timeouts mid-page are retried through', async () => {
    const { sim, s, secrets } = await setup({
      faults: { rates: { 'server-500': 0.05, 'server-503': 0.03, 'temporary-1200': 0.03, 'connection-reset': 0.03, timeout: 0.01 } },
    });
    const outcomes = await connectAndSync(sim, s, secrets, client(sim, { timeoutMs: 300 }));
    expect(outcomes.map((o) => o.error ?? o.status)).toEqual(['done']);
    expect(sim.stats.faultsTotal).toBeGreaterThan(5);
    expect(storedHistory(s.db)).toEqual(expectedHistory(sim));
  });

  it('a token revoked mid-sync stops the Page and asks to reconnect; reconnecting resumes to the same rows', async () => {
    const { sim, s, secrets } = await setup();
    const pageId = sim.world.pages[0]!.id;
    const c = client(sim);
    await connectPages(s.db, secrets, c, { workspaceId: s.workspaceId, userToken: sim.tokens.user, now: FIXED_NOW });
    // Revoke the Page token after a few calls.
    let calls = 0;
    const revoking = client(sim, { onRequest: () => void (++calls === 4 && sim.revokeToken(pageId)) });
    const first = await syncWorkspace(s.db, secrets, revoking, { workspaceId: s.workspaceId, now: FIXED_NOW });
    expect(first[0]!.status).toBe('reconnect');
    expect(first[0]!.error!.kind).toBe('auth');
    expect(first[0]!.error!.code).toBe(190);
    expect(first[0]!.error!.fbtraceId).toMatch(/^A/);
    const partial = storedHistory(s.db).messages.length;
    expect(partial).toBeLessThan(expectedHistory(sim).messages.length);
    const status = await syncStatus(s.db, secrets, s.workspaceId);
    expect(status.pages[0]!.status).toBe('reconnect');
    // The simulator hands out a fresh Page token after the user logs in again.
    const fresh = await startSim({ world: sim.world, seed: 'sync-tests-2' });
    cleanups.push(() => fresh.close());
    const c2 = client(fresh);
    await connectPages(s.db, secrets, c2, { workspaceId: s.workspaceId, userToken: fresh.tokens.user, now: FIXED_NOW });
    const second = await syncWorkspace(s.db, secrets, c2, { workspaceId: s.workspaceId, now: FIXED_NOW });
    expect(second[0]!.status).toBe('done');
    expect(storedHistory(s.db)).toEqual(expectedHistory(sim));
  });

  it('the network dropping mid-sync ends with a clear message; the next sync finishes the job', async () => {
    const { sim, s, secrets } = await setup();
    const c = client(sim, { retry: { baseMs: 5, capMs: 20, maxAttempts: 3 } });
    await connectPages(s.db, secrets, c, { workspaceId: s.workspaceId, userToken: sim.tokens.user, now: FIXED_NOW });
    const url = sim.url;
    let n = 0;
    // Everything after the 5th request finds nobody listening.
    const dropping = client(sim, { retry: { baseMs: 5, capMs: 20, maxAttempts: 3 }, fetch: (input, init) => (++n > 5 ? fetch(url.replace(/:\d+$/, ':9'), init) : fetch(input, init)) });
    const first = await syncWorkspace(s.db, secrets, dropping, { workspaceId: s.workspaceId, now: FIXED_NOW });
    expect(first[0]!.status).toBe('failed');
    expect(first[0]!.error!.kind).toBe('network');
    expect(first[0]!.error!.message).toMatch(/could not be reached/);
    const offline = await syncStatus(s.db, secrets, s.workspaceId);
    expect(offline.offline).toBe(true);
    const second = await syncWorkspace(s.db, secrets, c, { workspaceId: s.workspaceId, now: FIXED_NOW });
    expect(second[0]!.status).toBe('done');
    expect(storedHistory(s.db)).toEqual(expectedHistory(sim));
    expect((await syncStatus(s.db, secrets, s.workspaceId)).offline).toBe(false);
  });

  it('an expired cursor restarts the listing and still ends with exactly the ground truth', async () => {
    const { sim, s, secrets } = await setup({ faults: { script: [{ at: 6, kind: 'expired-cursor' }, { at: 40, kind: 'expired-cursor' }] } });
    const outcomes = await connectAndSync(sim, s, secrets, client(sim));
    expect(outcomes[0]!.status).toBe('done');
    expect(sim.stats.faultsInjected['expired-cursor']).toBe(2);
    expect(storedHistory(s.db)).toEqual(expectedHistory(sim));
    const restarts = s.db.prepare('SELECT cursor_restarts AS n FROM graph_sync_pages').get() as { n: number };
    expect(restarts.n).toBe(2);
    // Recorded with Graph's code and fbtrace_id, as every error the sync met.
    const errors = s.db.prepare('SELECT kind, code, fbtrace_id AS trace FROM graph_sync_errors ORDER BY id').all() as { kind: string; code: number; trace: string }[];
    expect(errors.map((e) => [e.kind, e.code])).toEqual([
      ['cursorExpired', 100],
      ['cursorExpired', 100],
    ]);
    expect(errors.every((e) => /^A\w{10}$/.test(e.trace))).toBe(true);
  });
});
