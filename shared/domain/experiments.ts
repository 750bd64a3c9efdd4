import { z } from 'zod';
import { SegmentAudience, SegmentId } from './segments';
import { WorkspaceId } from './workspace';

/**
 * A/B experiments on Messenger campaigns: the plan written before sending, the
 * reading of its results, and the numbers-typed-by-hand analysis. Validation
 * messages are catalog keys (`experiments.error.*`) so the UI can translate
 * them and the CLI can turn them into English sentences.
 */

export const MIN_VARIANTS = 2;
/** Holm across up to seven comparisons with the control still leaves useful power at Messenger audience sizes. */
export const MAX_VARIANTS = 8;
/** Thirty days: beyond that a "within H" metric no longer describes the reaction to one message. */
export const MAX_HORIZON_MINUTES = 30 * 24 * 60;
export const DEFAULT_HORIZON_MINUTES = 24 * 60;
/** Shares are edited as percentages; their sum may be off by rounding, not by a forgotten variant. */
export const SPLIT_SUM_TOLERANCE = 1e-3;

/** What differs between the variants. */
export const ExperimentDimension = z.enum(['wording', 'format', 'sendTime', 'channel']);
export type ExperimentDimension = z.infer<typeof ExperimentDimension>;

/**
 * The one metric the plan commits to. Every metric is judged H minutes after
 * the send (`horizonMinutes`); clicked has no data source yet and is allowed in
 * a plan so a test can be prepared, but its results say so.
 */
export const PrimaryMetric = z.enum(['delivered', 'seenWithin', 'replied', 'clicked']);
export type PrimaryMetric = z.infer<typeof PrimaryMetric>;

export const StoppingRule = z.enum(['fixedHorizon', 'sequential']);
export type StoppingRule = z.infer<typeof StoppingRule>;

export const ExperimentStatus = z.enum(['draft', 'running', 'stopped']);
export type ExperimentStatus = z.infer<typeof ExperimentStatus>;

/** Same values as the campaigns.kind CHECK constraint. */
export const ExperimentCampaignKind = z.enum(['flash_promo', 'notice', 'newsletter', 'other']);
export type ExperimentCampaignKind = z.infer<typeof ExperimentCampaignKind>;

export const ExperimentId = z.number().int().positive();

const countField = z.number({ error: 'experiments.error.count' }).int('experiments.error.count').min(0, 'experiments.error.count');
const openUnit = (key: string) => z.number({ error: key }).gt(0, key).lt(1, key);

export const ExperimentName = z.string().trim().min(1, 'experiments.error.nameRequired').max(80, 'experiments.error.nameTooLong');
export const VariantName = z.string({ error: 'experiments.error.variantNameRequired' }).trim().min(1, 'experiments.error.variantNameRequired').max(60, 'experiments.error.variantNameTooLong');
export const CampaignName = z.string().trim().min(1, 'experiments.error.campaignNameRequired').max(120, 'experiments.error.campaignNameTooLong');
export const Hypothesis = z.string().trim().max(2000, 'experiments.error.hypothesisTooLong');
export const VariantDescription = z.string().trim().max(500, 'experiments.error.descriptionTooLong');
export const HorizonMinutes = z
  .number({ error: 'experiments.error.horizon' })
  .int('experiments.error.horizon')
  .min(1, 'experiments.error.horizon')
  .max(MAX_HORIZON_MINUTES, 'experiments.error.horizon');
export const Alpha = z.number({ error: 'experiments.error.alpha' }).gt(0, 'experiments.error.alpha').lt(1, 'experiments.error.alpha');
export const PriorWeight = z.number({ error: 'experiments.error.priorWeight' }).min(0, 'experiments.error.priorWeight').max(1_000_000, 'experiments.error.priorWeight');
export const PlannedPerVariant = z
  .number({ error: 'experiments.error.plannedPerVariant' })
  .int('experiments.error.plannedPerVariant')
  .min(1, 'experiments.error.plannedPerVariant')
  .max(100_000_000, 'experiments.error.plannedPerVariant');
export const Share = z.number({ error: 'experiments.error.share' }).gt(0, 'experiments.error.share').max(1, 'experiments.error.share');

/** What the sample-size planner was given, kept with the plan so the results can say what the test was sized for. */
export const PlannerInputs = z
  .object({
    baseline: openUnit('experiments.error.baseline'),
    mde: z
      .number({ error: 'experiments.error.mde' })
      .gt(-1, 'experiments.error.mde')
      .lt(1, 'experiments.error.mde')
      .refine((d) => d !== 0, 'experiments.error.mde'),
    alpha: Alpha,
    power: openUnit('experiments.error.power'),
  })
  .strict()
  .refine((p) => p.baseline + p.mde > 0 && p.baseline + p.mde < 1, { path: ['mde'], message: 'experiments.error.mde' });
export type PlannerInputs = z.infer<typeof PlannerInputs>;

function uniqueNames(names: readonly string[], ctx: z.RefinementCtx, path: (index: number) => (string | number)[]): void {
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (seen.has(name)) ctx.addIssue({ code: 'custom', path: path(index), message: 'experiments.error.variantNameTaken' });
    seen.add(name);
  });
}

export const CampaignChoice = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('existing'), campaignId: z.number().int().positive() }).strict(),
  z.object({ kind: z.literal('new'), name: CampaignName, campaignKind: ExperimentCampaignKind }).strict(),
]);
export type CampaignChoice = z.infer<typeof CampaignChoice>;

export const CreateExperimentInput = z
  .object({
    workspaceId: WorkspaceId,
    name: ExperimentName,
    dimension: ExperimentDimension,
    campaign: CampaignChoice,
    /** The first one is the control. */
    variants: z.array(VariantName).min(MIN_VARIANTS, 'experiments.error.variantCount').max(MAX_VARIANTS, 'experiments.error.variantCount'),
    /** A saved segment as the audience: its current version is recorded on the experiment. */
    segmentId: SegmentId.optional(),
    /** The version the caller saw; CONFLICT when the segment was saved since. */
    segmentVersion: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((input, ctx) => uniqueNames(input.variants, ctx, (index) => ['variants', index]));
export type CreateExperimentInput = z.infer<typeof CreateExperimentInput>;

export const PlanVariantInput = z
  .object({
    variantId: z.number().int().positive(),
    share: Share,
    description: VariantDescription,
  })
  .strict();

export const UpdatePlanInput = z
  .object({
    id: ExperimentId,
    hypothesis: Hypothesis,
    primaryMetric: PrimaryMetric,
    horizonMinutes: HorizonMinutes,
    stoppingRule: StoppingRule,
    alpha: Alpha,
    priorWeight: PriorWeight,
    plannedPerVariant: PlannedPerVariant.nullable(),
    planner: PlannerInputs.nullable(),
    /** Every variant of the experiment, in its order (the first is the control). */
    variants: z.array(PlanVariantInput).min(MIN_VARIANTS, 'experiments.error.variantCount').max(MAX_VARIANTS, 'experiments.error.variantCount'),
  })
  .strict()
  .superRefine((input, ctx) => {
    const total = input.variants.reduce((sum, v) => sum + v.share, 0);
    if (Math.abs(total - 1) > SPLIT_SUM_TOLERANCE) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'experiments.error.splitSum' });
  });
export type UpdatePlanInput = z.infer<typeof UpdatePlanInput>;

export const ExperimentVariant = z.object({
  variantId: z.number().int(),
  name: z.string(),
  description: z.string(),
  /** Planned share of contacts, 0–1; shares sum to 1. */
  share: z.number(),
  isControl: z.boolean(),
});
export type ExperimentVariant = z.infer<typeof ExperimentVariant>;

export const Experiment = z.object({
  id: ExperimentId,
  workspaceId: z.number().int(),
  name: z.string(),
  dimension: ExperimentDimension,
  campaign: z.object({ id: z.number().int(), name: z.string(), ref: z.string().nullable() }),
  hypothesis: z.string(),
  primaryMetric: PrimaryMetric,
  horizonMinutes: z.number().int(),
  stoppingRule: StoppingRule,
  alpha: z.number(),
  priorWeight: z.number(),
  plannedPerVariant: z.number().int().nullable(),
  planner: z.object({ baseline: z.number(), mde: z.number(), alpha: z.number(), power: z.number() }).nullable(),
  variants: z.array(ExperimentVariant),
  /** Hex seed of the assignment hash; fixed at creation so assignments never move. */
  seed: z.string(),
  status: ExperimentStatus,
  lockedAt: z.number().int().nullable(),
  stoppedAt: z.number().int().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  /** The saved segment version the experiment was created for; null for none. */
  audience: SegmentAudience.nullable().optional(),
});
export type Experiment = z.infer<typeof Experiment>;

export const ExperimentSummary = z.object({
  id: ExperimentId,
  name: z.string(),
  campaignName: z.string(),
  dimension: ExperimentDimension,
  primaryMetric: PrimaryMetric,
  variantCount: z.number().int(),
  status: ExperimentStatus,
  createdAt: z.number().int(),
  lockedAt: z.number().int().nullable(),
});
export type ExperimentSummary = z.infer<typeof ExperimentSummary>;

export const CampaignOption = z.object({
  id: z.number().int(),
  name: z.string(),
  ref: z.string().nullable(),
  variants: z.array(z.string()),
  /** Name of the experiment already attached; a campaign holds at most one. */
  experimentName: z.string().nullable(),
});
export type CampaignOption = z.infer<typeof CampaignOption>;

export const AssignmentFormat = z.enum(['csv', 'json']);
export type AssignmentFormat = z.infer<typeof AssignmentFormat>;

export const AssignmentsInput = z
  .object({
    id: ExperimentId,
    format: AssignmentFormat,
    /** Assign these PSIDs; by default every reachable contact of the workspace (Messenger consent, not opted out). */
    psids: z.array(z.string().trim().min(1).max(128)).max(1_000_000).optional(),
  })
  .strict();

export const AssignmentsExport = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  content: z.string(),
  count: z.number().int(),
  perVariant: z.array(z.object({ variant: z.string(), count: z.number().int() })),
});
export type AssignmentsExport = z.infer<typeof AssignmentsExport>;

// ── Reading an experiment (the comparison view, `ab:analyze`) ───────────────

export const MethodId = z.enum([
  'wilson-score',
  'newcombe-hybrid-score',
  'pooled-z-test',
  'fisher-exact-test',
  'holm',
  'beta-binomial',
  'chi-square-goodness-of-fit',
  'fixed-horizon',
  'msprt-normal-mixture',
  'percentile-bootstrap',
  'mann-whitney',
]);
export type MethodId = z.infer<typeof MethodId>;

export const ComparisonMethod = z.enum(['pooled-z-test', 'fisher-exact-test', 'no-data']);

/** Engine cause ids (`srm.cause.*`), sent as they are; the UI maps them to its catalog. */
export const SrmCauseId = z.enum(['srm.cause.sendHours', 'srm.cause.closedWindows', 'srm.cause.rateLimit']);
export type SrmCauseId = z.infer<typeof SrmCauseId>;

export const SrmReading = z.object({
  chiSquare: z.number().nullable(),
  pValue: z.number().nullable(),
  mismatch: z.boolean(),
  threshold: z.number(),
  expected: z.array(z.number()),
  causesToCheck: z.array(SrmCauseId),
});
export type SrmReading = z.infer<typeof SrmReading>;

export const VariantReading = z.object({
  name: z.string(),
  exposures: z.number().int(),
  conversions: z.number().int(),
  rate: z.number().nullable(),
  ciLow: z.number().nullable(),
  ciHigh: z.number().nullable(),
  /** Normalised planned share. */
  plannedShare: z.number(),
});
export type VariantReading = z.infer<typeof VariantReading>;

export const ComparisonReading = z.object({
  variant: z.string(),
  control: z.string(),
  absoluteLift: z.number().nullable(),
  relativeLift: z.number().nullable(),
  diffCiLow: z.number().nullable(),
  diffCiHigh: z.number().nullable(),
  pValue: z.number().nullable(),
  method: ComparisonMethod,
  adjustedPValue: z.number().nullable(),
  /** Always-valid p-value (mSPRT) when the stopping rule is sequential, and its Holm adjustment. */
  sequentialPValue: z.number().nullable(),
  sequentialAdjustedPValue: z.number().nullable(),
  probabilityToBeatControl: z.number(),
  expectedLoss: z.number(),
  expectedLossControl: z.number(),
  /** Significant under the stopping rule: adjusted fixed-horizon p, or adjusted sequential p. */
  significant: z.boolean(),
});
export type ComparisonReading = z.infer<typeof ComparisonReading>;

export const Verdict = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('noData') }),
  z.object({ kind: z.literal('noClickData') }),
  /** moreContactsNeeded is null when there is no planned sample size to measure against. */
  z.object({ kind: z.literal('notEnoughData'), moreContactsNeeded: z.number().int().nullable() }),
  z.object({
    kind: z.enum(['variantBetter', 'controlBetter', 'noClearDifference']),
    variant: z.string(),
    control: z.string(),
    absoluteLift: z.number(),
    diffCiLow: z.number(),
    diffCiHigh: z.number(),
    level: z.number(),
    probabilityToBeatControl: z.number(),
  }),
]);
export type Verdict = z.infer<typeof Verdict>;

export const PriorReading = z.object({
  source: z.enum(['uniform', 'history']),
  alpha: z.number(),
  beta: z.number(),
  /** Pseudo-contacts the history counts for (the user's weight, capped at the history's exposures). */
  weight: z.number(),
  historyExposures: z.number().int(),
});
export type PriorReading = z.infer<typeof PriorReading>;

export const AbReading = z.object({
  alpha: z.number(),
  level: z.number(),
  stoppingRule: StoppingRule,
  variants: z.array(VariantReading),
  comparisons: z.array(ComparisonReading),
  srm: SrmReading,
  prior: PriorReading,
  plannedPerVariant: z.number().int().nullable(),
  sampleReached: z.boolean().nullable(),
  moreContactsNeeded: z.number().int().nullable(),
  /** Sequential rule only: mixture standard deviation τ and number of looks. */
  sequential: z.object({ tau: z.number(), looks: z.number().int() }).nullable(),
  verdict: Verdict,
  methods: z.array(MethodId),
});
export type AbReading = z.infer<typeof AbReading>;

/** Numbers typed by hand: same shape as `relais ab analyze` FILE, plus an optional planned sample size. */
export const AbAnalyzeInput = z
  .object({
    variants: z
      .array(
        z
          .object({
            name: VariantName,
            exposures: countField,
            conversions: countField,
          })
          .strict()
          .refine((v) => v.conversions <= v.exposures, { path: ['conversions'], message: 'experiments.error.conversionsAboveExposures' }),
        { error: 'experiments.error.variantCount' },
      )
      .min(MIN_VARIANTS, 'experiments.error.variantCount')
      .max(MAX_VARIANTS, 'experiments.error.variantCount'),
    control: z.string({ error: 'experiments.error.control' }),
    alpha: Alpha.optional(),
    expectedSplit: z.array(z.number({ error: 'experiments.error.share' }).gt(0, 'experiments.error.share')).optional(),
    plannedPerVariant: PlannedPerVariant.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    uniqueNames(
      input.variants.map((v) => v.name),
      ctx,
      (index) => ['variants', index, 'name'],
    );
    if (!input.variants.some((v) => v.name === input.control)) {
      ctx.addIssue({ code: 'custom', path: ['control'], message: 'experiments.error.control' });
    }
    if (input.expectedSplit !== undefined && input.expectedSplit.length !== input.variants.length) {
      ctx.addIssue({ code: 'custom', path: ['expectedSplit'], message: 'experiments.error.splitLength' });
    }
  });
export type AbAnalyzeInput = z.infer<typeof AbAnalyzeInput>;

export const AbPlanInput = z
  .object({
    baseline: openUnit('experiments.error.baseline'),
    mde: z.number({ error: 'experiments.error.mde' }).refine((d) => d !== 0 && Number.isFinite(d), 'experiments.error.mde'),
    alpha: Alpha.optional(),
    power: openUnit('experiments.error.power').optional(),
    variants: z
      .number({ error: 'experiments.error.variantCount' })
      .int('experiments.error.variantCount')
      .min(MIN_VARIANTS, 'experiments.error.variantCount')
      .max(MAX_VARIANTS, 'experiments.error.variantCount')
      .optional(),
  })
  .strict()
  .refine((p) => p.baseline + p.mde > 0 && p.baseline + p.mde < 1, { path: ['mde'], message: 'experiments.error.mde' });
export type AbPlanInput = z.infer<typeof AbPlanInput>;

export const AbPlan = z.object({
  perVariant: z.number().int(),
  total: z.number().int(),
  alphaPerComparison: z.number(),
});
export type AbPlan = z.infer<typeof AbPlan>;

// ── Results of an experiment in the app ─────────────────────────────────────

export const SecondaryRate = z.object({
  exposures: z.number().int(),
  conversions: z.number().int(),
  rate: z.number().nullable(),
  ciLow: z.number().nullable(),
  ciHigh: z.number().nullable(),
});

export const TimeToSeenComparison = z.object({
  variant: z.string(),
  control: z.string(),
  variantMedianMinutes: z.number().nullable(),
  controlMedianMinutes: z.number().nullable(),
  differenceMinutes: z.number().nullable(),
  ciLowMinutes: z.number().nullable(),
  ciHighMinutes: z.number().nullable(),
  mannWhitneyPValue: z.number().nullable(),
  probabilityOfSuperiority: z.number().nullable(),
});
export type TimeToSeenComparison = z.infer<typeof TimeToSeenComparison>;

export const SecondaryMetrics = z.object({
  /** Per variant, the metrics the plan did not choose, judged within the same horizon; descriptive only. */
  rates: z.array(
    z.object({
      variant: z.string(),
      delivered: SecondaryRate,
      seenWithin: SecondaryRate,
      replied: SecondaryRate,
    }),
  ),
  timeToSeen: z.array(z.object({ variant: z.string(), seen: z.number().int(), medianMinutes: z.number().nullable() })),
  timeToSeenComparisons: z.array(TimeToSeenComparison),
  bootstrapResamples: z.number().int(),
  bootstrapSeed: z.number().int(),
});
export type SecondaryMetrics = z.infer<typeof SecondaryMetrics>;

export const PlanAdherence = z.object({
  locked: z.boolean(),
  /** Contacts messaged before the plan was locked (all of them while it is still a draft). */
  sentBeforeLock: z.number().int(),
  /** Contacts messaged after the lock whose variant is not the one their seeded hash assigns. */
  offAssignment: z.number().int(),
  /** Contacts who received more than one variant; counted in the variant of their first message. */
  crossovers: z.number().int(),
  /** Fixed-horizon rule, stopped before every arm reached the planned sample. */
  stoppedEarly: z.boolean(),
  /** Fixed-horizon rule, still running, planned sample not reached: any difference seen now is an interim look. */
  interimLook: z.boolean(),
});
export type PlanAdherence = z.infer<typeof PlanAdherence>;

export const ExperimentResults = z.object({
  experimentId: ExperimentId,
  computedAt: z.number().int(),
  primaryMetric: PrimaryMetric,
  horizonMinutes: z.number().int(),
  /** Exposed contacts whose message is younger than the horizon: not judged yet, left out. */
  pending: z.number().int(),
  /** Contacts whose first campaign message has no variant of this experiment. */
  excluded: z.number().int(),
  /** Exposures per variant (also for the clicked metric, which has no conversions to read). */
  exposures: z.array(z.object({ variant: z.string(), exposures: z.number().int(), plannedShare: z.number() })),
  srm: SrmReading,
  /** Null when the primary metric has no data source (clicked). */
  reading: AbReading.nullable(),
  verdict: Verdict,
  adherence: PlanAdherence,
  secondary: SecondaryMetrics,
});
export type ExperimentResults = z.infer<typeof ExperimentResults>;
