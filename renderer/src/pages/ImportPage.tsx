import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ImportResult, ImportRunView } from '../../../shared/domain/imports';
import type { JobView } from '../../../shared/domain/jobs';
import { JobProgressView, useJob } from '../components/JobProgressView';
import { RelayPullSection } from '../components/relay/RelayPullSection';
import { formatters, isMessageKey } from '../i18n';
import { useErrorText, useT } from '../i18n/useT';
import { useApp, useCurrentWorkspace } from '../stores/appStore';

function ImportSummaryView({ result, locale }: { result: ImportResult; locale: string }) {
  const t = useT();
  const f = formatters(locale, 'UTC');
  const reason = (r: string) => {
    const key = `reason.${r}`;
    return isMessageKey(key) ? t(key) : r;
  };
  return (
    <div className="card" role="region" aria-labelledby="import-done-title">
      <h2 id="import-done-title">{t('import.done.title')}</h2>
      {result.status === 'already_imported' && <p>{t('import.done.already')}</p>}
      {result.status === 'cancelled' && <p>{t('import.done.cancelled')}</p>}
      <p>
        {t('import.done.summary', {
          events: f.number(result.events),
          echoes: f.number(result.echoes),
          inbound: f.number(result.inbound),
          deliveries: f.number(result.deliveries),
          reads: f.number(result.reads),
          ignored: f.number(result.ignored),
        })}
      </p>
      {result.resumedFrom !== null && <p>{t('import.done.resumed')}</p>}
      {result.pagesAdded.length > 0 && <p>{t('import.done.pagesAdded', { pages: result.pagesAdded.join(', ') })}</p>}
      {result.unverified > 0 && <p>{t('import.done.unverified', { count: f.number(result.unverified) })}</p>}
      <h3>{t('import.badLines.title', { count: f.number(result.badLines) })}</h3>
      {result.badLines === 0 ? (
        <p>{t('import.badLines.none')}</p>
      ) : (
        <>
          <table className="data-table">
            <caption className="visually-hidden">{t('import.badLines.title', { count: f.number(result.badLines) })}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('import.badLines.line')}
                </th>
                <th scope="col">{t('import.badLines.reason')}</th>
                <th scope="col">{t('import.badLines.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {result.badLineReport.slice(0, 200).map((b) => (
                <tr key={`${b.line}-${b.item}`}>
                  <td className="num">{f.number(b.line)}</td>
                  <td>{reason(b.reason)}</td>
                  <td>
                    <code>{b.detail ?? ''}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.badLines > Math.min(200, result.badLineReport.length) && <p className="hint">{t('import.badLines.more', { shown: f.number(Math.min(200, result.badLineReport.length)), count: f.number(result.badLines) })}</p>}
        </>
      )}
    </div>
  );
}

export function ImportPage() {
  const t = useT();
  const errorText = useErrorText();
  const ws = useCurrentWorkspace();
  const { client, notify } = useApp();
  const [path, setPath] = useState('');
  const [addPages, setAddPages] = useState(false);
  const [secret, setSecret] = useState('');
  const [pathError, setPathError] = useState<string | null>(null);
  const [started, setStarted] = useState<JobView | null>(null);
  const [runs, setRuns] = useState<ImportRunView[]>([]);
  const [canChoose, setCanChoose] = useState(false);

  const loadRuns = useCallback(async () => {
    if (!client || !ws) return;
    setRuns(await client.call('import:runs', { workspaceId: ws.id }));
  }, [client, ws]);
  useEffect(() => {
    void loadRuns();
  }, [loadRuns]);
  useEffect(() => {
    // Only the desktop shell has a native file dialog; elsewhere the path is typed.
    void client?.call('app:info', {}).then(
      (info) => setCanChoose(info.capabilities.chooseFile),
      () => setCanChoose(false),
    );
  }, [client]);

  const onEnd = useCallback(() => void loadRuns(), [loadRuns]);
  const job = useJob(started, onEnd);

  if (!ws || !client) return <p className="empty-state">{t('settings.noWorkspace')}</p>;
  const f = formatters(ws.locale, ws.timeZone);

  async function start(e?: FormEvent, withPages = addPages) {
    e?.preventDefault();
    if (!client || !ws) return;
    try {
      setPathError(null);
      const view = await client.call('import:webhooks', { workspaceId: ws.id, path, addPages: withPages, ...(secret ? { appSecret: secret } : {}) });
      setStarted(view);
    } catch (err) {
      const { text, fields } = errorText(err);
      setPathError(fields.path ?? null);
      notify('error', text);
    }
  }

  async function choose() {
    const r = await client!.call('system:chooseFile', { purpose: 'webhookArchive' });
    if (r.path) setPath(r.path);
  }

  const running = job?.state === 'running';
  const missingPages = job?.state === 'failed' && job.error?.code === 'pages_not_in_workspace' ? (job.error.details ?? []) : null;

  return (
    <section aria-labelledby="import-title">
      <h1 id="import-title">{t('import.title')}</h1>
      <p className="lead">{t('import.intro')}</p>

      <form className="card" onSubmit={(e) => void start(e)} noValidate aria-labelledby="import-title">
        <div className="field">
          <label htmlFor="import-path">{t('import.file.label')}</label>
          <div className="row">
            <input
              id="import-path"
              type="text"
              className="grow"
              value={path}
              spellCheck={false}
              autoComplete="off"
              aria-invalid={pathError ? true : undefined}
              aria-describedby={pathError ? 'import-path-hint import-path-error' : 'import-path-hint'}
              onChange={(e) => setPath(e.target.value)}
            />
            {canChoose && (
              <button type="button" className="secondary" onClick={() => void choose()}>
                {t('import.file.choose')}
              </button>
            )}
          </div>
          <span id="import-path-hint" className="hint">
            {t('import.file.hint')}
          </span>
          {pathError && (
            <span id="import-path-error" className="field-error">
              {pathError}
            </span>
          )}
        </div>
        <div className="field checkbox">
          <input id="import-add-pages" type="checkbox" checked={addPages} onChange={(e) => setAddPages(e.target.checked)} />
          <label htmlFor="import-add-pages">{t('import.addPages.label')}</label>
        </div>
        <div className="field">
          <label htmlFor="import-secret">{t('import.secret.label')}</label>
          <input id="import-secret" type="password" autoComplete="off" value={secret} aria-describedby="import-secret-hint" onChange={(e) => setSecret(e.target.value)} />
          <span id="import-secret-hint" className="hint">
            {t('import.secret.hint')}
          </span>
        </div>
        <button type="submit" disabled={running}>
          {t('import.start')}
        </button>
      </form>

      {job && running && <JobProgressView job={job} title={t('import.running', { file: path })} onCancel={() => void client.call('jobs:cancel', { id: job.id })} />}
      {job?.state === 'done' && job.result !== null && <ImportSummaryView result={job.result as ImportResult} locale={ws.locale} />}
      {job?.state === 'cancelled' && <p className="card">{t('import.done.cancelled')}</p>}
      {missingPages && (
        <div className="card" role="alert">
          <p>{t('import.missingPages', { pages: missingPages.join(', ') })}</p>
          <button type="button" onClick={() => void start(undefined, true)}>
            {t('import.missingPages.action')}
          </button>
        </div>
      )}
      {job?.state === 'failed' && !missingPages && (
        <p className="card" role="alert">
          {t('import.failed', { message: job.error?.message ?? '' })}
        </p>
      )}

      <RelayPullSection renderSummary={(r) => <ImportSummaryView result={r} locale={ws.locale} />} onJobEnd={onEnd} />

      <h2>{t('import.history.title')}</h2>
      {runs.length === 0 ? (
        <p>{t('import.history.empty')}</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">{t('import.history.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('import.history.file')}</th>
              <th scope="col" className="num">
                {t('import.history.events')}
              </th>
              <th scope="col" className="num">
                {t('import.history.bad')}
              </th>
              <th scope="col">{t('import.history.when')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <code>{r.fileName}</code>
                </th>
                <td className="num">{f.number(r.counts.events)}</td>
                <td className="num">{f.number(r.counts.badLines)}</td>
                <td>{r.finishedAt ? f.dateTime(r.finishedAt) : t('import.history.unfinished')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
