import { useEffect, useRef, useState } from 'react';
import { ExperimentList } from '../components/experiments/ExperimentList';
import { ManualAnalysis } from '../components/experiments/ManualAnalysis';
import { PlanEditor } from '../components/experiments/PlanEditor';
import { ResultsView } from '../components/experiments/ResultsView';
import '../components/experiments/experiments.css';
import { useT } from '../i18n/useT';
import { useCurrentWorkspace } from '../stores/appStore';

type View = { kind: 'list' } | { kind: 'plan'; id: number } | { kind: 'results'; id: number } | { kind: 'manual' };

/** A/B experiments: plan and lock before sending, read the comparison after; or read numbers from elsewhere. */
export function ExperimentsPage() {
  const t = useT();
  const workspace = useCurrentWorkspace();
  const [view, setView] = useState<View>({ kind: 'list' });
  const heading = useRef<HTMLHeadingElement>(null);
  const workspaceId = workspace?.id;

  useEffect(() => {
    setView({ kind: 'list' });
  }, [workspaceId]);

  const show = (next: View) => {
    setView(next);
    // Each view starts with its heading: focus it so keyboard and screen-reader users land there.
    requestAnimationFrame(() => (next.kind === 'list' ? document.getElementById('experiments-title') : heading.current)?.focus());
  };

  if (!workspace) {
    return (
      <section aria-labelledby="experiments-title">
        <h1 id="experiments-title">{t('experiments.title')}</h1>
        <p className="empty-state">{t('experiments.noWorkspace')}</p>
      </section>
    );
  }

  return (
    <section className="experiments-page" aria-labelledby="experiments-title">
      <h1 id="experiments-title" tabIndex={-1}>
        {t('experiments.title')}
      </h1>
      <p className="lead">{t('experiments.intro')}</p>
      {view.kind === 'list' && (
        <ExperimentList
          workspace={workspace}
          onPlan={(id) => show({ kind: 'plan', id })}
          onResults={(id) => show({ kind: 'results', id })}
          onManual={() => show({ kind: 'manual' })}
        />
      )}
      {view.kind === 'plan' && (
        <PlanEditor key={view.id} experimentId={view.id} workspace={workspace} headingRef={heading} onBack={() => show({ kind: 'list' })} onResults={() => show({ kind: 'results', id: view.id })} />
      )}
      {view.kind === 'results' && (
        <ResultsView key={view.id} experimentId={view.id} workspace={workspace} headingRef={heading} onBack={() => show({ kind: 'list' })} onPlan={() => show({ kind: 'plan', id: view.id })} />
      )}
      {view.kind === 'manual' && <ManualAnalysis locale={workspace.locale} headingRef={heading} onBack={() => show({ kind: 'list' })} />}
    </section>
  );
}
