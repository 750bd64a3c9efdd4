import type { Database } from 'better-sqlite3';
import type { Experiment, ExperimentResults, PriorReading, SecondaryMetrics } from '../../../shared/domain/experiments';
import {
  DEFAULT_BOOTSTRAP_RESAMPLES,
  DEFAULT_BOOTSTRAP_SEED,
  historicalPrior,
  mannWhitneyU,
  median,
  medianDifference,
  SRM_P_VALUE_THRESHOLD,
  sampleRatioMismatch,
  variantRate,
  type VariantCounts,
} from '../../../shared/stats';
import { assignVariant } from './assignment';
import { campaignExposures, countOutcomes, historyExposures, outcome, type Exposure, type ObservableMetric } from './exposures';
import { buildReading, UNIFORM_PRIOR_READING, type Look } from './reading';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Above this many time-to-seen values the bootstrap takes fewer resamples, so a big campaign still reads in about a second. */
const LARGE_SAMPLE = 20_000;
const LARGE_SAMPLE_RESAMPLES = 500;

interface Arm {
  exposures: Exposure[];
}

/**
 * Reads a locked (or draft) experiment from the messages table: exposures are
 * each contact's first message of the campaign, judged H minutes after the
 * send; messages younger than H are pending and left out.
 */
export function experimentResults(db: Database, experiment: Experiment, now: number): ExperimentResults {
  const horizonMs = experiment.horizonMinutes * 60_000;
  const indexOfVariant = new Map(experiment.variants.map((v, index) => [v.variantId, index]));
  const shares = experiment.variants.map((v) => v.share);
  const arms: Arm[] = experiment.variants.map(() => ({ exposures: [] }));
  const metric = experiment.primaryMetric;
  // Judging needs a metric; for clicked (no data source) exposures are still "judged" on being seen so pending stays meaningful.
  const judgedOn: ObservableMetric = metric === 'clicked' ? 'seenWithin' : metric;

  let pending = 0;
  let excluded = 0;
  let sentBeforeLock = 0;
  let offAssignment = 0;
  let crossovers = 0;
  for (const exposure of campaignExposures(db, experiment.campaign.id)) {
    const index = exposure.variantId === null ? undefined : indexOfVariant.get(exposure.variantId);
    if (index === undefined || (experiment.stoppedAt !== null && exposure.sentAt > experiment.stoppedAt)) {
      excluded++;
      continue;
    }
    if (experiment.lockedAt === null || exposure.sentAt < experiment.lockedAt) sentBeforeLock++;
    else if (assignVariant(experiment.seed, exposure.psid, shares) !== index) offAssignment++;
    if (exposure.severalVariants === 1) crossovers++;
    if (outcome(exposure, judgedOn, horizonMs, now) === 'pending') {
      pending++;
      continue;
    }
    arms[index]?.exposures.push(exposure);
  }

  const exposureCounts = arms.map((arm) => arm.exposures.length);
  const control = experiment.variants[0]?.name ?? '';
  const planned = experiment.plannedPerVariant;
  const sampleReached = planned === null ? null : exposureCounts.every((n) => n >= planned);
  const fixedHorizon = experiment.stoppingRule === 'fixedHorizon';

  let reading: ExperimentResults['reading'] = null;
  if (metric !== 'clicked') {
    const counts = arms.map((arm) => countOutcomes(arm.exposures, metric, horizonMs, now));
    reading = buildReading({
      variants: experiment.variants.map((v, index) => ({ name: v.name, ...(counts[index] ?? { exposures: 0, conversions: 0 }) })),
      control,
      alpha: experiment.alpha,
      split: shares,
      stoppingRule: experiment.stoppingRule,
      prior: priorFor(db, experiment, metric, horizonMs, now),
      plannedPerVariant: experiment.plannedPerVariant,
      mde: experiment.planner?.mde ?? null,
      looks: experiment.stoppingRule === 'sequential' ? dailyLooks(arms, metric, horizonMs, now) : undefined,
      ended: experiment.stoppedAt !== null,
    });
  }
  const srm = reading?.srm ?? srmOf(exposureCounts, shares);
  const secondary = secondaryMetrics(arms, experiment, horizonMs, now);
  if (reading !== null && secondary.timeToSeenComparisons.some((c) => c.differenceMinutes !== null)) {
    reading = { ...reading, methods: [...reading.methods, 'percentile-bootstrap', 'mann-whitney'] };
  }

  return {
    experimentId: experiment.id,
    computedAt: now,
    primaryMetric: metric,
    horizonMinutes: experiment.horizonMinutes,
    pending,
    excluded,
    exposures: experiment.variants.map((v, index) => ({ variant: v.name, exposures: exposureCounts[index] ?? 0, plannedShare: v.share })),
    srm,
    reading,
    verdict: reading?.verdict ?? { kind: 'noClickData' },
    adherence: {
      locked: experiment.lockedAt !== null,
      sentBeforeLock,
      offAssignment,
      crossovers,
      stoppedEarly: fixedHorizon && experiment.stoppedAt !== null && sampleReached === false,
      interimLook: fixedHorizon && experiment.stoppedAt === null && sampleReached !== true,
    },
    secondary,
  };
}

function srmOf(exposures: readonly number[], shares: readonly number[]): ExperimentResults['srm'] {
  const srm = sampleRatioMismatch(exposures, shares);
  return {
    chiSquare: srm.chiSquare,
    pValue: srm.pValue,
    mismatch: srm.mismatch,
    threshold: SRM_P_VALUE_THRESHOLD,
    expected: [...srm.expected],
    causesToCheck: [...srm.causesToCheck],
  };
}

/**
 * Past campaigns of the workspace, judged on the same metric and horizon, as a
 * Beta prior worth `priorWeight` contacts. Uniform when the weight is 0 or
 * there is no history.
 */
function priorFor(db: Database, experiment: Experiment, metric: ObservableMetric, horizonMs: number, now: number): PriorReading {
  if (experiment.priorWeight <= 0) return UNIFORM_PRIOR_READING;
  const history: VariantCounts = countOutcomes(historyExposures(db, experiment.workspaceId, experiment.campaign.id), metric, horizonMs, now);
  if (history.exposures === 0) return UNIFORM_PRIOR_READING;
  const prior = historicalPrior(history, experiment.priorWeight);
  return {
    source: 'history',
    alpha: prior.alpha,
    beta: prior.beta,
    weight: Math.min(experiment.priorWeight, history.exposures),
    historyExposures: history.exposures,
  };
}

/**
 * One look per UTC day of sending, cumulative: what a user checking the
 * results once a day would have seen (with every outcome of those sends known).
 */
function dailyLooks(arms: readonly Arm[], metric: ObservableMetric, horizonMs: number, now: number): Look[] {
  const perDay = new Map<number, { exposures: number; conversions: number }[]>();
  arms.forEach((arm, index) => {
    for (const exposure of arm.exposures) {
      const day = Math.floor(exposure.sentAt / DAY_MS);
      let counts = perDay.get(day);
      if (counts === undefined) {
        counts = arms.map(() => ({ exposures: 0, conversions: 0 }));
        perDay.set(day, counts);
      }
      const tally = counts[index];
      if (tally === undefined) continue;
      tally.exposures++;
      if (outcome(exposure, metric, horizonMs, now) === 'converted') tally.conversions++;
    }
  });
  const running = arms.map(() => ({ exposures: 0, conversions: 0 }));
  return [...perDay.keys()]
    .sort((a, b) => a - b)
    .map((day) => {
      perDay.get(day)?.forEach((counts, index) => {
        const total = running[index];
        if (total === undefined) return;
        total.exposures += counts.exposures;
        total.conversions += counts.conversions;
      });
      return { counts: running.map((c) => ({ ...c })) };
    });
}

/**
 * The metrics the plan did not choose, and time to seen. Descriptive: no
 * multiplicity correction, and time to seen is among contacts who saw the
 * message within H (a conditional measure, since the others have no time).
 */
function secondaryMetrics(arms: readonly Arm[], experiment: Experiment, horizonMs: number, now: number): SecondaryMetrics {
  const alpha = experiment.alpha;
  const rateOf = (exposures: readonly Exposure[], metric: ObservableMetric) => {
    const counts = countOutcomes(exposures, metric, horizonMs, now);
    const rate = variantRate(counts, alpha);
    return { ...counts, rate: rate.rate, ciLow: rate.interval?.low ?? null, ciHigh: rate.interval?.high ?? null };
  };
  const minutesToSeen = arms.map((arm) =>
    arm.exposures
      .filter((e) => outcome(e, 'seenWithin', horizonMs, now) === 'converted' && e.readAt !== null)
      .map((e) => Math.max(0, ((e.readAt ?? e.sentAt) - e.sentAt) / 60_000)),
  );
  const totalSeen = minutesToSeen.reduce((sum, values) => sum + values.length, 0);
  const resamples = totalSeen > LARGE_SAMPLE ? LARGE_SAMPLE_RESAMPLES : DEFAULT_BOOTSTRAP_RESAMPLES;
  const controlTimes = minutesToSeen[0] ?? [];
  const control = experiment.variants[0]?.name ?? '';
  return {
    rates: experiment.variants.map((v, index) => {
      const exposures = arms[index]?.exposures ?? [];
      return { variant: v.name, delivered: rateOf(exposures, 'delivered'), seenWithin: rateOf(exposures, 'seenWithin'), replied: rateOf(exposures, 'replied') };
    }),
    timeToSeen: experiment.variants.map((v, index) => ({
      variant: v.name,
      seen: minutesToSeen[index]?.length ?? 0,
      medianMinutes: median(minutesToSeen[index] ?? []),
    })),
    timeToSeenComparisons: experiment.variants.slice(1).map((v, offset) => {
      const times = minutesToSeen[offset + 1] ?? [];
      const difference = medianDifference(times, controlTimes, { alpha, resamples, seed: DEFAULT_BOOTSTRAP_SEED });
      const rank = mannWhitneyU(times, controlTimes);
      return {
        variant: v.name,
        control,
        variantMedianMinutes: difference.variantMedian,
        controlMedianMinutes: difference.controlMedian,
        differenceMinutes: difference.difference,
        ciLowMinutes: difference.interval?.low ?? null,
        ciHighMinutes: difference.interval?.high ?? null,
        mannWhitneyPValue: rank.pValue,
        probabilityOfSuperiority: rank.probabilityOfSuperiority,
      };
    }),
    bootstrapResamples: resamples,
    bootstrapSeed: DEFAULT_BOOTSTRAP_SEED,
  };
}
