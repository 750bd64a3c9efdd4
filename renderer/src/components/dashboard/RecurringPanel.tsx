import { useId, useState } from 'react';
import type { FallbackChannel, RecurringCsvOutput, RecurringRule } from '../../../../shared/domain/monitoring';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import { downloadText } from './download';
import type { DashboardFormats } from './format';
import { Pager } from './Pager';
import { useApiQuery } from './useApiQuery';

const PAGE = 50;
const HOUR_MS = 3_600_000;

/** Contacts whose recent messages keep staying undelivered or unseen: the rule, the list, and the fallback export. */
export function RecurringPanel(props: { workspaceId: number; pageId?: number; f: DashboardFormats }) {
  const t = useT();
  const errorText = useErrorText();
  const { client, notify } = useApp();
  const { f } = props;
  const [offset, setOffset] = useState(0);
  const [exported, setExported] = useState<RecurringCsvOutput | null>(null);
  const page = props.pageId !== undefined ? { pageId: props.pageId } : {};
  const q = useApiQuery('monitoring:recurring', { workspaceId: props.workspaceId, ...page, limit: PAGE, offset });
  const data = q.data;

  const exportCsv = async (channel: FallbackChannel) => {
    if (!client) return;
    try {
      const out = await client.call('monitoring:recurringCsv', { workspaceId: props.workspaceId, ...page, channel });
      downloadText(out.fileName, out.csv);
      setExported(out);
    } catch (e) {
      notify('error', errorText(e).text);
    }
  };

  return (
    <div className="recurring" aria-busy={q.loading}>
      <p className="lead">{t('monitoring.recurring.intro')}</p>
      {q.error !== null && <p role="alert">{errorText(q.error).text}</p>}
      {q.loading && !data && <p role="status">{t('app.loading')}</p>}
      {data && (
        <>
          <p className="headline">{t('monitoring.recurring.summary', { count: f.count(data.total) })}</p>
          <div className="row export" role="group" aria-label={t('monitoring.recurring.exportLabel')}>
            <button type="button" onClick={() => void exportCsv('sms')} disabled={data.total === 0}>
              {t('monitoring.recurring.exportSms')}
            </button>
            <button type="button" className="secondary" onClick={() => void exportCsv('email')} disabled={data.total === 0}>
              {t('monitoring.recurring.exportEmail')}
            </button>
          </div>
          <p className="hint">{t('monitoring.recurring.consentNote')}</p>
          <div role="status" className="export-result">
            {exported &&
              t('monitoring.recurring.exported', {
                file: exported.fileName,
                rows: f.count(exported.rows),
                noConsent: f.count(exported.leftOut.noConsent),
                optedOut: f.count(exported.leftOut.optedOut),
                noAddress: f.count(exported.leftOut.noAddress),
              })}
          </div>
          {data.total === 0 ? (
            <p>{t('monitoring.recurring.none')}</p>
          ) : (
            <>
              <div className="table-scroll">
                <table className="data-table">
                  <caption>{t('monitoring.recurring.caption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('monitoring.col.contact')}</th>
                      <th scope="col">{t('monitoring.col.problem')}</th>
                      <th scope="col">{t('monitoring.col.lastSeen')}</th>
                      <th scope="col">{t('monitoring.col.lastSent')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((c) => (
                      <tr key={c.contactId}>
                        <th scope="row">{c.name ? `${c.name} (${c.psid})` : c.psid}</th>
                        <td>{c.summary}</td>
                        <td>{c.lastSeenAt === null ? t('monitoring.never') : f.dateTime(c.lastSeenAt)}</td>
                        <td>{f.dateTime(c.lastSentAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager total={data.total} offset={offset} limit={PAGE} shown={data.items.length} f={f} onOffset={setOffset} label={t('monitoring.pager.label', { list: t('monitoring.recurring.caption') })} />
            </>
          )}
          <RuleEditor
            workspaceId={props.workspaceId}
            rule={data.rule}
            onSaved={() => {
              setOffset(0);
              q.reload();
            }}
          />
        </>
      )}
    </div>
  );
}

type RuleField = 'lastN' | 'ndMin' | 'ndHours' | 'unMin' | 'unHours';

function RuleEditor(props: { workspaceId: number; rule: RecurringRule; onSaved(): void }) {
  const t = useT();
  const errorText = useErrorText();
  const { client, notify } = useApp();
  const id = useId();
  const { rule } = props;
  const [v, setV] = useState<Record<RuleField, string>>({
    lastN: String(rule.lastN),
    ndMin: String(rule.notDelivered.min),
    ndHours: String(rule.notDelivered.withinMs / HOUR_MS),
    unMin: String(rule.unseen.min),
    unHours: String(rule.unseen.withinMs / HOUR_MS),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const num = (s: string) => Number(s.replace(',', '.'));
  // Field paths as the API names them, so its validation messages land on the right input.
  const paths: Record<RuleField, string> = {
    lastN: 'recurringRule.lastN',
    ndMin: 'recurringRule.notDelivered.min',
    ndHours: 'recurringRule.notDelivered.withinMs',
    unMin: 'recurringRule.unseen.min',
    unHours: 'recurringRule.unseen.withinMs',
  };
  const save = async () => {
    if (!client) return;
    try {
      await client.call('monitoring:saveSettings', {
        workspaceId: props.workspaceId,
        recurringRule: {
          lastN: num(v.lastN),
          notDelivered: { min: num(v.ndMin), withinMs: Math.round(num(v.ndHours) * HOUR_MS) },
          unseen: { min: num(v.unMin), withinMs: Math.round(num(v.unHours) * HOUR_MS) },
        },
      });
      setErrors({});
      notify('success', t('monitoring.rule.saved'));
      props.onSaved();
    } catch (e) {
      const err = errorText(e);
      setErrors(err.fields);
      if (Object.keys(err.fields).length === 0) notify('error', err.text);
    }
  };
  const field = (k: RuleField, label: string) => {
    const err = errors[paths[k]];
    return (
      <div className="field" key={k}>
        <label htmlFor={`${id}-${k}`}>{label}</label>
        <input
          id={`${id}-${k}`}
          type="text"
          inputMode="decimal"
          className="short"
          value={v[k]}
          aria-invalid={err !== undefined}
          aria-describedby={err ? `${id}-${k}-error` : undefined}
          onChange={(e) => setV({ ...v, [k]: e.target.value })}
        />
        {err && (
          <span id={`${id}-${k}-error`} className="field-error">
            {err}
          </span>
        )}
      </div>
    );
  };
  return (
    <details className="card editor">
      <summary>{t('monitoring.rule.title')}</summary>
      <p className="hint">
        {t('monitoring.rule.current', {
          n: rule.lastN,
          nd: rule.notDelivered.min,
          ndH: rule.notDelivered.withinMs / HOUR_MS,
          un: rule.unseen.min,
          unH: rule.unseen.withinMs / HOUR_MS,
        })}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="row fields">
          {field('lastN', t('monitoring.rule.lastN'))}
          {field('ndMin', t('monitoring.rule.ndMin'))}
          {field('ndHours', t('monitoring.rule.ndHours'))}
          {field('unMin', t('monitoring.rule.unMin'))}
          {field('unHours', t('monitoring.rule.unHours'))}
        </div>
        <button type="submit">{t('monitoring.rule.save')}</button>
      </form>
    </details>
  );
}
