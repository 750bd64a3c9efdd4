import { useId } from 'react';
import type { MonitoringScopeOptions } from '../../../../shared/api/contracts/monitoring';
import { useT } from '../../i18n/useT';
import { isDayKey, type DashboardFormats } from './format';

export type PeriodPreset = 7 | 30 | 90 | 'custom';

export interface FilterValue {
  pageId: number | null;
  campaignId: number | null;
  preset: PeriodPreset;
  /** Local calendar days, both included (custom period only). */
  fromDay: string;
  toDay: string;
}

/** Page (when there are several), campaign, and the period in the workspace's time zone. */
export function Filters(props: { options: MonitoringScopeOptions; value: FilterValue; onChange(v: FilterValue): void; f: DashboardFormats; anchoredOn: number | null }) {
  const t = useT();
  const id = useId();
  const { options, value, onChange, f } = props;
  const customInvalid = value.preset === 'custom' && (!isDayKey(value.fromDay) || !isDayKey(value.toDay) || value.fromDay > value.toDay);
  return (
    <form className="dashboard-filters card" aria-label={t('monitoring.filters.label')} onSubmit={(e) => e.preventDefault()}>
      {options.pages.length > 1 && (
        <div className="field">
          <label htmlFor={`${id}-page`}>{t('monitoring.filters.page')}</label>
          <select id={`${id}-page`} value={value.pageId ?? ''} onChange={(e) => onChange({ ...value, pageId: e.target.value === '' ? null : Number(e.target.value) })}>
            <option value="">{t('monitoring.filters.allPages')}</option>
            {options.pages.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name ?? p.pageId}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-campaign`}>{t('monitoring.filters.campaign')}</label>
        <select id={`${id}-campaign`} value={value.campaignId ?? ''} onChange={(e) => onChange({ ...value, campaignId: e.target.value === '' ? null : Number(e.target.value) })}>
          <option value="">{t('monitoring.filters.allCampaigns')}</option>
          {options.campaigns.map((c) => (
            <option key={c.id} value={c.id}>
              {c.firstSentAt === null ? c.name : t('monitoring.filters.campaignOption', { name: c.name, date: f.date(c.firstSentAt) })}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="field period">
        <legend>{t('monitoring.filters.period')}</legend>
        <div className="row" role="group">
          {([7, 30, 90, 'custom'] as const).map((p) => (
            <button key={p} type="button" className={value.preset === p ? 'small' : 'secondary small'} aria-pressed={value.preset === p} onClick={() => onChange({ ...value, preset: p })}>
              {p === 'custom' ? t('monitoring.filters.custom') : t('monitoring.filters.lastDays', { days: p })}
            </button>
          ))}
        </div>
        {value.preset === 'custom' && (
          <div className="row">
            <label htmlFor={`${id}-from`}>{t('monitoring.filters.from')}</label>
            <input id={`${id}-from`} type="date" value={value.fromDay} aria-invalid={customInvalid} onChange={(e) => onChange({ ...value, fromDay: e.target.value })} />
            <label htmlFor={`${id}-to`}>{t('monitoring.filters.to')}</label>
            <input id={`${id}-to`} type="date" value={value.toDay} aria-invalid={customInvalid} onChange={(e) => onChange({ ...value, toDay: e.target.value })} />
          </div>
        )}
        {customInvalid && <p className="field-error">{t('monitoring.filters.badPeriod')}</p>}
        <p className="hint">
          {props.anchoredOn === null
            ? t('monitoring.filters.zone', { zone: f.timeZone })
            : t('monitoring.filters.anchored', { date: f.date(props.anchoredOn), zone: f.timeZone })}
        </p>
      </fieldset>
    </form>
  );
}
