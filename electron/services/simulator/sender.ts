import { signBody, type WebhookDelivery } from './webhook';

export interface SenderOptions {
  url: string;
  /** Signs each body (X-Hub-Signature-256) when set. */
  appSecret?: string;
  /** Requests in flight at once (default 1: arrival order preserved). */
  concurrency?: number;
  /** Attempts after the first for network errors, 5xx and 429 (default 5). */
  retries?: number;
  /** First retry delay; doubles each attempt (default 200 ms). */
  retryDelayMs?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export interface SenderSummary {
  url: string;
  posted: number;
  retries: number;
  /** Bodies the receiver refused with a 4xx (not retried), by status. */
  rejected: Record<string, number>;
}

export class WebhookSendError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'WebhookSendError';
  }
}

/**
 * Posts webhook bodies to a receiver or relay the way Meta does: JSON, signed with
 * the app secret. Transient failures (network, 5xx, 429) are retried with
 * exponential back-off; a 4xx is the receiver's verdict and is counted, not retried.
 */
export class WebhookSender {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly summary: SenderSummary;
  private failure: Error | null = null;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: SenderOptions) {
    this.summary = { url: options.url, posted: 0, retries: 0, rejected: {} };
    this.fetchImpl = options.fetchImpl ?? fetch;
  }

  /** Queues one body; resolves when a slot is free (rejects if an earlier send failed for good). */
  async send(d: WebhookDelivery): Promise<void> {
    if (this.failure) throw this.failure;
    const limit = Math.max(1, this.options.concurrency ?? 1);
    while (this.inFlight.size >= limit) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    const p: Promise<void> = this.post(d.raw)
      .catch((e: unknown) => {
        this.failure ??= e instanceof Error ? e : new Error(String(e));
      })
      .finally(() => {
        this.inFlight.delete(p);
      });
    this.inFlight.add(p);
  }

  async close(): Promise<SenderSummary> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    return { ...this.summary, rejected: { ...this.summary.rejected } };
  }

  private async post(raw: string): Promise<void> {
    const retries = this.options.retries ?? 5;
    const baseDelay = this.options.retryDelayMs ?? 200;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.appSecret !== undefined) headers['x-hub-signature-256'] = signBody(raw, this.options.appSecret);
    let lastError = '';
    let lastStatus: number | null = null;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        this.summary.retries++;
        await new Promise((r) => setTimeout(r, baseDelay * 2 ** (attempt - 1)));
      }
      try {
        const res = await this.fetchImpl(this.options.url, {
          method: 'POST',
          headers,
          body: raw,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
        });
        // Drain the body so the connection can be reused.
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.summary.posted++;
          return;
        }
        lastStatus = res.status;
        lastError = `HTTP ${res.status}`;
        if (res.status >= 400 && res.status < 500 && res.status !== 429) {
          this.summary.rejected[String(res.status)] = (this.summary.rejected[String(res.status)] ?? 0) + 1;
          return;
        }
      } catch (e) {
        lastStatus = null;
        lastError = e instanceof Error ? e.message : String(e);
      }
    }
    throw new WebhookSendError(`Posting to ${this.options.url} failed after ${retries + 1} attempts: ${lastError}`, lastStatus);
  }
}
