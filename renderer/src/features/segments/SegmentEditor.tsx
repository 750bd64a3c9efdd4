import { useCallback, useEffect, useId, useMemo, useRef, useState, type RefObject } from 'react';
import { ApiError } from '../../../../shared/api/errors';
import type { ConditionField, SegmentRule } from '../../../../shared/domain/segmentRule';
import type { SegmentDetail, SegmentFields } from '../../../../shared/domain/segments';
import { describeRule } from '../../../../shared/segments/describe';
import { DAY_MS } from '../../../../shared/time/zones';
import type { DashboardFormats } from '../../components/dashboard/format';
import { errorKey } from '../../i18n';
import { useErrorText, useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';
import { BuilderContext, focusId, type BuilderApi } from './builderContext';
import { CountPanel, type RuleTrouble } from './CountPanel';
import {
  appendTo,
  blankCondition,
  blankGroup,
  changeField,
  dayKeyOf,
  draftToRule,
  keyAtPath,
  moveNode,
  numberOf,
  removeNode,
  ruleToDraft,
  setGroupOp,
  updateCondition,
  type DraftDefaults,
  type DraftGroup,
  type EditResult,
} from './draft';
import { ExportPanel } from './ExportPanel';
import { HistoryPanel } from './HistoryPanel';
import { ruleLookups } from './lookups';
import { RuleBuilder } from './RuleBuilder';
import { useLiveCount } from './useLiveCount';

export type EditorStart = { kind: 'new'; rule: SegmentRule | null; name: string } | { kind: 'saved'; id: number };

interface WorkspaceRef {
  id: number;
  timeZone: string;
}

/** Periods end on today, or on the last send when the data stops earlier (a demo, an old archive). */
export function draftDefaults(fields: SegmentFields, zone: string): DraftDefaults {
  const last = fields.sentRange?.to ?? null;
  const anchor = last !== null && last < fields.now - DAY_MS ? last : fields.now;
  return { today: dayKeyOf(anchor, zone) };
}

const EMPTY_FIELD: ConditionField = 'insideWindow';

/** One segment: the rule builder with its live count and sentence, saving, history and export. */
export function SegmentEditor(props: {
  workspace: WorkspaceRef;
  fields: SegmentFields;
  start: EditorStart;
  f: DashboardFormats;
  headingRef: RefObject<HTMLHeadingElement | null>;
  onBack(): void;
  onSaved(): void;
}) {
  const t = useT();
  const errorText = useErrorText();
  const { client, notify, language } = useApp();
  const id = useId();
  const { workspace, fields, start, f } = props;
  const zone = workspace.timeZone;
  const defaults = useMemo(() => draftDefaults(fields, zone), [fields, zone]);
  const lookups = useMemo(() => ruleLookups(fields, language, zone), [fields, language, zone]);

  const [detail, setDetail] = useState<SegmentDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [root, setRoot] = useState<DraftGroup>(() =>
    start.kind === 'new' && start.rule ? ruleToDraft(start.rule, zone, defaults) : { kind: 'group', key: 'root', op: 'and', children: [blankCondition(EMPTY_FIELD, defaults)] },
  );
  const [name, setName] = useState(start.kind === 'new' ? start.name : '');
  const [note, setNote] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [pendingFocus, setPendingFocus] = useState<string | null>(null);

  const adopt = useCallback(
    (d: SegmentDetail) => {
      setDetail(d);
      setName(d.name);
      const current = d.versions.find((v) => v.version === d.version);
      if (current?.rule) setRoot(ruleToDraft(current.rule, zone, defaults));
    },
    [zone, defaults],
  );

  useEffect(() => {
    if (start.kind !== 'saved' || !client) return;
    let live = true;
    client.call('segments:get', { workspaceId: workspace.id, segmentId: start.id }).then(
      (d) => live && adopt(d),
      (e: unknown) => live && setLoadError(errorText(e).text),
    );
    return () => {
      live = false;
    };
    // Loaded once per opened segment; later changes come back from save and restore.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, start, workspace.id]);

  useEffect(() => {
    if (pendingFocus === null) return;
    document.getElementById(focusId(pendingFocus))?.focus();
    setPendingFocus(null);
  }, [pendingFocus, root]);

  const translateIssue = useCallback(
    (message: string) => {
      const key = errorKey(message);
      return key ? t(key) : message;
    },
    [t],
  );

  const isStatic = detail?.kind === 'static';
  const conversion = useMemo(() => draftToRule(root, zone), [root, zone]);
  const rule = isStatic ? null : conversion.rule;
  const live = useLiveCount(workspace.id, rule, detail?.id ?? null);

  // Problems: the builder's own checks first; the server's answer for a rule it refused.
  const problems = useMemo(() => {
    const map = new Map<string, string>();
    for (const p of conversion.problems) if (!map.has(p.key)) map.set(p.key, t(`segments.problem.${p.code}`));
    if (map.size === 0 && live.error instanceof ApiError && live.error.code === 'BAD_INPUT') {
      for (const issue of live.error.issues ?? []) {
        const path = issue.path.split('.');
        if (path[0] !== 'rule') continue;
        const key = keyAtPath(root, path);
        if (!map.has(key)) map.set(key, translateIssue(issue.message));
      }
    }
    return map;
  }, [conversion, live.error, root, t, translateIssue]);

  const trouble: RuleTrouble | null = useMemo(() => {
    const first = [...problems.entries()][0];
    if (first) {
      const [key, text] = first;
      return { number: numberOf(root, key), text, focus: () => document.getElementById(focusId(key))?.focus() };
    }
    if (live.error) return { number: null, text: errorText(live.error).text, focus: () => undefined };
    return null;
  }, [problems, live.error, root, errorText]);

  // Structural edits read the latest tree through a ref, so the focus target is known outside the state updater.
  const rootRef = useRef(root);
  rootRef.current = root;
  const apply = useCallback((edit: (r: DraftGroup) => EditResult) => {
    const result = edit(rootRef.current);
    rootRef.current = result.root;
    setRoot(result.root);
    if (result.focus) setPendingFocus(result.focus);
  }, []);

  const api: BuilderApi = useMemo(
    () => ({
      fields,
      defaults,
      zone,
      selfId: detail?.id ?? null,
      problems,
      readOnly: false,
      addCondition: (groupKey) => apply((r) => appendTo(r, groupKey, blankCondition(EMPTY_FIELD, defaults))),
      addGroup: (groupKey) => apply((r) => appendTo(r, groupKey, blankGroup('or', defaults))),
      remove: (key) => apply((r) => removeNode(r, key)),
      move: (key, delta) => apply((r) => moveNode(r, key, delta)),
      setGroupOp: (key, op) => setRoot((r) => setGroupOp(r, key, op)),
      update: (key, patch) => setRoot((r) => updateCondition(r, key, patch)),
      changeField: (key, field) => setRoot((r) => changeField(r, key, field, defaults)),
    }),
    [fields, defaults, zone, detail?.id, problems, apply],
  );

  const save = async () => {
    if (!client || !rule) return;
    setSaving(true);
    setNameError(null);
    setSaveError(null);
    try {
      const d = await client.call('segments:save', {
        workspaceId: workspace.id,
        ...(detail ? { segmentId: detail.id, baseVersion: detail.version } : {}),
        name,
        rule,
        ...(note.trim() !== '' ? { note: note.trim() } : {}),
      });
      setDetail(d);
      setNote('');
      notify('success', t('segments.save.saved', { name: d.name, version: d.version }));
      props.onSaved();
    } catch (e) {
      const issues = e instanceof ApiError ? (e.issues ?? []) : [];
      const nameIssue = issues.find((i) => i.path === 'name');
      if (nameIssue) setNameError(translateIssue(nameIssue.message));
      else if (e instanceof ApiError && e.code === 'CONFLICT') setSaveError(t('segments.save.conflict'));
      else setSaveError(errorText(e).text);
    } finally {
      setSaving(false);
    }
  };

  const restore = async (version: number) => {
    if (!client || !detail) return;
    try {
      const d = await client.call('segments:restore', { workspaceId: workspace.id, segmentId: detail.id, version });
      adopt(d);
      notify('success', t('segments.history.restored', { from: version, version: d.version }));
      props.onSaved();
      requestAnimationFrame(() => props.headingRef.current?.focus());
    } catch (e) {
      notify('error', errorText(e).text);
    }
  };

  if (loadError) return <p role="alert">{loadError}</p>;
  if (start.kind === 'saved' && !detail) return <p role="status">{t('app.loading')}</p>;

  const current = detail?.versions.find((v) => v.version === detail.version) ?? null;
  const sentence = rule ? describeRule(rule, language, lookups) : null;

  return (
    <div className="segment-editor">
      <div className="row spread editor-head">
        <h2 ref={props.headingRef} tabIndex={-1}>
          {detail ? t('segments.editor.titleSaved', { name: detail.name, version: detail.version }) : t('segments.editor.titleNew')}
        </h2>
        <button type="button" className="secondary" onClick={props.onBack}>
          {t('segments.editor.back')}
        </button>
      </div>
      <div className="segment-grid">
        <div className="segment-main">
          {isStatic ? (
            <section className="card" aria-labelledby={`${id}-static`}>
              <h3 id={`${id}-static`}>{t('segments.static.title')}</h3>
              <p>{t('segments.static.body', { count: f.count(current?.memberCount ?? 0) })}</p>
            </section>
          ) : (
            <section className="card builder-card" aria-labelledby={`${id}-rule`}>
              <h3 id={`${id}-rule`}>{t('segments.builder.title')}</h3>
              <p className="hint">{t('segments.builder.intro', { zone })}</p>
              <BuilderContext.Provider value={api}>
                <RuleBuilder root={root} />
              </BuilderContext.Provider>
              <div className="rule-sentence-box">
                <h4 id={`${id}-sentence`}>{t('segments.builder.sentence')}</h4>
                <p className="rule-sentence" aria-labelledby={`${id}-sentence`}>
                  {sentence ?? t('segments.builder.sentenceIncomplete')}
                </p>
              </div>
            </section>
          )}
          {!isStatic && (
            <form
              className="card save-form"
              aria-labelledby={`${id}-save`}
              onSubmit={(e) => {
                e.preventDefault();
                void save();
              }}
            >
              <h3 id={`${id}-save`}>{detail ? t('segments.save.titleVersion') : t('segments.save.title')}</h3>
              <div className="field">
                <label htmlFor={`${id}-name`}>{t('segments.save.name')}</label>
                <input
                  id={`${id}-name`}
                  type="text"
                  value={name}
                  required
                  aria-invalid={nameError ? true : undefined}
                  aria-describedby={nameError ? `${id}-name-error` : undefined}
                  onChange={(e) => setName(e.target.value)}
                />
                {nameError && (
                  <span id={`${id}-name-error`} className="field-error">
                    {nameError}
                  </span>
                )}
              </div>
              <div className="field">
                <label htmlFor={`${id}-note`}>{t('segments.save.note')}</label>
                <textarea id={`${id}-note`} rows={2} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
                <span className="hint">{t('segments.save.noteHint')}</span>
              </div>
              <button type="submit" disabled={saving || !rule}>
                {detail ? t('segments.save.submitVersion', { version: detail.version + 1 }) : t('segments.save.submit')}
              </button>
              {!rule && <p className="hint">{t('segments.save.fixFirst')}</p>}
              {saveError && <p role="alert">{saveError}</p>}
            </form>
          )}
          {detail && (
            <HistoryPanel
              key={detail.version}
              detail={detail}
              lang={language}
              lookups={lookups}
              f={f}
              onRestore={restore}
              renderRule={(old, version) => <ReadOnlyRule rule={old} version={version} api={api} />}
            />
          )}
        </div>
        <div className="segment-side">
          <CountPanel live={live} trouble={isStatic ? null : trouble} f={f} isStatic={isStatic} staticCount={current?.memberCount ?? null} />
          <ExportPanel workspaceId={workspace.id} rule={rule} segmentId={detail?.id ?? null} f={f} />
        </div>
      </div>
    </div>
  );
}

const NO_PROBLEMS: ReadonlyMap<string, string> = new Map();

/** An old version in the builder's own layout, every control disabled; numbered "v2", "v2.1"… apart from the live rule. */
function ReadOnlyRule(props: { rule: SegmentRule; version: number; api: BuilderApi }) {
  const { rule, api } = props;
  const root = useMemo(() => ruleToDraft(rule, api.zone, api.defaults), [rule, api.zone, api.defaults]);
  const value = useMemo(() => ({ ...api, problems: NO_PROBLEMS, readOnly: true }), [api]);
  return (
    <BuilderContext.Provider value={value}>
      <RuleBuilder root={root} number={`v${props.version}`} />
    </BuilderContext.Provider>
  );
}
