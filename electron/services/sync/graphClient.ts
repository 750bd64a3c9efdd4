import { classifyGraphError, GraphError, isNetworkFailure, type GraphErrorBody } from './graphErrors';
import { defaultPace, readUsage, realClock, RequestPacer, type Clock, type PaceOptions } from './usage';

export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_VERSION = 'v25.0';

export interface RetryOptions {
  /** Attempts for one call through transient failures (5xx, 1200, timeouts, resets). */
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  /** Total time one call may spend waiting out rate limits before giving up. */
  maxRateLimitWaitMs: number;
}

export interface GraphClientOptions {
  baseUrl?: string;
  version?: string;
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  pace?: Partial<PaceOptions>;
  /** Length of Graph's "minute" in estimated_time_to_regain_access (tests shrink it). */
  minuteMs?: number;
  clock?: Clock;
  random?: () => number;
  fetch?: typeof fetch;
  /** Told about every wait, for progress displays. */
  onWait?: (w: { ms: number; reason: 'usage' | 'rateLimit' | 'transient' }) => void;
  /** Told about every HTTP request made (the rate test counts them). */
  onRequest?: (r: { at: number; path: string }) => void;
}

export type BatchItem<T> = { ok: true; body: T } | { ok: false; error: GraphError };

interface Response0 {
  status: number;
  body: unknown;
}

/**
 * A small Graph API client: one base URL and version, the pace the usage headers allow,
 * retries with capped, jittered exponential backoff, and errors that never carry a token.
 * The token travels in the Authorization header (or a POST body for batches), never in a
 * URL, so no URL this client handles can leak it.
 */
export class GraphClient {
  readonly baseUrl: string;
  readonly version: string;
  readonly pacer: RequestPacer;
  private readonly retry: RetryOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly minuteMs: number;
  requests = 0;

  constructor(private readonly opts: GraphClientOptions = {}) {
    this.baseUrl = (opts.baseUrl ?? DEFAULT_GRAPH_URL).replace(/\/+$/, '');
    this.version = opts.version ?? DEFAULT_GRAPH_VERSION;
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.fetchFn = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.minuteMs = opts.minuteMs ?? 60_000;
    this.retry = { maxAttempts: 6, baseMs: 500, capMs: 30_000, maxRateLimitWaitMs: 2 * 3600_000, ...opts.retry };
    this.pacer = new RequestPacer({ ...defaultPace, highUsagePauseMs: this.minuteMs, ...opts.pace }, this.clock);
  }

  /** GET /{version}/{path}?{query} with the token. */
  async get<T>(path: string, query: Record<string, string | number | undefined>, token: string, signal?: AbortSignal): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
    const q = qs.toString();
    return (await this.call(`${path}${q ? `?${q}` : ''}`, { method: 'GET', token }, signal)) as T;
  }

  /**
   * Up to 50 GETs in one POST (Graph's batch). Each item answers on its own: a failed item
   * does not fail the others. Items Graph left unanswered (null) come back as transient errors.
   */
  async batch<T>(relativeUrls: string[], token: string, signal?: AbortSignal, opts: { maxAttempts?: number } = {}): Promise<BatchItem<T>[]> {
    if (relativeUrls.length === 0) return [];
    if (relativeUrls.length > 50) throw new Error('A Graph batch holds at most 50 requests.');
    const form = new URLSearchParams();
    form.set('batch', JSON.stringify(relativeUrls.map((u) => ({ method: 'GET', relative_url: u }))));
    form.set('include_headers', 'false');
    const reply = await this.call('', { method: 'POST', token, form, calls: relativeUrls.length, maxAttempts: opts.maxAttempts }, signal);
    if (!Array.isArray(reply)) throw new GraphError('other', 'Graph answered a batch with something that is not a list.');
    return relativeUrls.map((_, i): BatchItem<T> => {
      const item = reply[i] as { code?: unknown; body?: unknown } | null | undefined;
      if (!item || typeof item.code !== 'number') return { ok: false, error: new GraphError('transient', 'Graph did not answer this part of the batch in time.') };
      let body: unknown = item.body;
      if (typeof body === 'string') {
        try {
          body = JSON.parse(body) as unknown;
        } catch {
          return { ok: false, error: new GraphError('transient', 'Graph answered part of a batch with something that is not JSON.', { httpStatus: item.code }) };
        }
      }
      if (item.code >= 200 && item.code < 300 && !(body && typeof body === 'object' && 'error' in body)) return { ok: true, body: body as T };
      return { ok: false, error: classifyGraphError(item.code, (body as { error?: GraphErrorBody } | null)?.error, (s) => this.scrub(s, token)) };
    });
  }

  /** Removes a token (and anything shaped like access_token=…) from text that may be shown or stored. */
  scrub(text: string, token: string): string {
    let out = text.replace(/access_token=[^&\s"']+/gi, 'access_token=[redacted]');
    if (token.length >= 4) out = out.split(token).join('[redacted]');
    return out;
  }

  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.retry.capMs, this.retry.baseMs * 2 ** attempt);
    return ceiling / 2 + (this.random() * ceiling) / 2;
  }

  private async call(
    relative: string,
    req: { method: 'GET' | 'POST'; token: string; form?: URLSearchParams; calls?: number; maxAttempts?: number },
    signal?: AbortSignal,
  ): Promise<unknown> {
    const maxAttempts = req.maxAttempts ?? this.retry.maxAttempts;
    let attempt = 0;
    let rateLimitWaited = 0;
    for (;;) {
      signal?.throwIfAborted();
      let failure: GraphError;
      try {
        const res = await this.once(relative, req, signal);
        if (res.status >= 200 && res.status < 300 && !(res.body && typeof res.body === 'object' && 'error' in res.body)) return res.body;
        failure = classifyGraphError(res.status, (res.body as { error?: GraphErrorBody } | null)?.error, (s) => this.scrub(s, req.token));
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        if (e instanceof GraphError) failure = e;
        else if (isNetworkFailure(e)) failure = new GraphError('network', 'Graph could not be reached (the connection failed or timed out).');
        else throw e;
      }
      if (failure.kind === 'rateLimit') {
        const wait = Math.max(failure.details.retryAfterMs ?? 0, this.pacer.backoff() ? this.pacer.backoff()!.until - this.clock.now() : 0, this.backoffMs(Math.min(attempt, 6)));
        if (rateLimitWaited + wait > this.retry.maxRateLimitWaitMs) throw failure;
        rateLimitWaited += wait;
        attempt++;
        this.pacer.block(this.clock.now() + wait, 'rateLimit');
        this.opts.onWait?.({ ms: wait, reason: 'rateLimit' });
        continue;
      }
      if (failure.kind === 'transient' || failure.kind === 'network') {
        attempt++;
        if (attempt >= maxAttempts) throw failure;
        const wait = this.backoffMs(attempt - 1);
        this.pacer.block(this.clock.now() + wait, 'transient');
        this.opts.onWait?.({ ms: wait, reason: 'transient' });
        continue;
      }
      throw failure;
    }
  }

  private async once(relative: string, req: { method: 'GET' | 'POST'; token: string; form?: URLSearchParams; calls?: number }, signal?: AbortSignal): Promise<Response0> {
    await this.pacer.beforeRequest(signal, req.calls ?? 1);
    const url = `${this.baseUrl}/${this.version}${relative ? `/${relative.replace(/^\/+/, '')}` : '/'}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    this.requests++;
    this.opts.onRequest?.({ at: this.clock.now(), path: relative.split('?')[0] ?? '' });
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: string | undefined;
    if (req.method === 'POST') {
      const form = new URLSearchParams(req.form);
      form.set('access_token', req.token);
      body = form.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      headers.authorization = `Bearer ${req.token}`;
    }
    const res = await this.fetchFn(url, { method: req.method, headers, body, signal: combined });
    const text = await res.text();
    const reading = readUsage((n) => res.headers.get(n), this.minuteMs);
    this.pacer.observe(reading);
    let parsed: unknown = null;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      if (res.status >= 200 && res.status < 300) throw new GraphError('transient', 'Graph answered with something that is not JSON.', { httpStatus: res.status });
    }
    const errorBody = parsed && typeof parsed === 'object' ? (parsed as { error?: GraphErrorBody }).error : undefined;
    if (errorBody && reading.regainMs > 0) {
      const failure = classifyGraphError(res.status, errorBody, (s) => this.scrub(s, req.token));
      if (failure.kind === 'rateLimit') throw new GraphError('rateLimit', failure.message, { ...failure.details, retryAfterMs: reading.regainMs });
    }
    return { status: res.status, body: parsed };
  }
}
