import type { LatencyOutput, LatencyStats } from '../../../../shared/domain/monitoring';
import { useT } from '../../i18n/useT';
import { ChartView, COLOURS } from './ChartView';
import type { DashboardFormats } from './format';

function StatsCells(props: { s: LatencyStats; f: DashboardFormats }) {
  const { s, f } = props;
  return (
    <>
      <td className="num">{f.count(s.count)}</td>
      <td className="num">{f.duration(s.p50)}</td>
      <td className="num">{f.duration(s.p90)}</td>
      <td className="num">{f.rate(s.shareWithin5m)}</td>
      <td className="num">{f.rate(s.shareWithin1h)}</td>
      <td className="num">{f.rate(s.shareWithin24h)}</td>
    </>
  );
}

function StatsHead(props: { first: string }) {
  const t = useT();
  return (
    <thead>
      <tr>
        <th scope="col">{props.first}</th>
        <th scope="col" className="num">
          {t('monitoring.latency.col.count')}
        </th>
        <th scope="col" className="num">
          p50
        </th>
        <th scope="col" className="num">
          p90
        </th>
        <th scope="col" className="num">
          {t('monitoring.latency.col.within5m')}
        </th>
        <th scope="col" className="num">
          {t('monitoring.latency.col.within1h')}
        </th>
        <th scope="col" className="num">
          {t('monitoring.latency.col.within24h')}
        </th>
      </tr>
    </thead>
  );
}

/** Sent → delivered and delivered → seen: percentiles and shares (latencies are skewed, so never a mean), by hour and by day. */
export function LatencyPanel(props: { latency: LatencyOutput; f: DashboardFormats }) {
  const t = useT();
  const { latency, f } = props;
  const d = latency.sentToDelivered;
  const s = latency.deliveredToSeen;
  const hours = d.byHourOfDay.filter((h) => h.count > 0);
  const seenByHour = new Map(s.byHourOfDay.map((h) => [h.hour, h]));
  const seenByDay = new Map(s.byDay.map((x) => [x.date, x]));
  const deliveredLabel = t('monitoring.latency.deliveredWithin5m');
  const seenLabel = t('monitoring.latency.seenWithin1h');

  const hourTable = (
    <table className="data-table">
      <caption>{t('monitoring.latency.byHourCaption', { zone: latency.timeZone })}</caption>
      <StatsHead first={t('monitoring.latency.col.hour')} />
      <tbody>
        {hours.map((h) => (
          <tr key={h.hour}>
            <th scope="row">{f.hour(h.hour)}</th>
            <StatsCells s={h} f={f} />
          </tr>
        ))}
      </tbody>
    </table>
  );
  const dayTable = (
    <table className="data-table">
      <caption>{t('monitoring.latency.byDayCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('monitoring.latency.col.day')}</th>
          <th scope="col" className="num">
            {t('monitoring.latency.col.count')}
          </th>
          <th scope="col" className="num">
            {deliveredLabel}
          </th>
          <th scope="col" className="num">
            {seenLabel}
          </th>
        </tr>
      </thead>
      <tbody>
        {d.byDay.map((x) => (
          <tr key={x.date}>
            <th scope="row">{f.dayLabel(x.date)}</th>
            <td className="num">{f.count(x.count)}</td>
            <td className="num">{f.rate(x.shareWithin5m)}</td>
            <td className="num">{f.rate(seenByDay.get(x.date)?.shareWithin1h)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <div className="latency">
      <div className="table-scroll">
        <table className="data-table">
          <caption>{t('monitoring.latency.caption')}</caption>
          <StatsHead first={t('monitoring.latency.col.between')} />
          <tbody>
            <tr>
              <th scope="row">{t('monitoring.latency.sentToDelivered')}</th>
              <StatsCells s={d.overall} f={f} />
            </tr>
            <tr>
              <th scope="row">{t('monitoring.latency.deliveredToSeen')}</th>
              <StatsCells s={s.overall} f={f} />
            </tr>
          </tbody>
        </table>
      </div>
      {(d.inferredDeliveries > 0 || s.leftOutInferred > 0) && (
        <p className="hint">{t('monitoring.latency.inferredNote', { inferred: f.count(d.inferredDeliveries), leftOut: f.count(s.leftOutInferred) })}</p>
      )}
      {hours.length > 0 && (
        <ChartView
          title={t('monitoring.latency.byHourTitle', { zone: latency.timeZone })}
          description={hours
            .map((h) => t('monitoring.latency.hourSentence', { hour: f.hour(h.hour), count: f.count(h.count), delivered: f.rate(h.shareWithin5m), seen: f.rate(seenByHour.get(h.hour)?.shareWithin1h) }))
            .join(' ')}
          table={hourTable}
          deps={[latency, f, t]}
          config={() => ({
            type: 'bar',
            data: {
              labels: hours.map((h) => f.hour(h.hour)),
              datasets: [
                { label: deliveredLabel, data: hours.map((h) => (h.shareWithin5m ?? 0) * 100), backgroundColor: COLOURS.delivered },
                { label: seenLabel, data: hours.map((h) => (seenByHour.get(h.hour)?.shareWithin1h ?? 0) * 100), backgroundColor: COLOURS.seen },
              ],
            },
            options: {
              locale: f.locale,
              animation: false,
              responsive: true,
              maintainAspectRatio: false,
              scales: { y: { min: 0, max: 100, ticks: { callback: (v) => f.axisRate(Number(v) / 100) } } },
              plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${f.rate(Number(item.raw) / 100)}` } } },
            },
          })}
        />
      )}
      {d.byDay.length > 1 && (
        <ChartView
          title={t('monitoring.latency.byDayTitle')}
          description={t('monitoring.latency.daySummary', {
            days: f.count(d.byDay.length),
            from: f.dayLabel(d.byDay[0]?.date ?? ''),
            to: f.dayLabel(d.byDay[d.byDay.length - 1]?.date ?? ''),
            delivered: f.rate(d.overall.shareWithin5m),
            seen: f.rate(s.overall.shareWithin1h),
          })}
          table={dayTable}
          deps={[latency, f, t]}
          config={() => ({
            type: 'line',
            data: {
              labels: d.byDay.map((x) => f.dayLabel(x.date)),
              datasets: [
                { label: deliveredLabel, data: d.byDay.map((x) => (x.shareWithin5m === null ? null : x.shareWithin5m * 100)), borderColor: COLOURS.delivered, backgroundColor: COLOURS.delivered, pointRadius: 0, borderWidth: 2 },
                {
                  label: seenLabel,
                  data: d.byDay.map((x) => {
                    const v = seenByDay.get(x.date)?.shareWithin1h;
                    return v === null || v === undefined ? null : v * 100;
                  }),
                  borderColor: COLOURS.seen,
                  backgroundColor: COLOURS.seen,
                  pointRadius: 0,
                  borderWidth: 2,
                },
              ],
            },
            options: {
              locale: f.locale,
              animation: false,
              responsive: true,
              maintainAspectRatio: false,
              spanGaps: true,
              scales: { y: { min: 0, max: 100, ticks: { callback: (v) => f.axisRate(Number(v) / 100) } }, x: { ticks: { maxTicksLimit: 12 } } },
              plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${f.rate(Number(item.raw) / 100)}` } } },
            },
          })}
        />
      )}
    </div>
  );
}
