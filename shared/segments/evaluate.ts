import { DEFAULT_RECURRING_RULE, DEFAULT_STUCK_THRESHOLDS, type CampaignKind, type StuckThresholds } from '../domain/monitoring';
import {
  REPLY_WINDOW_MS,
  SegmentCycleError,
  UnknownSegmentError,
  type Condition,
  type NumberTest,
  type RuleNode,
  type SegmentResolver,
  type SegmentRule,
  type LabelTest,
  type TextTest,
} from '../domain/segmentRule';
import { isInsideStandardWindow } from '../time/window';

/**
 * The reference semantics of segment rules: a plain evaluation over arrays, written for
 * obviousness rather than speed. The SQL compiler must agree with it on every dataset.
 */

export interface SegmentPage {
  id: number;
  workspaceId: number;
}

export interface SegmentContact {
  id: number;
  pageRef: number;
  locale: string | null;
  timeZone: string | null;
  firstInboundAt: number | null;
  lastInboundAt: number | null;
  consentMessenger: boolean;
  consentSms: boolean;
  consentEmail: boolean;
  optedOutAt: number | null;
  /** Labels (tags); absent = none. */
  labels?: readonly string[];
}

export interface SegmentMessage {
  id: number;
  contactRef: number;
  direction: 'out' | 'in';
  sentAt: number;
  deliveredAt: number | null;
  readAt: number | null;
  campaignId: number | null;
  variantId: number | null;
}

export interface SegmentCampaign {
  id: number;
  /** Absent: 'other'. */
  kind?: CampaignKind;
}

export interface SegmentDataset {
  pages: readonly SegmentPage[];
  /** Campaign kinds, for the stuck thresholds; a campaign not listed counts as 'other'. */
  campaigns?: readonly SegmentCampaign[];
  contacts: readonly SegmentContact[];
  messages: readonly SegmentMessage[];
}

export interface EvaluationContext {
  workspaceId: number;
  /** The evaluation time: `insideWindow` at 'now' and the recurring-problem flag use it. */
  now: number;
  resolveSegment: SegmentResolver;
  /** Stuck thresholds per campaign kind (monitoring settings); defaults to DEFAULT_STUCK_THRESHOLDS. */
  stuckThresholds?: StuckThresholds;
}

/** A read implies delivery (domain.md): the earlier of the two known times. */
export function effectiveDeliveredAt(m: Pick<SegmentMessage, 'deliveredAt' | 'readAt'>): number | null {
  if (m.deliveredAt === null) return m.readAt;
  if (m.readAt === null) return m.deliveredAt;
  return Math.min(m.deliveredAt, m.readAt);
}

export function testNumber(value: number | null, test: NumberTest): boolean {
  if (test.op === 'empty') return value === null;
  if (test.op === 'notEmpty') return value !== null;
  if (value === null) return false;
  switch (test.op) {
    case 'eq':
      return value === test.value;
    case 'ne':
      return value !== test.value;
    case 'lt':
      return value < test.value;
    case 'lte':
      return value <= test.value;
    case 'gt':
      return value > test.value;
    case 'gte':
      return value >= test.value;
    case 'between':
      return value >= test.value[0] && value <= test.value[1];
  }
}

export function testText(value: string | null, test: TextTest): boolean {
  if (test.op === 'empty') return value === null;
  if (test.op === 'notEmpty') return value !== null;
  if (value === null) return false;
  switch (test.op) {
    case 'eq':
      return value === test.value;
    case 'ne':
      return value !== test.value;
    case 'in':
      return test.value.includes(value);
    case 'notIn':
      return !test.value.includes(value);
  }
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const lo = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const hi = sorted[Math.floor(sorted.length / 2)]!;
  return (lo + hi) / 2;
}

export function testLabels(labels: readonly string[], test: LabelTest): boolean {
  switch (test.op) {
    case 'empty':
      return labels.length === 0;
    case 'notEmpty':
      return labels.length > 0;
    case 'hasAny':
      return test.value.some((v) => labels.includes(v));
    case 'hasAll':
      return test.value.every((v) => labels.includes(v));
    case 'hasNone':
      return !test.value.some((v) => labels.includes(v));
  }
}

interface ContactView {
  contact: SegmentContact;
  out: SegmentMessage[];
  inbound: SegmentMessage[];
}

/**
 * domain.md: an inbound message after the send, before the next outbound message, within 24 h.
 * The first reply in the window is compared with the next send strictly after this one (two
 * bubbles sent the same millisecond share their reply), as monitoring does.
 */
function repliedTo(view: ContactView, m: SegmentMessage): boolean {
  let firstIn = Infinity;
  for (const i of view.inbound) if (i.sentAt > m.sentAt && i.sentAt <= m.sentAt + REPLY_WINDOW_MS && i.sentAt < firstIn) firstIn = i.sentAt;
  if (firstIn === Infinity) return false;
  let nextOut = Infinity;
  for (const o of view.out) if (o.sentAt > m.sentAt && o.sentAt < nextOut) nextOut = o.sentAt;
  return firstIn < nextOut;
}

/** domain.md's default rule, judged at `now` like the monitoring status (messages too recent are undecided). */
export function hasRecurringProblem(out: readonly SegmentMessage[], now: number): boolean {
  const rule = DEFAULT_RECURRING_RULE;
  const last = [...out].sort((a, b) => b.sentAt - a.sentAt || b.id - a.id).slice(0, rule.lastN);
  let notDelivered = 0;
  let unseen = 0;
  for (const m of last) {
    const delivered = effectiveDeliveredAt(m);
    const d = delivered === null ? null : delivered - m.sentAt;
    const s = m.readAt === null ? null : m.readAt - m.sentAt;
    if (now - m.sentAt >= rule.notDelivered.withinMs && (d === null || d > rule.notDelivered.withinMs)) notDelivered++;
    if (now - m.sentAt >= rule.unseen.withinMs && d !== null && (s === null || s > rule.unseen.withinMs)) unseen++;
  }
  return notDelivered >= rule.notDelivered.min || unseen >= rule.unseen.min;
}

function bool(op: 'isTrue' | 'isFalse', value: boolean): boolean {
  return op === 'isTrue' ? value : !value;
}

function inPeriod(m: SegmentMessage, period: { from: number; to: number }): boolean {
  return m.sentAt >= period.from && m.sentAt < period.to;
}

/** Members (contact ids, ascending) of `rule` among the workspace's contacts. */
export function evaluateSegment(rule: SegmentRule, data: SegmentDataset, ctx: EvaluationContext): number[] {
  const pagesInWorkspace = new Set(data.pages.filter((p) => p.workspaceId === ctx.workspaceId).map((p) => p.id));
  const views = new Map<number, ContactView>();
  for (const contact of data.contacts) views.set(contact.id, { contact, out: [], inbound: [] });
  for (const m of data.messages) {
    const view = views.get(m.contactRef);
    if (view) (m.direction === 'out' ? view.out : view.inbound).push(m);
  }
  const staticMembers = new Map<number, Set<number>>();
  const kindOf = new Map<number, CampaignKind>((data.campaigns ?? []).map((c) => [c.id, c.kind ?? 'other']));
  const thresholds = ctx.stuckThresholds ?? DEFAULT_STUCK_THRESHOLDS;
  const isStuck = (m: SegmentMessage): boolean =>
    m.readAt === null && ctx.now - m.sentAt >= thresholds[m.campaignId === null ? 'other' : (kindOf.get(m.campaignId) ?? 'other')];

  const evalCondition = (c: Condition, view: ContactView, stack: readonly number[]): boolean => {
    const { contact } = view;
    switch (c.field) {
      case 'page': {
        const t = c.test;
        if (t.op === 'in' || t.op === 'notIn') return t.value.includes(contact.pageRef) === (t.op === 'in');
        return (contact.pageRef === t.value) === (t.op === 'eq');
      }
      case 'locale':
        return testText(contact.locale, c.test);
      case 'timeZone':
        return testText(contact.timeZone, c.test);
      case 'labels':
        return testLabels(contact.labels ?? [], c.test);
      case 'consent': {
        const given = c.channel === 'messenger' ? contact.consentMessenger : c.channel === 'sms' ? contact.consentSms : contact.consentEmail;
        return bool(c.op, given);
      }
      case 'optedOut':
        return bool(c.op, contact.optedOutAt !== null);
      case 'firstInboundAt':
        return testNumber(contact.firstInboundAt, c.test);
      case 'lastInboundAt':
        return testNumber(contact.lastInboundAt, c.test);
      case 'insideWindow':
        return bool(c.op, isInsideStandardWindow(contact.lastInboundAt, c.at === 'now' ? ctx.now : c.at));
      case 'messagesReceived':
        return testNumber(view.out.filter((m) => inPeriod(m, c.period)).length, c.test);
      case 'deliveredRate':
      case 'seenRate': {
        const sent = view.out.filter((m) => inPeriod(m, c.period));
        const ok = sent.filter((m) => (c.field === 'seenRate' ? m.readAt !== null : effectiveDeliveredAt(m) !== null)).length;
        return testNumber(sent.length === 0 ? null : ok / sent.length, c.test);
      }
      case 'medianSeenLatency':
        return testNumber(
          median(view.out.filter((m) => inPeriod(m, c.period) && m.readAt !== null).map((m) => m.readAt! - m.sentAt)),
          c.test,
        );
      case 'replied':
        return bool(c.op, view.out.some((m) => inPeriod(m, c.period) && repliedTo(view, m)));
      case 'clicked':
        return bool(c.op, view.out.some((m) => inPeriod(m, c.period) && m.readAt !== null && repliedTo(view, m)));
      case 'stuckCount':
        return testNumber(view.out.filter((m) => inPeriod(m, c.period) && isStuck(m)).length, c.test);
      case 'lastSeenAt': {
        const reads = view.out.flatMap((m) => (m.readAt === null ? [] : [m.readAt]));
        return testNumber(reads.length === 0 ? null : Math.max(...reads), c.test);
      }
      case 'recurringProblem':
        return bool(c.op, hasRecurringProblem(view.out, ctx.now));
      case 'campaign': {
        const hit = view.out.some(
          (m) =>
            m.campaignId === c.campaignId &&
            (c.variantId === null || m.variantId === c.variantId) &&
            (c.action === 'received' || (c.action === 'saw' ? m.readAt !== null : repliedTo(view, m))),
        );
        return bool(c.op, hit);
      }
      case 'segment': {
        if (stack.includes(c.segmentId)) throw new SegmentCycleError([...stack, c.segmentId]);
        const def = ctx.resolveSegment(c.segmentId);
        if (!def) throw new UnknownSegmentError(c.segmentId);
        if (def.kind === 'rule') return bool(c.op, evalNode(def.rule.root, view, [...stack, c.segmentId]));
        let members = staticMembers.get(c.segmentId);
        if (!members) staticMembers.set(c.segmentId, (members = new Set(def.contactIds)));
        return bool(c.op, members.has(contact.id));
      }
    }
  };

  const evalNode = (node: RuleNode, view: ContactView, stack: readonly number[]): boolean => {
    if (node.type === 'condition') return evalCondition(node, view, stack);
    // Evaluate every child even after the outcome is known, so a cycle or a missing segment is
    // reported whatever the data (the SQL compiler sees the whole tree too).
    const values = node.children.map((child) => evalNode(child, view, stack));
    if (node.op === 'or') return values.some(Boolean);
    const all = values.every(Boolean);
    return node.op === 'and' ? all : !all;
  };

  const members: number[] = [];
  for (const view of views.values()) {
    if (pagesInWorkspace.has(view.contact.pageRef) && evalNode(rule.root, view, [])) members.push(view.contact.id);
  }
  return members.sort((a, b) => a - b);
}
