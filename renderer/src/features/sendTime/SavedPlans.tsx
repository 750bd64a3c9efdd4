import { useEffect, useMemo, useState } from 'react';
import type { Input } from '../../api/client';
import type { SavedSendPlan, UpliftArm } from '../../../../shared/domain/sendTime';
import type { SegmentAudience } from '../../../../shared/domain/segments';
import { dashboardFormats } from '../../components/dashboard/format';
import { useApiQuery } from '../../components/dashboard/useApiQuery';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import { horizonText } from './format';
import { MethodNotes, useNoteSentences } from './MethodNotes';

export type PlanRequest = Input<'sendtime:plan'>;

/** Saves the plan just built on a campaign: an existing one of the workspace, or a new one by name. */
export function SavePlanForm(props: {
  workspaceId: number;
  request: PlanRequest;
  /** The saved segment version the audience came from: recorded on the campaign (refused if saved since). */
  segment?: SegmentAudience | null;
  locale: string;
  timeZone: string;
  onSaved(saved: SavedSendPlan): void;
}) {
  const t = useT();
  const errorText = useErrorText();
  const client = useApp((s) => s.client);
  const f = useMemo(() => dashboardFormats(props.locale, props.timeZone), [props.locale, props.timeZone]);
  const campaigns = useApiQuery('monitoring:campaigns', { workspaceId: props.workspaceId });
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [name, setName] = useState('');
  const [campaignId, setCampaignId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: 'name' | 'campaign' | null; text: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const list = campaigns.data?.campaigns ?? [];

  async function save() {
    setDone(null);
    setError(null);
    if (mode === 'new' && name.trim() === '') return setError({ field: 'name', text: t('sendtime.save.nameRequired') });
    if (mode === 'existing' && campaignId === '') return setError({ field: 'campaign', text: t('sendtime.save.chooseCampaign') });
    if (!client) return;
    setBusy(true);
    try {
      const out = await client.call('sendtime:save', {
        ...props.request,
        campaign: mode === 'new' ? { name: name.trim() } : { id: Number(campaignId) },
        ...(props.segment ? { segment: { segmentId: props.segment.segmentId, version: props.segment.version } } : {}),
      });
      setDone(t('sendtime.save.done', { id: out.saved.planId, campaign: out.saved.campaignName, n: f.count(out.saved.scheduled), holdout: f.count(out.saved.holdout) }));
      props.onSaved(out.saved);
    } catch (e) {
      const { text, fields } = errorText(e);
      setError({ field: fields['campaign.name'] !== undefined ? 'name' : fields['campaign.id'] !== undefined ? 'campaign' : null, text });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="sendtime-save"
      aria-labelledby="sendtime-save-title"
      aria-busy={busy}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3 id="sendtime-save-title">{t('sendtime.save.title')}</h3>
      <p className="hint">{t('sendtime.save.intro')}</p>
      {props.segment && <p className="sendtime-audience">{t('segments.audience.label', { name: props.segment.name, version: props.segment.version })}</p>}
      <div className="row fields">
        <fieldset>
          <legend>{t('sendtime.save.campaign')}</legend>
          <label className="choice">
            <input type="radio" name="save-mode" checked={mode === 'new'} onChange={() => setMode('new')} /> {t('sendtime.save.new')}
          </label>
          <label className="choice">
            <input type="radio" name="save-mode" checked={mode === 'existing'} onChange={() => setMode('existing')} disabled={list.length === 0} /> {t('sendtime.save.existing')}
          </label>
        </fieldset>
        {mode === 'new' ? (
          <div className="field">
            <label htmlFor="save-name">{t('sendtime.save.name')}</label>
            <input
              id="save-name"
              type="text"
              value={name}
              maxLength={120}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={error?.field === 'name' ? true : undefined}
              aria-describedby={error?.field === 'name' ? 'save-error' : undefined}
            />
          </div>
        ) : (
          <div className="field">
            <label htmlFor="save-campaign">{t('sendtime.save.pick')}</label>
            <select
              id="save-campaign"
              value={campaignId}
              onChange={(e) => setCampaignId(e.target.value)}
              aria-invalid={error?.field === 'campaign' ? true : undefined}
              aria-describedby={error?.field === 'campaign' ? 'save-error' : undefined}
            >
              <option value="">{t('sendtime.save.pickNone')}</option>
              {list.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.lastSentAt === null ? c.name : t('sendtime.save.campaignOption', { name: c.name, date: f.date(c.lastSentAt) })}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('sendtime.save.saving') : t('sendtime.save.submit')}
        </button>
      </div>
      {error && (
        <p id="save-error" className="field-error" role="alert">
          {error.text}
        </p>
      )}
      <p role="status" className="sendtime-saved-status">
        {done ?? ''}
      </p>
    </form>
  );
}

function ArmRow(props: { label: string; arm: UpliftArm; f: ReturnType<typeof dashboardFormats> }) {
  const t = useT();
  const { arm, f } = props;
  return (
    <tr>
      <th scope="row">{props.label}</th>
      <td className="num">{f.count(arm.planned)}</td>
      <td className="num">{f.count(arm.sent)}</td>
      <td className="num">{f.count(arm.pending)}</td>
      <td className="num">{f.count(arm.n)}</td>
      <td className="num">{f.count(arm.seen)}</td>
      <td className="num">{f.rate(arm.rate)}</td>
      <td className="num">{arm.low === null || arm.high === null ? '–' : t('sendtime.cell.intervalShort', { low: f.rate(arm.low), high: f.rate(arm.high) })}</td>
    </tr>
  );
}

/** Planned vs holdout, once the campaign went out and its receipts came in. */
function UpliftView(props: { workspaceId: number; plan: SavedSendPlan; f: ReturnType<typeof dashboardFormats>; locale: string }) {
  const t = useT();
  const errorText = useErrorText();
  const { f, plan } = props;
  const q = useApiQuery('sendtime:uplift', { workspaceId: props.workspaceId, planId: plan.planId });
  const u = q.data;
  const H = horizonText(props.locale, plan.horizonMinutes);
  const detailSentences = useMemo(() => (u ? [u.detail] : []), [u]);
  const detailNotes = useMemo(() => (u?.detailNote ? [u.detailNote] : undefined), [u]);
  const [detail] = useNoteSentences(detailSentences, detailNotes, props.locale, f.timeZone);
  return (
    <section className="sendtime-uplift" aria-labelledby="sendtime-uplift-title" aria-busy={q.loading}>
      <div className="row spread">
        <h3 id="sendtime-uplift-title">{t('sendtime.uplift.title', { campaign: plan.campaignName, id: plan.planId })}</h3>
        <button type="button" className="secondary small" onClick={q.reload} disabled={q.loading}>
          {t('sendtime.uplift.refresh')}
        </button>
      </div>
      {q.error ? (
        <p className="field-error" role="alert">
          {errorText(q.error).text}
        </p>
      ) : !u ? (
        <p role="status">{t('sendtime.uplift.loading')}</p>
      ) : (
        <>
          <p className="headline" role="status">
            {u.status === 'ready' && u.difference
              ? t('sendtime.uplift.ready', {
                  h: H,
                  diff: f.points(u.difference.estimate),
                  low: f.points(u.difference.low),
                  high: f.points(u.difference.high),
                  level: f.axisRate(u.level),
                  verdict:
                    u.difference.low > 0 ? t('sendtime.uplift.better') : u.difference.high < 0 ? t('sendtime.uplift.worse') : t('sendtime.uplift.unclear'),
                })
              : t('sendtime.uplift.notYet')}
          </p>
          <p className="hint">{detail}</p>
          <div className="table-scroll">
            <table className="data-table">
              <caption>{t('sendtime.uplift.caption', { h: H })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sendtime.uplift.arm')}</th>
                  <th scope="col" className="num">{t('sendtime.uplift.planned')}</th>
                  <th scope="col" className="num">{t('sendtime.uplift.sent')}</th>
                  <th scope="col" className="num">{t('sendtime.uplift.pending')}</th>
                  <th scope="col" className="num">{t('sendtime.uplift.n')}</th>
                  <th scope="col" className="num">{t('sendtime.uplift.seen')}</th>
                  <th scope="col" className="num">{t('sendtime.uplift.rate')}</th>
                  <th scope="col" className="num">{t('sendtime.uplift.interval')}</th>
                </tr>
              </thead>
              <tbody>
                <ArmRow label={t('sendtime.uplift.armPlanned')} arm={u.planned} f={f} />
                <ArmRow label={t('sendtime.uplift.armHoldout')} arm={u.holdout} f={f} />
              </tbody>
            </table>
          </div>
          <p className="hint">{t('sendtime.uplift.predicted', { plan: f.rate(plan.predictedRate), usual: f.rate(plan.usualTimeRate) })}</p>
          <MethodNotes method={u.method} assumptions={u.assumptions} notes={u.notes} locale={f.locale} timeZone={f.timeZone} />
        </>
      )}
    </section>
  );
}

/** Plans saved on campaigns, newest first; choosing one shows its planned-vs-holdout uplift. */
export function SavedPlansPanel(props: { workspaceId: number; locale: string; timeZone: string; version: number }) {
  const t = useT();
  const errorText = useErrorText();
  const f = useMemo(() => dashboardFormats(props.locale, props.timeZone), [props.locale, props.timeZone]);
  const q = useApiQuery('sendtime:saved', { workspaceId: props.workspaceId });
  const { reload } = q;
  const [chosen, setChosen] = useState<number | null>(null);
  useEffect(() => {
    if (props.version > 0) reload();
  }, [props.version, reload]);
  const plans = q.data?.plans ?? [];
  const plan = plans.find((p) => p.planId === chosen) ?? null;
  const time = useMemo(() => new Intl.DateTimeFormat(props.locale, { hour: '2-digit', minute: '2-digit', timeZone: props.timeZone }), [props.locale, props.timeZone]);
  return (
    <section className="card wide" aria-labelledby="sendtime-saved-title">
      <h2 id="sendtime-saved-title">{t('sendtime.saved.title')}</h2>
      <p className="hint">{t('sendtime.saved.intro')}</p>
      {q.error ? (
        <p className="field-error" role="alert">
          {errorText(q.error).text}
        </p>
      ) : !q.data ? (
        <p role="status">{t('sendtime.saved.loading')}</p>
      ) : plans.length === 0 ? (
        <p className="empty-state">{t('sendtime.saved.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">{t('sendtime.saved.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sendtime.saved.campaign')}</th>
                <th scope="col">{t('sendtime.saved.window')}</th>
                <th scope="col">H</th>
                <th scope="col" className="num">{t('sendtime.saved.scheduled')}</th>
                <th scope="col" className="num">{t('sendtime.saved.predicted')}</th>
                <th scope="col">{t('sendtime.saved.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {plans.map((p) => (
                <tr key={p.planId}>
                  <td>
                    {p.campaignName} <span className="hint">#{p.planId}</span>
                    {p.audience && (
                      <>
                        <br />
                        <span className="hint">{t('segments.audience.label', { name: p.audience.name, version: p.audience.version })}</span>
                      </>
                    )}
                  </td>
                  <td>{`${f.date(p.start)}, ${time.format(p.start)}–${time.format(p.end)}`}</td>
                  <td>{horizonText(props.locale, p.horizonMinutes)}</td>
                  <td className="num">{t('sendtime.saved.scheduledValue', { n: f.count(p.scheduled), holdout: f.count(p.holdout) })}</td>
                  <td className="num">{`${f.rate(p.predictedRate)} / ${f.rate(p.usualTimeRate)}`}</td>
                  <td>
                    <button type="button" className="secondary small" aria-pressed={chosen === p.planId} onClick={() => setChosen(p.planId)}>
                      {t('sendtime.saved.seeUplift', { id: p.planId })}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {plan && <UpliftView key={plan.planId} workspaceId={props.workspaceId} plan={plan} f={f} locale={props.locale} />}
    </section>
  );
}
