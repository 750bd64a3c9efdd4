import { useMemo, useRef, useState } from 'react';
import type { Output } from '../../api/client';
import { dashboardFormats } from '../../components/dashboard/format';
import { useApiQuery } from '../../components/dashboard/useApiQuery';
import type { MessageKey } from '../../i18n';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import { horizonText } from './format';
import { HorizonField } from './HorizonField';
import { checkPlanForm, defaultDay, parsePsids, type FieldProblem, type PlanField, type PlanFormValue } from './planForm';
import { PlanResult } from './PlanResult';
import type { PlanRequest } from './SavedPlans';
import type { SavedSendPlan } from '../../../../shared/domain/sendTime';
import type { SegmentAudience } from '../../../../shared/domain/segments';

export type PlanOutput = Output<'sendtime:plan'>;
export interface PlanRun {
  output: PlanOutput;
  /** What was asked: saving on a campaign plans again with exactly this. */
  request: PlanRequest;
  /** PSIDs of the pasted list that are no contact of this workspace. */
  unknownPsids: string[];
  audienceSize: number;
  /** The saved segment (and the version listed when the plan was built) the audience came from. */
  segment: SegmentAudience | null;
  /** Counts the plans built on this page: a new plan starts a fresh result view (pages, export and save status). */
  serial: number;
}

const HOURS = Array.from({ length: 24 }, (_, i) => i);

function problemText(t: ReturnType<typeof useT>, p: FieldProblem, f: ReturnType<typeof dashboardFormats>): string {
  if (p.code === 'horizon.longerThanWindow') return t('sendtime.error.horizon.longerThanWindow', { window: horizonText(f.locale, p.windowMinutes) });
  return t(`sendtime.error.${p.code}` as MessageKey);
}

export function PlanPanel(props: { workspaceId: number; locale: string; timeZone: string; onSaved(saved: SavedSendPlan): void }) {
  const t = useT();
  const errorText = useErrorText();
  const client = useApp((s) => s.client);
  const { workspaceId, timeZone } = props;
  const f = useMemo(() => dashboardFormats(props.locale, timeZone), [props.locale, timeZone]);
  const hourLabel = f.hour;
  const [v, setV] = useState<PlanFormValue>(() => ({
    audience: 'all',
    psidText: '',
    segmentId: '',
    horizon: { preset: 'flash', amount: '90', unit: 'minutes' },
    day: defaultDay(Date.now(), timeZone),
    startTime: '11:00',
    endTime: '14:00',
    quiet: true,
    quietStart: 22,
    quietEnd: 8,
    perMinuteCap: '',
    frequencyMax: '',
    frequencyDays: '7',
    holdoutPercent: '10',
    explorePercent: '0',
  }));
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [run, setRun] = useState<PlanRun | null>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const set = (patch: Partial<PlanFormValue>) => setV((old) => ({ ...old, ...patch }));
  const fieldError = (field: PlanField): string | null => {
    const p = problems.find((x) => x.field === field);
    if (p) return problemText(t, p, f);
    if (field === 'perMinuteCap' && run) {
      const capped = run.output.plan.leftOut.filter((l) => l.reason === 'send_cap').length;
      if (capped > 0) return t('sendtime.error.cap.tooSmall', { n: f.count(capped) });
    }
    return null;
  };
  const errProps = (field: PlanField) => {
    const e = fieldError(field);
    return e ? { 'aria-invalid': true as const, 'aria-describedby': `plan-${field}-error` } : {};
  };
  const errorLine = (field: PlanField) => {
    const e = fieldError(field);
    return e ? (
      <p id={`plan-${field}-error`} className="field-error">
        {e}
      </p>
    ) : null;
  };
  const segments = useApiQuery('segments:list', { workspaceId });
  const segmentList = segments.data?.segments ?? [];
  const pasted = useMemo(() => (v.audience === 'list' ? parsePsids(v.psidText) : null), [v.audience, v.psidText]);

  async function submit() {
    setFailure(null);
    const checked = checkPlanForm(v, timeZone, Date.now());
    setProblems(checked.problems);
    if (!checked.plan || !client) {
      // Move to the first field in trouble so keyboard and screen-reader users land on it.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    const plan = checked.plan;
    try {
      let contactIds: number[] | null = null;
      let unknownPsids: string[] = [];
      let psids = plan.psids;
      let segment: SegmentAudience | null = null;
      if (plan.segmentId !== null) {
        const listed = segmentList.find((sg) => sg.id === plan.segmentId);
        segment = listed ? { segmentId: listed.id, name: listed.name, version: listed.version } : null;
        // The segment's members Messenger may be used for (consent, not opted out), as its export gives them.
        setBusy(t('sendtime.plan.segment'));
        const members = await client.call('segments:export', { workspaceId, segmentId: plan.segmentId, channel: 'messenger', fields: ['psid'] });
        psids = parsePsids(members.csv).psids;
        if (psids.length === 0) {
          setProblems([{ field: 'audience', code: 'audience.empty' }]);
          setFailure(t('sendtime.error.audience.segmentEmpty', { excluded: f.count(members.excluded) }));
          return;
        }
      }
      if (psids) {
        setBusy(t('sendtime.plan.resolving', { n: f.count(psids.length) }));
        const resolved = await client.call('sendtime:resolvePsids', { workspaceId, psids });
        unknownPsids = resolved.unknown;
        if (resolved.contacts.length === 0) {
          setProblems([{ field: 'audience', code: 'audience.empty' }]);
          setFailure(t('sendtime.error.audience.noneKnown', { n: f.count(psids.length) }));
          return;
        }
        contactIds = resolved.contacts.map((c) => c.contactId);
      }
      setBusy(contactIds ? t('sendtime.plan.planning', { n: f.count(contactIds.length) }) : t('sendtime.plan.planningAll'));
      const request: PlanRequest = {
        workspaceId,
        contactIds,
        horizonMinutes: plan.horizonMinutes,
        start: plan.start,
        end: plan.end,
        quietHours: plan.quietHours,
        perMinuteCap: plan.perMinuteCap,
        frequencyCap: plan.frequencyCap,
        holdoutShare: plan.holdoutShare,
        explorationShare: plan.explorationShare,
      };
      const output = await client.call('sendtime:plan', request);
      setRun((old) => ({ output, request, unknownPsids, segment, audienceSize: output.plan.sends.length + output.plan.leftOut.length, serial: (old?.serial ?? 0) + 1 }));
      requestAnimationFrame(() => resultHeading.current?.focus());
    } catch (e) {
      const { text, fields } = errorText(e);
      setFailure(text);
      if (fields['contactIds'] !== undefined || Object.keys(fields).some((k) => k.startsWith('contactIds'))) setProblems([{ field: 'audience', code: 'audience.empty' }]);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <section className="card wide sendtime-plan" aria-labelledby="sendtime-plan-title">
        <h2 id="sendtime-plan-title">{t('sendtime.plan.title')}</h2>
        <p className="hint">{t('sendtime.plan.intro')}</p>
        <form
          ref={formRef}
          noValidate
          aria-busy={busy !== null}
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <div className="sendtime-form-grid">
            <fieldset className="sendtime-audience">
              <legend>{t('sendtime.audience.label')}</legend>
              <label className="choice">
                <input type="radio" name="plan-audience" checked={v.audience === 'all'} onChange={() => set({ audience: 'all' })} /> {t('sendtime.audience.all')}
              </label>
              <label className="choice">
                <input type="radio" name="plan-audience" checked={v.audience === 'list'} onChange={() => set({ audience: 'list' })} /> {t('sendtime.audience.list')}
              </label>
              <label className="choice">
                <input type="radio" name="plan-audience" checked={v.audience === 'segment'} onChange={() => set({ audience: 'segment' })} disabled={segmentList.length === 0} />{' '}
                {segmentList.length === 0 ? t('sendtime.audience.segmentNone') : t('sendtime.audience.segment')}
              </label>
              {v.audience === 'segment' && (
                <div className="field">
                  <label htmlFor="plan-segment">{t('sendtime.audience.segmentPick')}</label>
                  <select id="plan-segment" value={v.segmentId} onChange={(e) => set({ segmentId: e.target.value })} {...errProps('audience')}>
                    <option value="">{t('sendtime.audience.segmentChoose')}</option>
                    {segmentList.map((sg) => (
                      <option key={sg.id} value={sg.id}>
                        {sg.name}
                      </option>
                    ))}
                  </select>
                  <span className="hint">{t('sendtime.audience.segmentHint')}</span>
                </div>
              )}
              {v.audience === 'list' && (
                <>
                  <div className="field">
                    <label htmlFor="plan-psids">{t('sendtime.audience.paste')}</label>
                    <textarea id="plan-psids" rows={4} value={v.psidText} onChange={(e) => set({ psidText: e.target.value })} {...errProps('audience')} />
                    <span className="hint" aria-live="polite">
                      {t('sendtime.audience.parsed', { n: f.count(pasted?.psids.length ?? 0), ignored: f.count(pasted?.ignored ?? 0) })}
                    </span>
                  </div>
                  <div className="field">
                    <label htmlFor="plan-psid-file">{t('sendtime.audience.upload')}</label>
                    <input
                      id="plan-psid-file"
                      type="file"
                      accept=".csv,.txt,text/csv,text/plain"
                      onChange={(e) => {
                        const file = e.target.files?.[0];
                        if (file) void file.text().then((text) => set({ psidText: text }));
                      }}
                    />
                  </div>
                </>
              )}
              {errorLine('audience')}
            </fieldset>

            <HorizonField idPrefix="plan-horizon" value={v.horizon} onChange={(horizon) => set({ horizon })} error={fieldError('horizon')} />
              <fieldset>
                <legend>{t('sendtime.window.label', { zone: timeZone })}</legend>
                <div className="row fields">
                  <div className="field">
                    <label htmlFor="plan-day">{t('sendtime.window.day')}</label>
                    <input id="plan-day" type="date" value={v.day} onChange={(e) => set({ day: e.target.value })} {...errProps('day')} />
                  </div>
                  <div className="field">
                    <label htmlFor="plan-startTime">{t('sendtime.window.start')}</label>
                    <input id="plan-startTime" type="time" value={v.startTime} onChange={(e) => set({ startTime: e.target.value })} {...errProps('startTime')} />
                  </div>
                  <div className="field">
                    <label htmlFor="plan-endTime">{t('sendtime.window.end')}</label>
                    <input id="plan-endTime" type="time" value={v.endTime} onChange={(e) => set({ endTime: e.target.value })} {...errProps('endTime')} />
                  </div>
                </div>
                {errorLine('day')}
                {errorLine('startTime')}
                {errorLine('endTime')}
              </fieldset>

          </div>
          <fieldset className="sendtime-limits">
            <legend>{t('sendtime.limits.label')}</legend>
            <div className="row fields">
              <div className="sendtime-quiet">
                <label className="choice">
                  <input type="checkbox" checked={v.quiet} onChange={(e) => set({ quiet: e.target.checked })} /> {t('sendtime.quiet.enable')}
                </label>
                {v.quiet && (
                  <div className="row fields">
                    <div className="field">
                      <label htmlFor="plan-quiet-start">{t('sendtime.quiet.from')}</label>
                      <select id="plan-quiet-start" value={v.quietStart} onChange={(e) => set({ quietStart: Number(e.target.value) })}>
                        {HOURS.map((h) => (
                          <option key={h} value={h}>
                            {hourLabel(h)}
                          </option>
                        ))}
                      </select>
                    </div>
                    <div className="field">
                      <label htmlFor="plan-quiet-end">{t('sendtime.quiet.to')}</label>
                      <select id="plan-quiet-end" value={v.quietEnd} onChange={(e) => set({ quietEnd: Number(e.target.value) })}>
                        {HOURS.map((h) => (
                          <option key={h} value={h}>
                            {hourLabel(h)}
                          </option>
                        ))}
                      </select>
                    </div>
                  </div>
                )}
              </div>
              <div className="field">
                <label htmlFor="plan-perMinuteCap">{t('sendtime.cap.perMinute')}</label>
                <input id="plan-perMinuteCap" type="text" inputMode="numeric" className="short" placeholder={t('sendtime.cap.none')} value={v.perMinuteCap} onChange={(e) => set({ perMinuteCap: e.target.value })} {...errProps('perMinuteCap')} />
              </div>
              <div className="field">
                <label htmlFor="plan-frequencyMax">{t('sendtime.frequency.max')}</label>
                <input id="plan-frequencyMax" type="text" inputMode="numeric" className="short" placeholder={t('sendtime.cap.none')} value={v.frequencyMax} onChange={(e) => set({ frequencyMax: e.target.value })} {...errProps('frequencyMax')} />
              </div>
              <div className="field">
                <label htmlFor="plan-frequencyDays">{t('sendtime.frequency.days')}</label>
                <input id="plan-frequencyDays" type="text" inputMode="numeric" className="short" value={v.frequencyDays} onChange={(e) => set({ frequencyDays: e.target.value })} {...errProps('frequencyDays')} />
              </div>
              <div className="field">
                <label htmlFor="plan-holdoutPercent">{t('sendtime.holdout.label')}</label>
                <input id="plan-holdoutPercent" type="text" inputMode="decimal" className="short" value={v.holdoutPercent} onChange={(e) => set({ holdoutPercent: e.target.value })} {...errProps('holdoutPercent')} />
              </div>
              <div className="field">
                <label htmlFor="plan-explorePercent">{t('sendtime.explore.label')}</label>
                <input id="plan-explorePercent" type="text" inputMode="decimal" className="short" value={v.explorePercent} onChange={(e) => set({ explorePercent: e.target.value })} {...errProps('explorePercent')} />
              </div>
            </div>
            {errorLine('perMinuteCap')}
            {errorLine('frequencyMax')}
            {errorLine('frequencyDays')}
            {errorLine('holdoutPercent')}
            {errorLine('explorePercent')}
            <p className="hint">{t('sendtime.holdout.hint')}</p>
          </fieldset>
          <div className="row">
            <button type="submit" disabled={busy !== null}>
              {t('sendtime.plan.submit')}
            </button>
            <span role="status" className="sendtime-busy">
              {busy ?? ''}
            </span>
          </div>
          {busy !== null && <progress aria-label={busy} />}
          {(failure !== null || problems.length > 0) && (
            <p className="field-error" role="alert">
              {failure ?? t('sendtime.error.summary', { n: f.count(problems.length) })}
            </p>
          )}
        </form>
      </section>
      {run && <PlanResult key={run.serial} run={run} workspaceId={workspaceId} locale={props.locale} timeZone={timeZone} headingRef={resultHeading} onSaved={props.onSaved} />}
    </>
  );
}
