/**
 * The receipts of one thread within one import batch, held in memory so that a message sent in
 * the same batch is inserted with its delivered/read times already resolved (domain.md: per
 * thread, the suffix-minimum of event time over receipts sorted by watermark answers every
 * message in one pass).
 */

/**
 * Receipts of one kind: answers "the earliest time among receipts whose watermark reaches s".
 * Most threads have one receipt of a kind per batch, so the first is kept inline.
 */
export class EarliestCovering {
  private firstW = 0;
  private firstT = 0;
  private count = 0;
  /** Watermark/time pairs after the first. */
  private rest: number[] | null = null;
  private sortedWatermarks: Float64Array | null = null;
  /** suffixMin[i] = min time over receipts i.. in watermark order. */
  private suffixMin: Float64Array | null = null;

  add(watermark: number, time: number): void {
    if (this.count === 0) {
      this.firstW = watermark;
      this.firstT = time;
    } else {
      (this.rest ??= []).push(watermark, time);
      this.sortedWatermarks = null;
    }
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  private prepare(): void {
    const n = this.count;
    const w = new Float64Array(n);
    const t = new Float64Array(n);
    w[0] = this.firstW;
    t[0] = this.firstT;
    const rest = this.rest ?? [];
    for (let i = 1; i < n; i++) {
      w[i] = rest[2 * (i - 1)]!;
      t[i] = rest[2 * (i - 1) + 1]!;
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => w[a]! - w[b]!);
    const sorted = new Float64Array(n);
    const suffix = new Float64Array(n);
    let min = Infinity;
    for (let i = n - 1; i >= 0; i--) {
      sorted[i] = w[order[i]!]!;
      min = Math.min(min, t[order[i]!]!);
      suffix[i] = min;
    }
    this.sortedWatermarks = sorted;
    this.suffixMin = suffix;
  }

  earliestAt(sentAt: number): number | null {
    const n = this.count;
    if (n === 0) return null;
    if (n === 1) return this.firstW >= sentAt ? this.firstT : null;
    if (this.sortedWatermarks === null) this.prepare();
    const w = this.sortedWatermarks!;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w[mid]! >= sentAt) hi = mid;
      else lo = mid + 1;
    }
    return lo < n ? this.suffixMin![lo]! : null;
  }
}

export class BatchReceipts {
  private deliveries: EarliestCovering | null = null;
  private reads: EarliestCovering | null = null;
  private midTimes: Map<string, number> | null = null;

  addDelivery(watermark: number | null, time: number, mids: readonly string[]): void {
    if (watermark !== null) (this.deliveries ??= new EarliestCovering()).add(watermark, time);
    if (mids.length === 0) return;
    this.midTimes ??= new Map();
    for (const mid of mids) {
      const known = this.midTimes.get(mid);
      if (known === undefined || time < known) this.midTimes.set(mid, time);
    }
  }

  addRead(watermark: number, time: number): void {
    (this.reads ??= new EarliestCovering()).add(watermark, time);
  }

  /** Earliest delivery of this batch covering the message, by watermark or by mid. */
  deliveredAt(mid: string, sentAt: number): number | null {
    const byWatermark = this.deliveries === null ? null : this.deliveries.earliestAt(sentAt);
    const byMid = this.midTimes?.get(mid);
    if (byMid === undefined) return byWatermark;
    return byWatermark === null ? byMid : Math.min(byWatermark, byMid);
  }

  readAt(sentAt: number): number | null {
    return this.reads === null ? null : this.reads.earliestAt(sentAt);
  }
}

/** min over possibly-missing times. */
export function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/**
 * A read implies delivery: when the earliest read comes before every delivery covering the
 * message (or none does), the delivery time is the read's, marked inferred. A delivery at the
 * same instant as the read is a real one.
 */
export function resolveReceipts(delivered: number | null, read: number | null): { deliveredAt: number | null; inferred: boolean; readAt: number | null } {
  const inferred = read !== null && (delivered === null || delivered > read);
  return { deliveredAt: inferred ? read : delivered, inferred, readAt: read };
}
