/** Small exact helpers shared by the queries and the benchmark's in-memory baselines. */

export function rate(count: number, of: number): number | null {
  return of > 0 ? count / of : null;
}

export function difference(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

/** Median of a list (mean of the two middle values for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** 1-based rank of the nearest-rank percentile: the smallest value at least pct % of the values do not exceed. */
export function nearestRank(count: number, pct: number): number {
  return Math.max(1, Math.ceil((count * pct) / 100));
}

/**
 * The k-th smallest (1-based) of values[0..n), reordering them in place (Hoare's
 * selection): linear on average, where a sort would be n log n.
 */
export function selectKth(values: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target]!;
  }
  return values[target]!;
}

/** Index of the first element of sorted[start..end) greater than x. */
export function upperBound(sorted: ArrayLike<number>, start: number, end: number, x: number): number {
  let a = start;
  let b = end;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (sorted[mid]! <= x) a = mid + 1;
    else b = mid;
  }
  return a;
}
