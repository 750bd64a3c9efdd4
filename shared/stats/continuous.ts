/**
 * Continuous metrics such as time to seen: skewed, heavy-tailed, with a few
 * people who open hours later. Medians and rank tests describe them honestly
 * where means and t-tests would be dragged around by the tail.
 */
import { normalSf } from './distributions';
import { DEFAULT_ALPHA } from './proportions';
import { createRandom, randomIndex } from './random';
import { assertOpenUnit, type Interval, type MethodNote } from './types';

function assertSample(values: readonly number[], field: string): void {
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) throw new RangeError(`${field}[${index}] must be a finite number, got ${value}`);
  });
}

/** Median of a sample (mean of the two middle values for even n); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return medianInPlace(Float64Array.from(values));
}

/**
 * Median by quickselect, reordering `buffer`: O(n) instead of a sort, which
 * matters when the bootstrap takes thousands of medians of thousands of values.
 */
function medianInPlace(buffer: Float64Array): number {
  const upperIndex = buffer.length >> 1;
  const upper = selectInPlace(buffer, upperIndex);
  if (buffer.length % 2 === 1) return upper;
  // After selection everything before upperIndex is ≤ upper; the lower middle is their maximum.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < upperIndex; i++) lower = Math.max(lower, buffer[i] ?? lower);
  return (lower + upper) / 2;
}

/** k-th smallest value (0-based) by Hoare-partition quickselect; partitions `values` around it. */
function selectInPlace(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const a = values[left] ?? 0;
    const b = values[(left + right) >> 1] ?? 0;
    const c = values[right] ?? 0;
    // Median of three keeps sorted and reverse-sorted input linear.
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] ?? 0) < pivot) i++;
      while ((values[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const swap = values[i] ?? 0;
        values[i] = values[j] ?? 0;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break; // j < k < i: values[k] equals the pivot
  }
  return values[k] ?? 0;
}

/** Quantile by linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default). */
function sortedQuantile(sorted: Float64Array, probability: number): number {
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const fraction = position - below;
  const lower = sorted[below] ?? 0;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] ?? lower;
  return lower + fraction * (upper - lower);
}

export const DEFAULT_BOOTSTRAP_RESAMPLES = 2000;
export const DEFAULT_BOOTSTRAP_SEED = 20170101;

export interface MedianDifference extends MethodNote {
  readonly variantMedian: number | null;
  readonly controlMedian: number | null;
  /** median(variant) − median(control); null when either sample is empty. */
  readonly difference: number | null;
  /** Percentile bootstrap interval for `difference` at `level`; null when either sample is empty. */
  readonly interval: Interval | null;
  readonly level: number;
  readonly resamples: number;
  readonly seed: number;
  readonly method: 'percentile-bootstrap';
}

/**
 * Difference in medians (variant − control) with a percentile bootstrap
 * interval: each arm is resampled with replacement on its own, `resamples`
 * times, and the interval is the α/2 and 1 − α/2 quantiles (type 7) of the
 * resampled differences. Deterministic for a given seed.
 */
export function medianDifference(
  variant: readonly number[],
  control: readonly number[],
  options: { readonly alpha?: number; readonly resamples?: number; readonly seed?: number } = {},
): MedianDifference {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  assertOpenUnit(alpha, 'alpha');
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  assertSample(variant, 'variant');
  assertSample(control, 'control');
  const variantMedian = median(variant);
  const controlMedian = median(control);
  const base = {
    variantMedian,
    controlMedian,
    level: 1 - alpha,
    resamples,
    seed,
    method: 'percentile-bootstrap' as const,
    assumptions: [
      'Contacts are independent and each arm is a random sample of its variant\'s audience.',
      `Percentile bootstrap with ${resamples} resamples per arm (seed ${seed}); with very small samples the interval is too narrow.`,
    ],
  };
  if (variantMedian === null || controlMedian === null) return { ...base, difference: null, interval: null };

  const random = createRandom(seed);
  const variantBuffer = new Float64Array(variant.length);
  const controlBuffer = new Float64Array(control.length);
  const differences = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    differences[r] = resampledMedian(variant, variantBuffer, random) - resampledMedian(control, controlBuffer, random);
  }
  differences.sort();
  return {
    ...base,
    difference: variantMedian - controlMedian,
    interval: { low: sortedQuantile(differences, alpha / 2), high: sortedQuantile(differences, 1 - alpha / 2) },
  };
}

function resampledMedian(values: readonly number[], buffer: Float64Array, random: () => number): number {
  for (let i = 0; i < buffer.length; i++) buffer[i] = values[randomIndex(random, values.length)] ?? 0;
  return medianInPlace(buffer);
}

export type MannWhitneyMethod = 'mann-whitney-exact' | 'mann-whitney-normal';

export interface MannWhitney extends MethodNote {
  /** U statistic of the variant: pairs (variant, control) where the variant value is larger, ties counting ½. Null when a sample is empty. */
  readonly u: number | null;
  /** P(variant value > control value) + ½·P(tie) = U / (n_variant·n_control); null when a sample is empty. */
  readonly probabilityOfSuperiority: number | null;
  /** Two-sided p-value; null when a sample is empty. */
  readonly pValue: number | null;
  /**
   * Standardised statistic of the normal approximation (continuity-corrected if used), positive when the
   * variant tends to have the larger values; null for the exact test.
   */
  readonly zScore: number | null;
  readonly method: MannWhitneyMethod;
}

// The exact null distribution costs about min(n)·n₁·n₂ big-integer additions; above this the normal approximation is used.
const EXACT_WORK_LIMIT = 2_000_000;

/**
 * Mann–Whitney U test (two-sided), variant vs control.
 *
 * `method: 'auto'` follows scipy.stats.mannwhitneyu: the exact distribution
 * when there are no ties and either sample has at most 8 values, else the
 * normal approximation with tie correction and continuity correction. (Unlike
 * scipy, 'auto' also falls back to the approximation when the exact
 * distribution would be too costly, which at ≤ 8 values per arm means
 * thousands of values in the other arm, where the two agree closely.)
 */
export function mannWhitneyU(
  variant: readonly number[],
  control: readonly number[],
  options: { readonly method?: 'auto' | 'exact' | 'asymptotic'; readonly continuityCorrection?: boolean } = {},
): MannWhitney {
  assertSample(variant, 'variant');
  assertSample(control, 'control');
  const requested = options.method ?? 'auto';
  const continuity = options.continuityCorrection ?? true;
  const n1 = variant.length;
  const n2 = control.length;
  if (n1 === 0 || n2 === 0) {
    return {
      u: null,
      probabilityOfSuperiority: null,
      pValue: null,
      zScore: null,
      method: 'mann-whitney-normal',
      assumptions: ['One arm has no observations, so nothing can be compared yet.'],
    };
  }

  const { variantRankSum, tieTerm } = rankSum(variant, control);
  const u = variantRankSum - (n1 * (n1 + 1)) / 2;
  const uLarger = Math.max(u, n1 * n2 - u);
  const hasTies = tieTerm > 0;
  const exactAffordable = Math.min(n1, n2) * n1 * n2 <= EXACT_WORK_LIMIT;
  if (requested === 'exact' && (hasTies || !exactAffordable)) {
    throw new RangeError(
      hasTies
        ? 'the exact Mann-Whitney test needs samples without ties'
        : 'the exact Mann-Whitney test is too costly for these sample sizes; use the asymptotic method',
    );
  }
  const useExact = requested === 'exact' || (requested === 'auto' && !hasTies && (n1 <= 8 || n2 <= 8) && exactAffordable);
  const commonAssumptions = [
    'Observations are independent, within and between arms.',
    'Tests whether one arm tends to have larger values than the other (stochastic ordering), not specifically a difference in medians.',
  ];
  if (useExact) {
    return {
      u,
      probabilityOfSuperiority: u / (n1 * n2),
      pValue: Math.min(1, 2 * exactUpperTail(uLarger, n1, n2)),
      zScore: null,
      method: 'mann-whitney-exact',
      assumptions: [...commonAssumptions, 'Exact null distribution of U (no ties in the data).'],
    };
  }
  const n = n1 + n2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  // Every value identical: no evidence of any difference.
  const z = sd === 0 ? 0 : (uLarger - (n1 * n2) / 2 - (continuity ? 0.5 : 0)) / sd;
  return {
    u,
    probabilityOfSuperiority: u / (n1 * n2),
    pValue: sd === 0 ? 1 : Math.min(1, 2 * normalSf(z)),
    zScore: u >= (n1 * n2) / 2 ? z : -z,
    method: 'mann-whitney-normal',
    assumptions: [
      ...commonAssumptions,
      `Normal approximation with tie correction${continuity ? ' and continuity correction' : ''}.`,
    ],
  };
}

/** Rank sum of the variant in the pooled sample (ties get their average rank) and Σ(t³ − t) over tie groups. */
function rankSum(variant: readonly number[], control: readonly number[]): { variantRankSum: number; tieTerm: number } {
  const pooled = [
    ...variant.map((value) => ({ value, isVariant: true })),
    ...control.map((value) => ({ value, isVariant: false })),
  ].sort((a, b) => a.value - b.value);
  let variantRankSum = 0;
  let tieTerm = 0;
  let start = 0;
  while (start < pooled.length) {
    let end = start;
    const value = pooled[start]?.value;
    while (end + 1 < pooled.length && pooled[end + 1]?.value === value) end++;
    const size = end - start + 1;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) if (pooled[i]?.isVariant) variantRankSum += averageRank;
    tieTerm += size ** 3 - size;
    start = end + 1;
  }
  return { variantRankSum, tieTerm };
}

/**
 * P(U ≥ u) under no difference, exactly. The count of arrangements with U = k
 * is the coefficient of q^k in the Gaussian binomial [n₁+n₂ choose n₁]_q =
 * Π_{i=1..m} (1 − q^{n+i}) / (1 − q^i) with m = min(n₁, n₂), n = max. Big
 * integers keep the counts exact; by symmetry only the lower tail up to
 * n₁n₂ − u is needed, and truncating every product there is exact.
 */
function exactUpperTail(u: number, n1: number, n2: number): number {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  // P(U ≥ u) = P(U ≤ n₁n₂ − u) by symmetry of the null distribution.
  const limit = n1 * n2 - Math.ceil(u);
  if (limit < 0) return 0;
  const counts: bigint[] = new Array<bigint>(limit + 1).fill(0n);
  counts[0] = 1n;
  for (let i = 1; i <= m; i++) {
    const shift = n + i;
    for (let k = limit; k >= shift; k--) counts[k] = (counts[k] ?? 0n) - (counts[k - shift] ?? 0n);
    for (let k = i; k <= limit; k++) counts[k] = (counts[k] ?? 0n) + (counts[k - i] ?? 0n);
  }
  let tail = 0n;
  for (const count of counts) tail += count;
  return bigRatio(tail, binomial(n1 + n2, m));
}

function binomial(n: number, k: number): bigint {
  let result = 1n;
  for (let i = 1; i <= k; i++) result = (result * BigInt(n - k + i)) / BigInt(i);
  return result;
}

/** numerator / denominator as a double, without overflowing when both exceed 1e308. */
function bigRatio(numerator: bigint, denominator: bigint): number {
  const excessBits = Math.max(0, denominator.toString(2).length - 1000);
  const shift = BigInt(excessBits);
  return Number(numerator >> shift) / Number(denominator >> shift);
}
