import type { AbReading, MethodId, PrimaryMetric, SrmCauseId, Verdict } from '../../../../shared/domain/experiments';
import { isMessageKey, type MessageKey } from '../../i18n';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Every number of the comparison view goes through Intl in the workspace's locale. */
export function experimentFormats(locale: string) {
  const percent1 = new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const percent0 = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const level = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const points = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const pValue = new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  const unit = (u: 'minute' | 'hour' | 'day') => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'long', maximumFractionDigits: 1 });
  const dash = '–';
  return {
    /** A rate: 0.314 → "31.4 %". */
    rate: (x: number | null) => (x === null ? dash : percent1.format(x)),
    /** Chart axis ticks: whole percents. */
    axisRate: (x: number) => percent0.format(x),
    /** A difference of rates in percentage points, signed: 0.031 → "+3.1". */
    points: (x: number | null) => (x === null ? dash : points.format(x * 100)),
    /** Confidence level: 0.95 → "95 %". */
    level: (x: number) => level.format(x),
    /** A probability, rounded to whole percents, never shown as a certain 0 % or 100 %. */
    chance: (x: number, t: Translate) => {
      if (x > 0.99) return t('experiments.chance.above', { value: percent0.format(0.99) });
      if (x < 0.01) return t('experiments.chance.below', { value: percent0.format(0.01) });
      return percent0.format(x);
    },
    pValue: (p: number | null) => (p === null ? dash : p < 0.001 ? `< ${pValue.format(0.001)}` : pValue.format(p)),
    /** "p = 0.018" or "p < 0.001", for sentences. */
    pEquals: (p: number | null) => (p === null ? `p = ${dash}` : p < 0.001 ? `p < ${pValue.format(0.001)}` : `p = ${pValue.format(p)}`),
    count: (n: number) => integer.format(n),
    decimal: (n: number) => decimal.format(n),
    minutes: (m: number | null) => (m === null ? dash : unit('minute').format(Math.round(m * 10) / 10)),
    signedMinutes: (m: number | null) => (m === null ? dash : `${m > 0 ? '+' : ''}${decimal.format(m)}`),
    /** A horizon in its largest whole unit: 1440 → "1 day", 120 → "2 hours", 90 → "90 minutes". */
    horizon: (minutes: number) => {
      if (minutes % 1440 === 0) return unit('day').format(minutes / 1440);
      if (minutes % 60 === 0) return unit('hour').format(minutes / 60);
      return unit('minute').format(minutes);
    },
  };
}
export type ExperimentFormats = ReturnType<typeof experimentFormats>;

/** The verdict as one plain sentence in the UI language. */
export function verdictSentence(verdict: Verdict, t: Translate, f: ExperimentFormats): string {
  switch (verdict.kind) {
    case 'noData':
      return t('experiments.verdict.noData');
    case 'noClickData':
      return t('experiments.verdict.noClickData');
    case 'notEnoughData':
      return verdict.moreContactsNeeded === null
        ? t('experiments.verdict.notEnoughData')
        : t('experiments.verdict.moreContacts', { count: f.count(verdict.moreContactsNeeded) });
    case 'variantBetter':
    case 'controlBetter':
    case 'noClearDifference':
      return t(`experiments.verdict.${verdict.kind}`, {
        variant: verdict.variant,
        control: verdict.control,
        lift: f.points(verdict.absoluteLift),
        level: f.level(verdict.level),
        low: f.points(verdict.diffCiLow),
        high: f.points(verdict.diffCiHigh),
        chance: f.chance(verdict.probabilityToBeatControl, t),
      });
  }
}

export function metricLabel(metric: PrimaryMetric, t: Translate): string {
  return t(`experiments.metric.${metric}`);
}

/** The engine's cause ids are `srm.cause.*`; the catalog keeps them under the feature prefix. */
export function srmCauseText(cause: SrmCauseId, t: Translate): string {
  const key = `experiments.${cause}`;
  return isMessageKey(key) ? t(key) : cause;
}

/** The methodology note, one sentence per method the reading used, with its parameters. */
export function methodSentences(reading: AbReading, t: Translate, f: ExperimentFormats, extra: { horizonMinutes?: number; resamples?: number; seed?: number } = {}): string[] {
  const sentences = reading.methods.map((method: MethodId): string => {
    switch (method) {
      case 'wilson-score':
      case 'newcombe-hybrid-score':
        return t(`experiments.method.${method}`, { level: f.level(reading.level) });
      case 'holm':
        return t('experiments.method.holm', { count: reading.comparisons.length, alpha: f.level(reading.alpha) });
      case 'beta-binomial':
        return reading.prior.source === 'history'
          ? t('experiments.method.beta-binomial.history', {
              a: f.decimal(reading.prior.alpha),
              b: f.decimal(reading.prior.beta),
              weight: f.count(reading.prior.weight),
              history: f.count(reading.prior.historyExposures),
            })
          : t('experiments.method.beta-binomial');
      case 'chi-square-goodness-of-fit':
        return t('experiments.method.chi-square-goodness-of-fit', { threshold: f.pValue(reading.srm.threshold) });
      case 'msprt-normal-mixture':
        return t('experiments.method.msprt-normal-mixture', { tau: f.decimal((reading.sequential?.tau ?? 0) * 100), looks: reading.sequential?.looks ?? 0 });
      case 'percentile-bootstrap':
        return t('experiments.method.percentile-bootstrap', { resamples: f.count(extra.resamples ?? 0), seed: String(extra.seed ?? 0) });
      case 'pooled-z-test':
      case 'fisher-exact-test':
      case 'fixed-horizon':
      case 'mann-whitney':
        return t(`experiments.method.${method}`);
    }
  });
  if (extra.horizonMinutes !== undefined) sentences.unshift(t('experiments.method.exposure', { horizon: f.horizon(extra.horizonMinutes) }));
  return sentences;
}
