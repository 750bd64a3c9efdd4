/**
 * Frequentist statistics for conversion rates: per-variant Wilson intervals,
 * Newcombe intervals for a difference, and the two-sided test of variant vs
 * control (pooled z-test, or Fisher's exact test when the sample is too small
 * for the normal approximation).
 */
import { normalQuantile, normalSf } from './distributions';
import { assertOpenUnit, assertVariantCounts, type Interval, type MethodNote, type VariantCounts } from './types';

export const DEFAULT_ALPHA = 0.05;

/** Two-sided critical value z₁₋α/₂. */
export function criticalZ(alpha: number): number {
  assertOpenUnit(alpha, 'alpha');
  return normalQuantile(1 - alpha / 2);
}

/**
 * Wilson score interval for one proportion at confidence 1 − α.
 * Null when there are no exposures: no data means no interval rather than [0, 1] or NaN.
 * Chosen over the Wald interval because it stays inside [0, 1] and keeps its
 * coverage at 0 or all conversions and at the small n of a 400-contact shop.
 */
export function wilsonInterval(conversions: number, exposures: number, alpha = DEFAULT_ALPHA): Interval | null {
  assertVariantCounts({ exposures, conversions }, 'counts');
  if (exposures === 0) return null;
  const z = criticalZ(alpha);
  const p = conversions / exposures;
  const z2n = (z * z) / exposures;
  const centre = (p + z2n / 2) / (1 + z2n);
  const halfWidth = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / exposures + (z * z) / (4 * exposures * exposures));
  // At 0 and all conversions the bound is exactly 0 or 1 in exact arithmetic; pin it against rounding.
  const low = conversions === 0 ? 0 : Math.max(0, centre - halfWidth);
  const high = conversions === exposures ? 1 : Math.min(1, centre + halfWidth);
  return { low, high };
}

export interface VariantRate extends MethodNote {
  readonly exposures: number;
  readonly conversions: number;
  /** conversions / exposures; null when exposures = 0. */
  readonly rate: number | null;
  /** Wilson score interval at `level`; null when exposures = 0. */
  readonly interval: Interval | null;
  /** Confidence level 1 − α. */
  readonly level: number;
  readonly method: 'wilson-score';
}

const WILSON_ASSUMPTIONS = [
  'Each exposed contact converts or not independently of the others, with the same probability within a variant.',
  'Each contact is counted once, in the variant it was assigned to.',
] as const;

/** A variant's conversion rate with its Wilson score interval. */
export function variantRate(counts: VariantCounts, alpha = DEFAULT_ALPHA): VariantRate {
  assertVariantCounts(counts, 'counts');
  // Checked here too: without exposures no interval is computed, and a bad alpha would pass unnoticed.
  assertOpenUnit(alpha, 'alpha');
  const { exposures, conversions } = counts;
  return {
    exposures,
    conversions,
    rate: exposures === 0 ? null : conversions / exposures,
    interval: wilsonInterval(conversions, exposures, alpha),
    level: 1 - alpha,
    method: 'wilson-score',
    assumptions: WILSON_ASSUMPTIONS,
  };
}

/**
 * Newcombe's hybrid score interval (1998, method 10) for p_variant − p_control,
 * built from the two Wilson intervals. Null when either arm has no exposures.
 */
export function newcombeInterval(variant: VariantCounts, control: VariantCounts, alpha = DEFAULT_ALPHA): Interval | null {
  const variantInterval = wilsonInterval(variant.conversions, variant.exposures, alpha);
  const controlInterval = wilsonInterval(control.conversions, control.exposures, alpha);
  if (variantInterval === null || controlInterval === null) return null;
  const p1 = variant.conversions / variant.exposures;
  const p2 = control.conversions / control.exposures;
  const difference = p1 - p2;
  const low = difference - Math.hypot(p1 - variantInterval.low, controlInterval.high - p2);
  const high = difference + Math.hypot(variantInterval.high - p1, p2 - controlInterval.low);
  return { low: Math.max(-1, low), high: Math.min(1, high) };
}

export interface ProportionTest {
  /** Two-sided p-value. */
  readonly pValue: number;
  /** The z statistic (variant minus control) for the z-test, null for Fisher. */
  readonly zScore: number | null;
}

/**
 * Two-sided pooled two-proportion z-test; identical to Pearson's χ² test on
 * the 2×2 table without continuity correction. p = 1 when the pooled rate is 0
 * or 1, where both arms agree exactly and the statistic is 0/0.
 */
export function pooledZTest(variant: VariantCounts, control: VariantCounts): ProportionTest {
  assertVariantCounts(variant, 'variant');
  assertVariantCounts(control, 'control');
  if (variant.exposures === 0 || control.exposures === 0) {
    throw new RangeError('pooledZTest needs exposures in both arms');
  }
  const pooled = (variant.conversions + control.conversions) / (variant.exposures + control.exposures);
  const variance = pooled * (1 - pooled) * (1 / variant.exposures + 1 / control.exposures);
  if (variance === 0) return { pValue: 1, zScore: 0 };
  const z = (variant.conversions / variant.exposures - control.conversions / control.exposures) / Math.sqrt(variance);
  return { pValue: Math.min(1, 2 * normalSf(Math.abs(z))), zScore: z };
}

// R's fisher.test and scipy treat tables within this relative distance of the
// observed probability as equally likely, so rounding cannot drop a tied table.
const FISHER_RELATIVE_TOLERANCE = 1e-7;

/**
 * Fisher's exact test, two-sided: the total probability, under fixed margins,
 * of every table no more likely than the one observed.
 */
export function fisherExactTest(variant: VariantCounts, control: VariantCounts): ProportionTest {
  assertVariantCounts(variant, 'variant');
  assertVariantCounts(control, 'control');
  const rowVariant = variant.exposures;
  const total = variant.exposures + control.exposures;
  const conversionsTotal = variant.conversions + control.conversions;
  const rest = total - rowVariant - conversionsTotal;
  const lowest = Math.max(0, -rest);
  const highest = Math.min(rowVariant, conversionsTotal);
  // Hypergeometric weights relative to the mode by the ratio recurrence: no
  // factorials, so no overflow and no cancellation between huge log-gammas.
  const mode = Math.min(highest, Math.max(lowest, Math.floor(((conversionsTotal + 1) * (rowVariant + 1)) / (total + 2))));
  const weights = new Float64Array(highest - lowest + 1);
  weights[mode - lowest] = 1;
  for (let x = mode; x < highest; x++) {
    const ratio = ((rowVariant - x) * (conversionsTotal - x)) / ((x + 1) * (rest + x + 1));
    weights[x + 1 - lowest] = (weights[x - lowest] ?? 0) * ratio;
  }
  for (let x = mode; x > lowest; x--) {
    const ratio = (x * (rest + x)) / ((rowVariant - x + 1) * (conversionsTotal - x + 1));
    weights[x - 1 - lowest] = (weights[x - lowest] ?? 0) * ratio;
  }
  const observed = (weights[variant.conversions - lowest] ?? 0) * (1 + FISHER_RELATIVE_TOLERANCE);
  let sumAll = 0;
  let sumExtreme = 0;
  for (const weight of weights) {
    sumAll += weight;
    if (weight <= observed) sumExtreme += weight;
  }
  return { pValue: Math.min(1, sumExtreme / sumAll), zScore: null };
}

/** Smallest expected cell count of the 2×2 table (variant/control × converted/not) under independence. */
export function minimumExpectedCount(variant: VariantCounts, control: VariantCounts): number {
  const total = variant.exposures + control.exposures;
  if (total === 0) return 0;
  const converted = variant.conversions + control.conversions;
  const smallerRow = Math.min(variant.exposures, control.exposures);
  const smallerColumn = Math.min(converted, total - converted);
  return (smallerRow * smallerColumn) / total;
}

/** Below this expected count in any cell the z-test's normal approximation is not trusted. */
export const MIN_EXPECTED_COUNT_FOR_Z = 5;

export type ComparisonMethod = 'pooled-z-test' | 'fisher-exact-test' | 'no-data';

export interface ControlComparison extends MethodNote {
  readonly variant: VariantRate;
  readonly control: VariantRate;
  /** p_variant − p_control (a difference of proportions, e.g. 0.031 for +3.1 points); null without data in both arms. */
  readonly absoluteLift: number | null;
  /** (p_variant − p_control) / p_control; null without data or when the control rate is 0. */
  readonly relativeLift: number | null;
  /** Newcombe hybrid score interval for absoluteLift at `level`; null without data in both arms. */
  readonly diffInterval: Interval | null;
  readonly diffIntervalMethod: 'newcombe-hybrid-score';
  /** Two-sided p-value of `method`; null without data in both arms. */
  readonly pValue: number | null;
  /** z statistic when method is the z-test. */
  readonly zScore: number | null;
  /** Smallest expected cell count, which decided between the z-test and Fisher. */
  readonly minExpectedCount: number;
  readonly level: number;
  readonly method: ComparisonMethod;
}

const COMPARISON_ASSUMPTIONS: Record<ComparisonMethod, readonly string[]> = {
  'pooled-z-test': [
    ...WILSON_ASSUMPTIONS,
    'Contacts were assigned to variants at random.',
    'Every expected cell count is at least 5, so the normal approximation (Pearson chi-square without continuity correction) holds.',
    'The p-value is for one look at the data at the planned sample size; peeking repeatedly needs the sequential p-value.',
  ],
  'fisher-exact-test': [
    ...WILSON_ASSUMPTIONS,
    'Contacts were assigned to variants at random.',
    'Some expected cell count is below 5, so the exact conditional test (margins fixed) replaces the normal approximation; it is conservative.',
    'The p-value is for one look at the data at the planned sample size; peeking repeatedly needs the sequential p-value.',
  ],
  'no-data': ['At least one arm has no exposures, so nothing can be compared yet.'],
};

/**
 * Variant vs control on a conversion metric: lifts, Newcombe interval for the
 * difference, and a two-sided p-value — pooled z-test when every expected cell
 * count is ≥ 5, otherwise Fisher's exact test (`method` says which).
 */
export function compareToControl(variant: VariantCounts, control: VariantCounts, alpha = DEFAULT_ALPHA): ControlComparison {
  assertVariantCounts(variant, 'variant');
  assertVariantCounts(control, 'control');
  const variantSummary = variantRate(variant, alpha);
  const controlSummary = variantRate(control, alpha);
  const minExpected = minimumExpectedCount(variant, control);
  const base = {
    variant: variantSummary,
    control: controlSummary,
    diffIntervalMethod: 'newcombe-hybrid-score' as const,
    minExpectedCount: minExpected,
    level: 1 - alpha,
  };
  if (variantSummary.rate === null || controlSummary.rate === null) {
    return {
      ...base,
      absoluteLift: null,
      relativeLift: null,
      diffInterval: null,
      pValue: null,
      zScore: null,
      method: 'no-data',
      assumptions: COMPARISON_ASSUMPTIONS['no-data'],
    };
  }
  const absoluteLift = variantSummary.rate - controlSummary.rate;
  const method: ComparisonMethod = minExpected >= MIN_EXPECTED_COUNT_FOR_Z ? 'pooled-z-test' : 'fisher-exact-test';
  const test = method === 'pooled-z-test' ? pooledZTest(variant, control) : fisherExactTest(variant, control);
  return {
    ...base,
    absoluteLift,
    relativeLift: controlSummary.rate === 0 ? null : absoluteLift / controlSummary.rate,
    diffInterval: newcombeInterval(variant, control, alpha),
    pValue: test.pValue,
    zScore: test.zScore,
    method,
    assumptions: COMPARISON_ASSUMPTIONS[method],
  };
}
