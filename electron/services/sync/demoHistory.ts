import type { Database } from 'better-sqlite3';
import { startGraphServer } from '../simulator/graph';
import { GraphClient } from './graphClient';
import type { PageProgress } from './pageSync';
import { connectPages, syncWorkspace, type SecretStore } from './service';

/**
 * A demo workspace's Page history through the real Graph client, against the simulator's
 * Graph face started in this process for the occasion. The simulated Page's tokens live in
 * memory only (they mean nothing once the simulator stops); messages the webhook archive
 * already brought in stay one row each.
 */
export async function syncDemoHistory(
  db: Database,
  opts: { workspaceId: number; scenario: unknown; signal?: AbortSignal; onProgress?: (p: PageProgress) => void },
): Promise<{ conversations: number; messagesAdded: number; status: string }> {
  // Graph minutes of 10 ms and a budget that does not bind: the demo shows the path, not Meta's pace.
  const sim = await startGraphServer({ scenarios: [opts.scenario], rateLimits: { minuteMs: 10, appCallsPerWindow: 1e9, pageCallsPerWindow: 1e9 } });
  try {
    const values = new Map<string, string>();
    const secrets: SecretStore = { get: async (k) => values.get(k) ?? null, set: async (k, v) => void values.set(k, v), delete: async (k) => values.delete(k) };
    const client = new GraphClient({ baseUrl: sim.url, minuteMs: 10, pace: { maxPerSecond: 10_000 } });
    await connectPages(db, secrets, client, { workspaceId: opts.workspaceId, userToken: sim.tokens.user, signal: opts.signal });
    const outcomes = await syncWorkspace(db, secrets, client, { workspaceId: opts.workspaceId, pageSize: 100, signal: opts.signal, onProgress: opts.onProgress });
    return {
      conversations: outcomes.reduce((n, o) => n + o.conversations, 0),
      messagesAdded: outcomes.reduce((n, o) => n + o.messagesAdded, 0),
      status: outcomes.every((o) => o.status === 'done') ? 'done' : (outcomes.find((o) => o.status !== 'done')?.status ?? 'done'),
    };
  } finally {
    await sim.close();
  }
}
