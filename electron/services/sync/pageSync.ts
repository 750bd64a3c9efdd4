import type { Database } from 'better-sqlite3';
import type { BatchItem, GraphClient } from './graphClient';
import { GraphError } from './graphErrors';
import {
  CONVERSATION_FIELDS,
  MESSAGE_FIELDS,
  MESSAGES_DETAILED_PER_CONVERSATION,
  nextCursor,
  toHistoryConversation,
  type GraphConversationDetail,
  type GraphConversationItem,
  type GraphList,
} from './graphShapes';
import { HistoryWriter, type HistoryConversation } from './historyWriter';
import type { Backoff } from './usage';

export interface PageSyncTarget {
  workspaceId: number;
  pageRef: number;
  pageId: string;
  /** The Page access token. Never written anywhere by the sync. */
  token: string;
}

export type PageSyncStatus = 'idle' | 'running' | 'done' | 'failed' | 'reconnect';

export interface PageProgress {
  pageId: string;
  status: PageSyncStatus;
  conversationsDone: number;
  conversationsTotal: number | null;
  messagesDone: number;
  /** Messages per second during this run. */
  rate: number | null;
  etaMs: number | null;
  backoff: Backoff | null;
  truncatedConversations: number;
}

export interface PageSyncError {
  kind: GraphError['kind'] | 'cancelled' | 'malformed';
  message: string;
  code?: number;
  subcode?: number;
  fbtraceId?: string;
}

export interface PageSyncOutcome {
  pageId: string;
  status: 'done' | 'failed' | 'reconnect' | 'cancelled';
  messagesAdded: number;
  conversations: number;
  error?: PageSyncError;
}

export interface PageSyncOptions {
  now?: () => number;
  signal?: AbortSignal;
  /** Conversations per listing request (Graph's `limit`). */
  pageSize?: number;
  onProgress?: (p: PageProgress) => void;
}

interface StateRow {
  status: PageSyncStatus;
  run_started_at: number | null;
  after_cursor: string | null;
  incremental: number;
  conversations_total: number | null;
  conversations_done: number;
  messages_done: number;
}

/**
 * Brings one Page's inbox history in, one page of conversations at a time. Each page's rows and
 * the cursor of the next page commit in one transaction, so a run stopped anywhere (kill -9
 * included) resumes after its last committed page and ends with the rows an uninterrupted run
 * writes. A run after a completed one stops at the first page where every conversation is as
 * stored (conversations come newest first).
 */
export async function syncPage(db: Database, client: GraphClient, target: PageSyncTarget, opts: PageSyncOptions = {}): Promise<PageSyncOutcome> {
  const now = opts.now ?? Date.now;
  const pageSize = opts.pageSize ?? 25;
  const writer = new HistoryWriter(db);
  const ensureRow = db.prepare('INSERT INTO graph_sync_pages (page_ref, updated_at) VALUES (?, ?) ON CONFLICT (page_ref) DO NOTHING');
  const readState = db.prepare(
    'SELECT status, run_started_at, after_cursor, incremental, conversations_total, conversations_done, messages_done FROM graph_sync_pages WHERE page_ref = ?',
  );
  ensureRow.run(target.pageRef, now());
  let state = readState.get(target.pageRef) as StateRow;
  const inProgress = state.run_started_at !== null && state.status !== 'done';
  if (!inProgress) {
    db.prepare(
      `UPDATE graph_sync_pages SET status = 'running', run_started_at = ?, after_cursor = NULL, incremental = ?, conversations_total = NULL,
         conversations_done = 0, messages_done = 0, requests = 0, truncated_conversations = 0, messages_out_of_reach = 0, cursor_restarts = 0,
         updated_at = ? WHERE page_ref = ?`,
    ).run(now(), state.status === 'done' ? 1 : 0, now(), target.pageRef);
  } else {
    db.prepare("UPDATE graph_sync_pages SET status = 'running', updated_at = ? WHERE page_ref = ?").run(now(), target.pageRef);
  }
  state = readState.get(target.pageRef) as StateRow;

  const commitPage = db.prepare(
    `UPDATE graph_sync_pages SET after_cursor = @after, conversations_total = coalesce(@total, conversations_total),
       conversations_done = conversations_done + @conversations, messages_done = messages_done + @messages, requests = requests + @requests,
       truncated_conversations = truncated_conversations + @truncated, messages_out_of_reach = messages_out_of_reach + @outOfReach,
       status = CASE WHEN @finished = 1 THEN 'done' ELSE status END,
       last_success_at = CASE WHEN @finished = 1 THEN @now ELSE last_success_at END,
       last_error_kind = CASE WHEN @finished = 1 THEN NULL ELSE last_error_kind END,
       last_error_message = CASE WHEN @finished = 1 THEN NULL ELSE last_error_message END,
       updated_at = @now
     WHERE page_ref = @pageRef`,
  );
  const restartListing = db.prepare('UPDATE graph_sync_pages SET after_cursor = NULL, cursor_restarts = cursor_restarts + 1, updated_at = ? WHERE page_ref = ?');
  const insertError = db.prepare(
    'INSERT INTO graph_sync_errors (page_ref, workspace_id, at, kind, http_status, code, subcode, message, fbtrace_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const recordError = (e: PageSyncError, httpStatus?: number) =>
    insertError.run(target.pageRef, target.workspaceId, now(), e.kind, httpStatus ?? null, e.code ?? null, e.subcode ?? null, e.message, e.fbtraceId ?? null);
  const endRun = db.prepare('UPDATE graph_sync_pages SET status = ?, last_error_kind = ?, last_error_message = ?, last_error_at = ?, updated_at = ? WHERE page_ref = ?');

  let after = state.after_cursor;
  let total = state.conversations_total;
  let conversationsDone = state.conversations_done;
  let messagesDone = state.messages_done;
  let addedThisRun = 0;
  const startedAt = now();
  let messagesThisSession = 0;
  let conversationsThisSession = 0;
  let requestsCounted = client.requests;

  const report = (status: PageSyncStatus) => {
    const elapsed = (now() - startedAt) / 1000;
    const rate = elapsed > 0.5 ? messagesThisSession / elapsed : null;
    const convRate = elapsed > 0.5 ? conversationsThisSession / elapsed : 0;
    const etaMs = total !== null && convRate > 0 ? Math.max(0, ((total - conversationsDone) / convRate) * 1000) : null;
    opts.onProgress?.({
      pageId: target.pageId,
      status,
      conversationsDone,
      conversationsTotal: total,
      messagesDone,
      rate,
      etaMs: status === 'done' ? 0 : etaMs,
      backoff: client.pacer.backoff(),
      truncatedConversations: (db.prepare('SELECT truncated_conversations AS n FROM graph_sync_pages WHERE page_ref = ?').get(target.pageRef) as { n: number }).n,
    });
  };
  report('running');

  try {
    for (;;) {
      opts.signal?.throwIfAborted();
      let list: GraphList<GraphConversationItem>;
      try {
        list = await client.get<GraphList<GraphConversationItem>>(
          `${target.pageId}/conversations`,
          { platform: 'messenger', fields: CONVERSATION_FIELDS, limit: pageSize, after: after ?? undefined, summary: after ? undefined : 'total_count' },
          target.token,
          opts.signal,
        );
      } catch (e) {
        if (e instanceof GraphError && e.kind === 'cursorExpired' && after !== null) {
          // The listing has no since/until: start it again. Rows already in are kept as they are.
          recordError(errorOf(e), e.details.httpStatus);
          restartListing.run(now(), target.pageRef);
          after = null;
          continue;
        }
        throw e;
      }
      const items = (list.data ?? []).filter((c): c is GraphConversationItem => typeof c?.id === 'string');
      if (typeof list.summary?.total_count === 'number') total = list.summary.total_count;

      const changed = state.incremental
        ? items.filter((item) => {
            const parsed = toHistoryConversation(target.pageId, item, null);
            return parsed === null || !writer.isUnchanged(target.pageRef, parsed);
          })
        : items;
      const details = await fetchDetails(client, changed, target.token, opts.signal, (e) => recordError(errorOf(e), e.details.httpStatus));

      const next = nextCursor(list);
      const finished = next === null || (state.incremental === 1 && items.length > 0 && changed.length === 0);
      const conversations: HistoryConversation[] = [];
      let truncated = 0;
      let outOfReach = 0;
      for (const item of changed) {
        const detail = details.get(item.id);
        if (detail === undefined) continue; // its error is recorded; the next run tries it again
        const c = toHistoryConversation(target.pageId, item, detail);
        if (!c) continue;
        conversations.push(c);
        if (c.messageCount !== null && c.messageCount > MESSAGES_DETAILED_PER_CONVERSATION) {
          truncated++;
          outOfReach += c.messageCount - MESSAGES_DETAILED_PER_CONVERSATION;
        }
      }
      let added = 0;
      db.transaction(() => {
        for (const c of conversations) added += writer.write(target.pageRef, c);
        commitPage.run({
          after: finished ? null : next,
          total,
          conversations: conversations.length,
          messages: added,
          requests: client.requests - requestsCounted,
          truncated,
          outOfReach,
          finished: finished ? 1 : 0,
          now: now(),
          pageRef: target.pageRef,
        });
      })();
      requestsCounted = client.requests;
      after = next;
      conversationsDone += conversations.length;
      conversationsThisSession += conversations.length;
      messagesDone += added;
      messagesThisSession += added;
      addedThisRun += added;
      if (finished) {
        report('done');
        return { pageId: target.pageId, status: 'done', messagesAdded: addedThisRun, conversations: conversationsDone };
      }
      report('running');
    }
  } catch (e) {
    const cancelled = opts.signal?.aborted === true;
    const error: PageSyncError = cancelled
      ? { kind: 'cancelled', message: 'Stopped. The next sync resumes where this one stopped.' }
      : e instanceof GraphError
        ? errorOf(e)
        : { kind: 'malformed', message: client.scrub(`Unexpected data from Graph: ${(e as Error).message}`, target.token) };
    if (!cancelled) recordError(error, e instanceof GraphError ? e.details.httpStatus : undefined);
    const status = error.kind === 'auth' ? 'reconnect' : 'failed';
    endRun.run(status, error.kind, error.message, now(), now(), target.pageRef);
    report(status);
    return { pageId: target.pageId, status: cancelled ? 'cancelled' : status, messagesAdded: addedThisRun, conversations: conversationsDone, error };
  }
}

function errorOf(e: GraphError): PageSyncError {
  return { kind: e.kind, message: e.message, code: e.details.code, subcode: e.details.subcode, fbtraceId: e.details.fbtraceId };
}

/**
 * Messages of each conversation, up to 50 per batch request. A part of the batch that failed
 * for a passing reason is fetched again on its own (with the client's retries); a token error
 * stops the Page; any other error is recorded and that conversation left for the next run.
 */
async function fetchDetails(
  client: GraphClient,
  items: GraphConversationItem[],
  token: string,
  signal: AbortSignal | undefined,
  record: (e: GraphError) => void,
): Promise<Map<string, GraphConversationDetail>> {
  const out = new Map<string, GraphConversationDetail>();
  // A connection fault loses the whole batch: after two failed tries a batch is halved, so a
  // flaky link still moves forward, down to one call per request before the Page gives up.
  let size = 50;
  for (let i = 0; i < items.length; ) {
    const chunk = items.slice(i, i + Math.min(size, client.pacer.callBudget(50)));
    const urls = chunk.map((c) => `${encodeURIComponent(c.id)}?fields=${encodeURIComponent(MESSAGE_FIELDS)}`);
    let answers: BatchItem<GraphConversationDetail>[];
    try {
      answers = await client.batch<GraphConversationDetail>(urls, token, signal, { maxAttempts: chunk.length > 1 ? 2 : undefined });
    } catch (e) {
      if (e instanceof GraphError && (e.kind === 'network' || e.kind === 'transient') && chunk.length > 1) {
        size = Math.max(1, Math.floor(chunk.length / 2));
        continue;
      }
      throw e;
    }
    i += chunk.length;
    for (let j = 0; j < chunk.length; j++) {
      const answer = answers[j]!;
      const id = chunk[j]!.id;
      if (answer.ok) {
        out.set(id, answer.body);
        continue;
      }
      const kind = answer.error.kind;
      if (kind === 'auth') throw answer.error;
      if (kind === 'transient' || kind === 'rateLimit' || kind === 'network') {
        try {
          out.set(id, await client.get<GraphConversationDetail>(encodeURIComponent(id), { fields: MESSAGE_FIELDS }, token, signal));
        } catch (e) {
          if (e instanceof GraphError && e.kind === 'other') record(e);
          else throw e;
        }
        continue;
      }
      record(answer.error);
    }
  }
  return out;
}
