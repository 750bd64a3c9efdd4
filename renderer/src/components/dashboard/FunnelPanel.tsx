import type { FunnelOutput, FunnelSegment, FunnelStepName } from '../../../../shared/domain/monitoring';
import { useT } from '../../i18n/useT';
import { ChartView, COLOURS } from './ChartView';
import type { DashboardFormats } from './format';

/** The segment behind a step (reached it) and behind its drop (reached the previous step, not this one). */
export const STEP_SEGMENT: Record<FunnelStepName, FunnelSegment> = { sent: 'sent', delivered: 'delivered', seen: 'seen', replied: 'replied' };
export const DROP_SEGMENT: Record<FunnelStepName, FunnelSegment | null> = { sent: null, delivered: 'not_delivered', seen: 'delivered_not_seen', replied: 'seen_not_replied' };

const dropOf = (s: FunnelStepName) => DROP_SEGMENT[s];

const changeKey = { delivered: 'delivered', seen: 'seen', replied: 'replied' } as const;

/** sent → delivered → seen → replied, with the drop at each step and the two comparisons. */
export function FunnelPanel(props: { funnel: FunnelOutput; f: DashboardFormats; onOpen(segment: FunnelSegment): void }) {
  const t = useT();
  const { funnel, f, onOpen } = props;
  const basisWord = funnel.basis === 'contacts' ? t('monitoring.funnel.basis.contacts') : t('monitoring.funnel.basis.messages');
  const stepName = (s: FunnelStepName) => t(`monitoring.step.${s}`);
  const change = (s: FunnelStepName, which: 'previous' | 'normal') => {
    if (s === 'sent') return null;
    const ref = which === 'previous' ? funnel.previous : funnel.normal;
    return ref ? ref.change[changeKey[s]] : null;
  };
  const description = t('monitoring.funnel.description', {
    basis: basisWord,
    steps: funnel.steps.map((s) => t('monitoring.funnel.stepSentence', { step: stepName(s.step), count: f.count(s.count), rate: f.rate(s.rate) })).join(' '),
  });

  const table = (
    <table className="data-table">
      <caption>{t('monitoring.funnel.tableCaption', { basis: basisWord })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('monitoring.funnel.col.step')}</th>
          <th scope="col" className="num">
            {t('monitoring.funnel.col.count')}
          </th>
          <th scope="col" className="num">
            {t('monitoring.funnel.col.rate')}
          </th>
          <th scope="col" className="num">
            {t('monitoring.funnel.col.fromPrevious')}
          </th>
          <th scope="col" className="num">
            {t('monitoring.funnel.col.drop')}
          </th>
          <th scope="col" className="num">
            {t('monitoring.funnel.col.vsPrevious')}
          </th>
          <th scope="col" className="num">
            {t('monitoring.funnel.col.vsNormal')}
          </th>
        </tr>
      </thead>
      <tbody>
        {funnel.steps.map((s) => {
          const drop = DROP_SEGMENT[s.step];
          return (
            <tr key={s.step}>
              <th scope="row">{stepName(s.step)}</th>
              <td className="num">
                <button type="button" className="link" onClick={() => onOpen(STEP_SEGMENT[s.step])} aria-label={t('monitoring.funnel.open', { segment: t(`monitoring.segment.${STEP_SEGMENT[s.step]}`), count: f.count(s.count) })}>
                  {f.count(s.count)}
                </button>
              </td>
              <td className="num">{f.rate(s.rate)}</td>
              <td className="num">{s.step === 'sent' ? '' : f.rate(s.fromPrevious)}</td>
              <td className="num">
                {drop !== null && s.drop !== null && (
                  <button type="button" className="link" onClick={() => onOpen(drop)} aria-label={t('monitoring.funnel.open', { segment: t(`monitoring.segment.${drop}`), count: f.count(s.drop) })}>
                    {f.count(s.drop)}
                  </button>
                )}
              </td>
              <td className="num">{s.step === 'sent' ? '' : t('monitoring.points', { value: f.points(change(s.step, 'previous')) })}</td>
              <td className="num">{s.step === 'sent' ? '' : t('monitoring.points', { value: f.points(change(s.step, 'normal')) })}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );

  const labels = funnel.steps.map((s) => stepName(s.step));
  return (
    <div className="funnel">
      <ChartView
        title={t('monitoring.funnel.chartTitle', { basis: basisWord })}
        description={description}
        table={table}
        deps={[funnel, f, t]}
        config={() => ({
          type: 'bar',
          data: {
            labels,
            datasets: [
              {
                label: basisWord,
                data: funnel.steps.map((s) => s.count),
                backgroundColor: funnel.steps.map((s) => COLOURS[s.step]),
                maxBarThickness: 90,
              },
            ],
          },
          options: {
            locale: f.locale,
            animation: false,
            responsive: true,
            maintainAspectRatio: false,
            // A click on a bar opens the same list as the table's buttons (the keyboard's way in).
            onClick: (_event, elements) => {
              const first = elements[0];
              const step = first ? funnel.steps[first.index] : undefined;
              if (step) onOpen(STEP_SEGMENT[step.step]);
            },
            plugins: {
              legend: { display: false },
              tooltip: {
                callbacks: {
                  label: (item) => {
                    const s = funnel.steps[item.dataIndex];
                    return s ? t('monitoring.funnel.stepSentence', { step: stepName(s.step), count: f.count(s.count), rate: f.rate(s.rate) }) : '';
                  },
                },
              },
            },
            scales: { y: { beginAtZero: true, ticks: { callback: (v) => f.count(Number(v)) } } },
          },
        })}
      />
      <ul className="funnel-steps" aria-label={t('monitoring.funnel.openLabel')}>
        {funnel.steps.map((s) => (
          <li key={s.step}>
            <button type="button" className="secondary small" onClick={() => onOpen(STEP_SEGMENT[s.step])}>
              {t('monitoring.funnel.open', { segment: t(`monitoring.segment.${STEP_SEGMENT[s.step]}`), count: f.count(s.count) })}
            </button>
            {dropOf(s.step) !== null && s.drop !== null && s.drop > 0 && (
              <button type="button" className="secondary small" onClick={() => onOpen(dropOf(s.step)!)}>
                {t('monitoring.funnel.open', { segment: t(`monitoring.segment.${dropOf(s.step)!}`), count: f.count(s.drop) })}
              </button>
            )}
          </li>
        ))}
      </ul>
      <ComparisonNote funnel={funnel} f={f} />
    </div>
  );
}

function ComparisonNote(props: { funnel: FunnelOutput; f: DashboardFormats }) {
  const t = useT();
  const { funnel, f } = props;
  return (
    <ul className="comparison-note">
      {funnel.pending > 0 && <li>{t('monitoring.funnel.pending', { count: f.count(funnel.pending), horizon: f.duration(Math.max(funnel.horizonMs, funnel.replyWindowMs)) })}</li>}
      <li>
        {funnel.previous
          ? t('monitoring.funnel.previous', {
              from: f.date(funnel.previous.from),
              to: f.date(funnel.previous.to - 1),
              sent: f.count(funnel.previous.sent),
              delivered: f.rate(funnel.previous.rates.delivered),
              seen: f.rate(funnel.previous.rates.seen),
            })
          : t('monitoring.funnel.noPrevious')}
      </li>
      <li>
        {funnel.normal
          ? t('monitoring.funnel.normal', { campaigns: f.count(funnel.normal.campaigns), delivered: f.rate(funnel.normal.rates.delivered), seen: f.rate(funnel.normal.rates.seen) })
          : t('monitoring.funnel.noNormal')}
      </li>
      <li>{t('monitoring.funnel.horizon', { horizon: f.duration(funnel.horizonMs), reply: f.duration(funnel.replyWindowMs) })}</li>
    </ul>
  );
}
