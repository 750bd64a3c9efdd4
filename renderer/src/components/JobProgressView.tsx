import { useEffect, useState } from 'react';
import type { JobView } from '../../../shared/domain/jobs';
import { formatters, isMessageKey } from '../i18n';
import { useT } from '../i18n/useT';
import { useApp } from '../stores/appStore';

/** Polls a job until it ends; returns its latest view. */
export function useJob(initial: JobView | null, onEnd?: (job: JobView) => void): JobView | null {
  const client = useApp((s) => s.client);
  const [job, setJob] = useState<JobView | null>(initial);
  useEffect(() => setJob(initial), [initial]);
  useEffect(() => {
    if (!client || !job || job.state !== 'running') return;
    const timer = setTimeout(() => {
      void client.call('jobs:get', { id: job.id }).then((next) => {
        setJob(next);
        if (next.state !== 'running') onEnd?.(next);
      });
    }, 400);
    return () => clearTimeout(timer);
  }, [client, job, onEnd]);
  return job;
}

function duration(ms: number, locale: string): string {
  const s = Math.max(1, Math.round(ms / 1000));
  const fmt = (n: number, unit: 'second' | 'minute' | 'hour') => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 0 }).format(n);
  if (s < 90) return fmt(s, 'second');
  if (s < 5400) return fmt(Math.round(s / 60), 'minute');
  return fmt(Math.round(s / 3600), 'hour');
}

/** A labelled progress bar with counters, rate and time left, announced politely. */
export function JobProgressView(props: { job: JobView; title: string; onCancel?: () => void }) {
  const t = useT();
  const language = useApp((s) => s.language);
  const locale = language === 'fr' ? 'fr-FR' : 'en-US';
  const f = formatters(locale, 'UTC');
  const { progress } = props.job;
  const phaseKey = `import.phase.${progress.phase}`;
  const phase = isMessageKey(phaseKey) ? t(phaseKey) : progress.phase;
  const events = progress.counters.events ?? (progress.unit === 'events' ? progress.done : 0);
  const detail =
    progress.etaMs !== null && progress.rate !== null
      ? t('import.progress.detail', { events: f.number(events), rate: f.number(Math.round(progress.rate)), eta: duration(progress.etaMs, locale) })
      : t('import.progress.detailNoEta', { events: f.number(events) });
  const pct = progress.total ? Math.min(1, progress.done / progress.total) : null;
  return (
    <div className="card job-progress" aria-busy={props.job.state === 'running'}>
      <h2>{props.title}</h2>
      <p>{phase}</p>
      <progress aria-label={t('import.progress.label')} max={1} value={pct ?? undefined} />
      <p className="hint" aria-live="polite">
        {pct !== null ? `${f.percent(pct)} · ` : ''}
        {detail}
      </p>
      {props.onCancel && props.job.state === 'running' && (
        <button type="button" className="secondary" onClick={props.onCancel}>
          {t('import.cancel')}
        </button>
      )}
    </div>
  );
}
