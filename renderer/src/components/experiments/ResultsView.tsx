import { useCallback, useEffect, useId, useState, type RefObject } from 'react';
import type { Experiment, ExperimentResults } from '../../../../shared/domain/experiments';
import type { Workspace } from '../../../../shared/domain/workspace';
import { formatters } from '../../i18n';
import { useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import { metricLabel, methodSentences, type ExperimentFormats } from './format';
import { IntervalChart } from './IntervalChart';
import { ComparisonTable, MethodologyNote, SrmBanner, useExperimentFormats, VariantTable, VerdictPanel } from './ReadingPanels';
import { useExperimentErrors } from './useExperimentErrors';

type Check = { ok: boolean | null; text: string };

/** Did the test keep to its plan? Each line is a check with its outcome in words, not only in colour. */
function AdherenceList(props: { experiment: Experiment; results: ExperimentResults; f: ExperimentFormats }) {
  const t = useT();
  const { experiment, results, f } = props;
  const { adherence } = results;
  const planned = experiment.plannedPerVariant;
  const smallest = Math.min(...results.exposures.map((e) => e.exposures));
  const checks: Check[] = [];
  if (!adherence.locked) checks.push({ ok: false, text: t('experiments.adherence.draft') });
  else if (adherence.sentBeforeLock > 0) checks.push({ ok: false, text: t('experiments.adherence.sentBeforeLock', { count: f.count(adherence.sentBeforeLock) }) });
  else checks.push({ ok: true, text: t('experiments.adherence.lockedFirst') });
  if (planned !== null) {
    checks.push(
      smallest >= planned
        ? { ok: true, text: t('experiments.adherence.sampleReached', { planned: f.count(planned) }) }
        : { ok: false, text: t('experiments.adherence.sampleShort', { planned: f.count(planned), smallest: f.count(smallest) }) },
    );
  }
  checks.push(
    results.srm.mismatch
      ? { ok: false, text: t('experiments.adherence.srm', { p: f.pEquals(results.srm.pValue) }) }
      : { ok: true, text: t('experiments.adherence.noSrm', { p: f.pEquals(results.srm.pValue) }) },
  );
  if (experiment.stoppingRule === 'sequential') checks.push({ ok: true, text: t('experiments.adherence.sequential') });
  else if (adherence.stoppedEarly) checks.push({ ok: false, text: t('experiments.adherence.stoppedEarly') });
  else if (adherence.interimLook) checks.push({ ok: null, text: t('experiments.adherence.interim') });
  else checks.push({ ok: true, text: t('experiments.adherence.fixedKept') });
  if (adherence.offAssignment > 0) checks.push({ ok: false, text: t('experiments.adherence.offAssignment', { count: f.count(adherence.offAssignment) }) });
  else if (adherence.locked) checks.push({ ok: true, text: t('experiments.adherence.assignmentKept') });
  if (adherence.crossovers > 0) checks.push({ ok: false, text: t('experiments.adherence.crossovers', { count: f.count(adherence.crossovers) }) });
  if (results.pending > 0) checks.push({ ok: null, text: t('experiments.adherence.pending', { count: f.count(results.pending), horizon: f.horizon(results.horizonMinutes) }) });
  if (results.excluded > 0) checks.push({ ok: null, text: t('experiments.adherence.excluded', { count: f.count(results.excluded) }) });

  return (
    <section aria-labelledby="adherence-title">
      <h3 id="adherence-title">{t('experiments.adherence.title')}</h3>
      <ul className="checklist">
        {checks.map((check) => (
          <li key={check.text} className={check.ok === true ? 'ok' : check.ok === false ? 'warn' : 'info'}>
            <span className="check-status">{t(check.ok === true ? 'experiments.check.ok' : check.ok === false ? 'experiments.check.warn' : 'experiments.check.info')}</span>
            <span>{check.text}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SecondaryMetricsPanel(props: { results: ExperimentResults; level: number; f: ExperimentFormats }) {
  const t = useT();
  const { results, f } = props;
  const { secondary } = results;
  const horizon = f.horizon(results.horizonMinutes);
  return (
    <section aria-labelledby="secondary-title">
      <h3 id="secondary-title">{t('experiments.secondary.title')}</h3>
      <p className="hint">{t('experiments.secondary.intro')}</p>
      <table className="data-table">
        <caption>{t('experiments.secondary.rates', { horizon })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('experiments.col.variant')}</th>
            <th scope="col">{t('experiments.metric.delivered')}</th>
            <th scope="col">{t('experiments.metric.seenWithin')}</th>
            <th scope="col">{t('experiments.metric.replied')}</th>
          </tr>
        </thead>
        <tbody>
          {secondary.rates.map((r) => (
            <tr key={r.variant}>
              <th scope="row">{r.variant}</th>
              {([r.delivered, r.seenWithin, r.replied] as const).map((rate, index) => (
                <td key={index}>
                  {t('experiments.secondary.rateCell', { rate: f.rate(rate.rate), low: f.rate(rate.ciLow), high: f.rate(rate.ciHigh), conversions: f.count(rate.conversions), exposures: f.count(rate.exposures) })}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <table className="data-table">
        <caption>{t('experiments.secondary.timeToSeen', { horizon })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('experiments.col.variant')}</th>
            <th scope="col" className="num">
              {t('experiments.col.seen')}
            </th>
            <th scope="col" className="num">
              {t('experiments.col.medianMinutes')}
            </th>
            <th scope="col">{t('experiments.col.medianDifference', { level: f.level(props.level) })}</th>
            <th scope="col" className="num">
              {t('experiments.col.mannWhitney')}
            </th>
          </tr>
        </thead>
        <tbody>
          {secondary.timeToSeen.map((row, index) => {
            const comparison = index === 0 ? null : secondary.timeToSeenComparisons[index - 1];
            return (
              <tr key={row.variant}>
                <th scope="row">
                  {row.variant} {index === 0 && <span className="badge">{t('experiments.control')}</span>}
                </th>
                <td className="num">{f.count(row.seen)}</td>
                <td className="num">{f.minutes(row.medianMinutes)}</td>
                <td>
                  {comparison
                    ? t('experiments.secondary.minutesDiff', {
                        diff: f.signedMinutes(comparison.differenceMinutes),
                        low: f.signedMinutes(comparison.ciLowMinutes),
                        high: f.signedMinutes(comparison.ciHighMinutes),
                      })
                    : '–'}
                </td>
                <td className="num">{comparison ? f.pValue(comparison.mannWhitneyPValue) : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** The comparison view of an experiment run in the app, recomputed from synced messages on each visit. */
export function ResultsView(props: { experimentId: number; workspace: Workspace; headingRef: RefObject<HTMLHeadingElement | null>; onBack(): void; onPlan(): void }) {
  const t = useT();
  const id = useId();
  const errorsOf = useExperimentErrors();
  const { client, notify } = useApp();
  const f = useExperimentFormats(props.workspace.locale);
  const [data, setData] = useState<{ experiment: Experiment; results: ExperimentResults } | null>(null);

  const load = useCallback(async () => {
    if (!client) return;
    try {
      const [experiment, results] = await Promise.all([client.call('experiments:get', { id: props.experimentId }), client.call('experiments:results', { id: props.experimentId })]);
      setData({ experiment, results });
    } catch (err) {
      notify('error', errorsOf(err).text);
    }
  }, [client, props.experimentId, notify, errorsOf]);

  useEffect(() => {
    void load();
  }, [load]);

  const experiment = data?.experiment;
  const heading = (
    <h2 id={`${id}-title`} ref={props.headingRef} tabIndex={-1}>
      {t('experiments.results.title', { name: experiment?.name ?? '' })}
    </h2>
  );
  const back = (
    <button type="button" className="link back" onClick={props.onBack}>
      {t('experiments.back')}
    </button>
  );
  if (!data || !experiment) {
    return (
      <section aria-labelledby={`${id}-title`}>
        {back}
        {heading}
        <p role="status">{t('app.loading')}</p>
      </section>
    );
  }
  const { results } = data;
  const reading = results.reading;
  const metricName = t('experiments.plan.metricWithin', { metric: metricLabel(results.primaryMetric, t), horizon: f.horizon(results.horizonMinutes) });
  const dates = formatters(props.workspace.locale, props.workspace.timeZone);
  const level = 1 - experiment.alpha;

  return (
    <section aria-labelledby={`${id}-title`}>
      {back}
      {heading}
      <p className="lead">
        {t('experiments.results.summary', { metric: metricName, date: dates.dateTime(results.computedAt) })}{' '}
        <span className="badge">{t(`experiments.status.${experiment.status}`)}</span>
      </p>
      <div className="row actions">
        <button type="button" className="secondary" onClick={() => void load()}>
          {t('experiments.results.refresh')}
        </button>
        <button type="button" className="secondary" onClick={props.onPlan}>
          {t('experiments.results.openPlan')}
        </button>
      </div>

      <VerdictPanel verdict={results.verdict} sampleReached={reading?.sampleReached ?? null} f={f} srmMismatch={results.srm.mismatch} />
      <SrmBanner srm={results.srm} f={f} />

      {reading ? (
        <>
          <IntervalChart variants={reading.variants} level={reading.level} metricName={metricName} locale={props.workspace.locale} f={f} controlName={experiment.variants[0]?.name ?? ''} />
          <VariantTable reading={reading} metricName={metricName} f={f} />
          <ComparisonTable reading={reading} f={f} />
        </>
      ) : (
        <table className="data-table compact">
          <caption>{t('experiments.table.exposures')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('experiments.col.variant')}</th>
              <th scope="col" className="num">
                {t('experiments.col.exposures')}
              </th>
              <th scope="col" className="num">
                {t('experiments.col.plannedShare')}
              </th>
            </tr>
          </thead>
          <tbody>
            {results.exposures.map((e) => (
              <tr key={e.variant}>
                <th scope="row">{e.variant}</th>
                <td className="num">{f.count(e.exposures)}</td>
                <td className="num">{f.rate(e.plannedShare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <AdherenceList experiment={experiment} results={results} f={f} />
      <SecondaryMetricsPanel results={results} level={level} f={f} />
      <MethodologyNote
        sentences={
          reading
            ? methodSentences(reading, t, f, { horizonMinutes: results.horizonMinutes, resamples: results.secondary.bootstrapResamples, seed: results.secondary.bootstrapSeed })
            : [t('experiments.method.exposure', { horizon: f.horizon(results.horizonMinutes) }), t('experiments.method.chi-square-goodness-of-fit', { threshold: f.pValue(results.srm.threshold) })]
        }
      />
    </section>
  );
}
