import { afterEach, describe, expect, it } from 'vitest';
import { GraphClient } from '../../../electron/services/sync/graphClient';
import { connectPages, syncWorkspace } from '../../../electron/services/sync/service';
import { expectedHistory, FIXED_NOW, memorySecrets, startSim, storedHistory, syncStore } from './support';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the sync keeps to the pace the usage headers allow', () => {
  it('never passes 100 % of a tight budget: no call refused, no window over budget, and still complete', async () => {
    const minuteMs = 40;
    const windowMinutes = 10;
    const budget = 60; // calls per Page per window of 400 ms: 150 calls/s at most
    const sim = await startSim({ rateLimits: { minuteMs, windowMinutes, pageCallsPerWindow: budget, appCallsPerWindow: 4 * budget } });
    cleanups.push(() => sim.close());
    const s = syncStore();
    cleanups.push(() => s.close());
    const secrets = memorySecrets();
    const waits: string[] = [];
    // Unthrottled, this client would send 1 000 requests/s of up to 50 calls each.
    const client = new GraphClient({ baseUrl: sim.url, minuteMs, pace: { maxPerSecond: 1000 }, onWait: (w) => waits.push(w.reason) });
    await connectPages(s.db, secrets, client, { workspaceId: s.workspaceId, userToken: sim.tokens.user, now: FIXED_NOW });
    const [outcome] = await syncWorkspace(s.db, secrets, client, { workspaceId: s.workspaceId, now: FIXED_NOW });
    expect(outcome!.status).toBe('done');
    expect(storedHistory(s.db)).toEqual(expectedHistory(sim));

    const stats = sim.stats;
    expect(stats.calls).toBeGreaterThan(3 * budget); // the budget had to be waited out several times
    // On failure, the calls around the first refused one say what the pace did.
    const bad = sim.calls.findIndex((c) => c.code !== null);
    expect(stats.throttled, bad < 0 ? '' : JSON.stringify({ calls: sim.calls.slice(Math.max(0, bad - 25), bad + 3), waits })).toBe(0);
    expect(Object.keys(stats.errors).filter((code) => ['4', '17', '32', '613', '80006'].includes(code))).toEqual([]);
    // Page-token calls in every sliding window (the last 2 000 calls are logged).
    const windowMs = windowMinutes * minuteMs;
    const pageCalls = sim.calls.filter((c) => c.path !== '/me/accounts').map((c) => c.at);
    let most = 0;
    for (let i = 0, j = 0; i < pageCalls.length; i++) {
      while (pageCalls[j]! <= pageCalls[i]! - windowMs) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(most).toBeLessThanOrEqual(budget);
    expect(most).toBeGreaterThan(budget / 2); // it did use the budget, not crawl
  }, 60_000);
});
