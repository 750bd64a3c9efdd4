/**
 * Rate limiting as the Graph API does it: each scope (the app, each Page's business
 * use case) has a budget per sliding window; usage is reported as a percentage of it
 * in `X-App-Usage` / `X-Business-Use-Case-Usage`, and a call that would pass 100 %
 * is refused and the scope throttled for a while (`estimated_time_to_regain_access`,
 * in minutes). A "minute" lasts `minuteMs` real milliseconds so tests run at scale.
 */
export interface RateLimitOptions {
  /** Real milliseconds per Graph minute (default 60 000; tests use e.g. 200). */
  minuteMs?: number;
  /** Sliding window length in Graph minutes (default 60). */
  windowMinutes?: number;
  /** Calls the app may make per window, all tokens together (default 20 000). */
  appCallsPerWindow?: number;
  /** Calls per window on one Page's business use case (default 4 800). */
  pageCallsPerWindow?: number;
  /** How long a scope stays throttled once it passed 100 %, in Graph minutes (default 5). */
  penaltyMinutes?: number;
}

export interface UsageFigures {
  call_count: number;
  total_cputime: number;
  total_time: number;
}

interface Sample {
  at: number;
  cpu: number;
  time: number;
}

/** One scope's sliding window. */
export class UsageWindow {
  private samples: Sample[] = [];
  private head = 0;
  private cpu = 0;
  private time = 0;
  throttledUntil = 0;

  constructor(
    private readonly windowMs: number,
    private readonly budget: number,
  ) {}

  private evict(now: number): void {
    const cut = now - this.windowMs;
    while (this.head < this.samples.length && (this.samples[this.head] as Sample).at <= cut) {
      const s = this.samples[this.head] as Sample;
      this.cpu -= s.cpu;
      this.time -= s.time;
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.samples.length) {
      this.samples = this.samples.slice(this.head);
      this.head = 0;
    }
  }

  get count(): number {
    return this.samples.length - this.head;
  }

  /** Percentages of the budget used in the window ending at `now`. */
  figures(now: number): UsageFigures {
    this.evict(now);
    const pct = (v: number) => Math.min(100, Math.max(0, Math.round((100 * v) / this.budget)));
    return { call_count: pct(this.count), total_cputime: pct(this.cpu), total_time: pct(this.time) };
  }

  /** Would one more call of this cost pass 100 %? */
  wouldExceed(now: number, cpu: number, time: number): boolean {
    this.evict(now);
    return this.count + 1 > this.budget || this.cpu + cpu > this.budget || this.time + time > this.budget;
  }

  record(now: number, cpu: number, time: number): void {
    this.samples.push({ at: now, cpu, time });
    this.cpu += cpu;
    this.time += time;
  }
}

/** CPU and wall "cost" of a call, in call units: bigger answers cost more. */
export function callCost(items: number): { cpu: number; time: number } {
  return { cpu: 0.5 + 0.02 * items, time: 0.6 + 0.03 * items };
}

export function resolveRateLimits(o: RateLimitOptions = {}): Required<RateLimitOptions> {
  return {
    minuteMs: o.minuteMs ?? 60_000,
    windowMinutes: o.windowMinutes ?? 60,
    appCallsPerWindow: o.appCallsPerWindow ?? 20_000,
    pageCallsPerWindow: o.pageCallsPerWindow ?? 4_800,
    penaltyMinutes: o.penaltyMinutes ?? 5,
  };
}
