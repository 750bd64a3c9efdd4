import { openStore } from '../../../../electron/services/db/store';
import { GraphClient } from '../../../../electron/services/sync/graphClient';
import { syncWorkspace } from '../../../../electron/services/sync/service';

// A separate process that syncs and reports each committed page of conversations, for tests that kill it.
interface ChildArgs {
  dataDir: string;
  workspaceId: number;
  graphUrl: string;
  secrets: Record<string, string>;
  pageSize: number;
  maxPerSecond: number;
  minuteMs: number;
  now: number;
}

const args = JSON.parse(process.env.RELAIS_SYNC_CHILD ?? '{}') as ChildArgs;

void (async () => {
  const store = openStore({ dataDir: args.dataDir });
  const client = new GraphClient({ baseUrl: args.graphUrl, minuteMs: args.minuteMs, pace: { maxPerSecond: args.maxPerSecond } });
  const secrets = {
    get: async (k: string) => args.secrets[k] ?? null,
    set: async () => undefined,
    delete: async () => undefined,
  };
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const outcomes = await syncWorkspace(store.db, secrets, client, {
    workspaceId: args.workspaceId,
    now: () => args.now,
    pageSize: args.pageSize,
    onProgress: (p) => process.stdout.write(`${JSON.stringify({ conversations: p.conversationsDone })}\n`),
  });
  store.close();
  process.stdout.write(`${JSON.stringify({ done: outcomes.map((o) => o.status) })}\n`);
})();
