import { describe, expect, it } from 'vitest';
import { SegmentRule, type SegmentRule as Rule } from '../../../shared/domain/segmentRule';
import {
  appendTo,
  blankCondition,
  blankGroup,
  changeField,
  countNodes,
  depthOf,
  draftToRule,
  keyAtPath,
  moveNode,
  numberOf,
  removeNode,
  ruleToDraft,
  setGroupOp,
  startOfDayMs,
  updateCondition,
  type DraftCondition,
  type DraftGroup,
} from '../../../renderer/src/features/segments/draft';

// The builder's pure editing model: structural edits with the focus target they leave, and the
// draft ⇄ rule conversion (days in the workspace's zone, exact instants kept on a round trip).

const ZONE = 'America/Toronto';
const defaults = { today: '2026-07-31' };

function root(...children: DraftGroup['children']): DraftGroup {
  return { kind: 'group', key: 'root', op: 'and', children };
}
const cond = (field: DraftCondition['field'], patch: Partial<DraftCondition> = {}): DraftCondition => ({ ...blankCondition(field, defaults), ...patch });

describe('structural edits', () => {
  it('adds a condition and a nested group, focusing what was added', () => {
    const a = cond('optedOut');
    let r = root(a);
    const added = appendTo(r, 'root', blankGroup('or', defaults));
    r = added.root;
    const group = r.children[1] as DraftGroup;
    expect(group.kind).toBe('group');
    expect(added.focus).toBe(group.key);
    const inner = appendTo(r, group.key, blankGroup('not', defaults));
    r = inner.root;
    const deepest = (r.children[1] as DraftGroup).children[1] as DraftGroup;
    expect(depthOf(r, deepest.key)).toBe(3);
    expect(numberOf(r, deepest.children[0]!.key)).toBe('1.2.2.1');
    expect(countNodes(r)).toEqual({ conditions: 3, groups: 3 });
    // Edits never mutate: the first tree still has one child.
    expect(added.root).not.toBe(r);
    expect(root(a).children).toHaveLength(1);
  });

  it('appending to an unknown group changes nothing', () => {
    const r = root(cond('optedOut'));
    expect(appendTo(r, 'nope', cond('consent'))).toEqual({ root: r, focus: null });
  });

  it('removing focuses the next sibling, else the previous one, else the parent group', () => {
    const [a, b, c] = [cond('optedOut'), cond('consent'), cond('recurringProblem')];
    const r = root(a, b, c);
    expect(removeNode(r, b.key).focus).toBe(c.key);
    expect(removeNode(r, c.key).focus).toBe(b.key);
    const lone = cond('optedOut');
    const nested: DraftGroup = { kind: 'group', key: 'g', op: 'or', children: [lone] };
    const r2 = root(a, nested);
    const out = removeNode(r2, lone.key);
    expect(out.focus).toBe('g');
    // The emptied group is kept and reported, not silently dropped.
    expect(draftToRule(out.root, ZONE).problems).toEqual([{ key: 'g', code: 'emptyGroup' }]);
    // The outer group cannot be removed.
    expect(removeNode(r, 'root')).toEqual({ root: r, focus: null });
  });

  it('moves within the siblings and stays put at the ends', () => {
    const [a, b] = [cond('optedOut'), cond('consent')];
    const r = root(a, b);
    const moved = moveNode(r, b.key, -1);
    expect(moved.root.children.map((n) => n.key)).toEqual([b.key, a.key]);
    expect(moved.focus).toBe(b.key);
    expect(moveNode(r, a.key, -1).root).toBe(r);
  });

  it('changes a field from blank values, keeping the key; edits group operators and values', () => {
    const a = cond('seenRate', { value: '20' });
    let r = root(a);
    r = changeField(r, a.key, 'consent', defaults);
    const changed = r.children[0] as DraftCondition;
    expect(changed.key).toBe(a.key);
    expect(changed.value).toBe('');
    expect(changed.op).toBe('isTrue');
    r = updateCondition(setGroupOp(r, 'root', 'or'), a.key, { channel: 'sms' });
    expect(draftToRule(r, ZONE).rule?.root).toEqual({ type: 'group', op: 'or', children: [{ type: 'condition', field: 'consent', channel: 'sms', op: 'isTrue' }] });
  });

  it('maps a validation path from the server to the node it names', () => {
    const inner = cond('seenRate');
    const g: DraftGroup = { kind: 'group', key: 'g', op: 'or', children: [cond('optedOut'), inner] };
    const r = root(cond('consent'), g);
    expect(keyAtPath(r, ['rule', 'root', 'children', '1', 'children', '1', 'test', 'value'])).toBe(inner.key);
    expect(keyAtPath(r, ['rule', 'root', 'children', 1])).toBe('g');
    expect(keyAtPath(r, ['rule', 'root', 'children', 9])).toBe('root');
  });
});

describe('draft → rule', () => {
  it('reads percentages, latencies in their unit, and periods as whole local days', () => {
    const r = root(
      cond('seenRate', { op: 'gte', value: '12,5', from: '2026-07-01', to: '2026-07-31', preset: 'custom' }),
      cond('medianSeenLatency', { op: 'between', value: '1', value2: '90', unit: 'minutes' }),
    );
    const { rule, problems } = draftToRule(r, ZONE);
    expect(problems).toEqual([]);
    const [seen, latency] = rule!.root.children as Extract<Rule['root']['children'][number], { type: 'condition' }>[];
    expect(seen).toMatchObject({ field: 'seenRate', test: { op: 'gte', value: 0.125 } });
    // Toronto is UTC−4 in July: local midnight is 04:00 UTC; the period ends at the start of 1 August.
    expect(seen).toMatchObject({ period: { from: Date.UTC(2026, 6, 1, 4), to: Date.UTC(2026, 7, 1, 4) } });
    expect(latency).toMatchObject({ test: { op: 'between', value: [60_000, 5_400_000] } });
  });

  it('reads date comparisons so that each operator means what it says about whole days', () => {
    const at = (op: string, value: string, value2 = '') => draftToRule(root(cond('lastInboundAt', { op, value, value2 })), ZONE).rule!.root.children[0];
    const start = startOfDayMs('2026-03-08', ZONE)!; // a 23-hour day (DST starts)
    const next = startOfDayMs('2026-03-09', ZONE)!;
    expect(next - start).toBe(23 * 3_600_000);
    expect(at('lt', '2026-03-08')).toMatchObject({ test: { op: 'lt', value: start } });
    expect(at('lte', '2026-03-08')).toMatchObject({ test: { op: 'lte', value: next - 1 } });
    expect(at('gt', '2026-03-08')).toMatchObject({ test: { op: 'gt', value: next - 1 } });
    expect(at('between', '2026-03-08', '2026-03-08')).toMatchObject({ test: { op: 'between', value: [start, next - 1] } });
  });

  it('reports every incomplete condition with its own key and never throws', () => {
    const [a, b, c, d, e] = [
      cond('seenRate', { value: '' }),
      cond('seenRate', { value: '150' }),
      cond('messagesReceived', { op: 'between', value: '5', value2: '2' }),
      cond('campaign'),
      cond('replied', { from: '2026-07-10', to: '2026-07-01', preset: 'custom' }),
    ];
    const out = draftToRule(root(a, b, c, d, e), ZONE);
    expect(out.rule).toBeNull();
    expect(out.problems).toEqual([
      { key: a.key, code: 'value' },
      { key: b.key, code: 'percent' },
      { key: c.key, code: 'order' },
      { key: d.key, code: 'choice' },
      { key: e.key, code: 'period' },
    ]);
    expect(draftToRule(root(cond('locale', { op: 'in', values: [] })), ZONE).problems[0]?.code).toBe('values');
    expect(draftToRule(root(cond('insideWindow', { at: 'planned', value: 'garbage' })), ZONE).problems[0]?.code).toBe('at');
  });
});

describe('rule → draft → rule', () => {
  const rule: Rule = SegmentRule.parse({
    version: 1,
    root: {
      type: 'group',
      op: 'and',
      children: [
        // Instants that are not whole local days (as a CLI or an old version may hold) survive unchanged.
        { type: 'condition', field: 'seenRate', period: { from: 1_780_000_123_456, to: 1_782_000_000_001 }, test: { op: 'gte', value: 0.2 } },
        { type: 'condition', field: 'lastInboundAt', test: { op: 'lt', value: 1_781_234_567_890 } },
        {
          type: 'group',
          op: 'or',
          children: [
            { type: 'condition', field: 'consent', channel: 'sms', op: 'isTrue' },
            { type: 'condition', field: 'labels', test: { op: 'hasAny', value: ['vip', 'new'] } },
            { type: 'condition', field: 'medianSeenLatency', period: { from: 1_780_000_000_000, to: 1_781_000_000_000 }, test: { op: 'lte', value: 7_200_000 } },
            { type: 'condition', field: 'insideWindow', at: 1_781_111_111_000, op: 'isFalse' },
            { type: 'group', op: 'not', children: [{ type: 'condition', field: 'recurringProblem', op: 'isTrue' }] },
            { type: 'condition', field: 'campaign', action: 'saw', campaignId: 3, variantId: 7, op: 'isFalse' },
            { type: 'condition', field: 'page', test: { op: 'in', value: [1, 2] } },
            { type: 'condition', field: 'stuckCount', period: { from: 1_780_000_000_000, to: 1_781_000_000_000 }, test: { op: 'empty' } },
          ],
        },
      ],
    },
  });

  it('gives back exactly the rule it was made from', () => {
    const draft = ruleToDraft(rule, ZONE, defaults);
    expect(draftToRule(draft, ZONE)).toEqual({ rule, problems: [] });
    const latency = (draft.children[2] as DraftGroup).children[2] as DraftCondition;
    expect([latency.value, latency.unit]).toEqual(['2', 'hours']);
  });

  it('a day typed over a loaded instant takes that day’s boundary', () => {
    const draft = ruleToDraft(rule, ZONE, defaults);
    const last = draft.children[1] as DraftCondition;
    const edited = updateCondition(draft, last.key, { value: '2026-06-01' });
    expect(draftToRule(edited, ZONE).rule!.root.children[1]).toMatchObject({ test: { op: 'lt', value: startOfDayMs('2026-06-01', ZONE) } });
  });
});
