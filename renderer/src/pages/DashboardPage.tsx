import { useEffect, useMemo, useRef, useState } from 'react';
import type { FunnelBasis, FunnelSegment } from '../../../shared/domain/monitoring';
import { AlertCentre, AlertsGlance } from '../components/dashboard/AlertsPanel';
import '../components/dashboard/dashboard.css';
import { DrilldownList } from '../components/dashboard/DrilldownList';
import { Filters, type FilterValue } from '../components/dashboard/Filters';
import { dashboardFormats, dayKey, startOfDay } from '../components/dashboard/format';
import { FunnelPanel } from '../components/dashboard/FunnelPanel';
import { LatencyPanel } from '../components/dashboard/LatencyPanel';
import { RecurringPanel } from '../components/dashboard/RecurringPanel';
import { scopeInput, type DashboardScope } from '../components/dashboard/scope';
import { SeenCurvePanel } from '../components/dashboard/SeenCurvePanel';
import { StuckPanel } from '../components/dashboard/StuckPanel';
import { useApiQuery } from '../components/dashboard/useApiQuery';
import { DemoOffer } from '../components/DemoOffer';
import { useErrorText, useT } from '../i18n/useT';
import { useApp, useCurrentWorkspace } from '../stores/appStore';

type View = 'overview' | 'stuck' | 'recurring' | 'alerts';
const VIEWS: readonly View[] = ['overview', 'stuck', 'recurring', 'alerts'];
const DAY_MS = 86_400_000;

/** The home page of a workspace: did my messages get through, and if not, why and to whom? */
export function DashboardPage() {
  const t = useT();
  const workspace = useCurrentWorkspace();
  if (!workspace) {
    return (
      <section aria-labelledby="dashboard-title">
        <h1 id="dashboard-title">{t('monitoring.title')}</h1>
        <p className="empty-state">{t('monitoring.noWorkspace')}</p>
      </section>
    );
  }
  return <WorkspaceDashboard key={workspace.id} workspaceId={workspace.id} name={workspace.name} locale={workspace.locale} timeZone={workspace.timeZone} />;
}

function WorkspaceDashboard(props: { workspaceId: number; name: string; locale: string; timeZone: string }) {
  const t = useT();
  const errorText = useErrorText();
  const go = useApp((s) => s.go);
  const { workspaceId, timeZone } = props;
  const f = useMemo(() => dashboardFormats(props.locale, timeZone), [props.locale, timeZone]);
  const options = useApiQuery('monitoring:campaigns', { workspaceId });
  const [view, setView] = useState<View>('overview');
  const [basis, setBasis] = useState<FunnelBasis>('messages');
  const [segment, setSegment] = useState<FunnelSegment | null>(null);
  const viewHeading = useRef<HTMLHeadingElement>(null);
  const [filters, setFilters] = useState<FilterValue>({ pageId: null, campaignId: null, preset: 30, fromDay: '', toDay: '' });

  // Periods end on the latest send when the data stops before today (a demo, an old archive):
  // "the last 30 days" of an idle workspace would otherwise always be empty.
  const lastSentAt = options.data?.lastSentAt ?? null;
  const now = useMemo(() => Date.now(), []);
  const anchor = lastSentAt !== null && lastSentAt < now - DAY_MS ? lastSentAt : null;
  const endDay = dayKey(anchor ?? now, timeZone);
  useEffect(() => {
    setFilters((v) => (v.fromDay === '' ? { ...v, fromDay: dayKey(startOfDay(endDay, timeZone, -29), timeZone), toDay: endDay } : v));
  }, [endDay, timeZone]);

  const scope: DashboardScope | null = useMemo(() => {
    let from: number;
    let to: number;
    if (filters.preset === 'custom') {
      if (filters.fromDay === '' || filters.toDay === '' || filters.fromDay > filters.toDay) return null;
      from = startOfDay(filters.fromDay, timeZone);
      to = startOfDay(filters.toDay, timeZone, 1);
    } else {
      to = startOfDay(endDay, timeZone, 1);
      from = startOfDay(endDay, timeZone, 1 - filters.preset);
    }
    if (!Number.isFinite(from) || !Number.isFinite(to)) return null;
    return scopeInput({
      workspaceId,
      ...(filters.pageId !== null ? { pageId: filters.pageId } : {}),
      ...(filters.campaignId !== null ? { campaignId: filters.campaignId } : {}),
      from,
      to,
    });
  }, [filters, endDay, timeZone, workspaceId]);

  const hasData = (options.data?.messages ?? 0) > 0;
  const onOverview = hasData && view === 'overview' && scope !== null;
  const funnel = useApiQuery('monitoring:funnel', onOverview ? { ...scope, basis } : null);
  const latency = useApiQuery('monitoring:latency', onOverview ? scope : null);

  useEffect(() => setSegment(null), [scope, basis]);

  const show = (next: View) => {
    setView(next);
    requestAnimationFrame(() => viewHeading.current?.focus());
  };

  const busy = options.loading || (onOverview && (funnel.loading || latency.loading));

  return (
    <section className="dashboard-page" aria-labelledby="dashboard-title" aria-busy={busy} data-ready={!busy && options.data !== null ? 'true' : 'false'}>
      <h1 id="dashboard-title" tabIndex={-1}>
        {t('monitoring.title')}
      </h1>
      <p className="lead">{t('monitoring.intro', { name: props.name })}</p>
      {options.error !== null && <p role="alert">{errorText(options.error).text}</p>}
      {options.loading && <p role="status">{t('app.loading')}</p>}
      {options.data && !hasData && (
        <div className="empty-state" role="region" aria-labelledby="dashboard-empty-title">
          <h2 id="dashboard-empty-title">{t('monitoring.empty.title')}</h2>
          <p>{t('monitoring.empty.body')}</p>
          <button type="button" onClick={() => go('import')}>
            {t('monitoring.empty.import')}
          </button>
          <p className="hint">{t('monitoring.empty.demo')}</p>
          <DemoOffer show />
        </div>
      )}
      {options.data && hasData && (
        <>
          <Filters options={options.data} value={filters} onChange={setFilters} f={f} anchoredOn={anchor} />
          <nav className="view-switch" aria-label={t('monitoring.views.label')}>
            <ul className="row">
              {VIEWS.map((v) => (
                <li key={v}>
                  <button type="button" className={view === v ? 'view-tab current' : 'view-tab'} aria-current={view === v ? 'page' : undefined} onClick={() => show(v)}>
                    {t(`monitoring.views.${v}`)}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <h2 className="view-title" ref={viewHeading} tabIndex={-1}>
            {t(`monitoring.views.${view}`)}
          </h2>
          {scope === null && <p role="alert">{t('monitoring.filters.badPeriod')}</p>}
          {view === 'overview' && scope !== null && (
            <>
              <AlertsGlance workspaceId={workspaceId} f={f} onOpenCentre={() => show('alerts')} />
              <section className="card wide" aria-labelledby="funnel-title" aria-busy={funnel.loading}>
                <div className="row spread">
                  <h3 id="funnel-title">{t('monitoring.funnel.title')}</h3>
                  <div className="row">
                    <label htmlFor="funnel-basis">{t('monitoring.funnel.basisLabel')}</label>
                    <select id="funnel-basis" value={basis} onChange={(e) => setBasis(e.target.value as FunnelBasis)}>
                      <option value="messages">{t('monitoring.funnel.basis.messages')}</option>
                      <option value="contacts">{t('monitoring.funnel.basis.contacts')}</option>
                    </select>
                  </div>
                </div>
                {funnel.error !== null && <p role="alert">{errorText(funnel.error).text}</p>}
                {funnel.loading && !funnel.data && <p role="status">{t('app.loading')}</p>}
                {funnel.data && funnel.data.total === 0 && <p>{t('monitoring.funnel.empty')}</p>}
                {funnel.data && funnel.data.total > 0 && <FunnelPanel funnel={funnel.data} f={f} onOpen={setSegment} />}
              </section>
              {segment !== null && <DrilldownList scope={scope} basis={basis} segment={segment} f={f} onClose={() => setSegment(null)} />}
              <section className="card wide" aria-labelledby="latency-title" aria-busy={latency.loading}>
                <h3 id="latency-title">{t('monitoring.latency.title')}</h3>
                {latency.error !== null && <p role="alert">{errorText(latency.error).text}</p>}
                {latency.loading && !latency.data && <p role="status">{t('app.loading')}</p>}
                {latency.data && (latency.data.messages === 0 ? <p>{t('monitoring.funnel.empty')}</p> : <LatencyPanel latency={latency.data} f={f} />)}
              </section>
              <section className="card wide" aria-labelledby="curve-title">
                <h3 id="curve-title">{t('monitoring.curve.heading')}</h3>
                <SeenCurvePanel
                  workspaceId={workspaceId}
                  {...(scope.pageId !== undefined ? { pageId: scope.pageId } : {})}
                  campaigns={options.data.campaigns}
                  preferred={filters.campaignId}
                  f={f}
                />
              </section>
            </>
          )}
          {view === 'stuck' && scope !== null && <StuckPanel scope={scope} f={f} />}
          {view === 'recurring' && <RecurringPanel workspaceId={workspaceId} {...(scope?.pageId !== undefined ? { pageId: scope.pageId } : {})} f={f} />}
          {view === 'alerts' && <AlertCentre workspaceId={workspaceId} f={f} />}
        </>
      )}
    </section>
  );
}
