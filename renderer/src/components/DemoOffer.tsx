import { useCallback, useEffect, useState } from 'react';
import type { DemoResult } from '../../../shared/domain/imports';
import type { JobView } from '../../../shared/domain/jobs';
import { formatters } from '../i18n';
import { useErrorText, useT } from '../i18n/useT';
import { useApp } from '../stores/appStore';
import { JobProgressView, useJob } from './JobProgressView';

/** Offers the demo workspaces on an empty data folder, and follows a demo build already under way. */
export function DemoOffer(props: { show: boolean }) {
  const t = useT();
  const errorText = useErrorText();
  const { client, language, notify, refreshWorkspaces, switchWorkspace, go } = useApp();
  const [started, setStarted] = useState<JobView | null>(null);

  useEffect(() => {
    void client?.call('jobs:list', {}).then((jobs) => {
      const running = jobs.find((j) => j.kind === 'demo' && j.state === 'running');
      if (running) setStarted(running);
    });
  }, [client]);

  const onEnd = useCallback(
    (job: JobView) => {
      void (async () => {
        if (job.state === 'done') {
          const result = job.result as DemoResult;
          const f = formatters(language === 'fr' ? 'fr-FR' : 'en-US', 'UTC');
          await refreshWorkspaces();
          const first = result.workspaces[0];
          if (first) await switchWorkspace(first.id);
          notify(
            'success',
            t('demo.done', {
              summary: result.workspaces.map((w) => t('demo.workspaceSummary', { name: w.name, messages: f.number(w.messages), contacts: f.number(w.contacts) })).join(' · '),
            }),
          );
          go('workspaces');
        } else if (job.state === 'failed') {
          notify('error', t('error.generic', { message: job.error?.message ?? '' }));
        }
      })();
    },
    [language, notify, refreshWorkspaces, switchWorkspace, t, go],
  );
  const job = useJob(started, onEnd);

  if (job?.state === 'running') return <JobProgressView job={job} title={t('demo.running')} />;
  if (!props.show) return null;
  return (
    <div className="card" role="region" aria-labelledby="demo-title">
      <h2 id="demo-title">{t('demo.offer.title')}</h2>
      <p>{t('demo.offer.body')}</p>
      <button
        type="button"
        onClick={() =>
          void client
            ?.call('demo:create', {})
            .then(setStarted)
            .catch((e: unknown) => notify('error', errorText(e).text))
        }
      >
        {t('demo.offer.button')}
      </button>
    </div>
  );
}
