/** Timing helpers shared by the benches: figures are medians of warm runs, never single shots. */

export function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** One warm-up call, then the median of `runs` timed calls (the result of the last). */
export function timeMedian<T>(runs: number, f: () => T): { ms: number; result: T } {
  let result = f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = f();
    times.push(performance.now() - t);
  }
  return { ms: medianOf(times), result };
}
