import type { Channel } from '../../../../shared/domain/segmentRule';
import type { MessageKey } from '../../i18n';
import { useT } from '../../i18n/useT';
import { focusId, useBuilder } from './builderContext';
import {
  OPS_BY_KIND,
  PERIOD_FIELDS,
  PERIOD_PRESETS,
  presetPeriod,
  type CampaignAction,
  type DraftCondition,
  type EditorKind,
  type LatencyUnit,
  type PeriodPreset,
} from './draft';

const CHANNELS: readonly Channel[] = ['messenger', 'sms', 'email'];
const ACTIONS: readonly CampaignAction[] = ['received', 'saw', 'replied'];
const UNITS: readonly LatencyUnit[] = ['minutes', 'hours', 'days'];

interface EditorProps {
  condition: DraftCondition;
  number: string;
  kind: EditorKind;
  invalid: boolean;
}

/** Operator label: yes/no kinds word it for their field, comparisons for dates differ from numbers. */
function opKey(kind: EditorKind, op: string): MessageKey {
  if (kind === 'campaign') return `segments.op.campaign.${op}` as MessageKey;
  if (kind === 'segment') return `segments.op.segment.${op}` as MessageKey;
  if (kind === 'time') return `segments.op.time.${op}` as MessageKey;
  if (kind === 'labels') return `segments.op.labels.${op}` as MessageKey;
  return `segments.op.${op}` as MessageKey;
}

/** The controls after the field picker, in the order the condition reads. */
export function ValueEditor({ condition: c, number, kind, invalid }: EditorProps) {
  const t = useT();
  const b = useBuilder();
  const id = focusId(c.key);
  const set = (patch: Partial<DraftCondition>) => b.update(c.key, patch);
  const aria = { 'aria-invalid': invalid ? true : undefined } as const;
  const disabled = b.readOnly;

  const opSelect = (
    <>
      <label className="visually-hidden" htmlFor={`${id}-op`}>
        {t('segments.condition.op', { number })}
      </label>
      <select id={`${id}-op`} value={c.op} disabled={disabled} onChange={(e) => set({ op: e.target.value })}>
        {OPS_BY_KIND[kind].map((op) => (
          <option key={op} value={op}>
            {t(opKey(kind, op))}
          </option>
        ))}
      </select>
    </>
  );

  const textInput = (slot: 'value' | 'value2', labelKey: MessageKey, opts: { unit?: string; type?: 'text' | 'date' | 'datetime-local' } = {}) => (
    <>
      <label className="visually-hidden" htmlFor={`${id}-${slot}`}>
        {t(labelKey, { number })}
      </label>
      <input
        id={`${id}-${slot}`}
        type={opts.type ?? 'text'}
        inputMode={opts.type ? undefined : 'decimal'}
        className={opts.type ? 'date' : 'short'}
        value={c[slot]}
        disabled={disabled}
        {...aria}
        onChange={(e) => set({ [slot]: e.target.value })}
      />
      {opts.unit && <span className="unit">{opts.unit}</span>}
    </>
  );

  /** One value, or two for `between`, with the unit after each. */
  const numberValues = (unit: string | undefined, type?: 'date') => {
    if (c.op === 'empty' || c.op === 'notEmpty') return null;
    const first = textInput('value', c.op === 'between' ? 'segments.condition.from' : 'segments.condition.value', { ...(unit ? { unit } : {}), ...(type ? { type } : {}) });
    if (c.op !== 'between') return first;
    return (
      <>
        {first}
        <span className="word">{t('segments.word.and')}</span>
        {textInput('value2', 'segments.condition.to', { ...(unit ? { unit } : {}), ...(type ? { type } : {}) })}
      </>
    );
  };

  const choiceSelect = (labelKey: MessageKey, value: string, options: { value: string; label: string }[], onChange: (v: string) => void, emptyLabel?: string, suffix = 'choice') => (
    <>
      <label className="visually-hidden" htmlFor={`${id}-${suffix}`}>
        {t(labelKey, { number })}
      </label>
      <select id={`${id}-${suffix}`} value={value} disabled={disabled} {...aria} onChange={(e) => onChange(e.target.value)}>
        {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );

  /** Known values from the data, plus any the rule already names that the data no longer has. */
  const withCurrent = (options: { value: string; label: string }[], current: readonly string[]) => [
    ...options,
    ...current.filter((v) => v !== '' && !options.some((o) => o.value === v)).map((v) => ({ value: v, label: v })),
  ];

  const enumeration = (options: { value: string; label: string }[]) => {
    if (c.op === 'empty' || c.op === 'notEmpty') return null;
    const multi = c.op === 'in' || c.op === 'notIn' || c.op === 'hasAny' || c.op === 'hasAll' || c.op === 'hasNone';
    const all = withCurrent(options, multi ? c.values : [c.value]);
    if (!multi) return choiceSelect('segments.condition.choice', c.value, all, (v) => set({ value: v }), t('segments.condition.choose'));
    if (all.length === 0) return <span className="hint">{t('segments.condition.noValues')}</span>;
    return (
      <fieldset className="value-set" {...aria}>
        <legend className="visually-hidden">{t('segments.condition.values', { number })}</legend>
        {all.map((o) => {
          const checked = c.values.includes(o.value);
          return (
            <label key={o.value} className="check">
              <input
                type="checkbox"
                checked={checked}
                disabled={disabled}
                onChange={() => set({ values: checked ? c.values.filter((v) => v !== o.value) : [...c.values, o.value] })}
              />
              {o.label}
            </label>
          );
        })}
      </fieldset>
    );
  };

  const period = PERIOD_FIELDS.has(c.field) ? <PeriodEditor condition={c} number={number} invalid={invalid} /> : null;

  switch (kind) {
    case 'id':
      return (
        <>
          {opSelect}
          {enumeration(b.fields.pages.map((p) => ({ value: String(p.id), label: p.name ?? p.pageId })))}
        </>
      );
    case 'text': {
      const list = c.field === 'locale' ? b.fields.locales : b.fields.timeZones;
      return (
        <>
          {opSelect}
          {enumeration(list.map((v) => ({ value: v, label: v })))}
        </>
      );
    }
    case 'labels':
      return (
        <>
          {opSelect}
          {enumeration(b.fields.labels.map((v) => ({ value: v, label: v })))}
        </>
      );
    case 'bool':
      return opSelect;
    case 'consent':
      return (
        <>
          {choiceSelect('segments.condition.channel', c.channel, CHANNELS.map((ch) => ({ value: ch, label: t(`segments.channel.${ch}`) })), (v) => set({ channel: v as Channel }), undefined, 'channel')}
          {opSelect}
        </>
      );
    case 'window':
      return (
        <>
          {opSelect}
          {choiceSelect(
            'segments.condition.at',
            c.at,
            [
              { value: 'now', label: t('segments.at.now') },
              { value: 'planned', label: t('segments.at.planned') },
            ],
            (v) => set({ at: v as 'now' | 'planned' }),
            undefined,
            'at',
          )}
          {c.at === 'planned' && textInput('value', 'segments.condition.atTime', { type: 'datetime-local' })}
        </>
      );
    case 'time':
      return (
        <>
          {opSelect}
          {numberValues(undefined, 'date')}
        </>
      );
    case 'count':
      return (
        <>
          {opSelect}
          {numberValues(t('segments.unit.messages'))}
          {period}
        </>
      );
    case 'rate':
      return (
        <>
          {opSelect}
          {numberValues('%')}
          {period}
        </>
      );
    case 'latency':
      return (
        <>
          {opSelect}
          {numberValues(undefined)}
          {c.op !== 'empty' && c.op !== 'notEmpty' &&
            choiceSelect('segments.condition.unit', c.unit, UNITS.map((u) => ({ value: u, label: t(`segments.unit.${u}`) })), (v) => set({ unit: v as LatencyUnit }), undefined, 'unit')}
          {period}
        </>
      );
    case 'replied':
      return (
        <>
          {opSelect}
          {period}
        </>
      );
    case 'campaign': {
      const campaign = b.fields.campaigns.find((x) => String(x.id) === c.value);
      return (
        <>
          {opSelect}
          {choiceSelect('segments.condition.action', c.action, ACTIONS.map((a) => ({ value: a, label: t(`segments.action.${a}`) })), (v) => set({ action: v as CampaignAction }), undefined, 'action')}
          {choiceSelect(
            'segments.condition.campaign',
            c.value,
            withCurrent(b.fields.campaigns.map((x) => ({ value: String(x.id), label: x.name })), [c.value]),
            (v) => set({ value: v, variant: '' }),
            t('segments.condition.choose'),
          )}
          {campaign && campaign.variants.length > 0 &&
            choiceSelect(
              'segments.condition.variant',
              c.variant,
              withCurrent(campaign.variants.map((v) => ({ value: String(v.id), label: v.name })), [c.variant]),
              (v) => set({ variant: v }),
              t('segments.condition.anyVariant'),
              'variant',
            )}
        </>
      );
    }
    case 'segment':
      return (
        <>
          {opSelect}
          {choiceSelect(
            'segments.condition.segment',
            c.value,
            withCurrent(b.fields.segments.filter((s) => s.id !== b.selfId).map((s) => ({ value: String(s.id), label: s.name })), [c.value]),
            (v) => set({ value: v }),
            t('segments.condition.choose'),
          )}
        </>
      );
  }
}

/** Period of outbound sends: a quick choice, or two days (both included) in the workspace's zone. */
function PeriodEditor({ condition: c, number, invalid }: { condition: DraftCondition; number: string; invalid: boolean }) {
  const t = useT();
  const b = useBuilder();
  const id = focusId(c.key);
  const aria = { 'aria-invalid': invalid ? true : undefined } as const;
  const choose = (preset: PeriodPreset) => {
    if (preset === 'custom') b.update(c.key, { preset });
    else b.update(c.key, { preset, ...presetPeriod(preset, b.defaults) });
  };
  return (
    <span className="period">
      <label className="visually-hidden" htmlFor={`${id}-period`}>
        {t('segments.condition.period', { number })}
      </label>
      <select id={`${id}-period`} value={c.preset} disabled={b.readOnly} onChange={(e) => choose(e.target.value as PeriodPreset)}>
        {PERIOD_PRESETS.map((p) => (
          <option key={p} value={p}>
            {p === 'custom' ? t('segments.period.custom') : t('segments.period.last', { days: p })}
          </option>
        ))}
      </select>
      {c.preset === 'custom' && (
        <>
          <label htmlFor={`${id}-from`}>{t('segments.period.from')}</label>
          <input id={`${id}-from`} type="date" className="date" value={c.from} disabled={b.readOnly} {...aria} onChange={(e) => b.update(c.key, { from: e.target.value })} />
          <label htmlFor={`${id}-to`}>{t('segments.period.to')}</label>
          <input id={`${id}-to`} type="date" className="date" value={c.to} disabled={b.readOnly} {...aria} onChange={(e) => b.update(c.key, { to: e.target.value })} />
        </>
      )}
    </span>
  );
}
