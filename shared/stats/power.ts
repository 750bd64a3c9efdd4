/** Sample-size planning for a conversion test. */
import { normalQuantile } from './distributions';
import { DEFAULT_ALPHA } from './proportions';
import { assertOpenUnit, type MethodNote } from './types';

export const DEFAULT_POWER = 0.8;

export interface SampleSizePlanInput {
  /** Control's expected rate p1 (e.g. 0.2 for 20 % replies). */
  readonly baseline: number;
  /** Smallest absolute change worth detecting, d = p2 − p1 (e.g. 0.02 for +2 points; may be negative). */
  readonly mde: number;
  /** Two-sided family-wise significance level; default 0.05. */
  readonly alpha?: number;
  /** Probability of detecting an effect of exactly `mde`; default 0.8. */
  readonly power?: number;
  /** Number of arms including the control; default 2. */
  readonly variants?: number;
}

export interface SampleSizePlan extends MethodNote {
  /** Contacts needed in each arm. */
  readonly perVariant: number;
  /** perVariant × variants. */
  readonly total: number;
  /** α used for each comparison with the control: α / (variants − 1) when there are more than two arms. */
  readonly alphaPerComparison: number;
  readonly method: 'two-proportion-z-test-power';
}

/**
 * Per-arm sample size for the pooled two-proportion z-test:
 *   n = (z₁₋α/₂·√(2p̄(1−p̄)) + z₁₋β·√(p1(1−p1) + p2(1−p2)))² / d²,
 * p2 = p1 + d, p̄ = (p1 + p2)/2, rounded up. With k > 2 arms α is split
 * Bonferroni-style across the k − 1 comparisons with the control, so the plan
 * stays valid under the Holm correction the analysis applies (Holm is never
 * less powerful than Bonferroni).
 */
export function sampleSizePerVariant(input: SampleSizePlanInput): SampleSizePlan {
  const { baseline, mde } = input;
  const alpha = input.alpha ?? DEFAULT_ALPHA;
  const power = input.power ?? DEFAULT_POWER;
  const variants = input.variants ?? 2;
  assertOpenUnit(baseline, 'baseline');
  if (!(mde !== 0 && Number.isFinite(mde))) throw new RangeError(`mde must be a non-zero number, got ${mde}`);
  const target = baseline + mde;
  if (!(target > 0 && target < 1)) {
    throw new RangeError(`mde must keep baseline + mde strictly between 0 and 1, got ${baseline} + ${mde}`);
  }
  assertOpenUnit(alpha, 'alpha');
  assertOpenUnit(power, 'power');
  if (!Number.isInteger(variants) || variants < 2) throw new RangeError(`variants must be an integer >= 2, got ${variants}`);

  const alphaPerComparison = variants > 2 ? alpha / (variants - 1) : alpha;
  const zAlpha = normalQuantile(1 - alphaPerComparison / 2);
  const zBeta = normalQuantile(power);
  const meanRate = (baseline + target) / 2;
  const root =
    zAlpha * Math.sqrt(2 * meanRate * (1 - meanRate)) +
    zBeta * Math.sqrt(baseline * (1 - baseline) + target * (1 - target));
  const perVariant = Math.ceil((root * root) / (mde * mde));
  return {
    perVariant,
    total: perVariant * variants,
    alphaPerComparison,
    method: 'two-proportion-z-test-power',
    assumptions: [
      'Analysis by the two-sided pooled two-proportion z-test at the planned sample size, looked at once.',
      variants > 2
        ? `Alpha split evenly across the ${variants - 1} comparisons with the control (Bonferroni).`
        : 'A single comparison with the control.',
      'Equal allocation: every arm gets the same number of contacts.',
    ],
  };
}
