import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState, type RefObject } from 'react';
import type { LeftOutContact, LeftOutReason, PlannedSend, SendTimeReason } from '../../../../shared/domain/sendTime';
import { ChartView, COLOURS } from '../../components/dashboard/ChartView';
import { downloadText } from '../../components/dashboard/download';
import { dashboardFormats, dayKey } from '../../components/dashboard/format';
import { Pager } from '../../components/dashboard/Pager';
import type { MessageKey } from '../../i18n';
import { useT } from '../../i18n/useT';
import { horizonText } from './format';
import { MethodNotes, useNoteSentences } from './MethodNotes';
import type { PlanRun } from './PlanPanel';
import { SavePlanForm } from './SavedPlans';
import type { SavedSendPlan } from '../../../../shared/domain/sendTime';

const PAGE = 25;
const SLOT_MS = 15 * 60_000;

const REASON_KEY: Record<SendTimeReason, MessageKey> = {
  own_history: 'sendtime.reason.own_history',
  page: 'sendtime.reason.page',
  workspace: 'sendtime.reason.workspace',
};
const LEFT_OUT_KEY: Record<LeftOutReason, MessageKey> = {
  outside_window: 'sendtime.leftOut.outside_window',
  frequency_cap: 'sendtime.leftOut.frequency_cap',
  quiet_hours: 'sendtime.leftOut.quiet_hours',
  send_cap: 'sendtime.leftOut.send_cap',
  unknown_contact: 'sendtime.leftOut.unknown_contact',
};

/** The window-closing instant in an outside-the-window detail (plans saved before `windowClosesAt` was sent). */
function closedAt(detail: string): number | null {
  const m = /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)/.exec(detail);
  return m ? Date.parse(m[1] as string) : null;
}

const NO_WARNINGS: readonly string[] = [];

export function PlanResult(props: {
  run: PlanRun;
  workspaceId: number;
  locale: string;
  timeZone: string;
  headingRef: RefObject<HTMLHeadingElement | null>;
  onSaved(saved: SavedSendPlan): void;
}) {
  const t = useT();
  const { plan, csv, json } = props.run.output;
  const f = useMemo(() => dashboardFormats(props.locale, props.timeZone), [props.locale, props.timeZone]);
  const warnings = useNoteSentences(plan.warnings ?? NO_WARNINGS, plan.warningNotes, props.locale, props.timeZone);
  const [offset, setOffset] = useState(0);
  const [outsideOffset, setOutsideOffset] = useState(0);
  const [otherOffset, setOtherOffset] = useState(0);
  const [exported, setExported] = useState<string | null>(null);
  const zoneFormats = useMemo(() => new Map<string, Intl.DateTimeFormat>(), []);
  const inZone = (ms: number, zone: string) => {
    let fmt = zoneFormats.get(zone);
    if (!fmt) {
      fmt = new Intl.DateTimeFormat(props.locale, { weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone: zone });
      zoneFormats.set(zone, fmt);
    }
    return fmt.format(ms);
  };
  // In the UI's language from the reason's figures; plans saved before they were sent fall back to the English detail.
  const leftOutDetail = (l: LeftOutContact): string => {
    if (l.reason === 'frequency_cap' && l.recentSends !== undefined && l.limit !== undefined) return t('sendtime.leftOut.detail.frequencyCap', { n: f.count(l.recentSends), max: f.count(l.limit) });
    if (l.reason === 'send_cap' && l.allowedMinutes !== undefined && l.limit !== undefined) return t('sendtime.leftOut.detail.sendCap', { minutes: f.count(l.allowedMinutes), cap: f.count(l.limit) });
    if (l.reason === 'quiet_hours') return t('sendtime.leftOut.detail.quietHours');
    if (l.reason === 'unknown_contact') return t('sendtime.leftOut.detail.unknownContact', { id: String(l.contactId) });
    return l.detail;
  };
  const outside = plan.leftOut.filter((l) => l.reason === 'outside_window');
  const others = plan.leftOut.filter((l) => l.reason !== 'outside_window');
  const byReason = new Map<LeftOutReason, number>();
  for (const l of others) byReason.set(l.reason, (byReason.get(l.reason) ?? 0) + 1);
  const holdout = plan.sends.filter((s) => s.holdout).length;
  const explored = plan.sends.filter((s) => s.explore).length;
  const gain = plan.predictedRate - plan.usualTimeRate;
  const usualAt = f.hour(plan.usualHour);
  const H = horizonText(props.locale, plan.horizonMinutes);
  const stamp = dayKey(plan.start, props.timeZone);

  const slots = useMemo(() => {
    const first = Math.floor(plan.start / SLOT_MS) * SLOT_MS;
    const n = Math.max(1, Math.ceil((plan.end - first) / SLOT_MS));
    const rows = Array.from({ length: n }, (_, i) => ({ at: first + i * SLOT_MS, best: 0, holdout: 0 }));
    for (const s of plan.sends) {
      const row = rows[Math.min(n - 1, Math.max(0, Math.floor((s.sendAt - first) / SLOT_MS)))];
      if (!row) continue;
      if (s.holdout) row.holdout++;
      else row.best++;
    }
    return rows;
  }, [plan]);
  const slotLabel = useMemo(() => {
    const fmt = new Intl.DateTimeFormat(props.locale, { hour: '2-digit', minute: '2-digit', timeZone: props.timeZone });
    return (ms: number) => fmt.format(ms);
  }, [props.locale, props.timeZone]);
  const busiest = slots.reduce((a, b) => (b.best + b.holdout > a.best + a.holdout ? b : a), slots[0] ?? { at: plan.start, best: 0, holdout: 0 });

  const distributionConfig = (): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels: slots.map((s) => slotLabel(s.at)),
      datasets: [
        { label: t('sendtime.dist.best'), data: slots.map((s) => s.best), backgroundColor: COLOURS.delivered, stack: 's' },
        { label: t('sendtime.dist.holdout'), data: slots.map((s) => s.holdout), backgroundColor: COLOURS.replied, stack: 's' },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true, ticks: { autoSkip: true, maxRotation: 0 } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });

  const page = plan.sends.slice(offset, offset + PAGE);
  const outsidePage = outside.slice(outsideOffset, outsideOffset + PAGE);
  const otherPage = others.slice(otherOffset, otherOffset + PAGE);

  const exportAs = (kind: 'csv' | 'json') => {
    const name = `relais-send-plan-${stamp}.${kind}`;
    downloadText(name, kind === 'csv' ? csv : json, kind === 'csv' ? 'text/csv;charset=utf-8' : 'application/json');
    setExported(t('sendtime.export.done', { name }));
  };

  return (
    <section className="card wide sendtime-result" aria-labelledby="sendtime-result-title">
      <h2 id="sendtime-result-title" tabIndex={-1} ref={props.headingRef}>
        {t('sendtime.result.title', { day: f.date(plan.start), from: slotLabel(plan.start), to: slotLabel(plan.end) })}
      </h2>
      <div className="sendtime-gain" role="status">
        {plan.sends.length === 0 ? (
          <p className="headline">{t('sendtime.result.nobody')}</p>
        ) : (
          <>
            <p className="headline">
              {t('sendtime.result.gain', { plan: f.rate(plan.predictedRate), usual: f.rate(plan.usualTimeRate), usualAt, h: H })}
            </p>
            <p className="sendtime-gain-figure">
              {gain >= 0
                ? t('sendtime.result.gainPoints', { points: f.points(gain), extra: f.count(Math.round(gain * plan.sends.length)) })
                : t('sendtime.result.lossPoints', { points: f.points(gain) })}
            </p>
          </>
        )}
      </div>
      <ul className="sendtime-counts">
        <li>{t('sendtime.result.scheduled', { n: f.count(plan.sends.length), holdout: f.count(holdout), share: f.axisRate(plan.holdoutShare) })}</li>
        <li>{t('sendtime.result.outsideCount', { n: f.count(outside.length) })}</li>
        {[...byReason].map(([reason, n]) => (
          <li key={reason}>{t('sendtime.result.leftOutCount', { n: f.count(n), reason: t(LEFT_OUT_KEY[reason]) })}</li>
        ))}
        {explored > 0 && <li>{t('sendtime.result.explored', { n: f.count(explored) })}</li>}
        {props.run.unknownPsids.length > 0 && <li>{t('sendtime.result.unknownPsids', { n: f.count(props.run.unknownPsids.length), list: props.run.unknownPsids.slice(0, 5).join(', ') })}</li>}
      </ul>
      {warnings.length > 0 && (
        <div className="sendtime-warnings" role="note" aria-label={t('sendtime.result.warnings')}>
          <strong>{t('sendtime.result.warnings')}</strong>
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="row">
        <button type="button" className="secondary" onClick={() => exportAs('csv')}>
          {t('sendtime.export.csv')}
        </button>
        <button type="button" className="secondary" onClick={() => exportAs('json')}>
          {t('sendtime.export.json')}
        </button>
        <span role="status">{exported ?? ''}</span>
      </div>
      {plan.sends.length > 0 && <SavePlanForm workspaceId={props.workspaceId} request={props.run.request} segment={props.run.segment} locale={props.locale} timeZone={props.timeZone} onSaved={props.onSaved} />}

      {plan.sends.length > 0 && (
        <ChartView
          title={t('sendtime.dist.title', { zone: plan.workspaceZone })}
          description={t('sendtime.dist.description', { n: f.count(plan.sends.length), busiest: slotLabel(busiest.at), count: f.count(busiest.best + busiest.holdout) })}
          deps={[slots, t]}
          config={distributionConfig}
          table={
            <table className="data-table">
              <caption>{t('sendtime.dist.title', { zone: plan.workspaceZone })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sendtime.dist.slot')}</th>
                  <th scope="col" className="num">
                    {t('sendtime.dist.best')}
                  </th>
                  <th scope="col" className="num">
                    {t('sendtime.dist.holdout')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {slots.map((s) => (
                  <tr key={s.at}>
                    <th scope="row">{slotLabel(s.at)}</th>
                    <td className="num">{f.count(s.best)}</td>
                    <td className="num">{f.count(s.holdout)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
      )}

      {plan.sends.length > 0 && (
        <>
          <h3>{t('sendtime.contacts.title')}</h3>
          <div className="table-scroll">
            <table className="data-table sendtime-contacts">
              <caption className="visually-hidden">{t('sendtime.contacts.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sendtime.col.psid')}</th>
                  <th scope="col">{t('sendtime.col.local')}</th>
                  <th scope="col">{t('sendtime.col.workspace')}</th>
                  <th scope="col" className="num">
                    {t('sendtime.col.predicted')}
                  </th>
                  <th scope="col">{t('sendtime.col.reason')}</th>
                  <th scope="col">{t('sendtime.col.notes')}</th>
                </tr>
              </thead>
              <tbody>
                {page.map((s: PlannedSend) => (
                  <tr key={s.contactId}>
                    <td>
                      <code>{s.psid}</code>
                    </td>
                    <td>
                      {inZone(s.sendAt, s.zone)} <span className="hint">{s.zone}</span>
                    </td>
                    <td>{inZone(s.sendAt, plan.workspaceZone)}</td>
                    <td className="num">
                      {f.rate(s.predicted)} <span className="hint">({t('sendtime.cell.intervalShort', { low: f.axisRate(s.low), high: f.axisRate(s.high) })})</span>
                    </td>
                    <td>{t(REASON_KEY[s.reason])}</td>
                    <td>
                      {s.holdout && <span className="badge">{t('sendtime.col.holdout')}</span>}
                      {s.explore && <span className="badge">{t('sendtime.col.explore')}</span>}
                      {s.cutByWindow && <span className="badge warn">{t('sendtime.col.cut', { at: inZone(s.windowClosesAt, s.zone) })}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={plan.sends.length} offset={offset} limit={PAGE} shown={page.length} f={f} onOffset={setOffset} label={t('sendtime.contacts.pager')} />
        </>
      )}

      <section className="sendtime-outside" aria-labelledby="sendtime-outside-title">
        <h3 id="sendtime-outside-title">{t('sendtime.outside.title', { n: f.count(outside.length) })}</h3>
        <p>{t('sendtime.outside.explain')}</p>
        {outside.length > 0 && (
          <>
            <div className="table-scroll">
              <table className="data-table">
                <caption className="visually-hidden">{t('sendtime.outside.title', { n: f.count(outside.length) })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('sendtime.col.psid')}</th>
                    <th scope="col">{t('sendtime.col.why')}</th>
                  </tr>
                </thead>
                <tbody>
                  {outsidePage.map((l: LeftOutContact) => {
                    const closed = l.windowClosesAt !== undefined ? l.windowClosesAt : closedAt(l.detail);
                    return (
                      <tr key={l.contactId}>
                        <td>
                          <code>{l.psid ?? l.contactId}</code>
                        </td>
                        <td>{closed === null ? t('sendtime.outside.never') : t('sendtime.outside.closed', { at: f.dateTime(closed) })}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <Pager total={outside.length} offset={outsideOffset} limit={PAGE} shown={outsidePage.length} f={f} onOffset={setOutsideOffset} label={t('sendtime.outside.pager')} />
          </>
        )}
      </section>

      {others.length > 0 && (
        <section aria-labelledby="sendtime-others-title">
          <h3 id="sendtime-others-title">{t('sendtime.others.title', { n: f.count(others.length) })}</h3>
          <div className="table-scroll">
            <table className="data-table">
              <caption className="visually-hidden">{t('sendtime.others.title', { n: f.count(others.length) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sendtime.col.psid')}</th>
                  <th scope="col">{t('sendtime.col.why')}</th>
                  <th scope="col">{t('sendtime.col.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {otherPage.map((l) => (
                  <tr key={l.contactId}>
                    <td>
                      <code>{l.psid ?? l.contactId}</code>
                    </td>
                    <td>{t(LEFT_OUT_KEY[l.reason])}</td>
                    <td className="hint">{leftOutDetail(l)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={others.length} offset={otherOffset} limit={PAGE} shown={otherPage.length} f={f} onOffset={setOtherOffset} label={t('sendtime.others.pager')} />
        </section>
      )}

      <MethodNotes method={plan.method} assumptions={plan.assumptions} notes={plan.notes} locale={f.locale} timeZone={f.timeZone} />
    </section>
  );
}
