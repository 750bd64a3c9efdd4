import { useT } from '../../i18n/useT';
import type { HorizonValue } from './planForm';

/** H, the campaign's useful life: 60 min flash promo, 24 h newsletter, or a custom number of minutes or hours. */
export function HorizonField(props: { idPrefix: string; value: HorizonValue; onChange(v: HorizonValue): void; error: string | null }) {
  const t = useT();
  const { value, idPrefix } = props;
  const errorId = `${idPrefix}-error`;
  return (
    <fieldset className="sendtime-horizon" aria-describedby={props.error ? errorId : undefined}>
      <legend>{t('sendtime.horizon.label')}</legend>
      <div className="field">
        <label htmlFor={`${idPrefix}-preset`}>{t('sendtime.horizon.preset')}</label>
        <select id={`${idPrefix}-preset`} value={value.preset} onChange={(e) => props.onChange({ ...value, preset: e.target.value as HorizonValue['preset'] })}>
          <option value="flash">{t('sendtime.horizon.flash')}</option>
          <option value="newsletter">{t('sendtime.horizon.newsletter')}</option>
          <option value="custom">{t('sendtime.horizon.custom')}</option>
        </select>
      </div>
      {value.preset === 'custom' && (
        <div className="row">
          <div className="field">
            <label htmlFor={`${idPrefix}-amount`}>{t('sendtime.horizon.amount')}</label>
            <input
              id={`${idPrefix}-amount`}
              type="text"
              inputMode="numeric"
              className="short"
              value={value.amount}
              aria-invalid={props.error ? true : undefined}
              aria-describedby={props.error ? errorId : undefined}
              onChange={(e) => props.onChange({ ...value, amount: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${idPrefix}-unit`}>{t('sendtime.horizon.unit')}</label>
            <select id={`${idPrefix}-unit`} value={value.unit} onChange={(e) => props.onChange({ ...value, unit: e.target.value as HorizonValue['unit'] })}>
              <option value="minutes">{t('sendtime.horizon.minutes')}</option>
              <option value="hours">{t('sendtime.horizon.hours')}</option>
            </select>
          </div>
        </div>
      )}
      {props.error && (
        <p id={errorId} className="field-error">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
