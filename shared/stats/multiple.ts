/** Multiple-comparison correction for the comparisons of each variant with the control. */

/**
 * Holm's step-down adjustment (1979): controls the family-wise error rate like
 * Bonferroni but is uniformly more powerful, with no assumption about how the
 * comparisons depend on each other (they share the control, so they do).
 *
 * Returns adjusted p-values in the input order. A null p-value (a comparison
 * with no data yet) stays null but still counts in the family size: the family
 * is the set of comparisons the plan made, and dropping one would make the
 * others look more significant than planned.
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  pValues.forEach((p, index) => {
    if (p !== null && !(p >= 0 && p <= 1)) throw new RangeError(`pValues[${index}] must be in [0, 1], got ${p}`);
  });
  const familySize = pValues.length;
  // Nulls sort last so they take the smallest multipliers, which then go unused.
  const order = pValues
    .map((p, index) => ({ p, index }))
    .sort((a, b) => (a.p ?? Number.POSITIVE_INFINITY) - (b.p ?? Number.POSITIVE_INFINITY) || a.index - b.index);
  const adjusted: (number | null)[] = pValues.map(() => null);
  let runningMax = 0;
  order.forEach(({ p, index }, rank) => {
    if (p === null) return;
    // Monotone step-down: an adjusted p can never be below the one ranked before it.
    runningMax = Math.max(runningMax, Math.min(1, (familySize - rank) * p));
    adjusted[index] = runningMax;
  });
  return adjusted;
}

export const HOLM_ASSUMPTIONS = [
  'Holm step-down correction across all comparisons with the control; it controls the family-wise error rate at alpha under any dependence between comparisons.',
] as const;
