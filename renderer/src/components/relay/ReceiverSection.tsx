import { useCallback, useEffect, useState } from 'react';
import type { JobView } from '../../../../shared/domain/jobs';
import { DEFAULT_RECEIVER_PORT, type ReceiverImportResult, type ReceiverStatus } from '../../../../shared/domain/relay';
import { formatters } from '../../i18n';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp, useCurrentWorkspace } from '../../stores/appStore';
import { JobProgressView, useJob } from '../JobProgressView';
import './relay.css';

/** How often the counters refresh while the receiver runs. */
const REFRESH_MS = 3000;

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text.trim())) return null;
  const port = Number(text.trim());
  return port <= 65535 ? port : null;
}

/**
 * Settings → the local webhook receiver: a switch, its address and counters while it runs,
 * the Meta set-up steps, and "import now". Secrets stay in the backend's environment; this
 * only learns whether they are set.
 */
export function ReceiverSection() {
  const t = useT();
  const errorText = useErrorText();
  const ws = useCurrentWorkspace();
  const { client, language, workspaces } = useApp();
  const [status, setStatus] = useState<ReceiverStatus | null>(null);
  const [port, setPort] = useState(String(DEFAULT_RECEIVER_PORT));
  const [portError, setPortError] = useState<string | null>(null);
  const [switchError, setSwitchError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<JobView | null>(null);
  const running = status?.running ?? false;

  const refresh = useCallback(async () => {
    if (!client) return;
    const next = await client.call('receiver:status', {});
    setStatus(next);
    if (next.running && next.port !== null) setPort(String(next.port));
  }, [client]);

  useEffect(() => {
    void refresh().catch(() => undefined);
  }, [refresh]);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refresh().catch(() => undefined), REFRESH_MS);
    return () => clearInterval(timer);
  }, [running, refresh]);

  const onEnd = useCallback(() => void refresh().catch(() => undefined), [refresh]);
  const job = useJob(started, onEnd);

  if (!client || !status) return null;
  const locale = ws?.locale ?? (language === 'fr' ? 'fr-FR' : 'en-US');
  const f = formatters(locale, ws?.timeZone ?? 'UTC');

  async function toggle(enabled: boolean) {
    if (!client) return;
    setSwitchError(null);
    setPortError(null);
    const wanted = parsePort(port);
    if (enabled && wanted === null) {
      setPortError(t('error.receiver.port.invalid'));
      return;
    }
    setBusy(true);
    try {
      setStatus(await client.call('receiver:set', enabled ? { enabled, port: wanted ?? DEFAULT_RECEIVER_PORT } : { enabled }));
    } catch (err) {
      const { text, fields } = errorText(err);
      if (fields.port) setPortError(fields.port);
      else setSwitchError(fields.enabled ?? text);
    } finally {
      setBusy(false);
    }
  }

  async function importNow() {
    if (!client || !ws) return;
    setSwitchError(null);
    try {
      setStarted(await client.call('receiver:importNow', { workspaceId: ws.id }));
    } catch (err) {
      const { text, fields } = errorText(err);
      setSwitchError(fields.workspaceId ?? text);
    }
  }

  const importing = job?.state === 'running';
  const imported = job?.state === 'done' ? (job.result as ReceiverImportResult | null) : null;
  const importedEvents = imported ? (imported.imported?.events ?? 0) + (imported.recovered?.events ?? 0) : 0;
  const importedInto = imported ? (workspaces.find((w) => w.id === imported.workspaceId)?.name ?? '') : '';
  const stateDescribedBy = ['receiver-state', status.secretsConfigured ? null : 'receiver-secrets', switchError ? 'receiver-error' : null].filter(Boolean).join(' ');

  return (
    <section className="card receiver-section" aria-labelledby="receiver-title">
      <h2 id="receiver-title">{t('receiver.title')}</h2>
      <p>{t('receiver.intro', { seconds: status.importEverySeconds })}</p>
      <p className="hint">{t('receiver.persistence')}</p>
      {status.secretsConfigured ? (
        <p className="hint">{t('receiver.secrets.ok')}</p>
      ) : (
        <p id="receiver-secrets" className="relay-warning">
          {t('receiver.secrets.missing')}
        </p>
      )}

      <div className="field">
        <label htmlFor="receiver-port">{t('receiver.port.label')}</label>
        <input
          id="receiver-port"
          type="text"
          inputMode="numeric"
          className="receiver-port"
          value={port}
          disabled={running || busy}
          autoComplete="off"
          aria-invalid={portError ? true : undefined}
          aria-describedby={portError ? 'receiver-port-hint receiver-port-error' : 'receiver-port-hint'}
          onChange={(e) => setPort(e.target.value)}
        />
        <span id="receiver-port-hint" className="hint">
          {t('receiver.port.hint')}
        </span>
        {portError && (
          <span id="receiver-port-error" className="field-error">
            {portError}
          </span>
        )}
      </div>

      <div className="field checkbox">
        <input
          id="receiver-toggle"
          type="checkbox"
          role="switch"
          checked={running}
          disabled={busy}
          aria-describedby={stateDescribedBy}
          onChange={(e) => void toggle(e.target.checked)}
        />
        <label htmlFor="receiver-toggle">{t('receiver.toggle.label')}</label>
      </div>
      <p id="receiver-state" className="receiver-state" aria-live="polite">
        {running && status.url ? t('receiver.state.on', { url: status.url }) : t('receiver.state.off')}
      </p>
      {switchError && (
        <p id="receiver-error" className="field-error" role="alert">
          {switchError}
        </p>
      )}

      {running && (
        <dl className="facts receiver-facts">
          <dt>{t('receiver.address')}</dt>
          <dd>
            <code>{status.url}</code>
          </dd>
          <dt>{t('receiver.accepted')}</dt>
          <dd>{f.number(status.accepted)}</dd>
          <dt>{t('receiver.rejected')}</dt>
          <dd>{f.number(status.rejected)}</dd>
          <dt>{t('receiver.store')}</dt>
          <dd>
            <code>{status.spoolDir}</code>
          </dd>
          <dt>{t('receiver.lastImport')}</dt>
          <dd>{status.lastImport ? t('receiver.lastImport.value', { date: f.dateTime(status.lastImport.at), events: f.number(status.lastImport.events) }) : t('receiver.lastImport.none')}</dd>
        </dl>
      )}
      {running && status.lastError && (
        <p className="relay-warning" role="alert">
          {t('receiver.lastError', { message: status.lastError.message })}
        </p>
      )}

      <h3>{t('receiver.setup.title')}</h3>
      <ol className="receiver-steps">
        <li>{t('receiver.setup.tunnel')}</li>
        <li>{t('receiver.setup.callback')}</li>
        <li>{t('receiver.setup.verify')}</li>
        <li>{t('receiver.setup.fields')}</li>
      </ol>

      {running && ws && (
        <div className="receiver-import">
          <button type="button" className="secondary" disabled={importing} aria-describedby="receiver-import-hint" onClick={() => void importNow()}>
            {t('receiver.importNow')}
          </button>
          <p id="receiver-import-hint" className="hint">
            {t('receiver.importNow.hint', { workspace: ws.name })}
          </p>
        </div>
      )}
      {job && importing && <JobProgressView job={job} title={t('receiver.importing')} />}
      {imported && (
        <p role="status" className="receiver-imported">
          {t('receiver.imported', { events: f.number(importedEvents), workspace: importedInto })}
        </p>
      )}
      {job?.state === 'failed' && (
        <p className="relay-warning" role="alert">
          {t('receiver.importFailed', { message: job.error?.message ?? '' })}
        </p>
      )}
    </section>
  );
}
