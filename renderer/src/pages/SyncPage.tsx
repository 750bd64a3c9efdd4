import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { SyncPageView, SyncStatus } from '../../../shared/api/contracts/sync';
import { formatters, type MessageKey } from '../i18n';
import { useErrorText, useT } from '../i18n/useT';
import { useApp, useCurrentWorkspace } from '../stores/appStore';
import './sync.css';

type ErrorKind = 'auth' | 'offline' | 'rateLimit' | 'transient' | 'cancelled' | 'other';

/** The plain-language family of a sync failure (the API sends Graph's own kinds). */
function errorKind(kind: string): ErrorKind {
  if (kind === 'auth') return 'auth';
  if (kind === 'network' || kind === 'offline') return 'offline';
  if (kind === 'rateLimit') return 'rateLimit';
  if (kind === 'transient') return 'transient';
  if (kind === 'cancelled') return 'cancelled';
  return 'other';
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function duration(ms: number, locale: string): string {
  const s = Math.max(1, Math.round(ms / 1000));
  const fmt = (n: number, unit: 'second' | 'minute' | 'hour') => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 0 }).format(n);
  if (s < 90) return fmt(s, 'second');
  if (s < 5400) return fmt(Math.round(s / 60), 'minute');
  return fmt(Math.round(s / 3600), 'hour');
}

function SyncError(props: { kind: string; message: string; fbtraceId: string | null }) {
  const t = useT();
  const k = errorKind(props.kind);
  return (
    <div className="sync-error">
      <p>{t(`sync.error.${k}` as MessageKey, { message: props.message })}</p>
      <p>{t('sync.error.what', { action: t(`sync.error.${k}.action` as MessageKey) })}</p>
      {props.fbtraceId && <p className="hint">{t('sync.error.trace', { trace: props.fbtraceId })}</p>}
    </div>
  );
}

function PageProgress(props: { page: SyncPageView; running: boolean; locale: string; now: number }) {
  const t = useT();
  const { page } = props;
  const f = formatters(props.locale, 'UTC');
  const name = page.name ?? page.pageId;
  const total = page.conversationsTotal;
  const counts =
    total !== null
      ? t('sync.progress.counts', { conversations: f.number(page.conversationsDone), total: f.number(total), messages: f.number(page.messagesDone) })
      : t('sync.progress.countsNoTotal', { conversations: f.number(page.conversationsDone), messages: f.number(page.messagesDone) });
  const live = props.running && page.status === 'running' ? page.live : null;
  const parts = [counts];
  if (live?.rate != null) parts.push(t('sync.progress.rate', { rate: f.number(Math.round(live.rate)) }));
  if (live?.etaMs != null && live.etaMs > 0) parts.push(t('sync.progress.eta', { eta: duration(live.etaMs, props.locale) }));
  const backoff = live?.backoff && live.backoff.until > props.now ? live.backoff : null;
  // Indeterminate only while running without a total (Graph gives none for a first sync).
  const value = page.status === 'done' ? 1 : total ? Math.min(1, page.conversationsDone / total) : props.running && page.status === 'running' ? undefined : 0;
  return (
    <div className="sync-progress">
      <span className={`sync-status sync-status-${page.status}`}>{t(`sync.status.${page.status}` as MessageKey)}</span>
      <progress aria-label={t('sync.progress.label', { page: name })} max={1} value={value} />
      <span className="hint" aria-live="polite">
        {parts.join(' · ')}
      </span>
      {backoff && <span className="sync-backoff">{t(`sync.backoff.${backoff.reason}` as MessageKey, { seconds: seconds(backoff.until - props.now) })}</span>}
    </div>
  );
}

/**
 * Connect Pages with a user token, choose which to sync, follow each Page's sync (items, rate,
 * time left, current back-off), and read failures in plain words with what to do. When Graph
 * cannot be reached the page says so and from when the data dates.
 */
export function SyncPage() {
  const t = useT();
  const errorText = useErrorText();
  const ws = useCurrentWorkspace();
  const { client, notify, language } = useApp();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [token, setToken] = useState('');
  const [graphUrl, setGraphUrl] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [connecting, setConnecting] = useState(false);
  const [connectFailure, setConnectFailure] = useState<{ reason: string; message: string; fbtraceId: string | null } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const workspaceId = ws?.id ?? null;

  const load = useCallback(async () => {
    if (!client || workspaceId === null) return;
    setStatus(await client.call('sync:status', { workspaceId }));
    setNow(Date.now());
  }, [client, workspaceId]);

  useEffect(() => {
    setStatus(null);
    setConnectFailure(null);
    void load().catch(() => undefined);
  }, [load]);

  const running = status?.job?.state === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => void load().catch(() => undefined), 500);
    return () => clearTimeout(timer);
  }, [running, status, load]);

  if (!ws || !client) return <p className="empty-state">{t('settings.noWorkspace')}</p>;
  const locale = language === 'fr' ? 'fr-FR' : 'en-US';
  const f = formatters(ws.locale, ws.timeZone);

  async function connect(e: FormEvent) {
    e.preventDefault();
    if (!client || !ws) return;
    setConnecting(true);
    setFieldErrors({});
    setConnectFailure(null);
    try {
      const r = await client.call('sync:connect', { workspaceId: ws.id, userToken: token, ...(graphUrl.trim() ? { graphUrl: graphUrl.trim() } : {}) });
      if (r.ok) {
        setToken('');
        notify('success', r.pages.length ? t('sync.connect.done', { count: r.pages.length }) : t('sync.connect.none'));
      } else setConnectFailure(r);
      await load();
    } catch (err) {
      const { text, fields } = errorText(err);
      setFieldErrors(fields);
      if (Object.keys(fields).length === 0) notify('error', text);
    } finally {
      setConnecting(false);
    }
  }

  async function choose(pageId: string, on: boolean) {
    if (!client || !ws || !status) return;
    const selected = status.pages.filter((p) => (p.pageId === pageId ? on : p.selected)).map((p) => p.pageId);
    await client.call('sync:pages', { workspaceId: ws.id, selected });
    await load();
  }

  async function start() {
    if (!client || !ws) return;
    try {
      await client.call('sync:start', { workspaceId: ws.id });
      await load();
    } catch (err) {
      notify('error', errorText(err).text);
    }
  }

  async function stop() {
    if (!client || !status?.job) return;
    await client.call('sync:cancel', { jobId: status.job.id });
    await load();
  }

  async function disconnect() {
    if (!client || !ws) return;
    try {
      await client.call('sync:disconnect', { workspaceId: ws.id });
      notify('success', t('sync.disconnect.done'));
      await load();
    } catch (err) {
      notify('error', errorText(err).text);
    }
  }

  const pages = status?.pages ?? [];
  const needsReconnect = pages.some((p) => p.status === 'reconnect' || !p.hasToken);
  const truncated = pages.filter((p) => p.messagesOutOfReach > 0);
  const storageKey: MessageKey = !status ? 'sync.storage.plain' : status.tokenStorage.unencrypted ? 'sync.storage.plain' : status.tokenStorage.mode === 'encrypted-file' ? 'sync.storage.encryptedFile' : 'sync.storage.keychain';

  return (
    <section aria-labelledby="sync-title">
      <h1 id="sync-title">{t('sync.title')}</h1>
      <p className="lead">{t('sync.intro')}</p>

      {status?.offline && (
        <div className="card sync-offline" role="status" aria-labelledby="sync-offline-title">
          <h2 id="sync-offline-title">{status.dataFrom ? t('sync.offline.title', { date: f.dateTime(status.dataFrom) }) : t('sync.offline.titleNoData')}</h2>
          <p>{t('sync.offline.body', { date: f.dateTime(status.lastUnreachableAt ?? Date.now()) })}</p>
        </div>
      )}

      <form className="card" onSubmit={(e) => void connect(e)} noValidate aria-labelledby="sync-connect-title">
        <h2 id="sync-connect-title">{status?.connected && needsReconnect ? t('sync.connect.reconnectTitle') : t('sync.connect.title')}</h2>
        <p>{t('sync.connect.intro')}</p>
        <div className="field">
          <label htmlFor="sync-token">{t('sync.connect.token')}</label>
          <input
            id="sync-token"
            type="password"
            value={token}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={fieldErrors.userToken ? true : undefined}
            aria-describedby={['sync-token-hint', fieldErrors.userToken ? 'sync-token-error' : null].filter(Boolean).join(' ')}
            onChange={(e) => setToken(e.target.value)}
          />
          <span id="sync-token-hint" className="hint">
            {t('sync.connect.tokenHint')}
          </span>
          {fieldErrors.userToken && (
            <span id="sync-token-error" className="field-error">
              {fieldErrors.userToken}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor="sync-graph-url">{t('sync.connect.graphUrl')}</label>
          <input
            id="sync-graph-url"
            type="text"
            inputMode="url"
            value={graphUrl}
            placeholder={status?.graphUrl}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={fieldErrors.graphUrl ? true : undefined}
            aria-describedby={['sync-graph-url-hint', fieldErrors.graphUrl ? 'sync-graph-url-error' : null].filter(Boolean).join(' ')}
            onChange={(e) => setGraphUrl(e.target.value)}
          />
          <span id="sync-graph-url-hint" className="hint">
            {t('sync.connect.graphUrlHint', { url: status?.graphUrl ?? '', version: status?.version ?? '' })}
          </span>
          {fieldErrors.graphUrl && (
            <span id="sync-graph-url-error" className="field-error">
              {fieldErrors.graphUrl}
            </span>
          )}
        </div>
        <p className={status?.tokenStorage.unencrypted ? 'sync-warning' : 'hint'}>{t(storageKey)}</p>
        <button type="submit" disabled={connecting || running}>
          {connecting ? t('sync.connect.connecting') : t('sync.connect.submit')}
        </button>
        {connectFailure && (
          <div role="alert" className="sync-alert">
            <SyncError kind={connectFailure.reason} message={connectFailure.message} fbtraceId={connectFailure.fbtraceId} />
          </div>
        )}
      </form>

      <div className="card" aria-labelledby="sync-pages-title" role="region">
        <h2 id="sync-pages-title">{t('sync.pages.title')}</h2>
        {pages.length === 0 ? (
          <p className="hint">{t('sync.pages.empty')}</p>
        ) : (
          <>
            <table className="data-table sync-table">
              <caption className="visually-hidden">{t('sync.pages.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sync.col.choose')}</th>
                  <th scope="col">{t('sync.col.page')}</th>
                  <th scope="col">{t('sync.col.progress')}</th>
                  <th scope="col">{t('sync.col.last')}</th>
                </tr>
              </thead>
              <tbody>
                {pages.map((p) => (
                  <tr key={p.pageId}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={t('sync.choose.label', { page: p.name ?? p.pageId })}
                        checked={p.selected}
                        disabled={running}
                        onChange={(e) => void choose(p.pageId, e.target.checked)}
                      />
                    </td>
                    <th scope="row">
                      {p.name ?? p.pageId}
                      <span className="hint sync-page-id">{p.pageId}</span>
                    </th>
                    <td>
                      <PageProgress page={p} running={running} locale={locale} now={now} />
                      {p.lastError && p.status !== 'done' && p.status !== 'running' && (
                        <SyncError kind={p.lastError.kind} message={p.lastError.message} fbtraceId={p.lastError.fbtraceId} />
                      )}
                    </td>
                    <td>{p.lastSuccessAt ? f.dateTime(p.lastSuccessAt) : t('sync.last.never')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="row sync-actions">
              <button type="button" onClick={() => void start()} disabled={running || !pages.some((p) => p.selected)}>
                {t('sync.start')}
              </button>
              {running && (
                <button type="button" className="secondary" onClick={() => void stop()}>
                  {t('sync.stop')}
                </button>
              )}
              <button type="button" className="secondary" onClick={() => void disconnect()} disabled={running}>
                {t('sync.disconnect')}
              </button>
            </div>
            {status?.job && status.job.state === 'done' && !running && pages.filter((p) => p.selected).every((p) => p.status === 'done') && (
              <p className="hint" role="status">
                {t('sync.job.done')}
              </p>
            )}
          </>
        )}
      </div>

      <div className="card" role="note" aria-labelledby="sync-limit-title">
        <h2 id="sync-limit-title">{t('sync.limit.title')}</h2>
        <p>{t('sync.limit.body')}</p>
        {truncated.map((p) => (
          <p key={p.pageId} className="hint">
            {t('sync.limit.counts', { page: p.name ?? p.pageId, messages: f.number(p.messagesOutOfReach), conversations: f.number(p.truncatedConversations) })}
          </p>
        ))}
      </div>
    </section>
  );
}
