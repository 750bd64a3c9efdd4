import { useRef, useState } from 'react';
import '../components/dashboard/dashboard.css';
import '../features/sendTime/sendTime.css';
import { HeatmapPanel } from '../features/sendTime/HeatmapPanel';
import { PlanPanel } from '../features/sendTime/PlanPanel';
import { SavedPlansPanel } from '../features/sendTime/SavedPlans';
import { useT } from '../i18n/useT';
import { useCurrentWorkspace } from '../stores/appStore';

type View = 'heatmap' | 'plan' | 'saved';
const VIEW_KEY = { heatmap: 'sendtime.views.heatmap', plan: 'sendtime.views.plan', saved: 'sendtime.views.saved' } as const;

/** When to send: the weekday × hour heatmap, and a campaign's send plan inside everyone's 24-hour window. */
export function SendTimePage() {
  const t = useT();
  const workspace = useCurrentWorkspace();
  const [view, setView] = useState<View>('heatmap');
  const [savedVersion, setSavedVersion] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);
  if (!workspace) {
    return (
      <section aria-labelledby="sendtime-title">
        <h1 id="sendtime-title">{t('sendtime.title')}</h1>
        <p className="empty-state">{t('sendtime.noWorkspace')}</p>
      </section>
    );
  }
  return (
    <section className="dashboard-page sendtime-page" aria-labelledby="sendtime-title">
      <h1 id="sendtime-title" ref={heading} tabIndex={-1}>
        {t('sendtime.title')}
      </h1>
      <p className="lead">{t('sendtime.intro', { name: workspace.name })}</p>
      <nav className="view-switch" aria-label={t('sendtime.views.label')}>
        <ul className="row">
          {(['heatmap', 'plan', 'saved'] as const).map((v) => (
            <li key={v}>
              <button type="button" className={view === v ? 'view-tab current' : 'view-tab'} aria-current={view === v ? 'page' : undefined} onClick={() => setView(v)}>
                {t(VIEW_KEY[v])}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {/* Both views stay mounted so switching back keeps the form and the plan. */}
      <div hidden={view !== 'heatmap'}>
        <HeatmapPanel key={workspace.id} workspaceId={workspace.id} locale={workspace.locale} timeZone={workspace.timeZone} />
      </div>
      <div hidden={view !== 'plan'}>
        <PlanPanel key={workspace.id} workspaceId={workspace.id} locale={workspace.locale} timeZone={workspace.timeZone} onSaved={() => setSavedVersion((n) => n + 1)} />
      </div>
      <div hidden={view !== 'saved'}>
        <SavedPlansPanel key={workspace.id} workspaceId={workspace.id} locale={workspace.locale} timeZone={workspace.timeZone} version={savedVersion} />
      </div>
    </section>
  );
}
