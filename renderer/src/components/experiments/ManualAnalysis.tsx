import { useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { MAX_VARIANTS, MIN_VARIANTS, type AbReading } from '../../../../shared/domain/experiments';
import { useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import { methodSentences } from './format';
import { IntervalChart } from './IntervalChart';
import { ComparisonTable, MethodologyNote, SrmBanner, useExperimentFormats, VariantTable, VerdictPanel } from './ReadingPanels';
import { useExperimentErrors } from './useExperimentErrors';

interface Row {
  key: number;
  name: string;
  exposures: string;
  conversions: string;
}

const ALPHAS = [0.1, 0.05, 0.01] as const;

function toNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text.replace(',', '.'));
}

/** Tests run elsewhere: type each variant's counts, read them with the same statistics as the app's own tests. */
export function ManualAnalysis(props: { locale: string; headingRef: RefObject<HTMLHeadingElement | null>; onBack(): void }) {
  const t = useT();
  const id = useId();
  const errorsOf = useExperimentErrors();
  const client = useApp((s) => s.client);
  const f = useExperimentFormats(props.locale);
  const [rows, setRows] = useState<Row[]>([
    { key: 1, name: 'A', exposures: '', conversions: '' },
    { key: 2, name: 'B', exposures: '', conversions: '' },
  ]);
  const [nextKey, setNextKey] = useState(3);
  const [control, setControl] = useState('A');
  const [alpha, setAlpha] = useState<number>(0.05);
  const [planned, setPlanned] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [reading, setReading] = useState<AbReading | null>(null);
  const [busy, setBusy] = useState(false);
  const verdictHeading = useRef<HTMLHeadingElement>(null);
  const focusVerdict = useRef(false);
  useEffect(() => {
    if (reading && focusVerdict.current) {
      focusVerdict.current = false;
      verdictHeading.current?.focus();
    }
  }, [reading]);

  const update = (key: number, patch: Partial<Row>) => {
    setRows((list) => list.map((r) => (r.key === key ? { ...r, ...patch } : r)));
    // An edited row drops its errors: they no longer describe what the user sees.
    const prefix = `variants.${rows.findIndex((r) => r.key === key)}.`;
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([path]) => !path.startsWith(prefix))));
  };

  async function analyse(e: FormEvent) {
    e.preventDefault();
    if (!client || busy) return;
    setBusy(true);
    try {
      const plannedValue = toNumber(planned);
      const result = await client.call('ab:analyze', {
        variants: rows.map((r) => ({ name: r.name, exposures: toNumber(r.exposures), conversions: toNumber(r.conversions) })),
        control: rows.some((r) => r.name === control) ? control : (rows[0]?.name ?? ''),
        alpha,
        ...(Number.isNaN(plannedValue) ? {} : { plannedPerVariant: plannedValue }),
      });
      // The reading appears below the form: take keyboard and screen-reader users to its verdict
      // once it is rendered (the effect above; a frame callback could run before React commits).
      focusVerdict.current = true;
      setErrors({});
      setReading(result);
    } catch (err) {
      setErrors(errorsOf(err).fields);
      setReading(null);
    } finally {
      setBusy(false);
    }
  }

  const field = (path: string, hint?: string) => ({
    'aria-invalid': errors[path] ? true : undefined,
    'aria-describedby': [hint, errors[path] ? `${id}-${path.replace(/\./g, '-')}-error` : undefined].filter(Boolean).join(' ') || undefined,
  });
  const fieldError = (path: string) =>
    errors[path] ? (
      <span id={`${id}-${path.replace(/\./g, '-')}-error`} className="field-error">
        {errors[path]}
      </span>
    ) : null;
  const metricName = t('experiments.manual.metric');

  return (
    <section aria-labelledby={`${id}-title`}>
      <button type="button" className="link back" onClick={props.onBack}>
        {t('experiments.back')}
      </button>
      <h2 id={`${id}-title`} ref={props.headingRef} tabIndex={-1}>
        {t('experiments.manual.title')}
      </h2>
      <p className="lead">{t('experiments.manual.intro')}</p>
      <form className="card wide" onSubmit={(e) => void analyse(e)} noValidate>
        <fieldset>
          <legend>{t('experiments.manual.variants')}</legend>
          {errors.variants && <p className="field-error">{errors.variants}</p>}
          {rows.map((row, index) => (
            <div className="variant-row" key={row.key}>
              <div className="field">
                <label htmlFor={`${id}-name-${row.key}`}>{t('experiments.manual.name', { index: index + 1 })}</label>
                <input id={`${id}-name-${row.key}`} type="text" value={row.name} maxLength={60} onChange={(e) => update(row.key, { name: e.target.value })} {...field(`variants.${index}.name`)} />
                {fieldError(`variants.${index}.name`)}
              </div>
              <div className="field">
                <label htmlFor={`${id}-exposures-${row.key}`}>{t('experiments.manual.exposures', { name: row.name || String(index + 1) })}</label>
                <input id={`${id}-exposures-${row.key}`} type="text" inputMode="numeric" value={row.exposures} onChange={(e) => update(row.key, { exposures: e.target.value })} {...field(`variants.${index}.exposures`)} />
                {fieldError(`variants.${index}.exposures`)}
              </div>
              <div className="field">
                <label htmlFor={`${id}-conversions-${row.key}`}>{t('experiments.manual.conversions', { name: row.name || String(index + 1) })}</label>
                <input id={`${id}-conversions-${row.key}`} type="text" inputMode="numeric" value={row.conversions} onChange={(e) => update(row.key, { conversions: e.target.value })} {...field(`variants.${index}.conversions`)} />
                {fieldError(`variants.${index}.conversions`)}
              </div>
              {rows.length > MIN_VARIANTS && (
                <button type="button" className="secondary" aria-label={t('experiments.variant.remove', { name: row.name || String(index + 1) })} onClick={() => setRows((list) => list.filter((r) => r.key !== row.key))}>
                  {t('experiments.variant.removeShort')}
                </button>
              )}
            </div>
          ))}
          {rows.length < MAX_VARIANTS && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setRows((list) => [...list, { key: nextKey, name: String.fromCharCode(64 + list.length + 1), exposures: '', conversions: '' }]);
                setNextKey((k) => k + 1);
              }}
            >
              {t('experiments.variant.add')}
            </button>
          )}
        </fieldset>
        <div className="row fields">
          <div className="field">
            <label htmlFor={`${id}-control`}>{t('experiments.manual.control')}</label>
            <select id={`${id}-control`} value={control} onChange={(e) => setControl(e.target.value)} {...field('control')}>
              {rows.map((r) => (
                <option key={r.key} value={r.name}>
                  {r.name}
                </option>
              ))}
            </select>
            {fieldError('control')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-alpha`}>{t('experiments.plan.alpha')}</label>
            <select id={`${id}-alpha`} value={alpha} onChange={(e) => setAlpha(Number(e.target.value))}>
              {ALPHAS.map((a) => (
                <option key={a} value={a}>
                  {t('experiments.plan.alphaOption', { level: f.level(1 - a), alpha: f.level(a) })}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-planned`}>{t('experiments.manual.planned')}</label>
            <input id={`${id}-planned`} type="text" inputMode="numeric" value={planned} onChange={(e) => setPlanned(e.target.value)} {...field('plannedPerVariant', `${id}-planned-hint`)} />
            <span id={`${id}-planned-hint`} className="hint">
              {t('experiments.manual.plannedHint')}
            </span>
            {fieldError('plannedPerVariant')}
          </div>
        </div>
        <button type="submit" disabled={busy}>
          {t('experiments.manual.submit')}
        </button>
      </form>

      {reading && (
          <div className="reading">
            <VerdictPanel verdict={reading.verdict} sampleReached={reading.sampleReached} f={f} srmMismatch={reading.srm.mismatch} headingRef={verdictHeading} />
            <SrmBanner srm={reading.srm} f={f} />
            <IntervalChart variants={reading.variants} level={reading.level} metricName={metricName} locale={props.locale} f={f} controlName={reading.comparisons[0]?.control ?? ''} />
            <VariantTable reading={reading} metricName={metricName} f={f} />
            <ComparisonTable reading={reading} f={f} />
            <MethodologyNote sentences={[...methodSentences(reading, t, f), t('experiments.method.manual')]} />
          </div>
      )}
    </section>
  );
}
