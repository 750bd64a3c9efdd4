import { useEffect, useId, useState, type FormEvent } from 'react';
import { ExperimentCampaignKind, ExperimentDimension, MAX_VARIANTS, MIN_VARIANTS, type CampaignOption } from '../../../../shared/domain/experiments';
import type { SegmentSummary } from '../../../../shared/domain/segments';
import { useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import { useExperimentErrors } from './useExperimentErrors';

interface VariantField {
  key: number;
  name: string;
}

const letters = (count: number): VariantField[] => Array.from({ length: count }, (_, i) => ({ key: i + 1, name: String.fromCharCode(65 + i) }));

/** A new experiment: its name, the campaign that carries it (existing or new) and its 2–8 variants. */
export function CreateExperimentForm(props: { workspaceId: number; onCreated(id: number): void }) {
  const t = useT();
  const id = useId();
  const errorsOf = useExperimentErrors();
  const { client, notify } = useApp();
  const [campaigns, setCampaigns] = useState<CampaignOption[]>([]);
  const [segments, setSegments] = useState<SegmentSummary[]>([]);
  const [segmentId, setSegmentId] = useState('');
  const [name, setName] = useState('');
  const [dimension, setDimension] = useState<ExperimentDimension>('wording');
  const [source, setSource] = useState<'new' | 'existing'>('new');
  const [campaignName, setCampaignName] = useState('');
  const [campaignKind, setCampaignKind] = useState<ExperimentCampaignKind>('flash_promo');
  const [campaignId, setCampaignId] = useState<number | null>(null);
  const [variants, setVariants] = useState<VariantField[]>(letters(2));
  const [nextKey, setNextKey] = useState(3);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const free = campaigns.filter((c) => c.experimentName === null);

  useEffect(() => {
    let live = true;
    void client?.call('experiments:campaigns', { workspaceId: props.workspaceId }).then((list) => {
      if (!live) return;
      setCampaigns(list);
      const first = list.find((c) => c.experimentName === null);
      setCampaignId(first?.id ?? null);
    });
    void client?.call('segments:list', { workspaceId: props.workspaceId }).then((out) => {
      if (live) setSegments(out.segments);
    });
    return () => {
      live = false;
    };
  }, [client, props.workspaceId]);

  function chooseCampaign(idValue: number) {
    setCampaignId(idValue);
    // Start from the campaign's own variants: the importer already knows them by name.
    const known = campaigns.find((c) => c.id === idValue)?.variants ?? [];
    if (known.length >= MIN_VARIANTS) {
      setVariants(known.slice(0, MAX_VARIANTS).map((variant, i) => ({ key: nextKey + i, name: variant })));
      setNextKey((k) => k + known.length);
    }
  }

  function chooseSource(next: 'new' | 'existing') {
    setSource(next);
    if (next === 'existing' && campaignId !== null) chooseCampaign(campaignId);
  }

  const chosenSegment = segments.find((sg) => String(sg.id) === segmentId) ?? null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!client || busy) return;
    setBusy(true);
    try {
      const created = await client.call('experiments:create', {
        workspaceId: props.workspaceId,
        name,
        dimension,
        campaign: source === 'existing' && campaignId !== null ? { kind: 'existing', campaignId } : { kind: 'new', name: campaignName || name, campaignKind },
        variants: variants.map((v) => v.name),
        ...(chosenSegment ? { segmentId: chosenSegment.id, segmentVersion: chosenSegment.version } : {}),
      });
      setErrors({});
      notify('success', t('experiments.created', { name: created.name }));
      props.onCreated(created.id);
    } catch (err) {
      const { text, fields } = errorsOf(err);
      setErrors(fields);
      notify('error', text);
    } finally {
      setBusy(false);
    }
  }

  const errorId = (path: string) => `${id}-${path.replace(/\./g, '-')}-error`;
  const fieldError = (path: string) =>
    errors[path] ? (
      <span id={errorId(path)} className="field-error">
        {errors[path]}
      </span>
    ) : null;
  const invalid = (path: string) => ({ 'aria-invalid': errors[path] ? true : undefined, 'aria-describedby': errors[path] ? errorId(path) : undefined });

  return (
    <form className="card wide" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`}>{t('experiments.create.title')}</h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('experiments.field.name')}</label>
        <input id={`${id}-name`} type="text" value={name} maxLength={80} autoComplete="off" onChange={(e) => setName(e.target.value)} {...invalid('name')} />
        {fieldError('name')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-dimension`}>{t('experiments.field.dimension')}</label>
        <select id={`${id}-dimension`} value={dimension} onChange={(e) => setDimension(e.target.value as ExperimentDimension)}>
          {ExperimentDimension.options.map((d) => (
            <option key={d} value={d}>
              {t(`experiments.dimension.${d}`)}
            </option>
          ))}
        </select>
      </div>

      <fieldset>
        <legend>{t('experiments.field.campaign')}</legend>
        <div className="choice">
          <input id={`${id}-source-new`} type="radio" name={`${id}-source`} checked={source === 'new'} onChange={() => chooseSource('new')} />
          <label htmlFor={`${id}-source-new`}>{t('experiments.campaign.new')}</label>
        </div>
        <div className="choice">
          <input id={`${id}-source-existing`} type="radio" name={`${id}-source`} checked={source === 'existing'} disabled={free.length === 0} onChange={() => chooseSource('existing')} aria-describedby={free.length === 0 ? `${id}-none-hint` : undefined} />
          <label htmlFor={`${id}-source-existing`}>{t('experiments.campaign.existing')}</label>
          {free.length === 0 && (
            <span id={`${id}-none-hint`} className="hint">
              {t('experiments.campaign.noneFree')}
            </span>
          )}
        </div>
        {source === 'new' ? (
          <div className="row fields">
            <div className="field">
              <label htmlFor={`${id}-campaign-name`}>{t('experiments.campaign.name')}</label>
              <input id={`${id}-campaign-name`} type="text" value={campaignName} maxLength={120} placeholder={name} onChange={(e) => setCampaignName(e.target.value)} {...invalid('campaign.name')} />
              {fieldError('campaign.name')}
            </div>
            <div className="field">
              <label htmlFor={`${id}-campaign-kind`}>{t('experiments.campaign.kind')}</label>
              <select id={`${id}-campaign-kind`} value={campaignKind} onChange={(e) => setCampaignKind(e.target.value as ExperimentCampaignKind)}>
                {ExperimentCampaignKind.options.map((k) => (
                  <option key={k} value={k}>
                    {t(`experiments.kind.${k}`)}
                  </option>
                ))}
              </select>
            </div>
          </div>
        ) : (
          <div className="field">
            <label htmlFor={`${id}-campaign`}>{t('experiments.campaign.choose')}</label>
            <select id={`${id}-campaign`} value={campaignId ?? ''} onChange={(e) => chooseCampaign(Number(e.target.value))} {...invalid('campaign')}>
              {free.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.variants.length > 0 ? t('experiments.campaign.option', { name: c.name, variants: c.variants.join(', ') }) : c.name}
                </option>
              ))}
            </select>
            {fieldError('campaign')}
          </div>
        )}
      </fieldset>

      <div className="field">
        <label htmlFor={`${id}-segment`}>{t('segments.audience.pick')}</label>
        <select
          id={`${id}-segment`}
          value={segmentId}
          onChange={(e) => setSegmentId(e.target.value)}
          aria-invalid={errors['segmentVersion'] || errors['segmentId'] ? true : undefined}
          aria-describedby={[`${id}-segment-hint`, ...['segmentVersion', 'segmentId'].filter((p) => errors[p]).map(errorId)].join(' ')}
        >
          <option value="">{t('segments.audience.none')}</option>
          {segments.map((sg) => (
            <option key={sg.id} value={sg.id}>
              {t('segments.audience.label', { name: sg.name, version: sg.version })}
            </option>
          ))}
        </select>
        <span id={`${id}-segment-hint`} className="hint">
          {t('segments.audience.pickHint')}
        </span>
        {fieldError('segmentVersion')}
        {fieldError('segmentId')}
      </div>

      <fieldset>
        <legend>{t('experiments.create.variants')}</legend>
        <p className="hint">{t('experiments.create.variantsHint')}</p>
        {fieldError('variants')}
        {variants.map((v, index) => (
          <div className="variant-row" key={v.key}>
            <div className="field grow">
              <label htmlFor={`${id}-variant-${v.key}`}>{index === 0 ? t('experiments.create.controlLabel') : t('experiments.create.variantLabel', { index: index + 1 })}</label>
              <input id={`${id}-variant-${v.key}`} type="text" value={v.name} maxLength={60} onChange={(e) => setVariants((list) => list.map((x) => (x.key === v.key ? { ...x, name: e.target.value } : x)))} {...invalid(`variants.${index}`)} />
              {fieldError(`variants.${index}`)}
            </div>
            {variants.length > MIN_VARIANTS && (
              <button type="button" className="secondary" aria-label={t('experiments.variant.remove', { name: v.name || String(index + 1) })} onClick={() => setVariants((list) => list.filter((x) => x.key !== v.key))}>
                {t('experiments.variant.removeShort')}
              </button>
            )}
          </div>
        ))}
        {variants.length < MAX_VARIANTS && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setVariants((list) => [...list, { key: nextKey, name: String.fromCharCode(65 + list.length) }]);
              setNextKey((k) => k + 1);
            }}
          >
            {t('experiments.variant.add')}
          </button>
        )}
      </fieldset>
      <button type="submit" disabled={busy}>
        {t('experiments.create.submit')}
      </button>
    </form>
  );
}
