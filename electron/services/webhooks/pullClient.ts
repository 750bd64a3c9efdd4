import { z } from 'zod';
import type { WebhookLine } from './line';

export type RelayPullErrorCode =
  /** The relay could not be reached or kept failing (network, timeouts, 5xx) after every retry. */
  | 'RELAY_UNAVAILABLE'
  /** The relay refused the pull token. */
  | 'RELAY_UNAUTHORIZED'
  /** The relay refused the cursor (its store was replaced or reset). */
  | 'RELAY_BAD_CURSOR'
  /** The address answered, but not as a Relais relay does. */
  | 'RELAY_PROTOCOL'
  | 'PULL_ABORTED';

/**
 * Why a pull stopped. `cursor` is the last cursor whose batch `onBatch` accepted:
 * everything up to it was handed over, nothing after it was, so a later pull from
 * it loses and repeats nothing.
 */
export class RelayPullError extends Error {
  constructor(
    readonly code: RelayPullErrorCode,
    message: string,
    readonly cursor: string | null,
    readonly progress: { pages: number; events: number; attempts: number; status?: number },
  ) {
    super(message);
    this.name = 'RelayPullError';
  }
}

export interface RetryOptions {
  /** Tries per page before giving up (default 6). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per request, including reading the whole page (default 30 s). */
  timeoutMs?: number;
}

export interface PullOptions {
  /** The relay's base address (https://relay.example.com) or its /events address. */
  url: string;
  pullToken: string;
  /** Where the previous pull stopped; null/absent for everything the relay keeps. */
  cursor?: string | null;
  /**
   * Receives each page. Store the lines and `nextCursor` together (one transaction):
   * the pull only moves past a page once this has resolved, so a crash in between
   * means the same page again next time, never a lost one.
   */
  onBatch: (lines: WebhookLine[], nextCursor: string) => Promise<void> | void;
  signal?: AbortSignal;
  /** Stop after this many pages (the rest waits for the next pull). */
  maxPages?: number;
  /** Events per page to ask for (the relay caps it). */
  limit?: number;
  retry?: RetryOptions;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  /** For tests and proxies. */
  fetch?: typeof fetch;
}

export interface PullResult {
  cursor: string | null;
  pages: number;
  events: number;
  /** The relay had already deleted (retention) events after the starting cursor. */
  gap: boolean;
  /** Caught up with the relay (false when maxPages stopped it first). */
  complete: boolean;
}

const Page = z.object({
  events: z.array(z.object({ raw: z.string(), signature: z.string(), received_at: z.number() })),
  next: z.string().min(1),
  more: z.boolean(),
  gap: z.boolean().optional(),
});
type Page = z.infer<typeof Page>;

const ErrorBody = z.object({ error: z.object({ message: z.string() }) });

function eventsUrl(base: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new RelayPullError('RELAY_PROTOCOL', 'The relay address is not a valid URL.', null, { pages: 0, events: 0, attempts: 0 });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RelayPullError('RELAY_PROTOCOL', 'The relay address must start with https:// (or http:// on a trusted network).', null, { pages: 0, events: 0, attempts: 0 });
  }
  if (!url.pathname.endsWith('/events')) url.pathname = url.pathname.replace(/\/?$/, '/events');
  url.search = '';
  url.hash = '';
  return url;
}

/** A failure worth retrying, described without the request's headers (the token stays out of messages). */
class Transient extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

class Permanent extends Error {
  constructor(
    readonly code: RelayPullErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed in the middle of the answer',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function networkReason(e: unknown): string {
  const err = e as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
  if (err.name === 'TimeoutError') return 'the relay did not answer in time';
  const code = err.cause?.code ?? err.cause?.errors?.[0]?.code ?? err.code;
  if (!code) return `network error (${err.cause?.message ?? err.message ?? 'unknown'})`;
  return NETWORK_WORDS[code] ? `${NETWORK_WORDS[code]}, ${code}` : `network error ${code}`;
}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function fetchPage(fetchImpl: typeof fetch, url: URL, token: string, signal: AbortSignal): Promise<Page> {
  let res: Response;
  let text: string;
  try {
    res = await fetchImpl(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, signal, redirect: 'manual' });
    text = await res.text();
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new Transient(networkReason(e));
  }
  if (res.status === 200) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Permanent('RELAY_PROTOCOL', 'The relay answered with something that is not JSON: check the relay address.', 200);
    }
    const page = Page.safeParse(body);
    if (!page.success) throw new Permanent('RELAY_PROTOCOL', 'The relay answered with an unexpected page format: check the relay address and version.', 200);
    return page.data;
  }
  let detail = '';
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) detail = parsed.data.error.message;
  } catch {
    // Not our error shape (a proxy's page): the status says enough.
  }
  const status = res.status;
  if (status === 401 || status === 403) throw new Permanent('RELAY_UNAUTHORIZED', 'The relay refused the pull token: check that it matches RELAIS_PULL_TOKEN on the relay.', status);
  if (status === 400) throw new Permanent('RELAY_BAD_CURSOR', detail || 'The relay refused the request (HTTP 400).', status);
  if (status === 408 || status === 425 || status === 429 || status >= 500) throw new Transient(`the relay answered HTTP ${status}`, status, retryAfter(res.headers.get('retry-after')));
  throw new Permanent('RELAY_PROTOCOL', `The relay answered HTTP ${status} at ${url.pathname}: check the relay address.`, status);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Capped exponential backoff with jitter, so many clients retrying after an outage do not arrive in step. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Pulls everything after `cursor` from a relay, page by page. Transient failures are
 * retried; when the relay stays away a RelayPullError('RELAY_UNAVAILABLE') carries the
 * cursor reached so far. Errors thrown by `onBatch` propagate unchanged.
 */
export async function pullFromRelay(opts: PullOptions): Promise<PullResult> {
  const url = eventsUrl(opts.url);
  const fetchImpl = opts.fetch ?? fetch;
  const attempts = Math.max(1, opts.retry?.attempts ?? 6);
  const baseDelayMs = opts.retry?.baseDelayMs ?? 250;
  const maxDelayMs = opts.retry?.maxDelayMs ?? 15_000;
  const timeoutMs = opts.retry?.timeoutMs ?? 30_000;
  let cursor = opts.cursor ?? null;
  let pages = 0;
  let events = 0;
  let gap = false;

  const fail = (code: RelayPullErrorCode, message: string, tries: number, status?: number) => new RelayPullError(code, message, cursor, { pages, events, attempts: tries, status });
  const aborted = (tries: number) => fail('PULL_ABORTED', 'The pull was cancelled.', tries);

  while (opts.maxPages === undefined || pages < opts.maxPages) {
    url.search = '';
    if (cursor !== null) url.searchParams.set('after', cursor);
    if (opts.limit !== undefined) url.searchParams.set('limit', String(opts.limit));

    let page: Page | null = null;
    for (let attempt = 1; page === null; attempt++) {
      if (opts.signal?.aborted) throw aborted(attempt - 1);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      try {
        page = await fetchPage(fetchImpl, url, opts.pullToken, signal);
      } catch (e) {
        if (opts.signal?.aborted) throw aborted(attempt);
        if (e instanceof Permanent) throw fail(e.code, e.message, attempt, e.status);
        const reason = e instanceof Transient ? e.message : networkReason(e);
        if (attempt >= attempts) {
          throw fail('RELAY_UNAVAILABLE', `The relay is unavailable (${reason}) after ${attempt} attempts. Everything pulled so far is kept; the next pull resumes from there.`, attempt, e instanceof Transient ? e.status : undefined);
        }
        const backoff = backoffDelay(attempt, baseDelayMs, maxDelayMs);
        const delayMs = e instanceof Transient && e.retryAfterMs !== undefined ? Math.min(maxDelayMs, Math.max(backoff, e.retryAfterMs)) : backoff;
        opts.onRetry?.({ attempt, delayMs, reason });
        try {
          await sleep(delayMs, opts.signal);
        } catch {
          throw aborted(attempt);
        }
      }
    }

    pages++;
    gap ||= page.gap === true;
    if (page.events.length === 0 && page.next === cursor) return { cursor, pages, events, gap, complete: true };
    if (opts.signal?.aborted) throw aborted(0);
    await opts.onBatch(page.events, page.next);
    cursor = page.next;
    events += page.events.length;
    if (!page.more) return { cursor, pages, events, gap, complete: true };
  }
  return { cursor, pages, events, gap, complete: false };
}
