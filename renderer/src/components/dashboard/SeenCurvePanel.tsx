import { useId, useState } from 'react';
import type { MonitoringScopeOptions } from '../../../../shared/api/contracts/monitoring';
import { useErrorText, useT } from '../../i18n/useT';
import { ChartView, COLOURS } from './ChartView';
import type { DashboardFormats } from './format';
import { useApiQuery } from './useApiQuery';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** How fast one campaign was seen over its first 24 h, from its first send: a one-hour promo shows its hour. */
export function SeenCurvePanel(props: { workspaceId: number; pageId?: number; campaigns: MonitoringScopeOptions['campaigns']; preferred: number | null; f: DashboardFormats }) {
  const t = useT();
  const errorText = useErrorText();
  const id = useId();
  const { f } = props;
  const withSends = props.campaigns.filter((c) => c.messages > 0);
  const [chosen, setChosen] = useState<number | null>(null);
  const campaignId = chosen ?? props.preferred ?? withSends[0]?.id ?? null;
  const q = useApiQuery(
    'monitoring:seenCurve',
    campaignId === null ? null : { workspaceId: props.workspaceId, campaignId, ...(props.pageId !== undefined ? { pageId: props.pageId } : {}), stepMs: 5 * MINUTE_MS, spanMs: 24 * HOUR_MS },
  );
  if (withSends.length === 0) return <p>{t('monitoring.curve.noCampaign')}</p>;
  const curve = q.data;
  const at = (ms: number) => curve?.points.find((p) => p.offsetMs === ms);
  const hourly = curve?.points.filter((p) => p.offsetMs % HOUR_MS === 0) ?? [];
  const firstHour = at(HOUR_MS);
  const description = curve
    ? t('monitoring.curve.description', {
        name: curve.campaignName,
        count: f.count(curve.messages),
        hour: f.rate(firstHour?.seenShare),
        six: f.rate(at(6 * HOUR_MS)?.seenShare),
        day: f.rate(at(24 * HOUR_MS)?.seenShare),
      })
    : '';

  return (
    <div className="seen-curve" aria-busy={q.loading}>
      <div className="field inline">
        <label htmlFor={`${id}-campaign`}>{t('monitoring.curve.campaign')}</label>
        <select id={`${id}-campaign`} value={campaignId ?? ''} onChange={(e) => setChosen(Number(e.target.value))}>
          {withSends.map((c) => (
            <option key={c.id} value={c.id}>
              {c.firstSentAt === null ? c.name : t('monitoring.filters.campaignOption', { name: c.name, date: f.date(c.firstSentAt) })}
            </option>
          ))}
        </select>
      </div>
      {q.error !== null && <p role="alert">{errorText(q.error).text}</p>}
      {curve && (
        <>
          <p className="headline">
            {t('monitoring.curve.firstHour', { share: f.rate(firstHour?.seenShare), count: f.count(curve.messages), start: f.dateTime(curve.startedAt) })}
          </p>
          <ChartView
            title={t('monitoring.curve.title', { name: curve.campaignName })}
            description={description}
            deps={[curve, f, t]}
            table={
              <table className="data-table compact">
                <caption>{t('monitoring.curve.tableCaption', { name: curve.campaignName })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('monitoring.curve.col.after')}</th>
                    <th scope="col" className="num">
                      {t('monitoring.curve.col.delivered')}
                    </th>
                    <th scope="col" className="num">
                      {t('monitoring.curve.col.seen')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {hourly.map((p) => (
                    <tr key={p.offsetMs}>
                      <th scope="row">{f.duration(p.offsetMs)}</th>
                      <td className="num">{f.rate(p.deliveredShare)}</td>
                      <td className="num">{f.rate(p.seenShare)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            }
            config={() => ({
              type: 'line',
              data: {
                labels: curve.points.map((p) => f.duration(p.offsetMs)),
                datasets: [
                  { label: t('monitoring.curve.col.delivered'), data: curve.points.map((p) => (p.deliveredShare === null ? null : p.deliveredShare * 100)), borderColor: COLOURS.delivered, backgroundColor: COLOURS.delivered, pointRadius: 0, borderWidth: 2 },
                  { label: t('monitoring.curve.col.seen'), data: curve.points.map((p) => (p.seenShare === null ? null : p.seenShare * 100)), borderColor: COLOURS.seen, backgroundColor: COLOURS.seen, pointRadius: 0, borderWidth: 2 },
                ],
              },
              options: {
                locale: f.locale,
                animation: false,
                responsive: true,
                maintainAspectRatio: false,
                scales: { y: { min: 0, max: 100, ticks: { callback: (v) => f.axisRate(Number(v) / 100) } }, x: {
                    // One tick every 2 h of the 24: whole hours read better than Chart.js's evenly skipped labels.
                    ticks: { autoSkip: false, maxRotation: 0, callback: (_v, i) => (curve.points[i] !== undefined && curve.points[i].offsetMs % (2 * HOUR_MS) === 0 ? f.duration(curve.points[i].offsetMs) : null) },
                  },
                },
                plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${f.rate(Number(item.raw) / 100)}` } } },
              },
            })}
          />
        </>
      )}
    </div>
  );
}
