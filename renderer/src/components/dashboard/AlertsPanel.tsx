import { useState } from 'react';
import type { AlertEvent } from '../../../../shared/domain/monitoring';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import type { DashboardFormats, Translate } from './format';
import { Pager } from './Pager';
import { useApiQuery } from './useApiQuery';

const PAGE = 25;

/** What an alert saw, in a sentence with its numbers. */
export function alertText(a: AlertEvent, t: Translate, f: DashboardFormats): string {
  const e = a.evidence;
  const subject = a.subject.type === 'campaign' ? (a.subject.campaignName ?? `#${a.subject.campaignId}`) : '';
  switch (e.kind) {
    case 'delivery_rate_below':
      return t('monitoring.alert.delivery_rate_below', { rate: f.rate(e.rate), sends: f.count(e.sends), min: f.rate(e.minRate), horizon: f.duration(e.horizonMs) });
    case 'delivery_latency_above':
      return t('monitoring.alert.delivery_latency_above', { median: f.duration(e.medianAtLeastMs), sends: f.count(e.sends), max: f.duration(e.maxMedianMs) });
    case 'campaign_seen_below':
      return t('monitoring.alert.campaign_seen_below', { campaign: subject, rate: f.rate(e.rate), after: f.duration(e.afterMs), min: f.rate(e.minSeenRate), sends: f.count(e.sends) });
    case 'platform_incident':
      return t('monitoring.alert.platform_incident', {
        from: f.dateTime(e.windowStart),
        to: f.dateTime(e.windowEnd),
        affected: f.count(e.contactsAffected),
        contacts: f.count(e.contactsInWindow),
        median: f.duration(e.windowMedianMs),
        baseline: f.duration(e.baselineMedianMs),
      });
  }
}

function useAcknowledge(workspaceId: number, onDone: () => void) {
  const { client, notify } = useApp();
  const t = useT();
  const errorText = useErrorText();
  return async (alertId: number) => {
    if (!client) return;
    try {
      await client.call('monitoring:ackAlert', { workspaceId, alertId });
      notify('success', t('monitoring.alerts.acknowledged'));
      onDone();
    } catch (e) {
      notify('error', errorText(e).text);
    }
  };
}

/** The unresolved alerts, at a glance, on the overview. */
export function AlertsGlance(props: { workspaceId: number; f: DashboardFormats; onOpenCentre(): void }) {
  const t = useT();
  const q = useApiQuery('monitoring:alerts', { workspaceId: props.workspaceId, status: 'active', limit: 3 });
  const ack = useAcknowledge(props.workspaceId, q.reload);
  const data = q.data;
  if (!data) return null;
  return (
    <section className={data.active > 0 ? 'card alerts-glance active' : 'card alerts-glance'} aria-labelledby="alerts-glance-title">
      <div className="row spread">
        <h2 id="alerts-glance-title">{data.active > 0 ? t('monitoring.alerts.glance', { count: props.f.count(data.active), unack: props.f.count(data.unacknowledged) }) : t('monitoring.alerts.noneActive')}</h2>
        <button type="button" className="secondary small" onClick={props.onOpenCentre}>
          {t('monitoring.alerts.openCentre')}
        </button>
      </div>
      {data.items.length > 0 && (
        <ul className="alert-list">
          {data.items.map((a) => (
            <li key={a.id}>
              <span>{alertText(a, t, props.f)}</span>{' '}
              {a.status === 'open' ? (
                <button type="button" className="link" onClick={() => void ack(a.id)}>
                  {t('monitoring.alerts.ack')}
                </button>
              ) : (
                <span className="badge">{t('monitoring.alerts.status.acknowledged')}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type AlertFilter = 'all' | 'active' | 'open' | 'resolved';

/** Every alert with its history: when it opened, last fired, was acknowledged or cleared. */
export function AlertCentre(props: { workspaceId: number; f: DashboardFormats }) {
  const t = useT();
  const errorText = useErrorText();
  const { client, notify } = useApp();
  const { f } = props;
  const [status, setStatus] = useState<AlertFilter>('all');
  const [offset, setOffset] = useState(0);
  const [checking, setChecking] = useState(false);
  const q = useApiQuery('monitoring:alerts', { workspaceId: props.workspaceId, status, limit: PAGE, offset });
  const ack = useAcknowledge(props.workspaceId, q.reload);
  const data = q.data;

  const checkNow = async () => {
    if (!client) return;
    setChecking(true);
    try {
      const r = await client.call('monitoring:evaluateAlerts', { workspaceId: props.workspaceId });
      notify('success', t('monitoring.alerts.checked', { opened: f.count(r.opened.length), resolved: f.count(r.resolved.length), active: f.count(r.active) }));
      q.reload();
    } catch (e) {
      notify('error', errorText(e).text);
    } finally {
      setChecking(false);
    }
  };

  return (
    <div className="alert-centre" aria-busy={q.loading}>
      <p className="lead">{t('monitoring.alerts.intro')}</p>
      <div className="row">
        <label htmlFor="alert-status">{t('monitoring.alerts.show')}</label>
        <select
          id="alert-status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as AlertFilter);
            setOffset(0);
          }}
        >
          {(['all', 'active', 'open', 'resolved'] as const).map((s) => (
            <option key={s} value={s}>
              {t(`monitoring.alerts.filter.${s}`)}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void checkNow()} disabled={checking}>
          {t('monitoring.alerts.checkNow')}
        </button>
      </div>
      {q.error !== null && <p role="alert">{errorText(q.error).text}</p>}
      {data && data.items.length === 0 && <p>{t('monitoring.alerts.empty')}</p>}
      {data && data.items.length > 0 && (
        <>
          <div className="table-scroll">
            <table className="data-table">
              <caption>{t('monitoring.alerts.caption', { active: f.count(data.active), unack: f.count(data.unacknowledged) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('monitoring.alerts.col.what')}</th>
                  <th scope="col">{t('monitoring.alerts.col.status')}</th>
                  <th scope="col">{t('monitoring.alerts.col.opened')}</th>
                  <th scope="col">{t('monitoring.alerts.col.last')}</th>
                  <th scope="col">{t('monitoring.alerts.col.action')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((a) => (
                  <tr key={a.id}>
                    <th scope="row" className="alert-what">
                      <span className="alert-kind">{t(`monitoring.alert.kind.${a.kind}`)}</span>
                      <span>{alertText(a, t, f)}</span>
                    </th>
                    <td>
                      {t(`monitoring.alerts.status.${a.status}`)}
                      {a.acknowledgedAt !== null && <div className="hint">{t('monitoring.alerts.ackedAt', { at: f.dateTime(a.acknowledgedAt) })}</div>}
                      {a.resolvedAt !== null && <div className="hint">{t('monitoring.alerts.resolvedAt', { at: f.dateTime(a.resolvedAt) })}</div>}
                    </td>
                    <td>{f.dateTime(a.openedAt)}</td>
                    <td>{f.dateTime(a.lastTriggeredAt)}</td>
                    <td>
                      {a.status === 'open' && (
                        <button type="button" className="secondary small" onClick={() => void ack(a.id)}>
                          {t('monitoring.alerts.ack')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={data.total} offset={offset} limit={PAGE} shown={data.items.length} f={f} onOffset={setOffset} label={t('monitoring.pager.label', { list: t('monitoring.alerts.title') })} />
        </>
      )}
    </div>
  );
}
