import {
  SegmentRule,
  SEGMENT_RULE_VERSION,
  type Channel,
  type Condition,
  type ConditionField,
  type Group,
  type NumberTest,
  type RuleNode,
} from '../../../../shared/domain/segmentRule';
import { DAY_MS, HOUR_MS, zonedParts, zonedTimeToUtc } from '../../../../shared/time/zones';

/**
 * The builder edits a draft, not a SegmentRule: a tree with stable keys (for React and focus)
 * whose values are the texts of the inputs, so a half-typed rule is a normal state rather than
 * an error. `draftToRule` turns it into a rule, or into problems keyed by node. Dates are
 * calendar days in the workspace's time zone; the exact instants of a loaded rule are kept while
 * the day shown for them is unchanged, so opening and saving an old version changes nothing.
 */

export type GroupOp = Group['op'];
export type EditorKind = 'id' | 'text' | 'labels' | 'bool' | 'consent' | 'time' | 'window' | 'count' | 'rate' | 'latency' | 'replied' | 'campaign' | 'segment';
export type LatencyUnit = 'minutes' | 'hours' | 'days';
export type CampaignAction = 'received' | 'saw' | 'replied';
/** Quick periods, in days ending on the defaults' last day; 'custom' shows the two day inputs. */
export type PeriodPreset = '7' | '30' | '90' | '180' | 'custom';
export const PERIOD_PRESETS: readonly PeriodPreset[] = ['7', '30', '90', '180', 'custom'];

export const FIELD_KIND: Record<ConditionField, EditorKind> = {
  page: 'id',
  locale: 'text',
  timeZone: 'text',
  labels: 'labels',
  consent: 'consent',
  optedOut: 'bool',
  firstInboundAt: 'time',
  lastInboundAt: 'time',
  insideWindow: 'window',
  messagesReceived: 'count',
  deliveredRate: 'rate',
  seenRate: 'rate',
  medianSeenLatency: 'latency',
  replied: 'replied',
  clicked: 'replied',
  stuckCount: 'count',
  lastSeenAt: 'time',
  recurringProblem: 'bool',
  campaign: 'campaign',
  segment: 'segment',
};

/** The field picker's sections, in the order a marketer thinks of them. */
export const FIELD_SECTIONS: { section: 'contact' | 'behaviour' | 'campaigns'; fields: ConditionField[] }[] = [
  { section: 'contact', fields: ['insideWindow', 'consent', 'optedOut', 'lastInboundAt', 'firstInboundAt', 'labels', 'locale', 'timeZone', 'page'] },
  { section: 'behaviour', fields: ['seenRate', 'deliveredRate', 'medianSeenLatency', 'messagesReceived', 'replied', 'clicked', 'stuckCount', 'lastSeenAt', 'recurringProblem'] },
  { section: 'campaigns', fields: ['campaign', 'segment'] },
];

export const OPS_BY_KIND: Record<EditorKind, readonly string[]> = {
  id: ['eq', 'ne', 'in', 'notIn'],
  text: ['eq', 'ne', 'in', 'notIn', 'empty', 'notEmpty'],
  labels: ['hasAny', 'hasAll', 'hasNone', 'empty', 'notEmpty'],
  bool: ['isTrue', 'isFalse'],
  consent: ['isTrue', 'isFalse'],
  replied: ['isTrue', 'isFalse'],
  window: ['isTrue', 'isFalse'],
  campaign: ['isTrue', 'isFalse'],
  segment: ['isTrue', 'isFalse'],
  time: ['lt', 'lte', 'gt', 'gte', 'between', 'empty', 'notEmpty'],
  count: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between'],
  rate: ['lt', 'lte', 'gt', 'gte', 'between', 'empty', 'notEmpty'],
  latency: ['lt', 'lte', 'gt', 'gte', 'between', 'empty', 'notEmpty'],
};

/** Fields that look at outbound messages over a period. */
export const PERIOD_FIELDS: ReadonlySet<ConditionField> = new Set(['messagesReceived', 'deliveredRate', 'seenRate', 'medianSeenLatency', 'replied', 'clicked', 'stuckCount']);

type ExactSlot = 'value' | 'value2' | 'from' | 'to';

export interface DraftCondition {
  kind: 'condition';
  key: string;
  field: ConditionField;
  op: string;
  /** Text of the main value input: a number, a day (YYYY-MM-DD), a local time (YYYY-MM-DDTHH:mm), an id. */
  value: string;
  /** Upper bound of `between`. */
  value2: string;
  /** Chosen values of `in` / `notIn`. */
  values: string[];
  unit: LatencyUnit;
  channel: Channel;
  action: CampaignAction;
  /** '' = any variant. */
  variant: string;
  at: 'now' | 'planned';
  /** Period of outbound sends: first and last day, both included. */
  from: string;
  to: string;
  preset: PeriodPreset;
  exact: Partial<Record<ExactSlot, { text: string; ms: number }>>;
}

export interface DraftGroup {
  kind: 'group';
  key: string;
  op: GroupOp;
  children: DraftNode[];
}
export type DraftNode = DraftGroup | DraftCondition;

let keySeq = 0;
export function newKey(): string {
  keySeq += 1;
  return `n${keySeq}`;
}

/** Days new conditions default to: periods end on `today` (the data's last day when it is older). */
export interface DraftDefaults {
  today: string;
}

/** The first and last day of a quick period. */
export function presetPeriod(preset: Exclude<PeriodPreset, 'custom'>, defaults: DraftDefaults): { from: string; to: string } {
  return { from: shiftDay(defaults.today, 1 - Number(preset)), to: defaults.today };
}

export function blankCondition(field: ConditionField, defaults: DraftDefaults): DraftCondition {
  const kind = FIELD_KIND[field];
  const op = OPS_BY_KIND[kind][0] ?? 'isTrue';
  return {
    kind: 'condition',
    key: newKey(),
    field,
    op: kind === 'rate' || kind === 'latency' || kind === 'count' ? 'gte' : op,
    value: '',
    value2: '',
    values: [],
    unit: 'hours',
    channel: 'messenger',
    action: 'received',
    variant: '',
    at: 'now',
    from: shiftDay(defaults.today, -29),
    to: defaults.today,
    preset: '30',
    exact: {},
  };
}

export function blankGroup(op: GroupOp, defaults: DraftDefaults, field: ConditionField = 'insideWindow'): DraftGroup {
  return { kind: 'group', key: newKey(), op, children: [blankCondition(field, defaults)] };
}

// ---------------------------------------------------------------- tree queries

export function findNode(root: DraftNode, key: string): DraftNode | null {
  if (root.key === key) return root;
  if (root.kind === 'group') {
    for (const child of root.children) {
      const found = findNode(child, key);
      if (found) return found;
    }
  }
  return null;
}

export function parentOf(root: DraftGroup, key: string): DraftGroup | null {
  for (const child of root.children) {
    if (child.key === key) return root;
    if (child.kind === 'group') {
      const found = parentOf(child, key);
      if (found) return found;
    }
  }
  return null;
}

/** 1 for the outermost group. */
export function depthOf(root: DraftGroup, key: string): number {
  if (root.key === key) return 1;
  for (const child of root.children) {
    if (child.key === key) return 2;
    if (child.kind === 'group') {
      const d = depthOf(child, key);
      if (d > 0) return d + 1;
    }
  }
  return 0;
}

/** The node a validation path (…root.children.0.children.2.test.value) points into. */
export function keyAtPath(root: DraftGroup, path: readonly (string | number)[]): string {
  const start = path.indexOf('root');
  let node: DraftNode = root;
  for (let i = start + 1; i < path.length; i += 2) {
    if (path[i] !== 'children' || node.kind !== 'group') break;
    const child: DraftNode | undefined = node.children[Number(path[i + 1])];
    if (!child) break;
    node = child;
  }
  return node.key;
}

// ---------------------------------------------------------------- edits

function mapTree(node: DraftNode, key: string, fn: (n: DraftNode) => DraftNode): DraftNode {
  if (node.key === key) return fn(node);
  if (node.kind === 'condition') return node;
  let changed = false;
  const children = node.children.map((c) => {
    const next = mapTree(c, key, fn);
    if (next !== c) changed = true;
    return next;
  });
  return changed ? { ...node, children } : node;
}

function mapGroup(root: DraftGroup, key: string, fn: (g: DraftGroup) => DraftGroup): DraftGroup {
  return mapTree(root, key, (n) => (n.kind === 'group' ? fn(n) : n)) as DraftGroup;
}

export interface EditResult {
  root: DraftGroup;
  /** The node whose first control should take focus after the edit. */
  focus: string | null;
}

/** Appends a node to a group (a condition, or a group that already holds its first condition). */
export function appendTo(root: DraftGroup, groupKey: string, node: DraftNode): EditResult {
  const next = mapGroup(root, groupKey, (g) => ({ ...g, children: [...g.children, node] }));
  return { root: next, focus: next === root ? null : node.key };
}

/**
 * Removes a node (never the outermost group). Focus goes to the sibling that took its place,
 * else the one before it, else the group that held it.
 */
export function removeNode(root: DraftGroup, key: string): EditResult {
  const parent = parentOf(root, key);
  if (!parent) return { root, focus: null };
  const index = parent.children.findIndex((c) => c.key === key);
  const rest = parent.children.filter((c) => c.key !== key);
  const focus = rest[index]?.key ?? rest[index - 1]?.key ?? parent.key;
  return { root: mapGroup(root, parent.key, (g) => ({ ...g, children: rest })), focus };
}

/** Moves a node one place up (-1) or down (+1) among its siblings. */
export function moveNode(root: DraftGroup, key: string, delta: -1 | 1): EditResult {
  const parent = parentOf(root, key);
  if (!parent) return { root, focus: null };
  const index = parent.children.findIndex((c) => c.key === key);
  const target = index + delta;
  if (target < 0 || target >= parent.children.length) return { root, focus: key };
  const children = [...parent.children];
  const [moved] = children.splice(index, 1);
  children.splice(target, 0, moved as DraftNode);
  return { root: mapGroup(root, parent.key, (g) => ({ ...g, children })), focus: key };
}

export function setGroupOp(root: DraftGroup, key: string, op: GroupOp): DraftGroup {
  return mapGroup(root, key, (g) => ({ ...g, op }));
}

export function updateCondition(root: DraftGroup, key: string, patch: Partial<Omit<DraftCondition, 'kind' | 'key'>>): DraftGroup {
  return mapTree(root, key, (n) => (n.kind === 'condition' ? { ...n, ...patch } : n)) as DraftGroup;
}

/** A new field starts from blank values but keeps the node's key, so focus stays on the picker. */
export function changeField(root: DraftGroup, key: string, field: ConditionField, defaults: DraftDefaults): DraftGroup {
  return mapTree(root, key, (n) => (n.kind === 'condition' ? { ...blankCondition(field, defaults), key: n.key } : n)) as DraftGroup;
}

// ---------------------------------------------------------------- days and instants in a zone

export function dayKeyOf(ms: number, zone: string): string {
  const p = zonedParts(ms, zone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

function parseDay(text: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  return check.getUTCMonth() === month - 1 && check.getUTCDate() === day ? { year, month, day } : null;
}

/** Midnight that starts a local day, `addDays` calendar days later. */
export function startOfDayMs(text: string, zone: string, addDays = 0): number | null {
  const d = parseDay(text);
  if (!d) return null;
  const shifted = new Date(Date.UTC(d.year, d.month - 1, d.day + addDays));
  return zonedTimeToUtc({ year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate(), hour: 0 }, zone);
}

export function shiftDay(text: string, days: number): string {
  const d = parseDay(text);
  if (!d) return text;
  return new Date(Date.UTC(d.year, d.month - 1, d.day + days)).toISOString().slice(0, 10);
}

function localTimeText(ms: number, zone: string): string {
  const p = zonedParts(ms, zone);
  return `${dayKeyOf(ms, zone)}T${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

function parseLocalTime(text: string, zone: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/.exec(text.trim());
  if (!m) return null;
  const d = parseDay(m[1] ?? '');
  const [hour, minute] = [Number(m[2]), Number(m[3])];
  if (!d || hour > 23 || minute > 59) return null;
  return zonedTimeToUtc({ ...d, hour, minute }, zone);
}

/** Decimal numbers as people type them: "12,5" or "12.5". */
export function parseNumber(text: string): number | null {
  const t = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function formatNumber(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

const UNIT_MS: Record<LatencyUnit, number> = { minutes: 60_000, hours: HOUR_MS, days: DAY_MS };

// ---------------------------------------------------------------- draft → rule

export type ProblemCode = 'value' | 'value2' | 'order' | 'values' | 'period' | 'emptyGroup' | 'at' | 'choice' | 'percent' | 'negative';

export interface Problem {
  key: string;
  code: ProblemCode;
}

export type Conversion = { rule: SegmentRule; problems: [] } | { rule: null; problems: Problem[] };

function conditionToRule(c: DraftCondition, zone: string, problems: Problem[]): Condition | null {
  const kind = FIELD_KIND[c.field];
  const fail = (code: ProblemCode) => {
    problems.push({ key: c.key, code });
    return null;
  };
  const isTrue = c.op === 'isFalse' ? 'isFalse' : 'isTrue';

  /** An instant from a day input: exact when the day is the one a loaded instant showed. */
  const instant = (slot: ExactSlot, text: string, fallback: () => number | null): number | null => {
    const exact = c.exact[slot];
    if (exact && exact.text === text) return exact.ms;
    return fallback();
  };

  const period = (): { from: number; to: number } | null => {
    const from = instant('from', c.from, () => startOfDayMs(c.from, zone));
    const to = instant('to', c.to, () => startOfDayMs(c.to, zone, 1));
    if (from === null || to === null || from >= to) return null;
    return { from, to };
  };

  const numberTest = (read: (text: string, slot: 'value' | 'value2') => number | null): NumberTest | null => {
    if (c.op === 'empty' || c.op === 'notEmpty') return { op: c.op };
    const a = read(c.value, 'value');
    if (a === null) return fail('value');
    if (c.op === 'between') {
      const b = read(c.value2, 'value2');
      if (b === null) return fail('value2');
      if (a > b) return fail('order');
      return { op: 'between', value: [a, b] };
    }
    return { op: c.op as 'eq', value: a };
  };

  const textValues = (): string[] => c.values.map((v) => v.trim()).filter((v) => v !== '');

  switch (kind) {
    case 'id': {
      if (c.op === 'in' || c.op === 'notIn') {
        const ids = textValues().map(Number).filter((n) => Number.isInteger(n) && n > 0);
        if (ids.length === 0) return fail('values');
        return { type: 'condition', field: 'page', test: { op: c.op, value: ids } };
      }
      const id = Number(c.value);
      if (c.value === '' || !Number.isInteger(id) || id <= 0) return fail('choice');
      return { type: 'condition', field: 'page', test: { op: c.op as 'eq' | 'ne', value: id } };
    }
    case 'text': {
      const field = c.field as 'locale' | 'timeZone';
      if (c.op === 'empty' || c.op === 'notEmpty') return { type: 'condition', field, test: { op: c.op } };
      if (c.op === 'in' || c.op === 'notIn') {
        const values = textValues();
        if (values.length === 0) return fail('values');
        return { type: 'condition', field, test: { op: c.op, value: values } };
      }
      if (c.value.trim() === '') return fail('choice');
      return { type: 'condition', field, test: { op: c.op as 'eq' | 'ne', value: c.value.trim() } };
    }
    case 'labels': {
      if (c.op === 'empty' || c.op === 'notEmpty') return { type: 'condition', field: 'labels', test: { op: c.op } };
      const values = textValues();
      if (values.length === 0) return fail('values');
      return { type: 'condition', field: 'labels', test: { op: c.op as 'hasAny', value: values } };
    }
    case 'bool':
      return { type: 'condition', field: c.field as 'optedOut' | 'recurringProblem', op: isTrue };
    case 'consent':
      return { type: 'condition', field: 'consent', channel: c.channel, op: isTrue };
    case 'window': {
      if (c.at === 'now') return { type: 'condition', field: 'insideWindow', at: 'now', op: isTrue };
      const at = instant('value', c.value, () => parseLocalTime(c.value, zone));
      if (at === null) return fail('at');
      return { type: 'condition', field: 'insideWindow', at, op: isTrue };
    }
    case 'time': {
      const field = c.field as 'firstInboundAt' | 'lastInboundAt' | 'lastSeenAt';
      // Days, read so that each operator means what its label says about whole days.
      const test = numberTest((text, slot) => {
        const endOfDay = c.op === 'lte' || c.op === 'gt' || slot === 'value2';
        return instant(slot, text, () => {
          const ms = startOfDayMs(text, zone, endOfDay ? 1 : 0);
          return ms === null ? null : endOfDay ? ms - 1 : ms;
        });
      });
      return test && { type: 'condition', field, test };
    }
    case 'count':
    case 'rate':
    case 'latency': {
      const p = period();
      if (!p) return fail('period');
      const test = numberTest((text) => {
        const n = parseNumber(text);
        if (n === null) return null;
        if (kind === 'count') return n;
        if (kind === 'rate') return n / 100;
        return Math.round(n * UNIT_MS[c.unit]);
      });
      if (!test) return null;
      if ('value' in test) {
        const values = Array.isArray(test.value) ? test.value : [test.value];
        if (values.some((v) => v < 0)) return fail('negative');
        if (kind === 'rate' && values.some((v) => v > 1)) return fail('percent');
      }
      return { type: 'condition', field: c.field as 'messagesReceived', period: p, test };
    }
    case 'replied': {
      const p = period();
      if (!p) return fail('period');
      return { type: 'condition', field: c.field as 'replied' | 'clicked', period: p, op: isTrue };
    }
    case 'campaign': {
      const campaignId = Number(c.value);
      if (c.value === '' || !Number.isInteger(campaignId) || campaignId <= 0) return fail('choice');
      const variantId = c.variant === '' ? null : Number(c.variant);
      return { type: 'condition', field: 'campaign', action: c.action, campaignId, variantId, op: isTrue };
    }
    case 'segment': {
      const segmentId = Number(c.value);
      if (c.value === '' || !Number.isInteger(segmentId) || segmentId <= 0) return fail('choice');
      return { type: 'condition', field: 'segment', segmentId, op: isTrue };
    }
  }
}

function nodeToRule(node: DraftNode, zone: string, problems: Problem[]): RuleNode | null {
  if (node.kind === 'condition') return conditionToRule(node, zone, problems);
  if (node.children.length === 0) {
    problems.push({ key: node.key, code: 'emptyGroup' });
    return null;
  }
  const children = node.children.map((c) => nodeToRule(c, zone, problems));
  if (children.some((c) => c === null)) return null;
  return { type: 'group', op: node.op, children: children as RuleNode[] };
}

/** The rule a draft stands for, or every problem that keeps it from being one. */
export function draftToRule(root: DraftGroup, zone: string): Conversion {
  const problems: Problem[] = [];
  const tree = nodeToRule(root, zone, problems);
  if (tree === null || tree.type !== 'group') return { rule: null, problems };
  const parsed = SegmentRule.safeParse({ version: SEGMENT_RULE_VERSION, root: tree });
  if (!parsed.success) {
    return { rule: null, problems: parsed.error.issues.map((i) => ({ key: keyAtPath(root, i.path as (string | number)[]), code: 'value' as const })) };
  }
  return { rule: parsed.data, problems: [] };
}

// ---------------------------------------------------------------- rule → draft

function conditionToDraft(c: Condition, zone: string, defaults: DraftDefaults): DraftCondition {
  const d = blankCondition(c.field, defaults);
  const exact: DraftCondition['exact'] = {};
  const day = (slot: ExactSlot, ms: number, endOfDay = false): string => {
    const text = dayKeyOf(endOfDay ? ms - 1 : ms, zone);
    exact[slot] = { text, ms };
    return text;
  };
  const setPeriod = (p: { from: number; to: number }) => {
    d.from = day('from', p.from);
    d.to = day('to', p.to, true);
    const exactDays = p.from === startOfDayMs(d.from, zone) && p.to === startOfDayMs(d.to, zone, 1);
    d.preset = (exactDays && PERIOD_PRESETS.find((k) => k !== 'custom' && presetPeriod(k, defaults).from === d.from && d.to === defaults.today)) || 'custom';
  };
  const setNumber = (t: NumberTest, show: (n: number, slot: 'value' | 'value2') => string) => {
    d.op = t.op;
    if (t.op === 'between') {
      d.value = show(t.value[0], 'value');
      d.value2 = show(t.value[1], 'value2');
    } else if ('value' in t) d.value = show(t.value, 'value');
  };
  switch (c.field) {
    case 'page':
    case 'locale':
    case 'timeZone':
    case 'labels': {
      const t = c.test;
      d.op = t.op;
      if ('value' in t) {
        if (Array.isArray(t.value)) d.values = t.value.map(String);
        else d.value = String(t.value);
      }
      break;
    }
    case 'consent':
      d.channel = c.channel;
      d.op = c.op;
      break;
    case 'optedOut':
    case 'recurringProblem':
      d.op = c.op;
      break;
    case 'insideWindow':
      d.op = c.op;
      if (c.at !== 'now') {
        d.at = 'planned';
        d.value = localTimeText(c.at, zone);
        exact.value = { text: d.value, ms: c.at };
      }
      break;
    case 'firstInboundAt':
    case 'lastInboundAt':
    case 'lastSeenAt':
      // Ends of days are stored as the day's last millisecond, so the day of the instant is the one shown.
      setNumber(c.test, (ms, slot) => day(slot, ms));
      break;
    case 'messagesReceived':
    case 'stuckCount':
      setPeriod(c.period);
      setNumber(c.test, formatNumber);
      break;
    case 'deliveredRate':
    case 'seenRate':
      setPeriod(c.period);
      setNumber(c.test, (n) => formatNumber(n * 100));
      break;
    case 'medianSeenLatency': {
      setPeriod(c.period);
      const values = c.test.op === 'between' ? c.test.value : 'value' in c.test ? [c.test.value] : [];
      const unit: LatencyUnit = values.every((v) => v % DAY_MS === 0 && v > 0) ? 'days' : values.every((v) => v % (HOUR_MS / 10) === 0) ? 'hours' : 'minutes';
      d.unit = unit;
      setNumber(c.test, (n) => formatNumber(n / UNIT_MS[unit]));
      break;
    }
    case 'replied':
    case 'clicked':
      setPeriod(c.period);
      d.op = c.op;
      break;
    case 'campaign':
      d.action = c.action;
      d.value = String(c.campaignId);
      d.variant = c.variantId === null ? '' : String(c.variantId);
      d.op = c.op;
      break;
    case 'segment':
      d.value = String(c.segmentId);
      d.op = c.op;
      break;
  }
  d.exact = exact;
  return d;
}

export function ruleToDraft(rule: SegmentRule, zone: string, defaults: DraftDefaults): DraftGroup {
  const visit = (node: RuleNode): DraftNode =>
    node.type === 'condition' ? conditionToDraft(node, zone, defaults) : { kind: 'group', key: newKey(), op: node.op, children: node.children.map(visit) };
  return visit(rule.root) as DraftGroup;
}

/** Counts the conditions and groups of a draft, for summaries and tests. */
export function countNodes(node: DraftNode): { conditions: number; groups: number } {
  if (node.kind === 'condition') return { conditions: 1, groups: 0 };
  return node.children.map(countNodes).reduce((a, b) => ({ conditions: a.conditions + b.conditions, groups: a.groups + b.groups }), { conditions: 0, groups: 1 });
}

/** The position label of a node ("1.2.1"), as the builder shows it. */
export function numberOf(root: DraftGroup, key: string, prefix = '1'): string | null {
  if (root.key === key) return prefix;
  for (const [i, child] of root.children.entries()) {
    const n = `${prefix}.${i + 1}`;
    if (child.key === key) return n;
    if (child.kind === 'group') {
      const found = numberOf(child, key, n);
      if (found) return found;
    }
  }
  return null;
}
