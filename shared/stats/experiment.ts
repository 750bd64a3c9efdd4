/**
 * One call that reads a whole experiment the way the comparison view, the
 * methodology note and `relais ab analyze` need it: per-variant rates, every
 * variant against the control (frequentist with Holm correction, and
 * Bayesian), and the sample-ratio check.
 */
import { bayesianCompare, UNIFORM_PRIOR, type BayesianComparison, type BetaDistribution } from './bayesian';
import { HOLM_ASSUMPTIONS, holmAdjust } from './multiple';
import { compareToControl, DEFAULT_ALPHA, variantRate, type ControlComparison, type VariantRate } from './proportions';
import { sampleRatioMismatch, type SampleRatioMismatch } from './srm';
import { assertOpenUnit, assertVariantCounts, type VariantCounts } from './types';

export interface NamedVariantCounts extends VariantCounts {
  readonly name: string;
}

export interface ExperimentInput {
  /** Every arm, control included; 2 or more (the app allows up to 8). */
  readonly variants: readonly NamedVariantCounts[];
  /** Name of the control arm. */
  readonly control: string;
  /** Family-wise significance level; default 0.05. */
  readonly alpha?: number;
  /** Planned split, one weight per variant in the same order; equal when omitted. */
  readonly expectedSplit?: readonly number[];
  /** Prior shared by every arm; Beta(1, 1) when omitted. */
  readonly prior?: BetaDistribution;
}

export interface NamedVariantRate extends VariantRate {
  readonly name: string;
}

export interface ComparisonSummary {
  readonly variant: string;
  readonly control: string;
  readonly absoluteLift: number | null;
  readonly relativeLift: number | null;
  readonly diffCiLow: number | null;
  readonly diffCiHigh: number | null;
  readonly pValue: number | null;
  /** Which test produced pValue. */
  readonly method: ControlComparison['method'];
  /** Holm-adjusted p-value across all comparisons with the control. */
  readonly adjustedPValue: number | null;
  readonly probabilityToBeatControl: number;
  /** Expected rate given up by choosing the variant over the control. */
  readonly expectedLoss: number;
  /** Expected rate given up by keeping the control instead of the variant. */
  readonly expectedLossControl: number;
  /** adjustedPValue < alpha. */
  readonly significant: boolean;
  readonly frequentist: ControlComparison;
  readonly bayesian: BayesianComparison;
}

export interface ExperimentAnalysis {
  readonly alpha: number;
  readonly srm: SampleRatioMismatch;
  readonly variants: readonly NamedVariantRate[];
  readonly comparisons: readonly ComparisonSummary[];
  readonly correction: { readonly method: 'holm'; readonly assumptions: readonly string[] };
}

/** Validates the input (RangeError naming the field) and analyses every variant against the control. */
export function analyzeExperiment(input: ExperimentInput): ExperimentAnalysis {
  const alpha = input.alpha ?? DEFAULT_ALPHA;
  const prior = input.prior ?? UNIFORM_PRIOR;
  assertOpenUnit(alpha, 'alpha');
  if (input.variants.length < 2) throw new RangeError(`variants needs at least 2 entries, got ${input.variants.length}`);
  const names = new Set<string>();
  input.variants.forEach((variant, index) => {
    if (variant.name.length === 0) throw new RangeError(`variants[${index}].name must not be empty`);
    if (names.has(variant.name)) throw new RangeError(`variants[${index}].name "${variant.name}" is used twice`);
    names.add(variant.name);
    assertVariantCounts(variant, `variants[${index}]`);
  });
  const control = input.variants.find((variant) => variant.name === input.control);
  if (control === undefined) throw new RangeError(`control "${input.control}" is not one of the variants`);

  const challengers = input.variants.filter((variant) => variant !== control);
  const frequentist = challengers.map((variant) => ({ variant, comparison: compareToControl(variant, control, alpha) }));
  const adjusted = holmAdjust(frequentist.map(({ comparison }) => comparison.pValue));
  const comparisons = frequentist.map(({ variant, comparison }, index): ComparisonSummary => {
    const bayesian = bayesianCompare(variant, control, prior);
    const adjustedPValue = adjusted[index] ?? null;
    return {
      variant: variant.name,
      control: control.name,
      absoluteLift: comparison.absoluteLift,
      relativeLift: comparison.relativeLift,
      diffCiLow: comparison.diffInterval?.low ?? null,
      diffCiHigh: comparison.diffInterval?.high ?? null,
      pValue: comparison.pValue,
      method: comparison.method,
      adjustedPValue,
      probabilityToBeatControl: bayesian.probabilityToBeatControl,
      expectedLoss: bayesian.expectedLossVariant,
      expectedLossControl: bayesian.expectedLossControl,
      significant: adjustedPValue !== null && adjustedPValue < alpha,
      frequentist: comparison,
      bayesian,
    };
  });

  return {
    alpha,
    srm: sampleRatioMismatch(
      input.variants.map((variant) => variant.exposures),
      input.expectedSplit,
    ),
    variants: input.variants.map((variant) => ({ name: variant.name, ...variantRate(variant, alpha) })),
    comparisons,
    correction: {
      method: 'holm',
      assumptions: [
        ...HOLM_ASSUMPTIONS,
        'Intervals for the difference are unadjusted 1 - alpha intervals; significance uses the adjusted p-value.',
      ],
    },
  };
}
