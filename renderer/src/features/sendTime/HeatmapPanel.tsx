import { CategoryScale, Chart, Tooltip, type ChartConfiguration, type ScriptableContext } from 'chart.js';
import { MatrixController, MatrixElement, type MatrixDataPoint } from 'chartjs-chart-matrix';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { SendTimeCell, SendTimeNote } from '../../../../shared/domain/sendTime';
import { dashboardFormats } from '../../components/dashboard/format';
import { useApiQuery } from '../../components/dashboard/useApiQuery';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import { heatmapLabels, horizonText, scaleColour, WIDE_INTERVAL, type HeatmapLabels } from './format';
import { HorizonField } from './HorizonField';
import { MethodNotes } from './MethodNotes';
import { horizonMinutes, parsePsids, type HorizonValue } from './planForm';

Chart.register(MatrixController, MatrixElement, CategoryScale, Tooltip);

type Metric = 'seen' | 'delivered';
type Clock = 'local' | 'workspace';
interface ChosenContact {
  contactId: number;
  label: string;
}

const patterns = new Map<string, CanvasPattern | string>();
/** Light, hatched fill for cells with little evidence: the colour still reads, the stripes say "uncertain". */
function hatched(colour: string): CanvasPattern | string {
  let p = patterns.get(colour);
  if (p) return p;
  const c = document.createElement('canvas');
  c.width = 8;
  c.height = 8;
  const g = c.getContext('2d');
  if (!g) return colour;
  g.fillStyle = colour;
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = 'rgba(255, 255, 255, 0.85)';
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(-2, 10);
  g.lineTo(10, -2);
  g.moveTo(6, 10);
  g.lineTo(10, 6);
  g.moveTo(-2, 2);
  g.lineTo(2, -2);
  g.stroke();
  p = g.createPattern(c, 'repeat') ?? colour;
  patterns.set(colour, p);
  return p;
}

interface Point extends MatrixDataPoint {
  cell: SendTimeCell;
}

export function HeatmapPanel(props: { workspaceId: number; locale: string; timeZone: string }) {
  const t = useT();
  const errorText = useErrorText();
  const language = useApp((s) => s.language);
  const client = useApp((s) => s.client);
  const { workspaceId } = props;
  const f = useMemo(() => dashboardFormats(props.locale, props.timeZone), [props.locale, props.timeZone]);
  const labels = useMemo(() => heatmapLabels(language, props.locale), [language, props.locale]);
  const [metric, setMetric] = useState<Metric>('seen');
  const [clock, setClock] = useState<Clock>('local');
  const [horizon, setHorizon] = useState<HorizonValue>({ preset: 'flash', amount: '90', unit: 'minutes' });
  const [scope, setScope] = useState<'workspace' | 'contact' | 'segment'>('workspace');
  const segments = useApiQuery('segments:list', { workspaceId });
  const segmentList = segments.data?.segments ?? [];
  const [segmentId, setSegmentId] = useState('');
  const [group, setGroup] = useState<{ segmentId: string; ids: number[]; excluded: number } | { segmentId: string; error: string } | null>(null);
  const [contact, setContact] = useState<ChosenContact | null>(null);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ contactId: number; psid: string; name: string | null }[] | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const h = horizonMinutes(horizon);
  const contactId = scope === 'contact' ? (contact?.contactId ?? null) : null;
  const groupIds = scope === 'segment' && group && group.segmentId === segmentId && 'ids' in group && group.ids.length > 0 ? group.ids : null;
  const ready = h !== null && (scope === 'workspace' || contactId !== null || groupIds !== null);

  // A segment's members: those Messenger may be used for, as the segment's export lists them, matched to contact ids.
  useEffect(() => {
    if (scope !== 'segment' || segmentId === '' || !client) return;
    let live = true;
    void (async () => {
      try {
        const members = await client.call('segments:export', { workspaceId, segmentId: Number(segmentId), channel: 'messenger', fields: ['psid'] });
        const psids = parsePsids(members.csv).psids;
        const ids = psids.length === 0 ? [] : (await client.call('sendtime:resolvePsids', { workspaceId, psids })).contacts.map((c) => c.contactId);
        if (live) setGroup({ segmentId, ids, excluded: members.excluded });
      } catch (e) {
        if (live) setGroup({ segmentId, error: errorText(e).text });
      }
    })();
    return () => {
      live = false;
    };
  }, [scope, segmentId, client, workspaceId, errorText]);
  // The model predicts "seen" in each contact's local time; anything else is read off past sends.
  const modelled = metric === 'seen' && clock === 'local';
  const modelQuery = useApiQuery('sendtime:heatmap', ready && modelled && groupIds === null ? { workspaceId, horizonMinutes: h, ...(contactId !== null ? { contactId } : {}) } : null);
  const groupQuery = useApiQuery('sendtime:groupHeatmap', ready && modelled && groupIds !== null ? { workspaceId, horizonMinutes: h, contactIds: groupIds } : null);
  const observedQuery = useApiQuery(
    'sendtime:observed',
    ready && !modelled ? { workspaceId, horizonMinutes: h, metric, clock, ...(contactId !== null ? { contactId } : {}), ...(groupIds !== null ? { contactIds: groupIds } : {}) } : null,
  );
  const q = modelled ? (groupIds !== null ? groupQuery : modelQuery) : observedQuery;
  const data = q.data;

  async function search() {
    setSearchError(null);
    if (!client || query.trim() === '') {
      setSearchError(t('sendtime.contact.emptyQuery'));
      return;
    }
    try {
      const r = await client.call('sendtime:findContacts', { workspaceId, query: query.trim(), limit: 10 });
      setFound(r.contacts);
    } catch (e) {
      setSearchError(errorText(e).text);
    }
  }

  const zoneText = data ? (data.zone === 'local' ? t('sendtime.zone.local') : clock === 'workspace' ? t('sendtime.zone.workspace', { zone: data.zone }) : t('sendtime.zone.one', { zone: data.zone })) : '';
  const what = metric === 'seen' ? t('sendtime.metric.seenWithin', { h: horizonText(props.locale, h ?? 0) }) : t('sendtime.metric.deliveredWithin', { h: horizonText(props.locale, h ?? 0) });
  const title = `${modelled ? t('sendtime.heatmap.predicted') : t('sendtime.heatmap.observed')} ${what}`;

  return (
    <section className="card wide sendtime-heatmap" aria-labelledby="sendtime-heatmap-title">
      <h2 id="sendtime-heatmap-title">{t('sendtime.heatmap.title')}</h2>
      <p className="hint">{t('sendtime.heatmap.intro')}</p>
      <div className="sendtime-controls">
        <fieldset>
          <legend>{t('sendtime.metric.label')}</legend>
          {(['seen', 'delivered'] as const).map((m) => (
            <label key={m} className="choice">
              <input type="radio" name="sendtime-metric" checked={metric === m} onChange={() => setMetric(m)} /> {t(m === 'seen' ? 'sendtime.metric.seen' : 'sendtime.metric.delivered')}
            </label>
          ))}
        </fieldset>
        <HorizonField idPrefix="heatmap-horizon" value={horizon} onChange={setHorizon} error={h === null ? t('sendtime.error.horizon.invalid') : null} />
        <fieldset>
          <legend>{t('sendtime.clock.label')}</legend>
          {(['local', 'workspace'] as const).map((c) => (
            <label key={c} className="choice">
              <input type="radio" name="sendtime-clock" checked={clock === c} onChange={() => setClock(c)} />{' '}
              {c === 'local' ? t('sendtime.clock.local') : t('sendtime.clock.workspace', { zone: props.timeZone })}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('sendtime.scope.label')}</legend>
          <label className="choice">
            <input type="radio" name="sendtime-scope" checked={scope === 'workspace'} onChange={() => setScope('workspace')} /> {t('sendtime.scope.workspace')}
          </label>
          <label className="choice">
            <input type="radio" name="sendtime-scope" checked={scope === 'contact'} onChange={() => setScope('contact')} /> {t('sendtime.scope.contact')}
          </label>
          <label className="choice">
            <input type="radio" name="sendtime-scope" checked={scope === 'segment'} onChange={() => setScope('segment')} disabled={segmentList.length === 0} />{' '}
            {segmentList.length === 0 ? t('sendtime.audience.segmentNone') : t('sendtime.audience.segment')}
          </label>
          {scope === 'segment' && (
            <div className="field">
              <label htmlFor="heatmap-segment">{t('sendtime.audience.segmentPick')}</label>
              <select id="heatmap-segment" value={segmentId} onChange={(e) => setSegmentId(e.target.value)}>
                <option value="">{t('sendtime.audience.segmentChoose')}</option>
                {segmentList.map((sg) => (
                  <option key={sg.id} value={sg.id}>
                    {sg.name}
                  </option>
                ))}
              </select>
            </div>
          )}
        </fieldset>
      </div>
      {scope === 'contact' && (
        <div className="sendtime-contact-search">
          <form
            className="row"
            role="search"
            aria-label={t('sendtime.contact.searchLabel')}
            onSubmit={(e) => {
              e.preventDefault();
              void search();
            }}
          >
            <label htmlFor="sendtime-contact-query">{t('sendtime.contact.query')}</label>
            <input id="sendtime-contact-query" type="text" value={query} onChange={(e) => setQuery(e.target.value)} aria-describedby="sendtime-contact-error" />
            <button type="submit" className="secondary small">
              {t('sendtime.contact.find')}
            </button>
          </form>
          <p id="sendtime-contact-error" className="field-error" role="alert">
            {searchError ?? ''}
          </p>
          {contact && (
            <p>
              {t('sendtime.contact.showing', { contact: contact.label })}{' '}
              <button type="button" className="link" onClick={() => setContact(null)}>
                {t('sendtime.contact.clear')}
              </button>
            </p>
          )}
          {found && (
            <div aria-live="polite">
              <p className="hint">{t('sendtime.contact.found', { n: f.count(found.length) })}</p>
              <ul className="sendtime-found">
                {found.map((c) => {
                  const label = c.name ? `${c.name} (${c.psid})` : c.psid;
                  return (
                    <li key={c.contactId}>
                      <button
                        type="button"
                        className="secondary small"
                        aria-pressed={contact?.contactId === c.contactId}
                        onClick={() => {
                          setContact({ contactId: c.contactId, label });
                          setFound(null);
                        }}
                      >
                        {label}
                      </button>
                    </li>
                  );
                })}
              </ul>
            </div>
          )}
        </div>
      )}
      {scope === 'contact' && contactId === null ? (
        <p className="empty-state">{t('sendtime.contact.pickFirst')}</p>
      ) : scope === 'segment' && segmentId === '' ? (
        <p className="empty-state">{t('sendtime.segment.pickFirst')}</p>
      ) : scope === 'segment' && group && group.segmentId === segmentId && 'error' in group ? (
        <p className="field-error" role="alert">
          {group.error}
        </p>
      ) : scope === 'segment' && group && group.segmentId === segmentId && 'ids' in group && group.ids.length === 0 ? (
        <p className="empty-state">{t('sendtime.error.audience.segmentEmpty', { excluded: f.count(group.excluded) })}</p>
      ) : q.error ? (
        <p className="field-error" role="alert">
          {errorText(q.error).text}
        </p>
      ) : !data ? (
        <p role="status" aria-busy="true" className="sendtime-busy">
          {t('sendtime.heatmap.loading')}
        </p>
      ) : (
        <HeatmapView
          cells={data.cells}
          title={title}
          zoneText={zoneText}
          contacts={data.contacts}
          labels={labels}
          f={f}
          method={data.method}
          assumptions={data.assumptions}
          notes={data.notes}
        />
      )}
    </section>
  );
}

function HeatmapView(props: {
  cells: SendTimeCell[];
  title: string;
  zoneText: string;
  contacts: number;
  labels: HeatmapLabels;
  f: ReturnType<typeof dashboardFormats>;
  method: string;
  assumptions: string[];
  notes?: SendTimeNote[];
}) {
  const t = useT();
  const { cells, labels, f } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const descriptionId = useId();
  const min = Math.min(...cells.map((c) => c.rate));
  const max = Math.max(...cells.map((c) => c.rate));
  const span = max - min > 1e-9 ? max - min : 1;
  const best = cells.reduce((a, b) => (b.rate > a.rate ? b : a));
  const worst = cells.reduce((a, b) => (b.rate < a.rate ? b : a));
  const uncertain = cells.filter((c) => c.high - c.low >= WIDE_INTERVAL).length;
  const cellName = (c: SendTimeCell) => `${labels.weekdayLong(c.weekday)} ${labels.hourRange(c.hour)}`;
  const summary = t('sendtime.heatmap.summary', {
    title: props.title,
    zone: props.zoneText,
    best: cellName(best),
    bestRate: f.rate(best.rate),
    worst: cellName(worst),
    worstRate: f.rate(worst.rate),
    uncertain: f.count(uncertain),
  });
  const hours = useMemo(() => Array.from({ length: 24 }, (_, i) => labels.hourShort(i)), [labels]);
  const days = useMemo(() => Array.from({ length: 7 }, (_, i) => labels.weekdayShort(i)), [labels]);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const fill = (c: SendTimeCell) => {
      const wide = c.high - c.low >= WIDE_INTERVAL;
      const colour = scaleColour((c.rate - min) / span, wide ? 0.55 : 1);
      return wide ? hatched(colour) : colour;
    };
    const config: ChartConfiguration<'matrix', Point[]> = {
      type: 'matrix',
      data: {
        datasets: [
          {
            label: props.title,
            data: cells.map((c) => ({ x: hours[c.hour] as string, y: days[c.weekday] as string, v: c.rate, cell: c })),
            backgroundColor: (ctx: ScriptableContext<'matrix'>) => {
              const p = ctx.raw as Point | undefined;
              return p ? fill(p.cell) : 'transparent';
            },
            borderColor: '#ffffff',
            borderWidth: 1,
            width: ({ chart }) => (chart.chartArea?.width ?? 0) / 24 - 1,
            height: ({ chart }) => (chart.chartArea?.height ?? 0) / 7 - 1,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => {
                const p = items[0]?.raw as Point | undefined;
                return p ? cellName(p.cell) : '';
              },
              label: (item) => {
                const c = (item.raw as Point).cell;
                return [
                  t('sendtime.cell.rate', { rate: f.rate(c.rate) }),
                  t('sendtime.cell.interval', { low: f.rate(c.low), high: f.rate(c.high) }),
                  t('sendtime.cell.n', { n: f.count(Math.round(c.n)), sends: f.count(c.sends) }),
                  ...(c.high - c.low >= WIDE_INTERVAL ? [t('sendtime.cell.little')] : []),
                ];
              },
            },
          },
        },
        scales: {
          x: { type: 'category', labels: hours, offset: true, grid: { display: false }, ticks: { autoSkip: false, maxRotation: 0, font: { size: 11 }, callback: (_v, i) => (labels.longHours && i % 2 === 1 ? '' : hours[i]) } },
          y: { type: 'category', labels: days, offset: true, reverse: false, grid: { display: false }, ticks: { font: { size: 12 } } },
        },
      },
    };
    const chart = new Chart(element, config);
    return () => chart.destroy();
    // Labels and formatters are derived from the deps below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cells, hours, days, labels, props.title]);

  return (
    <>
      <p className="sendtime-zone">
        <strong>{t('sendtime.zone.label')}</strong> {props.zoneText} · {props.contacts === 1 ? t('sendtime.heatmap.oneContact') : t('sendtime.heatmap.contacts', { n: f.count(props.contacts) })}
      </p>
      <figure className="chart-figure sendtime-figure">
        <figcaption className="chart-title">{props.title}</figcaption>
        <div className="sendtime-matrix-box">
          <canvas ref={canvas} role="img" aria-label={summary} aria-describedby={descriptionId} />
          <p id={descriptionId} className="visually-hidden">
            {t('sendtime.heatmap.tableHint')}
          </p>
        </div>
        <div className="sendtime-legend" aria-label={t('sendtime.legend.label')} role="group">
          <span>{f.rate(min)}</span>
          <span className="sendtime-gradient" aria-hidden="true" />
          <span>{f.rate(max)}</span>
          <span className="sendtime-swatch hatched" aria-hidden="true" />
          <span>{t('sendtime.legend.little', { width: f.axisRate(WIDE_INTERVAL) })}</span>
        </div>
      </figure>
      <details className="sendtime-table">
        <summary>{t('sendtime.heatmap.showTable')}</summary>
        <div className="table-scroll">
          <table className="data-table sendtime-grid">
            <caption>{`${props.title} — ${props.zoneText}. ${t('sendtime.heatmap.tableCaption')}`}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sendtime.table.day')}</th>
                {hours.map((hLabel, i) => (
                  <th key={i} scope="col" className="num">
                    {hLabel}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((d, w) => (
                <tr key={w}>
                  <th scope="row">
                    <abbr title={labels.weekdayLong(w)}>{d}</abbr>
                  </th>
                  {cells
                    .filter((c) => c.weekday === w)
                    .sort((a, b) => a.hour - b.hour)
                    .map((c) => (
                      <td key={c.hour} className={c.high - c.low >= WIDE_INTERVAL ? 'num wide' : 'num'} data-rate={c.rate}>
                        <span className="st-rate">{f.axisRate(c.rate)}</span>
                        <span className="st-n" aria-hidden="true">{f.count(Math.round(c.n))}</span>
                        <span className="visually-hidden">{t('sendtime.cell.tableExtra', { low: f.rate(c.low), high: f.rate(c.high), n: f.count(Math.round(c.n)) })}</span>
                      </td>
                    ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <MethodNotes method={props.method} assumptions={props.assumptions} notes={props.notes} locale={f.locale} timeZone={f.timeZone} />
    </>
  );
}
