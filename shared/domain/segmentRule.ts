import { z } from 'zod';

/**
 * Segment rules: a versioned, serialisable tree of AND / OR / NOT groups over conditions on
 * contacts, their delivery behaviour, campaigns and other segments.
 *
 * Every condition is two-valued: a comparison against an empty value (no locale, a rate over
 * zero messages, no seen message) is false, and only `empty` / `notEmpty` ask about emptiness.
 * That keeps NOT an exact complement in both the in-memory evaluator and the SQL compiler,
 * where SQL's three-valued NULL logic would otherwise leak through.
 */

export const SEGMENT_RULE_VERSION = 1;
/** A reply counts when the contact writes within this long after an outbound message. */
export const REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Deepest nesting accepted; deeper trees are unreadable in the builder anyway. */
export const MAX_RULE_DEPTH = 12;

const Id = z.number().int().positive();
const Time = z.number().int().min(0);
const Text = z.string().min(1).max(200);

export const Channel = z.enum(['messenger', 'sms', 'email']);
export type Channel = z.infer<typeof Channel>;

/** Half-open period [from, to) of outbound send times. */
export const Period = z
  .object({ from: Time, to: Time })
  .strict()
  .refine((p) => p.from < p.to, { message: 'segments.error.periodOrder', path: ['to'] });
export type Period = z.infer<typeof Period>;

const BoolOp = z.enum(['isTrue', 'isFalse']);
const EmptyOp = z.enum(['empty', 'notEmpty']);

/** Comparisons over a number (or UTC ms time); `between` is inclusive at both ends. */
const NumberTest = z.discriminatedUnion('op', [
  z.object({ op: z.enum(['eq', 'ne', 'lt', 'lte', 'gt', 'gte']), value: z.number().finite() }).strict(),
  z
    .object({ op: z.literal('between'), value: z.tuple([z.number().finite(), z.number().finite()]) })
    .strict()
    .refine((t) => t.value[0] <= t.value[1], { message: 'segments.error.betweenOrder', path: ['value'] }),
  z.object({ op: EmptyOp }).strict(),
]);
export type NumberTest = z.infer<typeof NumberTest>;

const TextTest = z.discriminatedUnion('op', [
  z.object({ op: z.enum(['eq', 'ne']), value: Text }).strict(),
  z.object({ op: z.enum(['in', 'notIn']), value: z.array(Text).min(1).max(500) }).strict(),
  z.object({ op: EmptyOp }).strict(),
]);
export type TextTest = z.infer<typeof TextTest>;

const IdTest = z.discriminatedUnion('op', [
  z.object({ op: z.enum(['eq', 'ne']), value: Id }).strict(),
  z.object({ op: z.enum(['in', 'notIn']), value: z.array(Id).min(1).max(500) }).strict(),
]);

/** Labels (tags) of a contact: has any / all / none of the listed labels, or has none at all. */
const LabelTest = z.discriminatedUnion('op', [
  z.object({ op: z.enum(['hasAny', 'hasAll', 'hasNone']), value: z.array(Text).min(1).max(100) }).strict(),
  z.object({ op: EmptyOp }).strict(),
]);
export type LabelTest = z.infer<typeof LabelTest>;

const cond = <F extends string, S extends z.ZodRawShape>(field: F, shape: S) =>
  z.object({ type: z.literal('condition'), field: z.literal(field), ...shape }).strict();

export const Condition = z.discriminatedUnion('field', [
  // Contact fields
  cond('page', { test: IdTest }),
  cond('locale', { test: TextTest }),
  cond('timeZone', { test: TextTest }),
  cond('labels', { test: LabelTest }),
  cond('consent', { channel: Channel, op: BoolOp }),
  cond('optedOut', { op: BoolOp }),
  cond('firstInboundAt', { test: NumberTest }),
  cond('lastInboundAt', { test: NumberTest }),
  /** Inside the 24-hour standard window at the evaluation time (`now`) or a planned time. */
  cond('insideWindow', { at: z.union([z.literal('now'), Time]), op: BoolOp }),
  // Behaviour over a period of outbound sends
  cond('messagesReceived', { period: Period, test: NumberTest }),
  cond('deliveredRate', { period: Period, test: NumberTest }),
  cond('seenRate', { period: Period, test: NumberTest }),
  cond('medianSeenLatency', { period: Period, test: NumberTest }),
  /** A send answered by an inbound message before the next send, within 24 h (domain.md). */
  cond('replied', { period: Period, op: BoolOp }),
  /**
   * Relais receives no click events: a tap on a button or quick reply arrives as a message from
   * the contact, so "clicked" is a send that was seen and then replied to (as above).
   */
  cond('clicked', { period: Period, op: BoolOp }),
  /** Sends still unseen at the evaluation time past the stuck threshold of their campaign's kind (monitoring). */
  cond('stuckCount', { period: Period, test: NumberTest }),
  /** Latest read time over all outbound messages. */
  cond('lastSeenAt', { test: NumberTest }),
  /** domain.md's default recurring-reception-problem rule, judged at the evaluation time. */
  cond('recurringProblem', { op: BoolOp }),
  // Campaigns and their variants
  cond('campaign', {
    action: z.enum(['received', 'saw', 'replied']),
    campaignId: Id,
    variantId: Id.nullable(),
    op: BoolOp,
  }),
  // Other segments (include = isTrue, exclude = isFalse)
  cond('segment', { segmentId: Id, op: BoolOp }),
]);
export type Condition = z.infer<typeof Condition>;
export type ConditionField = Condition['field'];

export type Group = { type: 'group'; op: 'and' | 'or' | 'not'; children: RuleNode[] };
export type RuleNode = Group | Condition;

const GroupObject = z
  .object({
    type: z.literal('group'),
    /** `not` negates the AND of its children. */
    op: z.enum(['and', 'or', 'not']),
    children: z.array(z.lazy((): z.ZodType<RuleNode> => RuleNode)).min(1, 'segments.error.emptyGroup').max(200),
  })
  .strict();
export const Group: z.ZodType<Group> = GroupObject;
/**
 * Discriminated on `type`, then (conditions) on `field`, so a bad node is reported at its own
 * path: an unknown field at `….field`, a wrong value at `….test.value`.
 */
export const RuleNode: z.ZodType<RuleNode> = z.discriminatedUnion('type', [GroupObject, Condition]);

export function ruleDepth(node: RuleNode): number {
  return node.type === 'condition' ? 0 : 1 + Math.max(0, ...node.children.map(ruleDepth));
}

export const SegmentRule = z
  .object({
    version: z.number().int().refine((v) => v <= SEGMENT_RULE_VERSION, { message: 'segments.error.futureVersion' }).pipe(z.literal(SEGMENT_RULE_VERSION)),
    root: Group,
  })
  .strict()
  .refine((r) => ruleDepth(r.root) <= MAX_RULE_DEPTH, { message: 'segments.error.tooDeep', path: ['root'] });
export type SegmentRule = z.infer<typeof SegmentRule>;

/** Segment ids a rule refers to directly. */
export function referencedSegments(node: RuleNode, out: Set<number> = new Set()): Set<number> {
  if (node.type === 'condition') {
    if (node.field === 'segment') out.add(node.segmentId);
  } else for (const child of node.children) referencedSegments(child, out);
  return out;
}

/** What a segment reference resolves to: a rule to inline, or a static list of contacts. */
export type SegmentDefinition = { kind: 'rule'; rule: SegmentRule } | { kind: 'static'; contactIds: readonly number[] };
export type SegmentResolver = (segmentId: number) => SegmentDefinition | undefined;

export class SegmentCycleError extends Error {
  constructor(readonly path: readonly number[]) {
    super(`Segments refer to each other in a cycle: ${path.map((id) => `#${id}`).join(' → ')}.`);
    this.name = 'SegmentCycleError';
  }
}

export class UnknownSegmentError extends Error {
  constructor(readonly segmentId: number) {
    super(`The rule refers to segment #${segmentId}, which does not exist.`);
    this.name = 'UnknownSegmentError';
  }
}

/**
 * Throws SegmentCycleError when `rule` (saved as `selfId`, if any) reaches itself through
 * segment references, and UnknownSegmentError for a missing one.
 */
export function checkSegmentReferences(rule: SegmentRule, resolve: SegmentResolver, selfId: number | null = null): void {
  const visit = (node: RuleNode, stack: number[]): void => {
    for (const id of referencedSegments(node)) {
      if (stack.includes(id)) throw new SegmentCycleError([...stack, id]);
      const def = resolve(id);
      if (!def) throw new UnknownSegmentError(id);
      if (def.kind === 'rule') visit(def.rule.root, [...stack, id]);
    }
  };
  visit(rule.root, selfId === null ? [] : [selfId]);
}
