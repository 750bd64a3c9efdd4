/**
 * Always-valid p-values for people who look at results while the test runs.
 *
 * A fixed-horizon p-value checked after every batch of sends crosses 0.05 far
 * more often than 5 % of the time when nothing is going on. The mixture
 * sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis & Walsh
 * ("Peeking at A/B tests", KDD 2017; "Always valid inference", Operations
 * Research 2022) gives a p-value that stays valid however often it is read.
 */
import { DEFAULT_ALPHA } from './proportions';
import { assertOpenUnit, assertVariantCounts, type MethodNote, type VariantCounts } from './types';

/**
 * Default variance τ² of the normal mixture over the true difference in rates:
 * τ = 0.05, i.e. lifts of about ±5 percentage points are what the test is tuned
 * to find fastest. Validity does not depend on τ; only speed does. When the
 * plan has a minimum detectable effect, pass mixingVarianceForEffect(mde).
 */
export const DEFAULT_MIXING_VARIANCE = 0.05 ** 2;

/** τ² tuned to detect an absolute effect of `effect` fastest (τ = |effect|). */
export function mixingVarianceForEffect(effect: number): number {
  if (!(effect !== 0 && Number.isFinite(effect))) throw new RangeError(`effect must be a non-zero number, got ${effect}`);
  return effect * effect;
}

/** Cumulative counts at one look at the data. */
export interface SequentialLook {
  readonly variant: VariantCounts;
  readonly control: VariantCounts;
}

export interface SequentialLookResult {
  /** Observed p_variant − p_control at this look; null without data in both arms. */
  readonly difference: number | null;
  /** Mixture likelihood ratio Λ of "some difference" against "no difference". */
  readonly likelihoodRatio: number;
  /** Always-valid p-value up to and including this look: min over looks of 1/Λ, capped at 1. */
  readonly pValue: number;
}

export interface SequentialTest extends MethodNote {
  readonly looks: readonly SequentialLookResult[];
  /** Always-valid p-value after the last look (1 before any data). */
  readonly pValue: number;
  /** True once pValue < alpha: the test may stop, whenever the user looked. */
  readonly rejected: boolean;
  readonly mixingVariance: number;
  readonly alpha: number;
  readonly method: 'msprt-normal-mixture';
}

/**
 * Mixture likelihood ratio for the difference of two proportions with a
 * N(0, τ²) mixture (Johari et al. 2017, two-stream normal case):
 *   Λ = √(V / (V + τ²)) · exp(τ² θ̂² / (2 V (V + τ²))),
 * θ̂ the observed difference and V its variance under "no difference",
 * p̄(1 − p̄)(1/n_variant + 1/n_control) with p̄ the pooled rate — the same
 * variance as the fixed-horizon z-test, so both agree on what counts as noise.
 */
export function mixtureLikelihoodRatio(look: SequentialLook, mixingVariance = DEFAULT_MIXING_VARIANCE): number {
  const { variant, control } = look;
  if (variant.exposures === 0 || control.exposures === 0) return 1;
  const pooled = (variant.conversions + control.conversions) / (variant.exposures + control.exposures);
  const variance = pooled * (1 - pooled) * (1 / variant.exposures + 1 / control.exposures);
  // Both arms at 0 % or both at 100 %: no evidence either way yet.
  if (variance === 0) return 1;
  const difference = variant.conversions / variant.exposures - control.conversions / control.exposures;
  const total = variance + mixingVariance;
  return Math.sqrt(variance / total) * Math.exp((mixingVariance * difference * difference) / (2 * variance * total));
}

/**
 * Always-valid p-values over a series of looks (cumulative counts, in time
 * order). Each look's p-value is the running minimum of 1/Λ, so it can only go
 * down and the chance it ever drops below α under no difference is at most α.
 */
export function sequentialTest(
  looks: readonly SequentialLook[],
  options: { readonly mixingVariance?: number; readonly alpha?: number } = {},
): SequentialTest {
  const mixingVariance = options.mixingVariance ?? DEFAULT_MIXING_VARIANCE;
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  if (!(mixingVariance > 0 && Number.isFinite(mixingVariance))) {
    throw new RangeError(`mixingVariance must be a positive number, got ${mixingVariance}`);
  }
  assertOpenUnit(alpha, 'alpha');
  let pValue = 1;
  let previous: SequentialLook | null = null;
  const results = looks.map((look, index): SequentialLookResult => {
    assertVariantCounts(look.variant, `looks[${index}].variant`);
    assertVariantCounts(look.control, `looks[${index}].control`);
    if (previous !== null && !isCumulative(previous, look)) {
      throw new RangeError(`looks[${index}] has fewer exposures or conversions than looks[${index - 1}]; looks must be cumulative`);
    }
    previous = look;
    const likelihoodRatio = mixtureLikelihoodRatio(look, mixingVariance);
    pValue = Math.min(pValue, 1 / likelihoodRatio);
    const hasData = look.variant.exposures > 0 && look.control.exposures > 0;
    return {
      difference: hasData
        ? look.variant.conversions / look.variant.exposures - look.control.conversions / look.control.exposures
        : null,
      likelihoodRatio,
      pValue,
    };
  });
  return {
    looks: results,
    pValue,
    rejected: pValue < alpha,
    mixingVariance,
    alpha,
    method: 'msprt-normal-mixture',
    assumptions: [
      'Looks are cumulative counts in time order; the p-value stays valid however many looks are taken and whenever the test stops.',
      `Normal mixture over the true difference with variance ${mixingVariance} (tau = ${Math.sqrt(mixingVariance).toPrecision(3)}); it tunes speed, not validity.`,
      'Uses the normal approximation to the difference of rates with the pooled (no-difference) variance, which needs a few dozen conversions before it is accurate.',
    ],
  };
}

function isCumulative(before: SequentialLook, after: SequentialLook): boolean {
  return (
    after.variant.exposures >= before.variant.exposures &&
    after.variant.conversions >= before.variant.conversions &&
    after.control.exposures >= before.control.exposures &&
    after.control.conversions >= before.control.conversions
  );
}
