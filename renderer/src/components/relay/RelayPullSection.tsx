import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { ImportResult } from '../../../../shared/domain/imports';
import type { JobView } from '../../../../shared/domain/jobs';
import type { RelayPullResult, RelayStatus } from '../../../../shared/domain/relay';
import { formatters, isMessageKey } from '../../i18n';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp, useCurrentWorkspace } from '../../stores/appStore';
import { JobProgressView, useJob } from '../JobProgressView';
import './relay.css';

function hostOf(url: string): string {
  return url.replace(/^https?:\/\//, '').split('/')[0] ?? url;
}

/**
 * "From a relay" on the Import page: pull what a relay kept since the last pull into the
 * current workspace. The pull token lives in the field only, and is cleared once a pull
 * has succeeded.
 */
export function RelayPullSection(props: { renderSummary: (result: ImportResult) => ReactNode; onJobEnd?: () => void }) {
  const t = useT();
  const errorText = useErrorText();
  const ws = useCurrentWorkspace();
  const { client, notify } = useApp();
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [addPages, setAddPages] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<RelayStatus | null>(null);
  const [started, setStarted] = useState<JobView | null>(null);
  const workspaceId = ws?.id ?? null;

  const loadStatus = useCallback(async () => {
    if (!client || workspaceId === null) return;
    const s = await client.call('relay:status', { workspaceId });
    setStatus(s);
    // Offer the relay this workspace pulled from last; never overwrite what the user is typing.
    if (s.url) setUrl((current) => current || s.url!);
  }, [client, workspaceId]);

  useEffect(() => {
    setStarted(null);
    setUrl('');
    setStatus(null);
    void loadStatus().catch(() => undefined);
  }, [loadStatus]);

  const { onJobEnd } = props;
  const onEnd = useCallback(
    (job: JobView) => {
      if (job.state === 'done') setToken('');
      void loadStatus().catch(() => undefined);
      onJobEnd?.();
    },
    [loadStatus, onJobEnd],
  );
  const job = useJob(started, onEnd);

  if (!ws || !client) return null;
  const f = formatters(ws.locale, ws.timeZone);

  async function pull(e?: FormEvent, opts: { restart?: boolean; addPages?: boolean } = {}) {
    e?.preventDefault();
    if (!client || !ws) return;
    const withPages = opts.addPages ?? addPages;
    if (opts.addPages) setAddPages(true);
    try {
      setFieldErrors({});
      setStarted(await client.call('relay:pull', { workspaceId: ws.id, url, pullToken: token, addPages: withPages, restart: opts.restart ?? false }));
    } catch (err) {
      const { text, fields } = errorText(err);
      setFieldErrors(fields);
      if (Object.keys(fields).length === 0) notify('error', text);
    }
  }

  const running = job?.state === 'running';
  const result = job?.state === 'done' ? (job.result as RelayPullResult | null) : null;
  const error = job?.state === 'failed' ? job.error : null;
  const missingPages = error?.code === 'pages_not_in_workspace' ? (error.details ?? []) : null;
  const errorKey = error ? `relay.error.${error.code}` : '';
  const summary = result?.imported ?? result?.recovered ?? null;

  const describedBy = (id: string) => [`${id}-hint`, fieldErrors[id === 'relay-url' ? 'url' : 'pullToken'] ? `${id}-error` : null].filter(Boolean).join(' ');

  return (
    <section className="relay-section" aria-labelledby="relay-title">
      <form className="card" onSubmit={(e) => void pull(e)} noValidate aria-labelledby="relay-title">
        <h2 id="relay-title">{t('relay.title')}</h2>
        <p>{t('relay.intro')}</p>
        <div className="field">
          <label htmlFor="relay-url">{t('relay.url.label')}</label>
          <input
            id="relay-url"
            type="text"
            inputMode="url"
            value={url}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={fieldErrors.url ? true : undefined}
            aria-describedby={describedBy('relay-url')}
            onChange={(e) => setUrl(e.target.value)}
          />
          <span id="relay-url-hint" className="hint">
            {t('relay.url.hint')}
          </span>
          {fieldErrors.url && (
            <span id="relay-url-error" className="field-error">
              {fieldErrors.url}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor="relay-token">{t('relay.token.label')}</label>
          <input
            id="relay-token"
            type="password"
            value={token}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={fieldErrors.pullToken ? true : undefined}
            aria-describedby={describedBy('relay-token')}
            onChange={(e) => setToken(e.target.value)}
          />
          <span id="relay-token-hint" className="hint">
            {t('relay.token.hint')}
          </span>
          {fieldErrors.pullToken && (
            <span id="relay-token-error" className="field-error">
              {fieldErrors.pullToken}
            </span>
          )}
        </div>
        <div className="field checkbox">
          <input id="relay-add-pages" type="checkbox" checked={addPages} onChange={(e) => setAddPages(e.target.checked)} />
          <label htmlFor="relay-add-pages">{t('relay.addPages.label')}</label>
        </div>
        <button type="submit" disabled={running}>
          {t('relay.pull')}
        </button>
        <p className="hint relay-last">
          {status?.lastPullAt ? t('relay.last', { date: f.dateTime(status.lastPullAt), events: f.number(status.lastEvents ?? 0) }) : t('relay.never')}
          {status?.lastGap ? ` ${t('relay.last.gap')}` : ''}
        </p>
      </form>

      {job && running && <JobProgressView job={job} title={t('relay.running', { host: hostOf(job.label) })} onCancel={() => void client.call('jobs:cancel', { id: job.id })} />}
      {job?.state === 'cancelled' && <p className="card">{t('relay.done.cancelled')}</p>}
      {result && (
        <>
          <div className="card" role="status" aria-labelledby="relay-done-title">
            <h2 id="relay-done-title">{t('relay.done.title')}</h2>
            <p>{result.pulled > 0 ? t('relay.done.pulled', { events: f.number(result.pulled) }) : t('relay.done.nothingNew')}</p>
            {result.recovered && <p>{t('relay.done.recovered', { events: f.number(result.recovered.events) })}</p>}
            {result.restarted && <p>{t('relay.done.restarted')}</p>}
            {result.gap && <p className="relay-warning">{t('relay.done.gap')}</p>}
            {summary && summary.unverified > 0 && <p className="hint">{t('relay.done.verifiedByRelay')}</p>}
          </div>
          {summary && props.renderSummary(summary)}
        </>
      )}
      {missingPages && (
        <div className="card" role="alert">
          <p>{t('relay.missingPages', { pages: missingPages.join(', ') })}</p>
          <button type="button" disabled={running} onClick={() => void pull(undefined, { addPages: true })}>
            {t('relay.missingPages.action')}
          </button>
        </div>
      )}
      {error && !missingPages && (
        <div className="card" role="alert">
          <p>{isMessageKey(errorKey) ? t(errorKey) : t('relay.failed', { message: error.message })}</p>
          {isMessageKey(errorKey) && <p className="hint">{t('relay.detail', { message: error.message })}</p>}
          {error.code === 'RELAY_BAD_CURSOR' && (
            <>
              <button type="button" aria-describedby="relay-restart-hint" disabled={running} onClick={() => void pull(undefined, { restart: true })}>
                {t('relay.restart')}
              </button>
              <p id="relay-restart-hint" className="hint">
                {t('relay.restart.hint')}
              </p>
            </>
          )}
        </div>
      )}
    </section>
  );
}
