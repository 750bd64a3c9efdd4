/**
 * The simulator's Graph API face: what Relais's Page-history sync is tested against.
 * Serves, on 127.0.0.1 (random port unless given), the simulated Pages' history with
 * the real API's shapes and constraints. `{v}` is any `vNN.N` (or none).
 *
 *   GET  /{v}/me                              user token → {id,name}; Page token → the Page
 *   GET  /{v}/me/accounts                     user token → Pages {id,name,access_token,category,category_list,tasks}, cursor paging
 *   GET  /{v}/{page-id}                       Page fields
 *   GET  /{v}/{page-id}/conversations         Page token; `platform=messenger` (instagram → empty); `fields`;
 *                                             newest `updated_time` first; cursor paging (`paging.cursors.before/after`,
 *                                             `paging.next`/`previous` with the token in the URL as Meta does); `limit`
 *                                             default 25, clamped to 100; `since`/`until` IGNORED like the real API
 *   GET  /{v}/{conversation-id}               fields id, updated_time (default), message_count, unread_count,
 *                                             participants, senders, snippet, can_reply, is_subscribed, link,
 *                                             messages[.limit(n)]{id,created_time,from,to,message,tags,is_unsupported}
 *   GET  /{v}/{conversation-id}/messages      the same messages edge, cursor paging
 *   GET  /{v}/{message-id}                    message fields
 *        Only the 20 most recent messages of a conversation exist for the API: the edge stops there and an
 *        older message id answers error 100/33 (unsupported get). `created_time` has second precision
 *        (`2026-07-01T12:00:00+0000`); message ids are the webhook mids.
 *   POST /{v}/  (or /)                        batch: `batch=[{method,relative_url}]` (form or JSON body), at most 50;
 *                                             each item → {code, headers:[{name,value}], body:"json"}; each item is
 *                                             one Graph call for faults and rate limits
 *   POST /{v}/device/login                    app token APP_ID|CLIENT_TOKEN → {code,user_code,verification_uri,expires_in,interval}
 *   POST /{v}/device/login_status             code → error 31/1349174 pending, 17/1349172 slow down, 463/1349152 expired,
 *                                             then {access_token,data_access_expiration_time,expires_in} after K polls
 *
 * Every call answers `X-App-Usage`; Page-token calls also `X-Business-Use-Case-Usage`
 * (keyed by Page id, with `estimated_time_to_regain_access` in minutes). Usage rises with
 * the call rate over a sliding window; past 100 % the scope is throttled: code 4 (app) or
 * 32 (Page). Every error has `fbtrace_id`. Tokens: missing or unknown → 190, revoked → 190/460,
 * user token on Page data → 210. Faults (seeded or scripted at call N, see faults.ts): codes
 * 4/17/32/613/80006 (throttling the scope for `penaltyMinutes`), 500 (code 1), 503 (code 2),
 * 1200, connection reset, timeout (no answer until the client gives up), expired cursor
 * (100), token revoked from call N. Device-login calls take no faults and count for no usage.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hash32 } from '../rng';
import { errorBody, graphErrors, type GraphErrorSpec } from './errors';
import { FaultPlan, type GraphFaultKind, type GraphFaultOptions } from './faults';
import { FieldSyntaxError, parseFields } from './fields';
import { clampLimit, FieldError, messagesEdge, renderConversation, renderMessage, renderPage, type EdgePage } from './nodes';
import { callCost, resolveRateLimits, UsageWindow, type RateLimitOptions, type UsageFigures } from './usage';
import { appendMessage, buildGraphWorld, expectedSync, RECENT_MESSAGE_LIMIT, type GraphMessage, type NewMessage, type ExpectedSyncPage, type GraphConversation, type GraphPage, type GraphWorld } from './world';

export interface DeviceLoginOptions {
  /** Polls answered "pending" before the user is taken to have approved (default 2). */
  pollsUntilAuthorized?: number;
  /** Seconds between polls asked of the client (default 5; a Graph second is minuteMs/60 ms). */
  intervalSeconds?: number;
  /** Lifetime of a code in seconds (default 420). */
  expiresInSeconds?: number;
  /** Answer 17/1349172 to polls faster than the interval (default true). */
  enforceInterval?: boolean;
}

export interface GraphServerOptions {
  /** Scenario JSON(s), one Page each. Ignored when `world` is given. */
  scenarios?: unknown;
  /** A world already built (tests share one between servers). */
  world?: GraphWorld;
  port?: number;
  /** Version in `paging` URLs (any vNN.N is accepted in requests). Default v25.0. */
  version?: string;
  /** Seeds tokens, fbtrace ids and (unless faults.seed) random faults. */
  seed?: string | number;
  faults?: GraphFaultOptions;
  rateLimits?: RateLimitOptions;
  /** Default and maximum `limit` for edges (25, 100). */
  defaultLimit?: number;
  maxLimit?: number;
  maxBatch?: number;
  deviceLogin?: DeviceLoginOptions;
  user?: { id: string; name: string };
  /** Clock (ms) for usage windows, cursors and device codes. */
  now?: () => number;
}

export interface GraphTokens {
  /** The user access token (what device login hands out). */
  user: string;
  /** Page access tokens by Page id (what `/me/accounts` lists). */
  pages: Record<string, string>;
  /** App access token for device login: `APP_ID|CLIENT_TOKEN`. */
  app: string;
}

export interface GraphServerStats {
  httpRequests: number;
  /** Graph calls (a batch item is one call; device login is not counted). */
  calls: number;
  batches: number;
  /** Calls in the last second, and the most seen in any one-second bucket. */
  callsPerSecond: number;
  peakCallsPerSecond: number;
  faultsInjected: Partial<Record<GraphFaultKind, number>>;
  faultsTotal: number;
  /** Calls refused because a scope was over its budget or still throttled. */
  throttled: number;
  /** Error answers by Graph code. */
  errors: Record<string, number>;
}

export interface GraphCallRecord {
  n: number;
  at: number;
  method: string;
  /** Path without the version, query without the token. */
  path: string;
  status: number;
  code: number | null;
  fault: GraphFaultKind | null;
}

export interface GraphServer {
  url: string;
  version: string;
  world: GraphWorld;
  tokens: GraphTokens;
  readonly stats: GraphServerStats;
  /** The last 2 000 calls, oldest first. */
  readonly calls: readonly GraphCallRecord[];
  /** What a perfect sync yields (see `expectedSync`). */
  expected(): ExpectedSyncPage[];
  /** Revokes a token now ('user', a Page id, or the token). */
  revokeToken(which: string): void;
  /** New activity on a Page (between two syncs, or during one): see `appendMessage`. */
  addMessage(pageId: string, message: NewMessage): GraphMessage;
  close(): Promise<void>;
}

type Principal = { kind: 'user' } | { kind: 'page'; page: GraphPage };

interface CallResult {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** Set when the HTTP connection must be reset or left hanging. */
  connection?: 'reset' | 'hang';
}

interface CursorState {
  k: string;
  s: string;
  o: number;
  t: number;
}

const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function makeToken(seed: string, ...parts: string[]): string {
  let t = 'EAAG';
  for (let i = 0; t.length < 180; i++) {
    const h = hash32(seed, 'token', ...parts, i);
    for (let k = 0; k < 5; k++) t += TOKEN_CHARS[(h >>> (k * 6)) % 62];
  }
  return t;
}

const VERSION_RE = /^v\d+\.\d+$/;

export async function startGraphServer(options: GraphServerOptions = {}): Promise<GraphServer> {
  const world = options.world ?? buildGraphWorld(options.scenarios ?? []);
  const version = options.version ?? 'v25.0';
  const seed = String(options.seed ?? world.seed);
  const now = options.now ?? Date.now;
  const limits = resolveRateLimits(options.rateLimits);
  const minuteMs = limits.minuteMs;
  const defaultLimit = options.defaultLimit ?? 25;
  const maxLimit = options.maxLimit ?? 100;
  const maxBatch = options.maxBatch ?? 50;
  const device = {
    polls: options.deviceLogin?.pollsUntilAuthorized ?? 2,
    interval: options.deviceLogin?.intervalSeconds ?? 5,
    expiresIn: options.deviceLogin?.expiresInSeconds ?? 420,
    enforce: options.deviceLogin?.enforceInterval ?? true,
  };
  const user = options.user ?? { id: '100089765432101', name: 'Relais Tester' };
  const faults = new FaultPlan({ seed, ...options.faults });
  const cursorTtlMs = options.faults?.cursorTtlMinutes === undefined ? Infinity : options.faults.cursorTtlMinutes * minuteMs;

  const firstPage = world.pages[0] as GraphPage;
  const tokens: GraphTokens = {
    user: makeToken(seed, 'user'),
    pages: Object.fromEntries(world.pages.map((p) => [p.id, makeToken(seed, 'page', p.id)])),
    app: `${firstPage.appId}|${makeToken(seed, 'client').slice(4, 36).toLowerCase()}`,
  };
  const principals = new Map<string, Principal>([[tokens.user, { kind: 'user' }]]);
  for (const p of world.pages) principals.set(tokens.pages[p.id] as string, { kind: 'page', page: p });
  const revoked = new Set<string>();

  const windowMs = limits.windowMinutes * minuteMs;
  const appWindow = new UsageWindow(windowMs, limits.appCallsPerWindow);
  const pageWindows = new Map(world.pages.map((p) => [p.id, new UsageWindow(windowMs, limits.pageCallsPerWindow)]));
  /** Throttled scopes ('app', 'user', 'page:ID') → until when, and with which error. */
  const throttles = new Map<string, { until: number; spec: GraphErrorSpec; buc: 'pages' | 'messenger' }>();

  const stats: GraphServerStats = { httpRequests: 0, calls: 0, batches: 0, callsPerSecond: 0, peakCallsPerSecond: 0, faultsInjected: {}, faultsTotal: 0, throttled: 0, errors: {} };
  const callLog: GraphCallRecord[] = [];
  const recentCalls: number[] = [];
  let bucket = { second: -1, count: 0 };
  let traceCounter = 0;
  const deviceCodes = new Map<string, { createdAt: number; polls: number; lastPollAt: number }>();
  let baseUrl = '';
  /** Version of the call being answered: paging links keep it (calls are answered one at a time). */
  let requestVersion = version;

  function fbtrace(): string {
    traceCounter++;
    let s = 'A';
    const h1 = hash32(seed, 'fbtrace', traceCounter);
    const h2 = hash32(seed, 'fbtrace2', traceCounter);
    for (let k = 0; k < 5; k++) s += TOKEN_CHARS[(h1 >>> (k * 6)) % 62];
    for (let k = 0; k < 5; k++) s += TOKEN_CHARS[(h2 >>> (k * 6)) % 62];
    return s;
  }

  function resolveRevocation(which: string): string[] {
    if (which === 'user') return [tokens.user];
    if (tokens.pages[which]) return [tokens.pages[which] as string];
    if (which === 'all') return [...principals.keys()];
    return [which];
  }

  function noteCallRate(t: number): void {
    recentCalls.push(t);
    while (recentCalls.length > 0 && (recentCalls[0] as number) <= t - 1000) recentCalls.shift();
    const second = Math.floor(t / 1000);
    if (second !== bucket.second) bucket = { second, count: 0 };
    bucket.count++;
    if (bucket.count > stats.peakCallsPerSecond) stats.peakCallsPerSecond = bucket.count;
  }

  function usageHeaders(principal: Principal | null, t: number, regain: Record<string, { minutes: number; buc: 'pages' | 'messenger' }> = {}): Record<string, string> {
    const h: Record<string, string> = {};
    if (!principal) return h;
    const app: UsageFigures = appWindow.figures(t);
    h['x-app-usage'] = JSON.stringify(app);
    if (principal.kind === 'page') {
      const pw = pageWindows.get(principal.page.id) as UsageWindow;
      const f = pw.figures(t);
      const entries: Record<string, unknown>[] = [];
      const pageThrottle = throttles.get(`page:${principal.page.id}`);
      const minutesLeft = (until: number) => Math.max(1, Math.ceil((until - t) / minuteMs));
      const pagesRegain = pageThrottle && pageThrottle.until > t && pageThrottle.buc === 'pages' ? minutesLeft(pageThrottle.until) : (regain.pages?.minutes ?? 0);
      entries.push({ type: 'pages', call_count: pagesRegain > 0 ? 100 : f.call_count, total_cputime: f.total_cputime, total_time: f.total_time, estimated_time_to_regain_access: pagesRegain });
      const messengerRegain = pageThrottle && pageThrottle.until > t && pageThrottle.buc === 'messenger' ? minutesLeft(pageThrottle.until) : (regain.messenger?.minutes ?? 0);
      if (messengerRegain > 0) entries.push({ type: 'messenger', call_count: 100, total_cputime: f.total_cputime, total_time: f.total_time, estimated_time_to_regain_access: messengerRegain });
      h['x-business-use-case-usage'] = JSON.stringify({ [principal.page.id]: entries });
    }
    return h;
  }

  function errorResult(spec: GraphErrorSpec, principal: Principal | null, t: number): CallResult {
    stats.errors[String(spec.code)] = (stats.errors[String(spec.code)] ?? 0) + 1;
    return { status: spec.status, body: errorBody(spec, fbtrace()), headers: usageHeaders(principal, t) };
  }

  function throttleScope(fault: GraphFaultKind, principal: Principal, t: number): { key: string; spec: GraphErrorSpec; buc: 'pages' | 'messenger' } {
    const until = t + limits.penaltyMinutes * minuteMs;
    const pageKey = principal.kind === 'page' ? `page:${principal.page.id}` : 'app';
    const pick = (): { key: string; spec: GraphErrorSpec; buc: 'pages' | 'messenger' } => {
      switch (fault) {
        case 'rate-limit-4':
          return { key: 'app', spec: graphErrors.appLimit(), buc: 'pages' };
        case 'rate-limit-17':
          return { key: 'user', spec: graphErrors.userLimit(), buc: 'pages' };
        case 'rate-limit-32':
          return { key: pageKey, spec: graphErrors.pageLimit(), buc: 'pages' };
        case 'rate-limit-613':
          return { key: pageKey, spec: graphErrors.apiLimit(), buc: 'pages' };
        default:
          return { key: pageKey, spec: graphErrors.messengerLimit(), buc: 'messenger' };
      }
    };
    const p = pick();
    throttles.set(p.key, { until, spec: p.spec, buc: p.buc });
    return p;
  }

  function activeThrottle(principal: Principal, t: number): { spec: GraphErrorSpec } | null {
    const keys = ['app', 'user'];
    if (principal.kind === 'page') keys.push(`page:${principal.page.id}`);
    for (const k of keys) {
      const th = throttles.get(k);
      if (th && th.until > t) return th;
      if (th) throttles.delete(k);
    }
    return null;
  }

  // ── Cursors and paging ────────────────────────────────────────────────────

  function encodeCursor(kind: string, scope: string, offset: number, t: number): string {
    return Buffer.from(JSON.stringify({ k: kind, s: scope, o: offset, t } satisfies CursorState)).toString('base64url');
  }

  function decodeCursor(raw: string, kind: string, scope: string, t: number): number | 'expired' {
    try {
      const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as CursorState;
      if (c.k !== kind || c.s !== scope || !Number.isInteger(c.o) || c.o < 0 || typeof c.t !== 'number') return 'expired';
      if (t - c.t > cursorTtlMs) return 'expired';
      return c.o;
    } catch {
      return 'expired';
    }
  }

  function pagingFor(kind: string, scope: string, path: string, params: URLSearchParams, token: string, page: EdgePage<unknown>, limit: number, t: number): Record<string, unknown> | undefined {
    if (page.items.length === 0) return undefined;
    const before = encodeCursor(kind, scope, page.offset, t);
    const after = encodeCursor(kind, scope, page.offset + page.items.length, t);
    const link = (dir: 'after' | 'before', cursor: string) => {
      const q = new URLSearchParams(params);
      q.delete('after');
      q.delete('before');
      q.set('access_token', token);
      q.set('limit', String(limit));
      q.set(dir, cursor);
      return `${baseUrl}/${requestVersion}/${path}?${q.toString()}`;
    };
    const paging: Record<string, unknown> = { cursors: { before, after } };
    if (page.offset > 0) paging.previous = link('before', before);
    if (page.offset + page.items.length < page.total) paging.next = link('after', after);
    return paging;
  }

  /** Offset and limit of an edge request; `before` pages backwards. */
  function edgeWindow(kind: string, scope: string, params: URLSearchParams, t: number): { offset: number; limit: number } | 'expired' {
    const limit = clampLimit(params.get('limit') ?? undefined, defaultLimit, maxLimit);
    const after = params.get('after');
    const before = params.get('before');
    if (after) {
      const o = decodeCursor(after, kind, scope, t);
      return o === 'expired' ? o : { offset: o, limit };
    }
    if (before) {
      const o = decodeCursor(before, kind, scope, t);
      return o === 'expired' ? o : { offset: Math.max(0, o - limit), limit: Math.min(limit, o) };
    }
    return { offset: 0, limit };
  }

  // ── One Graph call ────────────────────────────────────────────────────────

  function findConversation(id: string): { page: GraphPage; conversation: GraphConversation } | null {
    for (const page of world.pages) {
      const c = page.byConversationId.get(id);
      if (c) return { page, conversation: c };
    }
    return null;
  }

  function findMessage(id: string): { page: GraphPage; conversation: GraphConversation; index: number } | null {
    for (const page of world.pages) {
      const m = page.byMessageId.get(id);
      if (m) return { page, ...m };
    }
    return null;
  }

  /** Routes an authorised GET; returns the body and how many items it carried. */
  function route(segments: string[], params: URLSearchParams, principal: Principal, token: string, t: number): { body: unknown; items: number } | GraphErrorSpec {
    const fields = parseFields(params.get('fields'));
    const [head, edge, ...extra] = segments;
    if (!head || extra.length > 0) return graphErrors.unknownPath(segments.join('/'));
    const path = segments.join('/');

    if (head === 'me') {
      if (edge === undefined) return principal.kind === 'user' ? { body: { id: user.id, name: user.name }, items: 1 } : { body: renderPage(principal.page, null, fields.length ? fields : [{ name: 'id', modifiers: {}, fields: [] }, { name: 'name', modifiers: {}, fields: [] }]), items: 1 };
      if (edge !== 'accounts') return graphErrors.unknownPath(path);
      if (principal.kind !== 'user') return graphErrors.unsupportedGet('me/accounts');
      const w = edgeWindow('accounts', user.id, params, t);
      if (w === 'expired') return graphErrors.expiredCursor();
      const list = world.pages.slice(w.offset, w.offset + w.limit);
      const page = { items: list, offset: w.offset, total: world.pages.length };
      const body: Record<string, unknown> = { data: list.map((p) => renderPage(p, tokens.pages[p.id] as string, fields)) };
      const paging = pagingFor('accounts', user.id, path, params, token, page, w.limit, t);
      if (paging) body.paging = paging;
      return { body, items: list.length };
    }

    const page = world.byPageId.get(head);
    if (page) {
      if (edge === undefined) return { body: renderPage(page, null, fields.length ? fields : [{ name: 'name', modifiers: {}, fields: [] }, { name: 'id', modifiers: {}, fields: [] }]), items: 1 };
      if (edge !== 'conversations') return graphErrors.unknownPath(path);
      if (principal.kind !== 'page') return graphErrors.pageTokenRequired();
      if (principal.page.id !== page.id) return graphErrors.unsupportedGet(`${page.id}/conversations`);
      const platform = params.get('platform');
      if (platform !== null && platform !== 'messenger' && platform !== 'instagram') return graphErrors.badParam('Param platform must be one of {MESSENGER, INSTAGRAM}');
      const all = platform === 'instagram' ? [] : page.conversations;
      // since/until are accepted and ignored, as the real API does.
      const w = edgeWindow('conversations', page.id, params, t);
      if (w === 'expired') return graphErrors.expiredCursor();
      const slice = all.slice(w.offset, w.offset + w.limit);
      const ctx = renderCtx(page, token, t);
      const body: Record<string, unknown> = { data: slice.map((c) => renderConversation(c, fields, ctx)) };
      const paging = pagingFor('conversations', page.id, path, params, token, { items: slice, offset: w.offset, total: all.length }, w.limit, t);
      if (paging) body.paging = paging;
      return { body, items: slice.length + ctx.items };
    }

    const conv = findConversation(head);
    if (conv) {
      if (principal.kind !== 'page') return graphErrors.pageTokenRequired();
      if (principal.page.id !== conv.page.id) return graphErrors.unsupportedGet(head);
      if (edge === undefined) {
        const ctx = renderCtx(conv.page, token, t);
        return { body: renderConversation(conv.conversation, fields, ctx), items: 1 + ctx.items };
      }
      if (edge !== 'messages') return graphErrors.unknownPath(path);
      const w = edgeWindow('messages', head, params, t);
      if (w === 'expired') return graphErrors.expiredCursor();
      const e = messagesEdge(conv.conversation, w.offset, w.limit);
      const body: Record<string, unknown> = { data: e.items.map((m) => renderMessage(m, conv.conversation, conv.page, fields)) };
      const paging = pagingFor('messages', head, path, params, token, e, w.limit, t);
      if (paging) body.paging = paging;
      return { body, items: e.items.length };
    }

    const msg = findMessage(head);
    if (msg && edge === undefined) {
      if (principal.kind !== 'page') return graphErrors.pageTokenRequired();
      // Older than the 20 most recent: gone for the API.
      if (principal.page.id !== msg.page.id || msg.index < msg.conversation.messages.length - RECENT_MESSAGE_LIMIT) return graphErrors.unsupportedGet(head);
      return { body: renderMessage(msg.conversation.messages[msg.index] as GraphConversation['messages'][number], msg.conversation, msg.page, fields), items: 1 };
    }
    return graphErrors.unsupportedGet(head);
  }

  function renderCtx(page: GraphPage, token: string, t: number) {
    const ctx = {
      page,
      defaultLimit,
      maxLimit,
      items: 0,
      messagesPaging: (c: GraphConversation, edge: EdgePage<unknown>, limit: number) => pagingFor('messages', c.id, `${c.id}/messages`, new URLSearchParams(), token, edge, limit, t),
    };
    return ctx;
  }

  /** One Graph GET call: auth, throttles, faults, routing, usage. */
  function graphCall(method: string, rawPath: string, params: URLSearchParams, token: string | null): CallResult {
    const t = now();
    const n = ++stats.calls;
    noteCallRate(t);
    const segments = rawPath.split('/').filter(Boolean);
    requestVersion = segments[0] && VERSION_RE.test(segments[0]) ? (segments.shift() as string) : version;
    const logPath = `/${segments.join('/')}`;
    const record = (r: CallResult, fault: GraphFaultKind | null): CallResult => {
      const code = (r.body as { error?: { code?: number } } | null)?.error?.code ?? null;
      callLog.push({ n, at: t, method, path: logPath, status: r.connection ? 0 : r.status, code, fault });
      if (callLog.length > 2000) callLog.shift();
      return r;
    };

    const fault = faults.draw({ n, hasCursor: params.has('after') || params.has('before') });
    for (const r of faults.revocations.splice(0)) for (const tok of resolveRevocation(r.token)) revoked.add(tok);
    const injected = (kind: GraphFaultKind) => {
      stats.faultsInjected[kind] = (stats.faultsInjected[kind] ?? 0) + 1;
      stats.faultsTotal++;
    };

    // Connection-level faults happen before the server looks at anything.
    if (fault === 'connection-reset' || fault === 'timeout') {
      injected(fault);
      return record({ status: 0, body: null, headers: {}, connection: fault === 'timeout' ? 'hang' : 'reset' }, fault);
    }
    if (!token) return record(errorResult(graphErrors.missingToken(), null, t), null);
    const principal = principals.get(token);
    if (!principal) return record(errorResult(graphErrors.invalidToken(), null, t), null);
    if (revoked.has(token)) return record(errorResult(graphErrors.revokedToken(), null, t), null);
    if (method !== 'GET') return record(errorResult(graphErrors.unsupportedGet(segments[0] ?? ''), principal, t), null);

    const active = activeThrottle(principal, t);
    if (active) {
      stats.throttled++;
      return record(errorResult(active.spec, principal, t), null);
    }
    if (fault) {
      injected(fault);
      switch (fault) {
        case 'server-500':
          return record(errorResult(graphErrors.unknown500(), principal, t), fault);
        case 'server-503':
          return record(errorResult(graphErrors.unavailable503(), principal, t), fault);
        case 'temporary-1200':
          return record(errorResult(graphErrors.temporary1200(), principal, t), fault);
        case 'expired-cursor':
          return record(errorResult(graphErrors.expiredCursor(), principal, t), fault);
        default: {
          const th = throttleScope(fault, principal, t);
          return record(errorResult(th.spec, principal, t), fault);
        }
      }
    }

    let routed: { body: unknown; items: number } | GraphErrorSpec;
    try {
      routed = route(segments, params, principal, token, t);
    } catch (e) {
      if (e instanceof FieldError) routed = e.spec;
      else if (e instanceof FieldSyntaxError) routed = graphErrors.badParam(e.message);
      else throw e;
    }
    const items = 'items' in routed ? routed.items : 0;
    const cost = callCost(items);
    // Past 100 % of a budget: refused, and the scope throttled.
    const pw = principal.kind === 'page' ? (pageWindows.get(principal.page.id) as UsageWindow) : null;
    if (appWindow.wouldExceed(t, cost.cpu, cost.time)) {
      stats.throttled++;
      throttles.set('app', { until: t + limits.penaltyMinutes * minuteMs, spec: graphErrors.appLimit(), buc: 'pages' });
      return record(errorResult(graphErrors.appLimit(), principal, t), null);
    }
    if (pw && pw.wouldExceed(t, cost.cpu, cost.time)) {
      stats.throttled++;
      throttles.set(`page:${(principal as { page: GraphPage }).page.id}`, { until: t + limits.penaltyMinutes * minuteMs, spec: graphErrors.pageLimit(), buc: 'pages' });
      return record(errorResult(graphErrors.pageLimit(), principal, t), null);
    }
    appWindow.record(t, cost.cpu, cost.time);
    pw?.record(t, cost.cpu, cost.time);
    if (!('items' in routed)) return record(errorResult(routed, principal, t), null);
    return record({ status: 200, body: routed.body, headers: usageHeaders(principal, t) }, null);
  }

  // ── Device login ──────────────────────────────────────────────────────────

  function deviceCall(action: string, params: URLSearchParams, token: string | null): CallResult {
    const t = now();
    const err = (spec: GraphErrorSpec): CallResult => {
      stats.errors[String(spec.code)] = (stats.errors[String(spec.code)] ?? 0) + 1;
      return { status: spec.status, body: errorBody(spec, fbtrace()), headers: {} };
    };
    if (token !== tokens.app) return err(graphErrors.appTokenRequired());
    const secondMs = minuteMs / 60;
    if (action === 'login') {
      const code = makeToken(seed, 'device', String(deviceCodes.size), String(t)).slice(4, 36);
      deviceCodes.set(code, { createdAt: t, polls: 0, lastPollAt: -Infinity });
      const userCode = code.slice(0, 8).toUpperCase().replace(/[^A-Z0-9]/g, 'X');
      return { status: 200, body: { code, user_code: userCode, verification_uri: 'https://www.facebook.com/device', expires_in: device.expiresIn, interval: device.interval }, headers: {} };
    }
    const code = params.get('code');
    const state = code ? deviceCodes.get(code) : undefined;
    if (!state) return err(graphErrors.deviceBadCode());
    if (t - state.createdAt > device.expiresIn * secondMs) return err(graphErrors.deviceExpired());
    if (device.enforce && t - state.lastPollAt < device.interval * secondMs) {
      state.lastPollAt = t;
      return err(graphErrors.deviceSlowDown());
    }
    state.lastPollAt = t;
    state.polls++;
    if (state.polls <= device.polls) return err(graphErrors.devicePending());
    deviceCodes.delete(code as string);
    return { status: 200, body: { access_token: tokens.user, data_access_expiration_time: Math.floor(t / 1000) + 90 * 86_400, expires_in: 5_183_944 }, headers: {} };
  }

  // ── Batch ─────────────────────────────────────────────────────────────────

  function batchCall(params: URLSearchParams, token: string | null): CallResult {
    stats.batches++;
    const t = now();
    const raw = params.get('batch');
    let items: unknown;
    try {
      items = raw === null ? null : JSON.parse(raw);
    } catch {
      items = null;
    }
    if (!Array.isArray(items)) return errorResult(graphErrors.badParam('The parameter batch is required and must be a JSON array'), null, t);
    if (items.length > maxBatch) return errorResult(graphErrors.tooManyInBatch(maxBatch), null, t);
    if (!token) return errorResult(graphErrors.missingToken(), null, t);
    const includeHeaders = params.get('include_headers') !== 'false';
    const out: unknown[] = [];
    let lastPrincipal: Principal | null = principals.get(token) ?? null;
    for (const item of items) {
      const it = (item ?? {}) as { method?: unknown; relative_url?: unknown };
      const method = typeof it.method === 'string' ? it.method.toUpperCase() : 'GET';
      const rel = typeof it.relative_url === 'string' ? it.relative_url : '';
      const q = rel.indexOf('?');
      const itemPath = q < 0 ? rel : rel.slice(0, q);
      const itemParams = new URLSearchParams(q < 0 ? '' : rel.slice(q + 1));
      const itemToken = itemParams.get('access_token') ?? token;
      itemParams.delete('access_token');
      const r = graphCall(method, itemPath, itemParams, itemToken);
      if (r.connection) return r;
      lastPrincipal = principals.get(itemToken) ?? lastPrincipal;
      const headers = [{ name: 'Content-Type', value: 'application/json; charset=UTF-8' }, ...Object.entries(r.headers).map(([name, value]) => ({ name: headerName(name), value }))];
      out.push(includeHeaders ? { code: r.status, headers, body: JSON.stringify(r.body) } : { code: r.status, body: JSON.stringify(r.body) });
    }
    return { status: 200, body: out, headers: usageHeaders(lastPrincipal, now()) };
  }

  // ── HTTP ──────────────────────────────────────────────────────────────────

  function tokenFrom(params: URLSearchParams, req: http.IncomingMessage): string | null {
    const q = params.get('access_token');
    if (q) return q;
    const auth = req.headers.authorization;
    const m = auth ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(auth) : null;
    return m ? (m[1] as string).trim() : null;
  }

  async function readBody(req: http.IncomingMessage): Promise<URLSearchParams> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 2_000_000) throw new Error('body too large');
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text) return new URLSearchParams();
    if ((req.headers['content-type'] ?? '').includes('application/json')) {
      const json = JSON.parse(text) as Record<string, unknown>;
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(json)) p.set(k, typeof v === 'string' ? v : JSON.stringify(v));
      return p;
    }
    return new URLSearchParams(text);
  }

  const server = http.createServer((req, res) => {
    stats.httpRequests++;
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const params = new URLSearchParams(url.searchParams);
      let result: CallResult;
      try {
        if (req.method === 'POST') for (const [k, v] of await readBody(req)) params.set(k, v);
        const token = tokenFrom(params, req);
        params.delete('access_token');
        const segments = url.pathname.split('/').filter(Boolean);
        if (segments[0] && VERSION_RE.test(segments[0])) segments.shift();
        if (req.method === 'POST' && segments[0] === 'device' && (segments[1] === 'login' || segments[1] === 'login_status') && segments.length === 2) {
          result = deviceCall(segments[1] === 'login' ? 'login' : 'status', params, token);
        } else if (req.method === 'POST' && segments.length === 0 && params.has('batch')) {
          result = batchCall(params, token);
        } else if (req.method === 'GET' || req.method === 'POST') {
          result = graphCall(req.method, url.pathname, params, token);
        } else {
          result = errorResult(graphErrors.unknownPath(url.pathname), null, now());
        }
      } catch {
        result = errorResult(graphErrors.badParam('Malformed request'), null, now());
      }
      if (result.connection === 'hang') return; // closed when the client gives up or the server closes
      if (result.connection === 'reset') {
        req.socket.resetAndDestroy();
        return;
      }
      const text = JSON.stringify(result.body);
      // One trace id per answer: an error's body and header agree, as Meta's do.
      const trace = (result.body as { error?: { fbtrace_id?: string } } | null)?.error?.fbtrace_id ?? fbtrace();
      res.writeHead(result.status, {
        'content-type': 'application/json; charset=UTF-8',
        'content-length': Buffer.byteLength(text),
        'facebook-api-version': version,
        'x-fb-trace-id': trace,
        'x-fb-rev': '1010101010',
        ...Object.fromEntries(Object.entries(result.headers).map(([k, v]) => [k, v])),
      });
      res.end(text);
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    url: baseUrl,
    version,
    world,
    tokens,
    get stats(): GraphServerStats {
      while (recentCalls.length > 0 && (recentCalls[0] as number) <= now() - 1000) recentCalls.shift();
      return { ...stats, callsPerSecond: recentCalls.length, faultsInjected: { ...stats.faultsInjected }, errors: { ...stats.errors } };
    },
    get calls(): readonly GraphCallRecord[] {
      return callLog.slice();
    },
    expected: () => expectedSync(world),
    revokeToken(which: string) {
      for (const tok of resolveRevocation(which)) revoked.add(tok);
    },
    addMessage: (pageId, message) => appendMessage(world, pageId, message).message,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function headerName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}
