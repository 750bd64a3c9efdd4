/**
 * Relais statistics engine: pure functions for planning and reading A/B tests
 * of Messenger campaigns. No I/O, no Node or DOM: the main process, the
 * renderer and the CLI all call the same code.
 */
export type { Interval, MethodNote, VariantCounts } from './types';
export {
  betaCdf,
  betaPdf,
  betaSf,
  chiSquareSf,
  logBeta,
  logGamma,
  normalCdf,
  normalPdf,
  normalQuantile,
  normalSf,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
} from './distributions';
export { createRandom, randomIndex, type RandomSource } from './random';
export {
  compareToControl,
  criticalZ,
  DEFAULT_ALPHA,
  fisherExactTest,
  MIN_EXPECTED_COUNT_FOR_Z,
  minimumExpectedCount,
  newcombeInterval,
  pooledZTest,
  variantRate,
  wilsonInterval,
  type ComparisonMethod,
  type ControlComparison,
  type ProportionTest,
  type VariantRate,
} from './proportions';
export { holmAdjust } from './multiple';
export {
  bayesianCompare,
  betaPosterior,
  expectedLoss,
  historicalPrior,
  probabilityToBeat,
  UNIFORM_PRIOR,
  type BayesianComparison,
  type BetaDistribution,
  type BetaPosterior,
} from './bayesian';
export { sampleRatioMismatch, SRM_CAUSES, SRM_P_VALUE_THRESHOLD, type SampleRatioMismatch, type SrmCause } from './srm';
export {
  DEFAULT_MIXING_VARIANCE,
  mixingVarianceForEffect,
  mixtureLikelihoodRatio,
  sequentialTest,
  type SequentialLook,
  type SequentialLookResult,
  type SequentialTest,
} from './sequential';
export {
  DEFAULT_BOOTSTRAP_RESAMPLES,
  DEFAULT_BOOTSTRAP_SEED,
  mannWhitneyU,
  median,
  medianDifference,
  type MannWhitney,
  type MannWhitneyMethod,
  type MedianDifference,
} from './continuous';
export { DEFAULT_POWER, sampleSizePerVariant, type SampleSizePlan, type SampleSizePlanInput } from './power';
export {
  analyzeExperiment,
  type ComparisonSummary,
  type ExperimentAnalysis,
  type ExperimentInput,
  type NamedVariantCounts,
  type NamedVariantRate,
} from './experiment';
