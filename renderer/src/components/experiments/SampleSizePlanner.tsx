import { useId, useState } from 'react';
import type { AbPlan, PlannerInputs } from '../../../../shared/domain/experiments';
import { useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import type { ExperimentFormats } from './format';
import { useExperimentErrors } from './useExperimentErrors';

const POWERS = [0.8, 0.9] as const;

function parsePercent(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text.replace(',', '.')) / 100;
}

/**
 * How many contacts per variant the test needs, from the rate the control
 * usually gets and the smallest change worth acting on. Computed by `ab:plan`
 * (the same planner as `relais ab plan`).
 */
export function SampleSizePlanner(props: {
  alpha: number;
  variants: number;
  initial: PlannerInputs | null;
  f: ExperimentFormats;
  onUse(plan: { perVariant: number; inputs: PlannerInputs }): void;
}) {
  const t = useT();
  const id = useId();
  const errorsOf = useExperimentErrors();
  const client = useApp((s) => s.client);
  const [baseline, setBaseline] = useState(props.initial ? String(Math.round(props.initial.baseline * 1000) / 10) : '');
  const [mde, setMde] = useState(props.initial ? String(Math.round(props.initial.mde * 1000) / 10) : '');
  const [power, setPower] = useState<number>(props.initial?.power ?? 0.8);
  const [plan, setPlan] = useState<{ result: AbPlan; inputs: PlannerInputs } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function compute() {
    if (!client) return;
    const inputs: PlannerInputs = { baseline: parsePercent(baseline), mde: parsePercent(mde), alpha: props.alpha, power };
    try {
      const result = await client.call('ab:plan', { baseline: inputs.baseline, mde: inputs.mde, alpha: inputs.alpha, power: inputs.power, variants: props.variants });
      setPlan({ result, inputs });
      setErrors({});
    } catch (err) {
      setPlan(null);
      setErrors(errorsOf(err).fields);
    }
  }

  const described = (name: string) => [`${id}-${name}-hint`, errors[name] ? `${id}-${name}-error` : ''].filter(Boolean).join(' ');

  return (
    <fieldset className="planner">
      <legend>{t('experiments.planner.title')}</legend>
      <p className="hint">{t('experiments.planner.intro')}</p>
      <div className="row fields">
        <div className="field">
          <label htmlFor={`${id}-baseline`}>{t('experiments.planner.baseline')}</label>
          <input id={`${id}-baseline`} type="text" inputMode="decimal" className="short" value={baseline} onChange={(e) => setBaseline(e.target.value)} aria-invalid={errors.baseline ? true : undefined} aria-describedby={described('baseline')} />
          <span id={`${id}-baseline-hint`} className="hint">
            {t('experiments.planner.baselineHint')}
          </span>
          {errors.baseline && (
            <span id={`${id}-baseline-error`} className="field-error">
              {errors.baseline}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-mde`}>{t('experiments.planner.mde')}</label>
          <input id={`${id}-mde`} type="text" inputMode="decimal" className="short" value={mde} onChange={(e) => setMde(e.target.value)} aria-invalid={errors.mde ? true : undefined} aria-describedby={described('mde')} />
          <span id={`${id}-mde-hint`} className="hint">
            {t('experiments.planner.mdeHint')}
          </span>
          {errors.mde && (
            <span id={`${id}-mde-error`} className="field-error">
              {errors.mde}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-power`}>{t('experiments.planner.power')}</label>
          <select id={`${id}-power`} value={power} onChange={(e) => setPower(Number(e.target.value))} aria-describedby={`${id}-power-hint`}>
            {POWERS.map((p) => (
              <option key={p} value={p}>
                {props.f.level(p)}
              </option>
            ))}
          </select>
          <span id={`${id}-power-hint`} className="hint">
            {t('experiments.planner.powerHint')}
          </span>
        </div>
      </div>
      <button type="button" className="secondary" onClick={() => void compute()}>
        {t('experiments.planner.compute')}
      </button>
      <p role="status" className="planner-result">
        {plan &&
          t('experiments.planner.result', {
            perVariant: props.f.count(plan.result.perVariant),
            total: props.f.count(plan.result.total),
            variants: props.variants,
          })}
      </p>
      {plan && (
        <button type="button" onClick={() => props.onUse({ perVariant: plan.result.perVariant, inputs: plan.inputs })}>
          {t('experiments.planner.use', { perVariant: props.f.count(plan.result.perVariant) })}
        </button>
      )}
    </fieldset>
  );
}
