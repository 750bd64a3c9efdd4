import { useId, useState } from 'react';
import type { CampaignKind, StuckThresholds } from '../../../../shared/domain/monitoring';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import type { DashboardFormats } from './format';
import { hintText } from './hints';
import { Pager } from './Pager';
import { scopeInput, type DashboardScope } from './scope';
import { useApiQuery } from './useApiQuery';

const PAGE = 25;
const HOUR_MS = 3_600_000;
const KINDS: readonly CampaignKind[] = ['flash_promo', 'notice', 'newsletter', 'other'];
type Status = 'any' | 'not_delivered' | 'delivered_not_seen';

/** Sent but not delivered, or delivered but not seen, past the threshold of the campaign's kind; each with its likely causes. */
export function StuckPanel(props: { scope: DashboardScope; f: DashboardFormats }) {
  const t = useT();
  const errorText = useErrorText();
  const id = useId();
  const { f } = props;
  const [status, setStatus] = useState<Status>('any');
  const [offset, setOffset] = useState(0);
  const q = useApiQuery('monitoring:stuck', { ...scopeInput(props.scope), status, limit: PAGE, offset });
  const data = q.data;

  return (
    <div className="stuck" aria-busy={q.loading}>
      <p className="lead">{t('monitoring.stuck.intro')}</p>
      {data && (
        <p className="headline">
          {t('monitoring.stuck.summary', { total: f.count(data.notDelivered + data.deliveredNotSeen), notDelivered: f.count(data.notDelivered), unseen: f.count(data.deliveredNotSeen) })}
        </p>
      )}
      <div className="field inline">
        <label htmlFor={`${id}-status`}>{t('monitoring.stuck.show')}</label>
        <select
          id={`${id}-status`}
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as Status);
            setOffset(0);
          }}
        >
          <option value="any">{t('monitoring.stuck.status.any')}</option>
          <option value="not_delivered">{t('monitoring.stuck.status.not_delivered')}</option>
          <option value="delivered_not_seen">{t('monitoring.stuck.status.delivered_not_seen')}</option>
        </select>
      </div>
      {q.error !== null && <p role="alert">{errorText(q.error).text}</p>}
      {q.loading && !data && <p role="status">{t('app.loading')}</p>}
      {data && data.items.length === 0 && <p>{t('monitoring.stuck.none')}</p>}
      {data && data.items.length > 0 && (
        <>
          <ol className="stuck-list" aria-label={t('monitoring.stuck.listLabel')}>
            {data.items.map((m) => (
              <li key={m.messageId} className="stuck-item">
                <div className="stuck-head">
                  <strong>{m.name ? `${m.name} (${m.psid})` : m.psid}</strong>
                  <span className={`status-tag ${m.status}`}>{t(`monitoring.stuck.status.${m.status}`)}</span>
                </div>
                <p className="stuck-facts">
                  {t('monitoring.stuck.facts', {
                    campaign: m.campaignName ?? t('monitoring.noCampaign'),
                    kind: t(`monitoring.kind.${m.campaignKind}`),
                    sent: f.dateTime(m.sentAt),
                    stuck: f.duration(m.stuckForMs),
                    threshold: f.duration(m.thresholdMs),
                  })}
                </p>
                {m.hints.length === 0 ? (
                  <p className="hint">{t('monitoring.hint.none')}</p>
                ) : (
                  <ul className="hints" aria-label={t('monitoring.hint.label')}>
                    {m.hints.map((h) => {
                      const text = hintText(h, t, f);
                      return (
                        <li key={h.kind}>
                          <span className="hint-cause">{t('monitoring.hint.likely', { cause: text.cause })}</span> <span className="hint-evidence">{text.evidence}</span>
                        </li>
                      );
                    })}
                  </ul>
                )}
              </li>
            ))}
          </ol>
          <Pager total={status === 'any' ? data.total : status === 'not_delivered' ? data.notDelivered : data.deliveredNotSeen} offset={offset} limit={PAGE} shown={data.items.length} f={f} onOffset={setOffset} label={t('monitoring.pager.label', { list: t('monitoring.stuck.listLabel') })} />
          {data.byCampaign.length > 0 && (
            <div className="table-scroll">
              <table className="data-table">
                <caption>{t('monitoring.stuck.byCampaign')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('monitoring.col.campaign')}</th>
                    <th scope="col">{t('monitoring.col.kind')}</th>
                    <th scope="col" className="num">
                      {t('monitoring.stuck.status.not_delivered')}
                    </th>
                    <th scope="col" className="num">
                      {t('monitoring.stuck.status.delivered_not_seen')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.byCampaign.slice(0, 10).map((c) => (
                    <tr key={c.campaignId ?? 'none'}>
                      <th scope="row">{c.campaignName ?? t('monitoring.noCampaign')}</th>
                      <td>{t(`monitoring.kind.${c.kind}`)}</td>
                      <td className="num">{f.count(c.notDelivered)}</td>
                      <td className="num">{f.count(c.deliveredNotSeen)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {data && <ThresholdEditor workspaceId={props.scope.workspaceId} thresholds={data.thresholds} onSaved={q.reload} />}
    </div>
  );
}

function ThresholdEditor(props: { workspaceId: number; thresholds: StuckThresholds; onSaved(): void }) {
  const t = useT();
  const errorText = useErrorText();
  const { client, notify } = useApp();
  const id = useId();
  const [hours, setHours] = useState<Record<CampaignKind, string>>(() => {
    const out = {} as Record<CampaignKind, string>;
    for (const k of KINDS) out[k] = String(props.thresholds[k] / HOUR_MS);
    return out;
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = async () => {
    const next: Partial<StuckThresholds> = {};
    const bad: Record<string, string> = {};
    for (const k of KINDS) {
      const v = Number(hours[k].replace(',', '.'));
      if (!Number.isFinite(v) || v <= 0) bad[`stuckThresholds.${k}`] = t('error.monitoring.error.window');
      else next[k] = Math.round(v * HOUR_MS);
    }
    setErrors(bad);
    if (Object.keys(bad).length > 0 || !client) return;
    try {
      await client.call('monitoring:saveSettings', { workspaceId: props.workspaceId, stuckThresholds: next });
      notify('success', t('monitoring.thresholds.saved'));
      props.onSaved();
    } catch (e) {
      const err = errorText(e);
      setErrors(err.fields);
      notify('error', err.text);
    }
  };
  return (
    <details className="card editor">
      <summary>{t('monitoring.thresholds.title')}</summary>
      <p className="hint">{t('monitoring.thresholds.intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="row fields">
          {KINDS.map((k) => {
            const err = errors[`stuckThresholds.${k}`];
            return (
              <div className="field" key={k}>
                <label htmlFor={`${id}-${k}`}>{t('monitoring.thresholds.field', { kind: t(`monitoring.kind.${k}`) })}</label>
                <input
                  id={`${id}-${k}`}
                  type="text"
                  inputMode="decimal"
                  className="short"
                  value={hours[k]}
                  aria-invalid={err !== undefined}
                  aria-describedby={err ? `${id}-${k}-error` : undefined}
                  onChange={(e) => setHours({ ...hours, [k]: e.target.value })}
                />
                {err && (
                  <span id={`${id}-${k}-error`} className="field-error">
                    {err}
                  </span>
                )}
              </div>
            );
          })}
        </div>
        <button type="submit">{t('monitoring.thresholds.save')}</button>
      </form>
    </details>
  );
}
