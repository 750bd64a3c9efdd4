import type { DashboardFormats } from '../../components/dashboard/format';
import { useT } from '../../i18n/useT';
import type { LiveCount } from './useLiveCount';

export interface RuleTrouble {
  /** Position label of the first condition or group with a problem, if one is known. */
  number: string | null;
  text: string;
  focus(): void;
}

/** The live count: members, how many Messenger can reach now, and a few of them. */
export function CountPanel(props: { live: LiveCount; trouble: RuleTrouble | null; f: DashboardFormats; isStatic?: boolean; staticCount?: number | null }) {
  const t = useT();
  const { live, trouble, f } = props;
  const data = live.data;
  let headline: string;
  if (props.isStatic) headline = t('segments.count.static', { count: f.count(props.staticCount ?? 0) });
  else if (trouble) headline = trouble.number ? t('segments.count.invalidAt', { number: trouble.number, problem: trouble.text }) : t('segments.count.invalid', { problem: trouble.text });
  else if (!data) headline = t('segments.count.counting');
  else headline = t('segments.count.result', { count: f.count(data.count), messageable: f.count(data.messageableNow) });
  return (
    <section className="card count-panel" aria-labelledby="seg-count-title" aria-busy={live.pending}>
      <h3 id="seg-count-title">{t('segments.count.title')}</h3>
      <p
        className={`count-live${trouble ? ' invalid' : ''}`}
        aria-live="polite"
        aria-atomic="true"
        data-count={!trouble && data ? data.count : undefined}
        data-messageable={!trouble && data ? data.messageableNow : undefined}
      >
        {headline}
      </p>
      {trouble && trouble.number && (
        <button type="button" className="secondary small" onClick={trouble.focus}>
          {t('segments.count.goTo', { number: trouble.number })}
        </button>
      )}
      {!props.isStatic && data && !trouble && (
        <>
          <p className="hint">{t('segments.count.messageableHint', { time: f.dateTime(data.at) })}</p>
          {live.pending && <p className="hint">{t('segments.count.updating')}</p>}
          {data.sample.length > 0 && (
            <>
              <h4 id="seg-sample-title">{t('segments.count.sample')}</h4>
              <ul className="sample-list" aria-labelledby="seg-sample-title">
                {data.sample.map((m) => (
                  <li key={m.contactId}>
                    <span className="sample-name">{m.name ?? t('segments.count.noName')}</span> <span className="hint">{m.psid}</span>
                    {m.pageName && <span className="hint"> · {m.pageName}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          <p className="hint method-note">{t(data.method.aggregates ? 'segments.count.method.aggregates' : 'segments.count.method.direct')}</p>
        </>
      )}
    </section>
  );
}
