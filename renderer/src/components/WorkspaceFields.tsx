import { useId, useMemo } from 'react';
import { suggestedLocales } from '../../../shared/domain/workspace';
import { useT } from '../i18n/useT';

export interface WorkspaceDraft {
  name: string;
  timeZone: string;
  locale: string;
}

function allTimeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (k: string) => string[] };
  const zones = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : ['UTC', 'Europe/Paris', 'America/Toronto'];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

function localeLabel(tag: string, uiLang: string): string {
  try {
    const names = new Intl.DisplayNames([uiLang], { type: 'language' });
    return `${names.of(tag) ?? tag} (${tag})`;
  } catch {
    return tag;
  }
}

/** Name, time zone and locale inputs with their labels, hints and errors. */
export function WorkspaceFields(props: {
  draft: WorkspaceDraft;
  onChange(draft: WorkspaceDraft): void;
  errors: Record<string, string>;
  uiLanguage: string;
}) {
  const t = useT();
  const id = useId();
  const zones = useMemo(allTimeZones, []);
  const locales = useMemo(() => {
    const list: string[] = [...suggestedLocales];
    if (!list.includes(props.draft.locale)) list.push(props.draft.locale);
    return list;
  }, [props.draft.locale]);
  const { draft, onChange, errors } = props;

  const field = (name: keyof WorkspaceDraft) => ({
    id: `${id}-${name}`,
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': [`${id}-${name}-hint`, errors[name] ? `${id}-${name}-error` : ''].filter(Boolean).join(' '),
  });

  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('field.name')}</label>
        <input {...field('name')} type="text" value={draft.name} maxLength={80} required autoComplete="off" onChange={(e) => onChange({ ...draft, name: e.target.value })} />
        <span id={`${id}-name-hint`} hidden />
        {errors.name && <span id={`${id}-name-error`} className="field-error">{errors.name}</span>}
      </div>
      <div className="field">
        <label htmlFor={`${id}-timeZone`}>{t('field.timeZone')}</label>
        <select {...field('timeZone')} value={draft.timeZone} onChange={(e) => onChange({ ...draft, timeZone: e.target.value })}>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
        <span id={`${id}-timeZone-hint`} className="hint">{t('field.timeZone.hint')}</span>
        {errors.timeZone && <span id={`${id}-timeZone-error`} className="field-error">{errors.timeZone}</span>}
      </div>
      <div className="field">
        <label htmlFor={`${id}-locale`}>{t('field.locale')}</label>
        <select {...field('locale')} value={draft.locale} onChange={(e) => onChange({ ...draft, locale: e.target.value })}>
          {locales.map((l) => (
            <option key={l} value={l}>
              {localeLabel(l, props.uiLanguage)}
            </option>
          ))}
        </select>
        <span id={`${id}-locale-hint`} className="hint">{t('field.locale.hint')}</span>
        {errors.locale && <span id={`${id}-locale-error`} className="field-error">{errors.locale}</span>}
      </div>
    </>
  );
}
