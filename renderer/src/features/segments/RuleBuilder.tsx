import type { ConditionField } from '../../../../shared/domain/segmentRule';
import { isMessageKey, type MessageKey } from '../../i18n';
import { useT } from '../../i18n/useT';
import { childNumber, focusId, useBuilder } from './builderContext';
import { FIELD_KIND, FIELD_SECTIONS, type DraftCondition, type DraftGroup, type GroupOp } from './draft';
import { ValueEditor } from './ValueEditors';

const GROUP_OPS: readonly GroupOp[] = ['and', 'or', 'not'];

/** The outermost group of a rule, as nested native controls: every group is a labelled group. */
export function RuleBuilder(props: { root: DraftGroup; number?: string }) {
  return (
    <div className="rule-builder">
      <GroupEditor group={props.root} number={props.number ?? '1'} depth={1} index={0} siblings={1} />
    </div>
  );
}

function GroupEditor(props: { group: DraftGroup; number: string; depth: number; index: number; siblings: number }) {
  const t = useT();
  const b = useBuilder();
  const { group, number, depth } = props;
  const opText = t(`segments.group.op.${group.op}`);
  const label = t('segments.group.label', { number, depth, op: opText });
  const problem = b.problems.get(group.key);
  const isRoot = depth === 1;
  return (
    <div role="group" aria-label={label} className={`rule-group depth-${Math.min(depth, 4)}${problem ? ' has-problem' : ''}`} data-node={group.key}>
      <div className="rule-group-head">
        <span className="node-number" aria-hidden="true">
          {number}
        </span>
        <label htmlFor={focusId(group.key)}>{t('segments.group.opLabel', { number })}</label>
        <select id={focusId(group.key)} value={group.op} disabled={b.readOnly} onChange={(e) => b.setGroupOp(group.key, e.target.value as GroupOp)}>
          {GROUP_OPS.map((op) => (
            <option key={op} value={op}>
              {t(`segments.group.op.${op}`)}
            </option>
          ))}
        </select>
        {!isRoot && !b.readOnly && <NodeTools nodeKey={group.key} kind="group" number={number} index={props.index} siblings={props.siblings} />}
      </div>
      {problem && (
        <p className="field-error" id={`${focusId(group.key)}-problem`}>
          {problem}
        </p>
      )}
      <ol className="rule-children">
        {group.children.map((child, i) => (
          <li key={child.key}>
            {child.kind === 'group' ? (
              <GroupEditor group={child} number={childNumber(number, i)} depth={depth + 1} index={i} siblings={group.children.length} />
            ) : (
              <ConditionEditor condition={child} number={childNumber(number, i)} index={i} siblings={group.children.length} />
            )}
          </li>
        ))}
      </ol>
      {!b.readOnly && (
        <div className="row rule-group-actions">
          <button type="button" className="secondary small" aria-label={t('segments.group.addCondition', { number })} onClick={() => b.addCondition(group.key)}>
            {t('segments.group.addConditionShort')}
          </button>
          <button type="button" className="secondary small" aria-label={t('segments.group.addGroup', { number })} onClick={() => b.addGroup(group.key)}>
            {t('segments.group.addGroupShort')}
          </button>
        </div>
      )}
    </div>
  );
}

/** Move up / down / remove, each labelled with what it acts on. */
function NodeTools(props: { nodeKey: string; kind: 'group' | 'condition'; number: string; index: number; siblings: number }) {
  const t = useT();
  const b = useBuilder();
  const { number, kind } = props;
  return (
    <span className="node-tools">
      <button type="button" className="secondary small icon" aria-label={t(`segments.${kind}.moveUp`, { number })} disabled={props.index === 0} onClick={() => b.move(props.nodeKey, -1)}>
        <span aria-hidden="true">↑</span>
      </button>
      <button
        type="button"
        className="secondary small icon"
        aria-label={t(`segments.${kind}.moveDown`, { number })}
        disabled={props.index === props.siblings - 1}
        onClick={() => b.move(props.nodeKey, 1)}
      >
        <span aria-hidden="true">↓</span>
      </button>
      <button type="button" className="secondary small remove" aria-label={t(`segments.${kind}.remove`, { number })} onClick={() => b.remove(props.nodeKey)}>
        {t('segments.removeShort')}
      </button>
    </span>
  );
}

function ConditionEditor(props: { condition: DraftCondition; number: string; index: number; siblings: number }) {
  const t = useT();
  const b = useBuilder();
  const { condition: c, number } = props;
  const problem = b.problems.get(c.key);
  const unavailable = b.fields.unavailable.find((u) => u.field === c.field);
  // Our own wording when we have it (FR/EN); the server's otherwise.
  const definitionKey = `segments.definition.${c.field}`;
  const definition = isMessageKey(definitionKey) ? t(definitionKey) : b.fields.definitions[c.field];
  const problemId = `${focusId(c.key)}-problem`;
  const unavailableFields = new Set(b.fields.unavailable.map((u) => u.field));
  return (
    <div
      role="group"
      aria-label={t('segments.condition.label', { number })}
      className={`rule-condition${problem ? ' has-problem' : ''}`}
      data-node={c.key}
      aria-describedby={problem ? problemId : undefined}
    >
      <div className="rule-condition-main">
        <span className="node-number" aria-hidden="true">
          {number}
        </span>
        <label className="visually-hidden" htmlFor={focusId(c.key)}>
          {t('segments.condition.field', { number })}
        </label>
        <select
          id={focusId(c.key)}
          className="field-picker"
          value={c.field}
          disabled={b.readOnly}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? problemId : undefined}
          onChange={(e) => b.changeField(c.key, e.target.value as ConditionField)}
        >
          {FIELD_SECTIONS.map((s) => (
            <optgroup key={s.section} label={t(`segments.section.${s.section}`)}>
              {s.fields.map((f) => (
                <option key={f} value={f} disabled={unavailableFields.has(f) && f !== c.field}>
                  {t(`segments.field.${f}` as MessageKey)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <ValueEditor condition={c} number={number} kind={FIELD_KIND[c.field]} invalid={problem !== undefined} />
        {!b.readOnly && <NodeTools nodeKey={c.key} kind="condition" number={number} index={props.index} siblings={props.siblings} />}
      </div>
      {definition && <p className="hint">{definition}</p>}
      {unavailable && <p className="hint warn">{t('segments.condition.unavailable', { reason: unavailable.reason })}</p>}
      {problem && (
        <p className="field-error" id={problemId}>
          {problem}
        </p>
      )}
    </div>
  );
}
