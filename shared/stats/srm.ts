/**
 * Sample-ratio mismatch: did each variant actually reach the share of
 * contacts the plan gave it? If not, something other than the message decided
 * who saw which variant, and the comparison cannot be trusted.
 */
import { chiSquareSf } from './distributions';
import { assertCount, type MethodNote } from './types';

/** Flag threshold: strict, because the check runs on every experiment and a false alarm discredits a sound test. */
export const SRM_P_VALUE_THRESHOLD = 0.001;

/**
 * Message keys (not prose, the UI translates them) for the Messenger-specific
 * reasons exposures drift from the plan.
 */
export const SRM_CAUSES = [
  /** The variants went out at different hours, so different people were active and reachable. */
  'srm.cause.sendHours',
  /** One variant hit more recipients whose 24-hour messaging window had closed, so fewer sends were allowed. */
  'srm.cause.closedWindows',
  /** A send was interrupted by Messenger rate limits and one variant stopped short. */
  'srm.cause.rateLimit',
] as const;

export type SrmCause = (typeof SRM_CAUSES)[number];

export interface SampleRatioMismatch extends MethodNote {
  /** Pearson χ² statistic; null without exposures. */
  readonly chiSquare: number | null;
  readonly degreesOfFreedom: number;
  /** Goodness-of-fit p-value; null without exposures. */
  readonly pValue: number | null;
  /** True when pValue < SRM_P_VALUE_THRESHOLD. */
  readonly mismatch: boolean;
  /** Expected exposures per variant under the planned split. */
  readonly expected: readonly number[];
  /** What to check when `mismatch` is true; empty otherwise. */
  readonly causesToCheck: readonly SrmCause[];
  readonly method: 'chi-square-goodness-of-fit';
}

/**
 * χ² goodness-of-fit of observed exposures against the planned split
 * (weights, normalised; equal split when omitted), k − 1 degrees of freedom.
 */
export function sampleRatioMismatch(exposures: readonly number[], plannedSplit?: readonly number[]): SampleRatioMismatch {
  if (exposures.length < 2) throw new RangeError(`exposures needs at least 2 variants, got ${exposures.length}`);
  exposures.forEach((count, index) => assertCount(count, `exposures[${index}]`));
  const split = plannedSplit ?? exposures.map(() => 1);
  if (split.length !== exposures.length) {
    throw new RangeError(`expectedSplit must have one weight per variant (${exposures.length}), got ${split.length}`);
  }
  split.forEach((weight, index) => {
    // A variant planned at 0 % has no business being in the experiment; reject rather than divide by zero.
    if (!(weight > 0 && Number.isFinite(weight))) {
      throw new RangeError(`expectedSplit[${index}] must be a positive number, got ${weight}`);
    }
  });
  const weightTotal = split.reduce((sum, weight) => sum + weight, 0);

  const total = exposures.reduce((sum, count) => sum + count, 0);
  const expected = split.map((weight) => (total * weight) / weightTotal);
  const degreesOfFreedom = exposures.length - 1;
  const base = {
    degreesOfFreedom,
    expected,
    method: 'chi-square-goodness-of-fit' as const,
    assumptions: [
      'Each contact was assigned to a variant independently with the planned probabilities.',
      `Mismatch is flagged when the chi-square goodness-of-fit p-value is below ${SRM_P_VALUE_THRESHOLD}.`,
    ],
  };
  if (total === 0) return { ...base, chiSquare: null, pValue: null, mismatch: false, causesToCheck: [] };

  const chiSquare = exposures.reduce((sum, observed, index) => {
    const expectedCount = expected[index] ?? 0;
    return sum + (observed - expectedCount) ** 2 / expectedCount;
  }, 0);
  const pValue = chiSquareSf(chiSquare, degreesOfFreedom);
  const mismatch = pValue < SRM_P_VALUE_THRESHOLD;
  return {
    ...base,
    chiSquare,
    pValue,
    mismatch,
    causesToCheck: mismatch ? SRM_CAUSES : [],
  };
}
