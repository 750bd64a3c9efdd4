import { useMemo, type RefObject } from 'react';
import type { AbReading, ComparisonReading, SrmReading, Verdict } from '../../../../shared/domain/experiments';
import { useT } from '../../i18n/useT';
import { experimentFormats, srmCauseText, verdictSentence, type ExperimentFormats } from './format';

export function useExperimentFormats(locale: string): ExperimentFormats {
  return useMemo(() => experimentFormats(locale), [locale]);
}

const verdictTone: Record<Verdict['kind'], 'good' | 'neutral' | 'wait'> = {
  variantBetter: 'good',
  controlBetter: 'good',
  noClearDifference: 'neutral',
  notEnoughData: 'wait',
  noData: 'wait',
  noClickData: 'neutral',
};

/** The one sentence users come for, in plain words, with what it rests on. */
export function VerdictPanel(props: { verdict: Verdict; sampleReached: boolean | null; f: ExperimentFormats; srmMismatch: boolean; headingRef?: RefObject<HTMLHeadingElement | null> }) {
  const t = useT();
  const { verdict, f } = props;
  return (
    <section className={`verdict ${verdictTone[verdict.kind]}`} aria-labelledby="verdict-title">
      <h3 id="verdict-title" ref={props.headingRef} tabIndex={-1}>
        {t('experiments.verdict.title')}
      </h3>
      <p className="verdict-sentence">{verdictSentence(verdict, t, f)}</p>
      {verdict.kind === 'noClearDifference' && props.sampleReached === true && <p>{t('experiments.verdict.noClearDifference.reached')}</p>}
      {props.srmMismatch && (verdict.kind === 'variantBetter' || verdict.kind === 'controlBetter' || verdict.kind === 'noClearDifference') && (
        <p className="verdict-caveat">{t('experiments.verdict.srmCaveat')}</p>
      )}
    </section>
  );
}

/** Shown only when the sample-ratio check fires: the test itself may be broken. */
export function SrmBanner(props: { srm: SrmReading; f: ExperimentFormats }) {
  const t = useT();
  if (!props.srm.mismatch) return null;
  return (
    <section className="banner warning" aria-labelledby="srm-title">
      <h3 id="srm-title">{t('experiments.srm.title')}</h3>
      <p>{t('experiments.srm.body', { p: props.f.pEquals(props.srm.pValue) })}</p>
      <ul>
        {props.srm.causesToCheck.map((cause) => (
          <li key={cause}>{srmCauseText(cause, t)}</li>
        ))}
      </ul>
    </section>
  );
}

/** Same numbers as the chart, as a table. */
export function VariantTable(props: { reading: AbReading; metricName: string; f: ExperimentFormats }) {
  const t = useT();
  const { reading, f } = props;
  const control = reading.comparisons[0]?.control ?? reading.variants[0]?.name;
  return (
    <table className="data-table">
      <caption>{t('experiments.table.variants', { metric: props.metricName })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('experiments.col.variant')}</th>
          <th scope="col" className="num">
            {t('experiments.col.exposures')}
          </th>
          <th scope="col" className="num">
            {t('experiments.col.conversions')}
          </th>
          <th scope="col" className="num">
            {t('experiments.col.rate')}
          </th>
          <th scope="col">{t('experiments.col.interval', { level: f.level(reading.level) })}</th>
          <th scope="col" className="num">
            {t('experiments.col.plannedShare')}
          </th>
        </tr>
      </thead>
      <tbody>
        {reading.variants.map((v) => (
          <tr key={v.name}>
            <th scope="row">
              {v.name} {v.name === control && <span className="badge">{t('experiments.control')}</span>}
            </th>
            <td className="num">{f.count(v.exposures)}</td>
            <td className="num">{f.count(v.conversions)}</td>
            <td className="num">{f.rate(v.rate)}</td>
            <td className="nowrap">{t('experiments.range', { low: f.rate(v.ciLow), high: f.rate(v.ciHigh) })}</td>
            <td className="num">{f.rate(v.plannedShare)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function testLabel(c: ComparisonReading, t: ReturnType<typeof useT>): string {
  return t(`experiments.test.${c.method}`);
}

/** Every variant against the control: difference, interval, p-values, Bayesian reading. */
export function ComparisonTable(props: { reading: AbReading; f: ExperimentFormats }) {
  const t = useT();
  const { reading, f } = props;
  const sequential = reading.stoppingRule === 'sequential';
  return (
    <table className="data-table">
      <caption>{t('experiments.table.comparisons')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('experiments.col.comparison')}</th>
          <th scope="col" className="num">
            {t('experiments.col.difference')}
          </th>
          <th scope="col">{t('experiments.col.interval', { level: f.level(reading.level) })}</th>
          <th scope="col" className="num">
            {t('experiments.col.pValue')}
          </th>
          <th scope="col" className="num">
            {t('experiments.col.adjustedPValue')}
          </th>
          {sequential && (
            <th scope="col" className="num">
              {t('experiments.col.sequentialPValue')}
            </th>
          )}
          <th scope="col" className="num">
            {t('experiments.col.chanceToBeat')}
          </th>
          <th scope="col" className="num">
            {t('experiments.col.expectedLoss')}
          </th>
          <th scope="col">{t('experiments.col.significant')}</th>
        </tr>
      </thead>
      <tbody>
        {reading.comparisons.map((c) => (
          <tr key={c.variant}>
            <th scope="row">{t('experiments.versus', { variant: c.variant, control: c.control })}</th>
            <td className="num">{t('experiments.pointsValue', { value: f.points(c.absoluteLift) })}</td>
            <td className="nowrap">{t('experiments.range', { low: f.points(c.diffCiLow), high: f.points(c.diffCiHigh) })}</td>
            <td className="num">
              {f.pValue(c.pValue)} <span className="muted">({testLabel(c, t)})</span>
            </td>
            <td className="num">{f.pValue(c.adjustedPValue)}</td>
            {sequential && <td className="num">{f.pValue(c.sequentialAdjustedPValue)}</td>}
            <td className="num">{f.chance(c.probabilityToBeatControl, t)}</td>
            <td className="num">{t('experiments.pointsValue', { value: f.points(c.expectedLoss).replace('+', '') })}</td>
            <td>{c.significant ? t('experiments.yes') : t('experiments.no')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function MethodologyNote(props: { sentences: readonly string[] }) {
  const t = useT();
  return (
    <section className="methodology" aria-labelledby="methodology-title">
      <h3 id="methodology-title">{t('experiments.methodology.title')}</h3>
      <ul>
        {props.sentences.map((sentence) => (
          <li key={sentence}>{sentence}</li>
        ))}
      </ul>
    </section>
  );
}
