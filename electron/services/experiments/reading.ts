import type {
  AbReading,
  ComparisonReading,
  MethodId,
  PriorReading,
  StoppingRule,
  Verdict,
} from '../../../shared/domain/experiments';
import {
  analyzeExperiment,
  DEFAULT_MIXING_VARIANCE,
  holmAdjust,
  mixingVarianceForEffect,
  SRM_P_VALUE_THRESHOLD,
  sequentialTest,
  UNIFORM_PRIOR,
  type NamedVariantCounts,
  type VariantCounts,
} from '../../../shared/stats';

/** Cumulative counts of every variant (same order as `variants`) at one look. */
export interface Look {
  readonly counts: readonly VariantCounts[];
}

export interface ReadingInput {
  readonly variants: readonly NamedVariantCounts[];
  readonly control: string;
  readonly alpha: number;
  /** Planned weights, same order as `variants`; equal when omitted. */
  readonly split?: readonly number[] | undefined;
  readonly stoppingRule: StoppingRule;
  readonly prior?: PriorReading | undefined;
  readonly plannedPerVariant: number | null;
  /** Planned minimum detectable effect: tunes the sequential test's mixture (τ = |mde|). */
  readonly mde?: number | null | undefined;
  /** Sequential rule only: cumulative counts in time order. */
  readonly looks?: readonly Look[] | undefined;
  /** The test has ended (stopped in the app): a fixed-horizon verdict is given even short of the planned sample. */
  readonly ended: boolean;
}

export const UNIFORM_PRIOR_READING: PriorReading = { source: 'uniform', alpha: UNIFORM_PRIOR.alpha, beta: UNIFORM_PRIOR.beta, weight: 0, historyExposures: 0 };

function normalised(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => w / total);
}

/**
 * Contacts still to send so every arm reaches the planned size, given that a
 * new contact lands in arm v with probability share_v: the slowest arm decides.
 */
export function moreContactsNeeded(exposures: readonly number[], shares: readonly number[], plannedPerVariant: number): number {
  let needed = 0;
  exposures.forEach((count, index) => {
    const share = shares[index] ?? 0;
    const missing = plannedPerVariant - count;
    if (missing > 0 && share > 0) needed = Math.max(needed, Math.ceil(missing / share));
  });
  return needed;
}

/**
 * The comparison view's numbers and verdict for one set of counts. Rates,
 * intervals, p-values, Holm, Bayesian comparison and SRM come straight from
 * `analyzeExperiment`; this adds the plan (sample size, stopping rule) and
 * turns everything into one verdict.
 */
export function buildReading(input: ReadingInput): AbReading {
  const prior = input.prior ?? UNIFORM_PRIOR_READING;
  const analysis = analyzeExperiment({
    variants: input.variants,
    control: input.control,
    alpha: input.alpha,
    expectedSplit: input.split,
    prior: { alpha: prior.alpha, beta: prior.beta },
  });
  const shares = normalised(input.split ?? input.variants.map(() => 1));
  const exposures = input.variants.map((v) => v.exposures);
  const controlIndex = input.variants.findIndex((v) => v.name === input.control);

  let sequential: AbReading['sequential'] = null;
  let sequentialAdjusted: (number | null)[] = analysis.comparisons.map(() => null);
  let sequentialRaw: (number | null)[] = analysis.comparisons.map(() => null);
  if (input.stoppingRule === 'sequential') {
    const looks = input.looks ?? [{ counts: input.variants }];
    const mixingVariance = input.mde ? mixingVarianceForEffect(input.mde) : DEFAULT_MIXING_VARIANCE;
    const challengerIndexes = input.variants.map((_, index) => index).filter((index) => index !== controlIndex);
    sequentialRaw = challengerIndexes.map((index) => {
      const series = looks.map((look) => ({ variant: look.counts[index] ?? zero, control: look.counts[controlIndex] ?? zero }));
      return sequentialTest(series, { mixingVariance, alpha: input.alpha }).pValue;
    });
    // Holm is valid for any valid p-values, always-valid ones included.
    sequentialAdjusted = holmAdjust(sequentialRaw);
    sequential = { tau: Math.sqrt(mixingVariance), looks: looks.length };
  }

  const comparisons: ComparisonReading[] = analysis.comparisons.map((c, index) => {
    const sequentialAdjustedPValue = sequentialAdjusted[index] ?? null;
    return {
      variant: c.variant,
      control: c.control,
      absoluteLift: c.absoluteLift,
      relativeLift: c.relativeLift,
      diffCiLow: c.diffCiLow,
      diffCiHigh: c.diffCiHigh,
      pValue: c.pValue,
      method: c.method,
      adjustedPValue: c.adjustedPValue,
      sequentialPValue: sequentialRaw[index] ?? null,
      sequentialAdjustedPValue,
      probabilityToBeatControl: c.probabilityToBeatControl,
      expectedLoss: c.expectedLoss,
      expectedLossControl: c.expectedLossControl,
      significant:
        input.stoppingRule === 'sequential'
          ? sequentialAdjustedPValue !== null && sequentialAdjustedPValue < input.alpha
          : c.significant,
    };
  });

  const planned = input.plannedPerVariant;
  const sampleReached = planned === null ? null : exposures.every((n) => n >= planned);
  const more = planned === null ? null : moreContactsNeeded(exposures, shares, planned);

  const methods = new Set<MethodId>(['wilson-score', 'newcombe-hybrid-score']);
  for (const c of comparisons) if (c.method !== 'no-data') methods.add(c.method);
  methods.add('holm');
  methods.add('beta-binomial');
  methods.add('chi-square-goodness-of-fit');
  methods.add(input.stoppingRule === 'sequential' ? 'msprt-normal-mixture' : 'fixed-horizon');

  return {
    alpha: analysis.alpha,
    level: 1 - analysis.alpha,
    stoppingRule: input.stoppingRule,
    variants: analysis.variants.map((v, index) => ({
      name: v.name,
      exposures: v.exposures,
      conversions: v.conversions,
      rate: v.rate,
      ciLow: v.interval?.low ?? null,
      ciHigh: v.interval?.high ?? null,
      plannedShare: shares[index] ?? 0,
    })),
    comparisons,
    srm: {
      chiSquare: analysis.srm.chiSquare,
      pValue: analysis.srm.pValue,
      mismatch: analysis.srm.mismatch,
      threshold: SRM_P_VALUE_THRESHOLD,
      expected: [...analysis.srm.expected],
      causesToCheck: [...analysis.srm.causesToCheck],
    },
    prior,
    plannedPerVariant: planned,
    sampleReached,
    moreContactsNeeded: more,
    sequential,
    verdict: decide(comparisons, {
      alpha: analysis.alpha,
      stoppingRule: input.stoppingRule,
      totalExposures: exposures.reduce((sum, n) => sum + n, 0),
      sampleReached,
      moreContactsNeeded: more,
      ended: input.ended,
    }),
    methods: [...methods],
  };
}

const zero: VariantCounts = { exposures: 0, conversions: 0 };

interface DecisionContext {
  alpha: number;
  stoppingRule: StoppingRule;
  totalExposures: number;
  sampleReached: boolean | null;
  moreContactsNeeded: number | null;
  ended: boolean;
}

/**
 * One verdict for the whole experiment. Under a fixed-horizon rule a running
 * test short of its planned sample gets no winner, however the numbers look
 * today: calling it now is exactly the peeking the rule forbids. The sequential
 * rule's p-values stay valid at every look, so it may call a winner early.
 */
function decide(comparisons: readonly ComparisonReading[], ctx: DecisionContext): Verdict {
  if (ctx.totalExposures === 0) return { kind: 'noData' };
  const notEnough: Verdict = { kind: 'notEnoughData', moreContactsNeeded: ctx.moreContactsNeeded };
  if (comparisons.some((c) => c.method === 'no-data')) return notEnough;
  const mayDecide = ctx.stoppingRule === 'sequential' || ctx.sampleReached !== false || ctx.ended;
  if (!mayDecide) return notEnough;

  const withNumbers = comparisons.filter(hasNumbers);
  const best = [...withNumbers].sort((a, b) => b.absoluteLift - a.absoluteLift)[0];
  if (best === undefined) return notEnough;
  const winners = withNumbers.filter((c) => c.significant && c.absoluteLift > 0);
  const winner = winners.sort((a, b) => b.absoluteLift - a.absoluteLift)[0];
  if (winner !== undefined) return summary('variantBetter', winner, ctx.alpha);
  if (withNumbers.length === comparisons.length && withNumbers.every((c) => c.significant && c.absoluteLift < 0)) {
    return summary('controlBetter', best, ctx.alpha);
  }
  // A sequential test short of its planned size can still find something: not yet a "no difference".
  if (ctx.stoppingRule === 'sequential' && ctx.sampleReached !== true && !ctx.ended) return notEnough;
  return summary('noClearDifference', best, ctx.alpha);
}

type NumberedComparison = ComparisonReading & { absoluteLift: number; diffCiLow: number; diffCiHigh: number };

function hasNumbers(c: ComparisonReading): c is NumberedComparison {
  return c.absoluteLift !== null && c.diffCiLow !== null && c.diffCiHigh !== null;
}

function summary(kind: 'variantBetter' | 'controlBetter' | 'noClearDifference', c: NumberedComparison, alpha: number): Verdict {
  return {
    kind,
    variant: c.variant,
    control: c.control,
    absoluteLift: c.absoluteLift,
    diffCiLow: c.diffCiLow,
    diffCiHigh: c.diffCiHigh,
    level: 1 - alpha,
    probabilityToBeatControl: c.probabilityToBeatControl,
  };
}
