import type { Database } from 'better-sqlite3';
import { DEFAULT_GRAPH_URL, DEFAULT_GRAPH_VERSION, GraphClient, type GraphClientOptions } from './graphClient';
import { GraphError } from './graphErrors';
import { MESSAGES_DETAILED_PER_CONVERSATION, type GraphAccount, type GraphList } from './graphShapes';
import { syncPage, type PageProgress, type PageSyncOutcome } from './pageSync';

/** Where tokens live (the OS keychain or an encrypted file, see services/secrets). */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<unknown>;
}

export const userTokenKey = (workspaceId: number) => `graph.user.${workspaceId}`;
export const pageTokenKey = (workspaceId: number, pageId: string) => `graph.page.${workspaceId}.${pageId}`;

export interface GraphEndpoint {
  graphUrl: string;
  version: string;
}

/** The workspace's Graph URL and version: its own setting, else RELAIS_GRAPH_URL / RELAIS_GRAPH_VERSION, else Meta's. */
export function graphEndpoint(db: Database, workspaceId: number, env: NodeJS.ProcessEnv = process.env): GraphEndpoint {
  const row = db.prepare('SELECT graph_url AS graphUrl, api_version AS version FROM graph_sync_settings WHERE workspace_id = ?').get(workspaceId) as
    | { graphUrl: string | null; version: string | null }
    | undefined;
  return {
    graphUrl: row?.graphUrl ?? env.RELAIS_GRAPH_URL ?? DEFAULT_GRAPH_URL,
    version: row?.version ?? env.RELAIS_GRAPH_VERSION ?? DEFAULT_GRAPH_VERSION,
  };
}

export function saveEndpoint(db: Database, workspaceId: number, graphUrl: string | undefined, version: string | undefined): void {
  db.prepare(
    `INSERT INTO graph_sync_settings (workspace_id, graph_url, api_version) VALUES (?, ?, ?)
     ON CONFLICT (workspace_id) DO UPDATE SET graph_url = coalesce(excluded.graph_url, graph_url), api_version = coalesce(excluded.api_version, api_version)`,
  ).run(workspaceId, graphUrl ?? null, version ?? null);
}

/** Client options from the environment (tests and the demo shrink Graph's minute). */
export function clientOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<GraphClientOptions> {
  const minute = Number(env.RELAIS_GRAPH_MINUTE_MS);
  const rps = Number(env.RELAIS_GRAPH_MAX_RPS);
  return {
    ...(minute > 0 ? { minuteMs: minute } : {}),
    ...(rps > 0 ? { pace: { maxPerSecond: rps } } : {}),
  };
}

export function makeClient(db: Database, workspaceId: number, extra: Partial<GraphClientOptions> = {}, env: NodeJS.ProcessEnv = process.env): GraphClient {
  const endpoint = graphEndpoint(db, workspaceId, env);
  return new GraphClient({ baseUrl: endpoint.graphUrl, version: endpoint.version, ...clientOptionsFromEnv(env), ...extra });
}

function noteReach(db: Database, workspaceId: number, reached: boolean, now: number): void {
  db.prepare('INSERT INTO graph_sync_settings (workspace_id) VALUES (?) ON CONFLICT (workspace_id) DO NOTHING').run(workspaceId);
  // last_unreachable_at is set only while Graph stays unreachable: the "offline" state.
  if (reached) db.prepare('UPDATE graph_sync_settings SET last_reached_at = ?, last_unreachable_at = NULL WHERE workspace_id = ?').run(now, workspaceId);
  else db.prepare('UPDATE graph_sync_settings SET last_unreachable_at = ? WHERE workspace_id = ?').run(now, workspaceId);
}

export interface ConnectedPage {
  pageId: string;
  name: string | null;
}

/**
 * Lists the user's Pages (`/me/accounts`), keeps the user token and each Page token in the
 * secret store and adds the Pages to the workspace. Tokens are never returned.
 */
export async function connectPages(
  db: Database,
  secrets: SecretStore,
  client: GraphClient,
  opts: { workspaceId: number; userToken: string; now?: () => number; signal?: AbortSignal },
): Promise<ConnectedPage[]> {
  const now = opts.now ?? Date.now;
  const accounts: GraphAccount[] = [];
  let after: string | undefined;
  try {
    for (let i = 0; i < 100; i++) {
      const list = await client.get<GraphList<GraphAccount>>('me/accounts', { fields: 'id,name,access_token,tasks', limit: 100, after }, opts.userToken, opts.signal);
      accounts.push(...(list.data ?? []).filter((a) => typeof a?.id === 'string'));
      after = list.paging?.next ? list.paging.cursors?.after : undefined;
      if (!after) break;
    }
  } catch (e) {
    if (e instanceof GraphError && e.kind === 'network') noteReach(db, opts.workspaceId, false, now());
    throw e;
  }
  noteReach(db, opts.workspaceId, true, now());
  await secrets.set(userTokenKey(opts.workspaceId), opts.userToken);
  const pages: ConnectedPage[] = [];
  for (const a of accounts) {
    if (typeof a.access_token === 'string' && a.access_token) await secrets.set(pageTokenKey(opts.workspaceId, a.id), a.access_token);
    pages.push({ pageId: a.id, name: typeof a.name === 'string' ? a.name : null });
  }
  const t = now();
  db.transaction(() => {
    const upsertPage = db.prepare(
      'INSERT INTO pages (workspace_id, page_id, name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (workspace_id, page_id) DO UPDATE SET name = coalesce(excluded.name, name)',
    );
    const pageRef = db.prepare('SELECT id FROM pages WHERE workspace_id = ? AND page_id = ?');
    const track = db.prepare(
      "INSERT INTO graph_sync_pages (page_ref, updated_at) VALUES (?, ?) ON CONFLICT (page_ref) DO UPDATE SET status = CASE WHEN status = 'reconnect' THEN 'failed' ELSE status END",
    );
    for (const p of pages) {
      upsertPage.run(opts.workspaceId, p.pageId, p.name, t);
      track.run((pageRef.get(opts.workspaceId, p.pageId) as { id: number }).id, t);
    }
    db.prepare('UPDATE graph_sync_settings SET connected_at = ? WHERE workspace_id = ?').run(t, opts.workspaceId);
  })();
  return pages;
}

export async function disconnect(db: Database, secrets: SecretStore, workspaceId: number): Promise<void> {
  const pages = db
    .prepare('SELECT p.page_id AS pageId FROM pages p JOIN graph_sync_pages g ON g.page_ref = p.id WHERE p.workspace_id = ?')
    .all(workspaceId) as { pageId: string }[];
  for (const p of pages) await secrets.delete(pageTokenKey(workspaceId, p.pageId));
  await secrets.delete(userTokenKey(workspaceId));
  db.prepare('UPDATE graph_sync_settings SET connected_at = NULL WHERE workspace_id = ?').run(workspaceId);
}

export function selectPages(db: Database, workspaceId: number, pageIds: string[]): void {
  db.prepare(
    `UPDATE graph_sync_pages SET selected = CASE WHEN page_ref IN (SELECT p.id FROM pages p, json_each(?) j WHERE p.workspace_id = ? AND p.page_id = j.value) THEN 1 ELSE 0 END
     WHERE page_ref IN (SELECT id FROM pages WHERE workspace_id = ?)`,
  ).run(JSON.stringify(pageIds), workspaceId, workspaceId);
}

export interface WorkspaceSyncOptions {
  workspaceId: number;
  /** Pages to sync (Page ids); default: the selected ones. */
  pageIds?: string[];
  now?: () => number;
  signal?: AbortSignal;
  /** Conversations per listing request (default 25). */
  pageSize?: number;
  onProgress?: (p: PageProgress) => void;
}

/** Syncs the Pages one after the other (X-App-Usage is app-wide, one pace for all). */
export async function syncWorkspace(db: Database, secrets: SecretStore, client: GraphClient, opts: WorkspaceSyncOptions): Promise<PageSyncOutcome[]> {
  const now = opts.now ?? Date.now;
  const rows = db
    .prepare(
      `SELECT p.id AS pageRef, p.page_id AS pageId, g.selected FROM pages p JOIN graph_sync_pages g ON g.page_ref = p.id
       WHERE p.workspace_id = ? ORDER BY p.page_id`,
    )
    .all(opts.workspaceId) as { pageRef: number; pageId: string; selected: number }[];
  const chosen = opts.pageIds ? rows.filter((r) => opts.pageIds!.includes(r.pageId)) : rows.filter((r) => r.selected === 1);
  const outcomes: PageSyncOutcome[] = [];
  for (const row of chosen) {
    if (opts.signal?.aborted) break;
    const token = await secrets.get(pageTokenKey(opts.workspaceId, row.pageId));
    if (!token) {
      const message = 'No access token for this Page: connect it again.';
      db.prepare("UPDATE graph_sync_pages SET status = 'reconnect', last_error_kind = 'auth', last_error_message = ?, last_error_at = ?, updated_at = ? WHERE page_ref = ?").run(
        message,
        now(),
        now(),
        row.pageRef,
      );
      outcomes.push({ pageId: row.pageId, status: 'reconnect', messagesAdded: 0, conversations: 0, error: { kind: 'auth', message } });
      continue;
    }
    const outcome = await syncPage(db, client, { workspaceId: opts.workspaceId, pageRef: row.pageRef, pageId: row.pageId, token }, {
      now,
      signal: opts.signal,
      pageSize: opts.pageSize,
      onProgress: opts.onProgress,
    });
    noteReach(db, opts.workspaceId, outcome.error?.kind !== 'network', now());
    outcomes.push(outcome);
  }
  return outcomes;
}

export interface PageSyncView {
  pageId: string;
  name: string | null;
  selected: boolean;
  hasToken: boolean;
  status: 'idle' | 'running' | 'done' | 'failed' | 'reconnect';
  conversationsDone: number;
  conversationsTotal: number | null;
  messagesDone: number;
  truncatedConversations: number;
  messagesOutOfReach: number;
  lastSuccessAt: number | null;
  lastError: { kind: string; message: string; at: number | null; fbtraceId: string | null; code: number | null } | null;
}

export interface WorkspaceSyncView {
  connected: boolean;
  graphUrl: string;
  version: string;
  lastReachedAt: number | null;
  lastUnreachableAt: number | null;
  /** Graph was unreachable the last time it was tried. */
  offline: boolean;
  /** The newest successful sync of any Page: what the data shown dates from. */
  dataFrom: number | null;
  pages: PageSyncView[];
}

export async function syncStatus(db: Database, secrets: SecretStore, workspaceId: number, env: NodeJS.ProcessEnv = process.env): Promise<WorkspaceSyncView> {
  const endpoint = graphEndpoint(db, workspaceId, env);
  const settings = db
    .prepare('SELECT connected_at AS connectedAt, last_reached_at AS reached, last_unreachable_at AS unreachable FROM graph_sync_settings WHERE workspace_id = ?')
    .get(workspaceId) as { connectedAt: number | null; reached: number | null; unreachable: number | null } | undefined;
  const rows = db
    .prepare(
      `SELECT p.page_id AS pageId, p.name, g.selected, g.status, g.conversations_done AS conversationsDone, g.conversations_total AS conversationsTotal,
         g.messages_done AS messagesDone, (SELECT count(*) FROM graph_sync_conversations k WHERE k.page_ref = p.id AND k.message_count > ${MESSAGES_DETAILED_PER_CONVERSATION}) AS truncated,
         (SELECT coalesce(sum(k.message_count - ${MESSAGES_DETAILED_PER_CONVERSATION}), 0) FROM graph_sync_conversations k WHERE k.page_ref = p.id AND k.message_count > ${MESSAGES_DETAILED_PER_CONVERSATION}) AS outOfReach, g.last_success_at AS lastSuccessAt,
         g.last_error_kind AS errorKind, g.last_error_message AS errorMessage, g.last_error_at AS errorAt,
         (SELECT fbtrace_id FROM graph_sync_errors e WHERE e.page_ref = p.id ORDER BY e.id DESC LIMIT 1) AS fbtraceId,
         (SELECT code FROM graph_sync_errors e WHERE e.page_ref = p.id ORDER BY e.id DESC LIMIT 1) AS code
       FROM pages p JOIN graph_sync_pages g ON g.page_ref = p.id WHERE p.workspace_id = ? ORDER BY p.name, p.page_id`,
    )
    .all(workspaceId) as {
    pageId: string;
    name: string | null;
    selected: number;
    status: PageSyncView['status'];
    conversationsDone: number;
    conversationsTotal: number | null;
    messagesDone: number;
    truncated: number;
    outOfReach: number;
    lastSuccessAt: number | null;
    errorKind: string | null;
    errorMessage: string | null;
    errorAt: number | null;
    fbtraceId: string | null;
    code: number | null;
  }[];
  const pages: PageSyncView[] = [];
  for (const r of rows) {
    pages.push({
      pageId: r.pageId,
      name: r.name,
      selected: r.selected === 1,
      hasToken: (await secrets.get(pageTokenKey(workspaceId, r.pageId))) !== null,
      status: r.status,
      conversationsDone: r.conversationsDone,
      conversationsTotal: r.conversationsTotal,
      messagesDone: r.messagesDone,
      truncatedConversations: r.truncated,
      messagesOutOfReach: r.outOfReach,
      lastSuccessAt: r.lastSuccessAt,
      lastError: r.errorKind ? { kind: r.errorKind, message: r.errorMessage ?? '', at: r.errorAt, fbtraceId: r.fbtraceId, code: r.code } : null,
    });
  }
  const reached = settings?.reached ?? null;
  const unreachable = settings?.unreachable ?? null;
  const successes = pages.map((p) => p.lastSuccessAt).filter((t): t is number => t !== null);
  return {
    connected: settings?.connectedAt != null,
    graphUrl: endpoint.graphUrl,
    version: endpoint.version,
    lastReachedAt: reached,
    lastUnreachableAt: unreachable,
    offline: unreachable !== null,
    dataFrom: successes.length ? Math.max(...successes) : null,
    pages,
  };
}
