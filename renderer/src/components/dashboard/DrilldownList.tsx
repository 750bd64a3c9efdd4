import { useEffect, useRef, useState } from 'react';
import type { FunnelBasis, FunnelSegment } from '../../../../shared/domain/monitoring';
import { useErrorText, useT } from '../../i18n/useT';
import type { DashboardFormats } from './format';
import { Pager } from './Pager';
import { scopeInput, type DashboardScope } from './scope';
import { useApiQuery } from './useApiQuery';

const PAGE = 50;

/** The messages (or contacts) behind one step of the funnel, a page at a time. */
export function DrilldownList(props: { scope: DashboardScope; basis: FunnelBasis; segment: FunnelSegment; f: DashboardFormats; onClose(): void }) {
  const t = useT();
  const errorText = useErrorText();
  const { f, segment, basis } = props;
  const [offset, setOffset] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => setOffset(0), [segment, basis]);
  useEffect(() => heading.current?.focus(), [segment]);
  const q = useApiQuery('monitoring:drilldown', { ...scopeInput(props.scope), basis, segment, limit: PAGE, offset });
  const title = t('monitoring.drilldown.title', { segment: t(`monitoring.segment.${segment}`) });
  const who = (name: string | null, psid: string) => (name ? `${name} (${psid})` : psid);

  return (
    <section className="card drilldown" aria-labelledby="drilldown-title" aria-busy={q.loading}>
      <div className="row spread">
        <h3 id="drilldown-title" ref={heading} tabIndex={-1}>
          {title}
        </h3>
        <button type="button" className="secondary small" onClick={props.onClose}>
          {t('monitoring.drilldown.close')}
        </button>
      </div>
      {q.error !== null && <p role="alert">{errorText(q.error).text}</p>}
      {q.loading && <p role="status">{t('app.loading')}</p>}
      {q.data && q.data.total === 0 && <p>{t('monitoring.drilldown.empty')}</p>}
      {q.data && q.data.total > 0 && (
        <>
          <div className="table-scroll">
            {q.data.basis === 'messages' ? (
              <table className="data-table">
                <caption className="visually-hidden">{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('monitoring.col.contact')}</th>
                    <th scope="col">{t('monitoring.col.campaign')}</th>
                    <th scope="col">{t('monitoring.col.sent')}</th>
                    <th scope="col">{t('monitoring.col.delivered')}</th>
                    <th scope="col">{t('monitoring.col.seen')}</th>
                    <th scope="col">{t('monitoring.col.replied')}</th>
                  </tr>
                </thead>
                <tbody>
                  {q.data.items.map((m) => (
                    <tr key={m.messageId}>
                      <th scope="row">{who(m.name, m.psid)}</th>
                      <td>{m.campaignName ?? t('monitoring.noCampaign')}</td>
                      <td>{f.dateTime(m.sentAt)}</td>
                      <td>
                        {f.dateTime(m.deliveredAt)}
                        {m.deliveredInferred && <span className="badge">{t('monitoring.inferred')}</span>}
                      </td>
                      <td>{f.dateTime(m.readAt)}</td>
                      <td>{f.dateTime(m.repliedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <table className="data-table">
                <caption className="visually-hidden">{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('monitoring.col.contact')}</th>
                    <th scope="col" className="num">
                      {t('monitoring.col.messages')}
                    </th>
                    <th scope="col" className="num">
                      {t('monitoring.col.delivered')}
                    </th>
                    <th scope="col" className="num">
                      {t('monitoring.col.seen')}
                    </th>
                    <th scope="col" className="num">
                      {t('monitoring.col.replied')}
                    </th>
                    <th scope="col">{t('monitoring.col.lastSent')}</th>
                  </tr>
                </thead>
                <tbody>
                  {q.data.items.map((c) => (
                    <tr key={c.contactId}>
                      <th scope="row">{who(c.name, c.psid)}</th>
                      <td className="num">{f.count(c.messages)}</td>
                      <td className="num">{f.count(c.delivered)}</td>
                      <td className="num">{f.count(c.seen)}</td>
                      <td className="num">{f.count(c.replied)}</td>
                      <td>{f.dateTime(c.lastSentAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          <Pager total={q.data.total} offset={offset} limit={PAGE} shown={q.data.items.length} f={f} onOffset={setOffset} label={t('monitoring.pager.label', { list: title })} />
        </>
      )}
    </section>
  );
}
