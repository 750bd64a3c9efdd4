/** Index of the first element of sorted[start..end) not less than x (end when there is none). */
export function lowerBound(sorted: ArrayLike<number>, x: number, start = 0, end = sorted.length): number {
  let a = start;
  let b = end;
  while (a < b) {
    const mid = (a + b) >> 1;
    if ((sorted[mid] as number) < x) a = mid + 1;
    else b = mid;
  }
  return a;
}
