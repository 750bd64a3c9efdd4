import type http from 'node:http';
import { ApiError } from '../../../shared/api/errors';
import { closeServer, createServer, defaultLog, describeListenError, discardBody, listen, sendError, sendJson, urlHost, type WebhookLog } from './http';
import type { WebhookLine } from './line';
import { warnIfExposed } from './receiver';
import { bearerToken, tokenEquals } from './signature';
import { openSpool, SpoolCursorError, type Spool } from './spool';
import { checkSecrets, createCounters, DEFAULT_MAX_BODY_BYTES, handleWebhook, WEBHOOK_PATH, type WebhookCounters } from './webhookEndpoint';

export const EVENTS_PATH = '/events';
export const HEALTH_PATH = '/health';
export const DEFAULT_PAGE_SIZE = 1000;
export const MAX_PAGE_SIZE = 5000;
export const MIN_PULL_TOKEN_LENGTH = 16;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RelayOptions {
  /** 127.0.0.1 by default: the usual set-up puts a TLS reverse proxy on the same machine in front. */
  host?: string;
  port?: number;
  storeDir: string;
  verifyToken: string;
  appSecret: string;
  /** Bearer token the desktop app presents on /events (at least 16 characters). */
  pullToken: string;
  retentionDays?: number;
  /** Events per page when the client does not ask for a number (at most maxPageSize). */
  pageSize?: number;
  maxPageSize?: number;
  maxBodyBytes?: number;
  segmentMaxBytes?: number;
  /** How often retention runs (default hourly; it also runs at start). */
  retentionIntervalMs?: number;
  onEvent?: (line: WebhookLine) => void;
  log?: WebhookLog;
}

export interface RelayCounters extends WebhookCounters {
  pulls: number;
  pulledEvents: number;
  unauthorizedPulls: number;
}

export interface Relay {
  /** Base address, e.g. http://127.0.0.1:8787 — webhooks on /webhook, pulls on /events. */
  url: string;
  host: string;
  address: string;
  port: number;
  readonly counters: Readonly<RelayCounters>;
  readonly spool: Spool;
  /** Applies retention now (the timer calls this too). */
  runRetention(): Promise<{ deleted: string[] }>;
  close(): Promise<void>;
}

function parseLimit(value: string | null, fallback: number, max: number): number | null {
  if (value === null || value === '') return fallback;
  if (!/^\d{1,9}$/.test(value)) return null;
  const n = Number(value);
  return n < 1 ? null : Math.min(n, max);
}

/**
 * The 24/7 relay: the webhook receiver plus an authenticated, paged pull endpoint over
 * the same durable store, with retention. Events stay in the store after a pull: the
 * client's cursor, not deletion, marks what it has, so a lost reply costs nothing.
 */
export async function startRelay(opts: RelayOptions): Promise<Relay> {
  checkSecrets(opts);
  if (typeof opts.pullToken !== 'string' || opts.pullToken.length < MIN_PULL_TOKEN_LENGTH) {
    throw new TypeError(`The pull token must be at least ${MIN_PULL_TOKEN_LENGTH} characters (for example the output of: openssl rand -hex 32).`);
  }
  const retentionDays = opts.retentionDays ?? 14;
  if (!(retentionDays > 0)) throw new RangeError('retentionDays must be a positive number.');
  const maxPageSize = opts.maxPageSize ?? MAX_PAGE_SIZE;
  const pageSize = Math.min(opts.pageSize ?? DEFAULT_PAGE_SIZE, maxPageSize);
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? defaultLog;
  const counters: RelayCounters = { ...createCounters(), pulls: 0, pulledEvents: 0, unauthorizedPulls: 0 };
  const spool = await openSpool(opts.storeDir, { segmentMaxBytes: opts.segmentMaxBytes });
  if (spool.repaired) log.warn(`relay: cut ${spool.repaired.droppedBytes} bytes of an unfinished write from ${spool.repaired.segment} (left by a crash; never acknowledged).`);

  const cfg = {
    verifyToken: opts.verifyToken,
    appSecret: opts.appSecret,
    spool,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    counters,
    log,
    onEvent: opts.onEvent,
  };

  const authorized = (req: http.IncomingMessage) => {
    const token = bearerToken(req.headers.authorization);
    return token !== '' && tokenEquals(token, opts.pullToken);
  };

  async function events(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET') {
      discardBody(req);
      return sendJson(res, 405, { ok: false, error: { code: 'BAD_INPUT', message: 'Use GET.' } }, { Allow: 'GET' });
    }
    if (!authorized(req)) {
      counters.unauthorizedPulls++;
      return sendError(res, new ApiError('UNAUTHORIZED', 'Missing or wrong pull token (Authorization: Bearer …).'), 401, { 'WWW-Authenticate': 'Bearer' });
    }
    const limit = parseLimit(url.searchParams.get('limit'), pageSize, maxPageSize);
    if (limit === null) return sendError(res, new ApiError('BAD_INPUT', `limit must be a whole number between 1 and ${maxPageSize}.`));
    try {
      const page = await spool.read(url.searchParams.get('after'), limit);
      counters.pulls++;
      counters.pulledEvents += page.lines.length;
      if (page.gap) log.warn('relay: a client asked for events that retention had already deleted.');
      sendJson(res, 200, { events: page.lines, next: page.next, more: page.more, gap: page.gap });
    } catch (e) {
      if (e instanceof SpoolCursorError) return sendError(res, new ApiError('BAD_INPUT', `Invalid cursor: ${e.message}`));
      throw e;
    }
  }

  function health(req: http.IncomingMessage, res: http.ServerResponse): void {
    discardBody(req);
    // Details (volumes, counts) only for the token holder; anyone may see that it is up.
    if (!authorized(req)) return sendJson(res, 200, { ok: true });
    sendJson(res, 200, { ok: true, store: spool.stats(), retentionDays, counters });
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    if (url.pathname === WEBHOOK_PATH) return handleWebhook(req, res, url, cfg);
    if (url.pathname === EVENTS_PATH) return events(req, res, url);
    if (url.pathname === HEALTH_PATH) return health(req, res);
    discardBody(req);
    sendError(res, new ApiError('NOT_FOUND', 'Not found.'));
  }, log);

  let retention: Promise<{ deleted: string[] }> | null = null;
  const runRetention = (): Promise<{ deleted: string[] }> => {
    retention ??= spool
      .prune({ maxAgeMs: retentionDays * DAY_MS })
      .then((r) => {
        if (r.deleted.length > 0) log.info(`relay: retention deleted ${r.deleted.length} segment(s) older than ${retentionDays} days`);
        return r;
      })
      .finally(() => {
        retention = null;
      });
    return retention;
  };
  const runQuietly = () => {
    runRetention().catch((e: unknown) => log.error(`relay: retention failed: ${e instanceof Error ? e.message : String(e)}`));
  };

  let bound: { address: string; port: number };
  try {
    bound = await listen(server, host, opts.port ?? 0);
  } catch (e) {
    await spool.close();
    throw describeListenError(e, host, opts.port ?? 0);
  }
  warnIfExposed(host, log, 'relay');
  runQuietly();
  const timer = setInterval(runQuietly, opts.retentionIntervalMs ?? 60 * 60 * 1000);
  timer.unref();

  return {
    url: `http://${urlHost(host)}:${bound.port}`,
    host,
    address: bound.address,
    port: bound.port,
    counters,
    spool,
    runRetention,
    close: async () => {
      clearInterval(timer);
      await closeServer(server);
      if (retention) await retention.catch(() => undefined);
      await spool.close();
    },
  };
}
