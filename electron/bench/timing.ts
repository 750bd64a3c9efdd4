/** Timing helpers shared by the benches: figures are medians of warm runs, never single shots. */

export function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/**
 * One warm-up call, then the median of `runs` timed calls (the result of the last). With
 * `collect`, a full garbage collection (node --expose-gc, as `npm run bench` runs) before each
 * timed call, outside the timing: each call starts like a fresh worker's, not with the
 * garbage of the previous ones.
 */
export function timeMedian<T>(runs: number, f: () => T, options: { collect?: boolean } = {}): { ms: number; result: T } {
  let result = f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (options.collect) globalThis.gc?.();
    const t = performance.now();
    result = f();
    times.push(performance.now() - t);
  }
  return { ms: medianOf(times), result };
}
