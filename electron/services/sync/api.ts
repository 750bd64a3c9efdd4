import type { syncContract, SyncFailureKind, SyncPageView } from '../../../shared/api/contracts/sync';
import { ApiError } from '../../../shared/api/errors';
import type { HandlersFor } from '../api/types';
import type { AppContext } from '../context';
import { openTokenStore, type TokenStore } from '../secrets';
import { GraphError } from './graphErrors';
import type { PageProgress } from './pageSync';
import { connectPages, disconnect, makeClient, saveEndpoint, selectPages, syncStatus, syncWorkspace } from './service';

/** One token store per app context (the data folder's); opened on first use. */
const stores = new WeakMap<AppContext, Promise<TokenStore>>();
export function tokenStoreOf(ctx: AppContext): Promise<TokenStore> {
  let s = stores.get(ctx);
  if (!s) {
    // The desktop shell hands in Electron safeStorage (OS keychain); other shells get the encrypted or plain file.
    s = openTokenStore({ dataDir: ctx.store.dataDir, safeStorage: ctx.desktop?.safeStorage });
    stores.set(ctx, s);
    // A failed opening is not remembered: the next call tries again.
    s.catch(() => stores.delete(ctx));
  }
  return s;
}

/** Live progress of running syncs, per workspace and Page (what the database does not hold). */
const live = new WeakMap<AppContext, Map<number, Map<string, PageProgress>>>();
function liveOf(ctx: AppContext, workspaceId: number): Map<string, PageProgress> {
  let byWs = live.get(ctx);
  if (!byWs) live.set(ctx, (byWs = new Map()));
  let m = byWs.get(workspaceId);
  if (!m) byWs.set(workspaceId, (m = new Map()));
  return m;
}

function runningSync(ctx: AppContext, workspaceId: number) {
  return ctx.jobs.running('sync').find((j) => j.workspaceId === workspaceId) ?? null;
}

async function pagesView(ctx: AppContext, workspaceId: number): Promise<SyncPageView[]> {
  const store = await tokenStoreOf(ctx);
  const view = await syncStatus(ctx.store.db, store, workspaceId);
  const running = runningSync(ctx, workspaceId) !== null;
  const progress = liveOf(ctx, workspaceId);
  return view.pages.map((p) => {
    const l = running ? progress.get(p.pageId) : undefined;
    return { ...p, live: l ? { rate: l.rate, etaMs: l.etaMs, backoff: l.backoff } : null };
  });
}

function failureOf(e: unknown, redact: (s: string) => string): { reason: SyncFailureKind; message: string; fbtraceId: string | null } {
  if (e instanceof GraphError) {
    return { reason: e.kind === 'network' ? 'offline' : e.kind, message: redact(e.message), fbtraceId: e.details.fbtraceId ?? null };
  }
  throw e;
}

export const syncHandlers: HandlersFor<typeof syncContract> = {
  'sync:status': async (input, ctx) => {
    ctx.workspaces.get(input.workspaceId);
    const store = await tokenStoreOf(ctx);
    const view = await syncStatus(ctx.store.db, store, input.workspaceId);
    const d = store.describe();
    return {
      ...view,
      pages: await pagesView(ctx, input.workspaceId),
      job: runningSync(ctx, input.workspaceId) ?? ctx.jobs.list().find((j) => j.kind === 'sync' && j.workspaceId === input.workspaceId) ?? null,
      tokenStorage: { mode: d.mode, reason: d.reason, unencrypted: d.unencrypted },
    };
  },
  'sync:connect': async (input, ctx) => {
    ctx.workspaces.get(input.workspaceId);
    const store = await tokenStoreOf(ctx);
    if (input.graphUrl) saveEndpoint(ctx.store.db, input.workspaceId, input.graphUrl, undefined);
    const client = makeClient(ctx.store.db, input.workspaceId, { retry: { maxAttempts: 3 } });
    try {
      const pages = await connectPages(ctx.store.db, store, client, { workspaceId: input.workspaceId, userToken: input.userToken });
      return { ok: true as const, pages };
    } catch (e) {
      return { ok: false as const, ...failureOf(e, (s) => store.redact(s)) };
    }
  },
  'sync:pages': async (input, ctx) => {
    ctx.workspaces.get(input.workspaceId);
    if (input.selected) selectPages(ctx.store.db, input.workspaceId, input.selected);
    return pagesView(ctx, input.workspaceId);
  },
  'sync:start': async (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    if (runningSync(ctx, ws.id)) throw new ApiError('CONFLICT', 'A sync is already running in this workspace.');
    if (ctx.jobs.running('demo').length > 0) throw new ApiError('CONFLICT', 'The demo is being built; sync when it is done.');
    const store = await tokenStoreOf(ctx);
    const progress = liveOf(ctx, ws.id);
    progress.clear();
    const client = makeClient(ctx.store.db, ws.id);
    return ctx.jobs.start({ kind: 'sync', label: 'Page history', workspaceId: ws.id, unit: 'messages', phase: 'syncing' }, async (job) => {
      const outcomes = await syncWorkspace(ctx.store.db, store, client, {
        workspaceId: ws.id,
        pageIds: input.pageIds,
        signal: job.signal,
        onProgress: (p) => {
          progress.set(p.pageId, p);
          const all = [...progress.values()];
          const total = all.every((x) => x.conversationsTotal !== null) ? all.reduce((n, x) => n + (x.conversationsTotal ?? 0), 0) : null;
          job.progress({
            phase: p.backoff ? 'waiting' : 'syncing',
            done: all.reduce((n, x) => n + x.messagesDone, 0),
            total: null,
            rate: p.rate,
            etaMs: p.etaMs,
            counters: { conversations: all.reduce((n, x) => n + x.conversationsDone, 0), ...(total !== null ? { conversationsTotal: total } : {}) },
          });
        },
      });
      // The result is what job lists show: statuses and redacted messages, never a token.
      return outcomes.map((o) => ({ pageId: o.pageId, status: o.status, messagesAdded: o.messagesAdded, error: o.error ? { kind: o.error.kind, message: store.redact(o.error.message) } : null }));
    });
  },
  'sync:cancel': (input, ctx) => {
    const job = ctx.jobs.get(input.jobId);
    if (job.kind !== 'sync') throw new ApiError('NOT_FOUND', `No sync job ${input.jobId}.`);
    return ctx.jobs.cancel(input.jobId);
  },
  'sync:disconnect': async (input, ctx) => {
    ctx.workspaces.get(input.workspaceId);
    if (runningSync(ctx, input.workspaceId)) throw new ApiError('CONFLICT', 'Stop the running sync first.');
    await disconnect(ctx.store.db, await tokenStoreOf(ctx), input.workspaceId);
    return { disconnected: true as const };
  },
};
