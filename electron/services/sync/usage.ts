/**
 * Graph's usage headers and the pace they allow.
 *
 * `X-App-Usage: {"call_count":28,"total_cputime":5,"total_time":9}` (each a % of the app's
 * limit) and `X-Business-Use-Case-Usage: {"<id>":[{"type":"pages","call_count":…,
 * "total_cputime":…,"total_time":…,"estimated_time_to_regain_access":<minutes>}]}`.
 * The pace is the highest of these percentages: full speed below `slowFrom`, then slower and
 * slower up to `stopAt`, where the client pauses (for the time Graph names, or a probe
 * pause) instead of walking into a 100 % block.
 */

export interface UsageReading {
  /** Highest % over every counter of every header seen in the response; null when none came. */
  percent: number | null;
  /** Longest estimated_time_to_regain_access, in ms. */
  regainMs: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(t);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

const COUNTERS = ['call_count', 'total_cputime', 'total_time'] as const;

function pctOf(entry: unknown): number | null {
  if (!entry || typeof entry !== 'object') return null;
  let best: number | null = null;
  for (const k of COUNTERS) {
    const v = (entry as Record<string, unknown>)[k];
    if (typeof v === 'number' && Number.isFinite(v)) best = Math.max(best ?? 0, v);
  }
  return best;
}

function parseJson(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Reads the usage headers of one response; `minuteMs` is how long Graph's "minute" is (tests shrink it). */
export function readUsage(header: (name: string) => string | null, minuteMs = 60_000): UsageReading {
  let percent: number | null = null;
  let regainMs = 0;
  const take = (p: number | null) => {
    if (p !== null) percent = Math.max(percent ?? 0, p);
  };
  take(pctOf(parseJson(header('x-app-usage'))));
  take(pctOf(parseJson(header('x-page-usage'))));
  for (const name of ['x-business-use-case-usage', 'x-ad-account-usage']) {
    const buc = parseJson(header(name));
    if (!buc || typeof buc !== 'object') continue;
    const lists = Array.isArray(buc) ? [buc] : Object.values(buc as Record<string, unknown>);
    for (const list of lists) {
      for (const entry of Array.isArray(list) ? list : [list]) {
        take(pctOf(entry));
        const minutes = (entry as Record<string, unknown> | null)?.estimated_time_to_regain_access;
        if (typeof minutes === 'number' && minutes > 0) regainMs = Math.max(regainMs, minutes * minuteMs);
      }
    }
  }
  return { percent, regainMs };
}

export interface PaceOptions {
  /** Requests per second at low usage (Meta suggests planning about 2 per Page). */
  maxPerSecond: number;
  /** Usage % from which the pace slows down. */
  slowFrom: number;
  /** Usage % at which the client pauses before sending more. */
  stopAt: number;
  /** Pause at `stopAt` when Graph names no time to regain access. */
  highUsagePauseMs: number;
}

export const defaultPace: PaceOptions = { maxPerSecond: 2, slowFrom: 70, stopAt: 90, highUsagePauseMs: 60_000 };

export interface Backoff {
  until: number;
  reason: 'usage' | 'rateLimit' | 'transient';
}

/**
 * Spaces requests out according to the last usage seen. One per client: X-App-Usage is
 * app-wide, so Pages synced one after the other share it.
 */
export class RequestPacer {
  private lastStart = Number.NEGATIVE_INFINITY;
  private lastUsage: number | null = null;
  private blockedUntil = 0;
  private blockReason: Backoff['reason'] = 'usage';
  /** Usage % one Graph call adds, learnt from successive readings (a batch item is a call). */
  private pctPerCall = 0;
  private callsSinceReading = 0;
  /** Readings in a row at or above stopAt: each pause is longer than the last. */
  private highReadings = 0;

  constructor(
    private readonly pace: PaceOptions,
    private readonly clock: Clock,
  ) {}

  /** The wait now in force, for progress displays. */
  backoff(): Backoff | null {
    return this.blockedUntil > this.clock.now() ? { until: this.blockedUntil, reason: this.blockReason } : null;
  }

  usagePercent(): number | null {
    return this.lastUsage;
  }

  /** Minimum spacing between request starts at the current usage. */
  interval(): number {
    const base = 1000 / this.pace.maxPerSecond;
    const p = this.lastUsage ?? 0;
    if (p < this.pace.slowFrom) return base;
    const f = Math.min(1, (p - this.pace.slowFrom) / Math.max(1, this.pace.stopAt - this.pace.slowFrom));
    return base * (1 + 9 * f);
  }

  /**
   * How many calls the next request may carry before usage would reach `stopAt`: batches
   * shrink as usage climbs, so near the limit the client moves one call at a time, reading
   * the usage after each, and pauses there rather than passing 100 %.
   */
  callBudget(max = 50): number {
    if (this.lastUsage === null || this.pctPerCall <= 0) return max;
    // Calls differ in cost (a long conversation costs Graph more time than a short one) and the
    // estimate comes from averages: plan on twice the cost seen, so a costly batch stays under the limit.
    return Math.max(1, Math.min(max, Math.floor((this.pace.stopAt - this.lastUsage) / (2 * this.pctPerCall))));
  }

  async beforeRequest(signal?: AbortSignal, calls = 1): Promise<void> {
    this.callsSinceReading += calls;
    for (;;) {
      const now = this.clock.now();
      const wait = Math.max(this.blockedUntil - now, this.lastStart + this.interval() - now);
      if (wait <= 0) break;
      await this.clock.sleep(wait, signal);
    }
    this.lastStart = this.clock.now();
  }

  observe(reading: UsageReading): void {
    if (reading.percent !== null) {
      if (this.lastUsage !== null && reading.percent > this.lastUsage && this.callsSinceReading > 0) {
        // The window slides while we call, so an increase can understate a call's cost, never
        // overstate it: keep the largest seen.
        this.pctPerCall = Math.max(this.pctPerCall, (reading.percent - this.lastUsage) / this.callsSinceReading);
      } else if (this.lastUsage === null && this.callsSinceReading > 0) {
        // First reading: assume all of it is ours (an overestimate, on the safe side).
        this.pctPerCall = reading.percent / this.callsSinceReading;
      }
      this.lastUsage = reading.percent;
      this.callsSinceReading = 0;
    }
    const now = this.clock.now();
    if (reading.percent !== null) this.highReadings = reading.percent >= this.pace.stopAt ? this.highReadings + 1 : 0;
    if (reading.regainMs > 0) this.block(now + reading.regainMs, 'rateLimit');
    else if (this.highReadings > 0) {
      // Usage only falls as old calls leave Graph's window, whose length the headers do not give:
      // pause 1, 4, 16… Graph minutes (at most an hour) while each probe still finds it high, so
      // single probing calls cannot creep up to 100 %.
      const pause = this.pace.highUsagePauseMs * Math.min(60, 4 ** (this.highReadings - 1));
      this.block(now + pause, 'usage');
    }
  }

  block(until: number, reason: Backoff['reason']): void {
    if (until > this.blockedUntil) {
      this.blockedUntil = until;
      this.blockReason = reason;
    }
  }
}
