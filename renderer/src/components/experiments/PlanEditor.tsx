import { useCallback, useEffect, useId, useState, type FormEvent, type RefObject } from 'react';
import type { Workspace } from '../../../../shared/domain/workspace';
import {
  PrimaryMetric,
  StoppingRule,
  type AssignmentFormat,
  type Experiment,
  type PlannerInputs,
  type UpdatePlanInput,
} from '../../../../shared/domain/experiments';
import { formatters } from '../../i18n';
import { useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import { metricLabel } from './format';
import { useExperimentFormats } from './ReadingPanels';
import { SampleSizePlanner } from './SampleSizePlanner';
import { downloadFile, useExperimentErrors } from './useExperimentErrors';

type HorizonUnit = 'minutes' | 'hours' | 'days';
const UNIT_MINUTES: Record<HorizonUnit, number> = { minutes: 1, hours: 60, days: 1440 };
const ALPHAS = [0.1, 0.05, 0.01] as const;

interface Draft {
  hypothesis: string;
  primaryMetric: UpdatePlanInput['primaryMetric'];
  horizon: string;
  horizonUnit: HorizonUnit;
  stoppingRule: UpdatePlanInput['stoppingRule'];
  alpha: number;
  priorWeight: string;
  plannedPerVariant: string;
  planner: PlannerInputs | null;
  variants: { variantId: number; name: string; share: string; description: string }[];
}

function draftOf(e: Experiment): Draft {
  const unit: HorizonUnit = e.horizonMinutes % 1440 === 0 ? 'days' : e.horizonMinutes % 60 === 0 ? 'hours' : 'minutes';
  return {
    hypothesis: e.hypothesis,
    primaryMetric: e.primaryMetric,
    horizon: String(e.horizonMinutes / UNIT_MINUTES[unit]),
    horizonUnit: unit,
    stoppingRule: e.stoppingRule,
    alpha: e.alpha,
    priorWeight: String(e.priorWeight),
    plannedPerVariant: e.plannedPerVariant === null ? '' : String(e.plannedPerVariant),
    planner: e.planner,
    variants: e.variants.map((v) => ({ variantId: v.variantId, name: v.name, share: String(Math.round(v.share * 10000) / 100), description: v.description })),
  };
}

/** Which API error path each draft field answers for. */
const errorPathOf: Record<keyof Draft, string> = {
  hypothesis: 'hypothesis',
  primaryMetric: 'primaryMetric',
  horizon: 'horizonMinutes',
  horizonUnit: 'horizonMinutes',
  stoppingRule: 'stoppingRule',
  alpha: 'alpha',
  priorWeight: 'priorWeight',
  plannedPerVariant: 'plannedPerVariant',
  planner: 'planner',
  variants: 'variants',
};

const num = (text: string) => (text.trim() === '' ? Number.NaN : Number(text.replace(',', '.')));

function planInput(id: number, d: Draft): UpdatePlanInput {
  const planned = num(d.plannedPerVariant);
  return {
    id,
    hypothesis: d.hypothesis,
    primaryMetric: d.primaryMetric,
    horizonMinutes: Math.round(num(d.horizon) * UNIT_MINUTES[d.horizonUnit]),
    stoppingRule: d.stoppingRule,
    alpha: d.alpha,
    priorWeight: num(d.priorWeight),
    plannedPerVariant: Number.isNaN(planned) ? null : planned,
    planner: d.planner,
    variants: d.variants.map((v) => ({ variantId: v.variantId, share: num(v.share) / 100, description: v.description })),
  };
}

/** The plan, written before sending: editable while a draft, frozen and exportable once locked. */
export function PlanEditor(props: { experimentId: number; workspace: Workspace; headingRef: RefObject<HTMLHeadingElement | null>; onBack(): void; onResults(): void }) {
  const t = useT();
  const id = useId();
  const errorsOf = useExperimentErrors();
  const { client, notify } = useApp();
  const f = useExperimentFormats(props.workspace.locale);
  const [experiment, setExperiment] = useState<Experiment | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState<'lock' | 'stop' | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    if (!client) return;
    try {
      const loaded = await client.call('experiments:get', { id: props.experimentId });
      setExperiment(loaded);
      setDraft(draftOf(loaded));
    } catch (err) {
      notify('error', errorsOf(err).text);
    }
  }, [client, props.experimentId, notify, errorsOf]);

  useEffect(() => {
    void load();
  }, [load]);

  const set = (patch: Partial<Draft>) => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    // An edited field drops its error: it no longer describes what the user sees.
    const stale = Object.keys(patch).map((key) => errorPathOf[key as keyof Draft]);
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([path]) => !stale.some((prefix) => path === prefix || path.startsWith(`${prefix}.`)))));
  };

  async function save(): Promise<Experiment | null> {
    if (!client || !draft || !experiment) return null;
    try {
      const saved = await client.call('experiments:updatePlan', planInput(experiment.id, draft));
      setErrors({});
      setExperiment(saved);
      return saved;
    } catch (err) {
      const { text, fields } = errorsOf(err);
      setErrors(fields);
      notify('error', text);
      return null;
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    if (await save()) notify('success', t('experiments.plan.saved'));
    setBusy(false);
  }

  async function lock() {
    if (!client || busy) return;
    setBusy(true);
    try {
      if (await save()) {
        const locked = await client.call('experiments:lock', { id: props.experimentId });
        setExperiment(locked);
        setConfirming(null);
        notify('success', t('experiments.plan.lockedNotice'));
        requestAnimationFrame(() => props.headingRef.current?.focus());
      }
    } catch (err) {
      const { text, fields } = errorsOf(err);
      setErrors(fields);
      setConfirming(null);
      notify('error', text);
    } finally {
      setBusy(false);
    }
  }

  async function stop() {
    if (!client) return;
    try {
      setExperiment(await client.call('experiments:stop', { id: props.experimentId }));
      setConfirming(null);
      notify('success', t('experiments.plan.stoppedNotice'));
    } catch (err) {
      notify('error', errorsOf(err).text);
    }
  }

  async function exportAssignments(format: AssignmentFormat) {
    if (!client) return;
    try {
      const file = await client.call('experiments:assignments', { id: props.experimentId, format });
      downloadFile(file.fileName, file.mimeType, file.content);
      notify('success', t('experiments.assignments.exported', { count: f.count(file.count), file: file.fileName }));
    } catch (err) {
      notify('error', errorsOf(err).text);
    }
  }

  const heading = (
    <h2 id={`${id}-title`} ref={props.headingRef} tabIndex={-1}>
      {t('experiments.plan.title', { name: experiment?.name ?? '' })}
    </h2>
  );
  const back = (
    <button type="button" className="link back" onClick={props.onBack}>
      {t('experiments.back')}
    </button>
  );
  if (!experiment || !draft) {
    return (
      <section aria-labelledby={`${id}-title`}>
        {back}
        {heading}
        <p role="status">{t('app.loading')}</p>
      </section>
    );
  }

  const audience = experiment.audience ? (
    <p className="experiment-audience">{t('segments.audience.label', { name: experiment.audience.name, version: experiment.audience.version })}</p>
  ) : null;
  const dates = formatters(props.workspace.locale, props.workspace.timeZone);
  const errorId = (path: string) => `${id}-${path.replace(/\./g, '-')}-error`;
  const described = (path: string, hint?: string) => [hint, errors[path] ? errorId(path) : undefined].filter(Boolean).join(' ') || undefined;
  const fieldError = (path: string) =>
    errors[path] ? (
      <span id={errorId(path)} className="field-error">
        {errors[path]}
      </span>
    ) : null;

  if (experiment.lockedAt !== null) {
    return (
      <section aria-labelledby={`${id}-title`}>
        {back}
        {heading}
        {audience}
        <p className="lead">
          <span className="badge">{t(`experiments.status.${experiment.status}`)}</span>{' '}
          {t('experiments.plan.lockedAt', { date: dates.dateTime(experiment.lockedAt) })}
          {experiment.stoppedAt !== null && ` ${t('experiments.plan.stoppedAt', { date: dates.dateTime(experiment.stoppedAt) })}`}
        </p>
        <dl className="facts">
          <dt>{t('experiments.field.campaign')}</dt>
          <dd>
            {experiment.campaign.name}
            {experiment.campaign.ref && (
              <>
                {' '}
                <code>{experiment.campaign.ref}</code>
              </>
            )}
          </dd>
          <dt>{t('experiments.field.dimension')}</dt>
          <dd>{t(`experiments.dimension.${experiment.dimension}`)}</dd>
          <dt>{t('experiments.plan.hypothesis')}</dt>
          <dd className="prewrap">{experiment.hypothesis}</dd>
          <dt>{t('experiments.plan.metric')}</dt>
          <dd>{t('experiments.plan.metricWithin', { metric: metricLabel(experiment.primaryMetric, t), horizon: f.horizon(experiment.horizonMinutes) })}</dd>
          <dt>{t('experiments.plan.variants')}</dt>
          <dd>
            <ul className="plain">
              {experiment.variants.map((v) => (
                <li key={v.variantId}>
                  {t('experiments.plan.variantShare', { name: v.name, share: f.rate(v.share) })}
                  {v.isControl && <span className="badge">{t('experiments.control')}</span>}
                  {v.description && <span className="muted"> — {v.description}</span>}
                </li>
              ))}
            </ul>
          </dd>
          <dt>{t('experiments.plan.sample')}</dt>
          <dd>
            {t('experiments.plan.sampleValue', { perVariant: f.count(experiment.plannedPerVariant ?? 0) })}
            {experiment.planner && (
              <span className="muted">
                {' '}
                {t('experiments.plan.sampleBasis', {
                  baseline: f.rate(experiment.planner.baseline),
                  mde: f.points(experiment.planner.mde),
                  power: f.level(experiment.planner.power),
                })}
              </span>
            )}
          </dd>
          <dt>{t('experiments.plan.rule')}</dt>
          <dd>{t(`experiments.rule.${experiment.stoppingRule}`)}</dd>
          <dt>{t('experiments.plan.alpha')}</dt>
          <dd>{t('experiments.plan.alphaOption', { level: f.level(1 - experiment.alpha), alpha: f.level(experiment.alpha) })}</dd>
          <dt>{t('experiments.plan.priorWeight')}</dt>
          <dd>{experiment.priorWeight > 0 ? f.count(experiment.priorWeight) : t('experiments.plan.priorNone')}</dd>
          <dt>{t('experiments.plan.seed')}</dt>
          <dd>
            <code>{experiment.seed}</code>
          </dd>
        </dl>
        <div className="row actions">
          <button type="button" onClick={props.onResults}>
            {t('experiments.plan.openResults')}
          </button>
          <button type="button" className="secondary" onClick={() => void exportAssignments('csv')}>
            {t('experiments.assignments.csv')}
          </button>
          <button type="button" className="secondary" onClick={() => void exportAssignments('json')}>
            {t('experiments.assignments.json')}
          </button>
          {experiment.stoppedAt === null && (
            <button type="button" className="secondary" onClick={() => setConfirming('stop')} aria-expanded={confirming === 'stop'}>
              {t('experiments.plan.stop')}
            </button>
          )}
        </div>
        <p className="hint">{t('experiments.assignments.hint')}</p>
        {confirming === 'stop' && (
          <div className="card confirm">
            <p>{experiment.stoppingRule === 'fixedHorizon' ? t('experiments.plan.stopWarningFixed') : t('experiments.plan.stopWarning')}</p>
            <div className="row">
              <button type="button" className="destructive" onClick={() => void stop()}>
                {t('experiments.plan.stopConfirm')}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                {t('experiments.cancel')}
              </button>
            </div>
          </div>
        )}
      </section>
    );
  }

  const shareTotal = draft.variants.reduce((sum, v) => sum + (Number.isNaN(num(v.share)) ? 0 : num(v.share)), 0);

  return (
    <section aria-labelledby={`${id}-title`}>
      {back}
      {heading}
      {audience}
      <p className="lead">{t('experiments.plan.intro')}</p>
      <form className="card wide" onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-hypothesis`}>{t('experiments.plan.hypothesis')}</label>
          <textarea
            id={`${id}-hypothesis`}
            rows={3}
            maxLength={2000}
            value={draft.hypothesis}
            onChange={(e) => set({ hypothesis: e.target.value })}
            aria-invalid={errors.hypothesis ? true : undefined}
            aria-describedby={described('hypothesis', `${id}-hypothesis-hint`)}
          />
          <span id={`${id}-hypothesis-hint`} className="hint">
            {t('experiments.plan.hypothesisHint')}
          </span>
          {fieldError('hypothesis')}
        </div>

        <fieldset>
          <legend>{t('experiments.plan.metric')}</legend>
          {PrimaryMetric.options.map((metric) => (
            <div className="choice" key={metric}>
              <input id={`${id}-metric-${metric}`} type="radio" name={`${id}-metric`} value={metric} checked={draft.primaryMetric === metric} onChange={() => set({ primaryMetric: metric })} aria-describedby={`${id}-metric-${metric}-hint`} />
              <label htmlFor={`${id}-metric-${metric}`}>{metricLabel(metric, t)}</label>
              <span id={`${id}-metric-${metric}-hint`} className="hint">
                {t(`experiments.metricHint.${metric}`)}
              </span>
            </div>
          ))}
        </fieldset>

        <div className="row fields">
          <div className="field">
            <label htmlFor={`${id}-horizon`}>{t('experiments.plan.horizon')}</label>
            <input id={`${id}-horizon`} type="text" inputMode="decimal" className="short" value={draft.horizon} onChange={(e) => set({ horizon: e.target.value })} aria-invalid={errors.horizonMinutes ? true : undefined} aria-describedby={described('horizonMinutes', `${id}-horizon-hint`)} />
            {fieldError('horizonMinutes')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-unit`}>{t('experiments.plan.horizonUnit')}</label>
            <select id={`${id}-unit`} value={draft.horizonUnit} onChange={(e) => set({ horizonUnit: e.target.value as HorizonUnit })}>
              <option value="minutes">{t('experiments.unit.minutes')}</option>
              <option value="hours">{t('experiments.unit.hours')}</option>
              <option value="days">{t('experiments.unit.days')}</option>
            </select>
          </div>
        </div>
        <p id={`${id}-horizon-hint`} className="hint">
          {t('experiments.plan.horizonHint')}
        </p>

        <fieldset>
          <legend>{t('experiments.plan.variants')}</legend>
          <p className="hint" id={`${id}-split-hint`}>
            {t('experiments.plan.splitHint', { total: f.decimal(shareTotal) })}
          </p>
          {fieldError('variants')}
          {draft.variants.map((v, index) => (
            <div className="variant-row" key={v.variantId}>
              <div className="field">
                <label htmlFor={`${id}-share-${v.variantId}`}>{t('experiments.plan.share', { name: v.name })}</label>
                <input
                  id={`${id}-share-${v.variantId}`}
                  type="text"
                  inputMode="decimal"
                  className="short"
                  value={v.share}
                  onChange={(e) => set({ variants: draft.variants.map((x) => (x.variantId === v.variantId ? { ...x, share: e.target.value } : x)) })}
                  aria-invalid={errors[`variants.${index}.share`] || errors.variants ? true : undefined}
                  aria-describedby={described(`variants.${index}.share`, `${id}-split-hint`)}
                />
                {fieldError(`variants.${index}.share`)}
              </div>
              <div className="field grow">
                <label htmlFor={`${id}-description-${v.variantId}`}>
                  {t('experiments.plan.description', { name: v.name })}
                  {index === 0 && <span className="badge">{t('experiments.control')}</span>}
                </label>
                <input
                  id={`${id}-description-${v.variantId}`}
                  type="text"
                  maxLength={500}
                  value={v.description}
                  onChange={(e) => set({ variants: draft.variants.map((x) => (x.variantId === v.variantId ? { ...x, description: e.target.value } : x)) })}
                />
              </div>
            </div>
          ))}
          <button type="button" className="secondary" onClick={() => set({ variants: draft.variants.map((v) => ({ ...v, share: String(Math.round(10000 / draft.variants.length) / 100) })) })}>
            {t('experiments.plan.equalSplit')}
          </button>
        </fieldset>

        <fieldset>
          <legend>{t('experiments.plan.rule')}</legend>
          {StoppingRule.options.map((rule) => (
            <div className="choice" key={rule}>
              <input id={`${id}-rule-${rule}`} type="radio" name={`${id}-rule`} value={rule} checked={draft.stoppingRule === rule} onChange={() => set({ stoppingRule: rule })} aria-describedby={`${id}-rule-${rule}-hint`} />
              <label htmlFor={`${id}-rule-${rule}`}>{t(`experiments.rule.${rule}`)}</label>
              <span id={`${id}-rule-${rule}-hint`} className="hint">
                {t(`experiments.ruleHint.${rule}`)}
              </span>
            </div>
          ))}
        </fieldset>

        <div className="row fields">
          <div className="field">
            <label htmlFor={`${id}-alpha`}>{t('experiments.plan.alpha')}</label>
            <select id={`${id}-alpha`} value={draft.alpha} onChange={(e) => set({ alpha: Number(e.target.value) })}>
              {ALPHAS.map((a) => (
                <option key={a} value={a}>
                  {t('experiments.plan.alphaOption', { level: f.level(1 - a), alpha: f.level(a) })}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-prior`}>{t('experiments.plan.priorWeight')}</label>
            <input id={`${id}-prior`} type="text" inputMode="numeric" className="short" value={draft.priorWeight} onChange={(e) => set({ priorWeight: e.target.value })} aria-invalid={errors.priorWeight ? true : undefined} aria-describedby={described('priorWeight', `${id}-prior-hint`)} />
            <span id={`${id}-prior-hint`} className="hint">
              {t('experiments.plan.priorHint')}
            </span>
            {fieldError('priorWeight')}
          </div>
        </div>

        <SampleSizePlanner
          alpha={draft.alpha}
          variants={draft.variants.length}
          initial={draft.planner}
          f={f}
          onUse={({ perVariant, inputs }) => set({ plannedPerVariant: String(perVariant), planner: inputs })}
        />

        <div className="field">
          <label htmlFor={`${id}-planned`}>{t('experiments.plan.sample')}</label>
          <input
            id={`${id}-planned`}
            type="text"
            inputMode="numeric"
            className="short"
            value={draft.plannedPerVariant}
            onChange={(e) => set({ plannedPerVariant: e.target.value, planner: null })}
            aria-invalid={errors.plannedPerVariant ? true : undefined}
            aria-describedby={described('plannedPerVariant', `${id}-planned-hint`)}
          />
          <span id={`${id}-planned-hint`} className="hint">
            {t('experiments.plan.sampleHint')}
          </span>
          {fieldError('plannedPerVariant')}
        </div>

        <div className="row actions">
          <button type="submit" className="secondary" disabled={busy}>
            {t('experiments.plan.save')}
          </button>
          <button type="button" onClick={() => setConfirming('lock')} aria-expanded={confirming === 'lock'} disabled={busy}>
            {t('experiments.plan.lock')}
          </button>
        </div>
        {confirming === 'lock' && (
          <div className="confirm">
            <p>{t('experiments.plan.lockWarning')}</p>
            <div className="row">
              <button type="button" onClick={() => void lock()} disabled={busy}>
                {t('experiments.plan.lockConfirm')}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                {t('experiments.cancel')}
              </button>
            </div>
          </div>
        )}
      </form>
    </section>
  );
}
