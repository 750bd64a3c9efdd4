import { DEFAULT_RECURRING_RULE } from '../../../shared/domain/monitoring';
import {
  REPLY_WINDOW_MS,
  SegmentCycleError,
  UnknownSegmentError,
  type Condition,
  type NumberTest,
  type RuleNode,
  type SegmentResolver,
  type SegmentRule,
  type TextTest,
} from '../../../shared/domain/segmentRule';
import { STANDARD_WINDOW_MS } from '../../../shared/time/window';

/**
 * Segment rule → one parameterised SQL query returning the member contact ids.
 *
 * Only `?` placeholders carry values; every identifier and operator below comes from the
 * constants in this file, never from the rule. Each condition compiles to a 0/1 expression
 * (`coalesce(…, 0)`), so NOT stays a true complement despite SQL NULLs, matching the reference
 * evaluator in shared/segments/evaluate.ts. Behaviour conditions are correlated subqueries that
 * seek `monitoring_messages_thread (contact_ref, direction, sent_at)` per contact.
 */

export interface CompiledSegment {
  sql: string;
  params: unknown[];
}

export interface CompileContext {
  workspaceId: number;
  now: number;
  resolveSegment: SegmentResolver;
}

const CONTACT_COLUMN = {
  locale: 'c.locale',
  timeZone: 'c.time_zone',
  firstInboundAt: 'c.first_inbound_at',
  lastInboundAt: 'c.last_inbound_at',
} as const;

const CONSENT_COLUMN = { messenger: 'c.consent_messenger', sms: 'c.consent_sms', email: 'c.consent_email' } as const;

const COMPARE = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

const OUT_OF_CONTACT = "m.contact_ref = c.id AND m.direction = 'out'";
const EFFECTIVE_DELIVERED = 'coalesce(min(m.delivered_at, m.read_at), m.delivered_at, m.read_at)';
const REPLIED = `EXISTS (SELECT 1 FROM messages i WHERE i.contact_ref = m.contact_ref AND i.direction = 'in'
  AND i.sent_at > m.sent_at AND i.sent_at <= m.sent_at + ${REPLY_WINDOW_MS})`;

class Builder {
  readonly params: unknown[] = [];

  constructor(private readonly ctx: CompileContext) {}

  p(value: unknown): string {
    this.params.push(value);
    return '?';
  }

  numberTest(expr: string, test: NumberTest): string {
    if (!('value' in test)) return `(${expr}) IS ${test.op === 'empty' ? '' : 'NOT '}NULL`;
    if (test.op === 'between') return `(${expr}) BETWEEN ${this.p(test.value[0])} AND ${this.p(test.value[1])}`;
    return `(${expr}) ${COMPARE[test.op]} ${this.p(test.value)}`;
  }

  textTest(column: string, test: TextTest): string {
    if (!('value' in test)) return `${column} IS ${test.op === 'empty' ? '' : 'NOT '}NULL`;
    if (test.op === 'in' || test.op === 'notIn') {
      const list = test.value.map((v) => this.p(v)).join(', ');
      return `${column} ${test.op === 'in' ? 'IN' : 'NOT IN'} (${list})`;
    }
    return `${column} ${COMPARE[test.op]} ${this.p(test.value)}`;
  }

  bool(op: 'isTrue' | 'isFalse', expr: string): string {
    return op === 'isTrue' ? `(${expr})` : `NOT (${expr})`;
  }

  period(p: { from: number; to: number }): string {
    return `${OUT_OF_CONTACT} AND m.sent_at >= ${this.p(p.from)} AND m.sent_at < ${this.p(p.to)}`;
  }

  /** The raw (possibly NULL) expression of a condition; `condition` wraps it into 0/1. */
  private raw(c: Condition, stack: readonly number[]): string {
    switch (c.field) {
      case 'page': {
        const t = c.test;
        if (t.op === 'in' || t.op === 'notIn') return `c.page_ref ${t.op === 'in' ? 'IN' : 'NOT IN'} (${t.value.map((v) => this.p(v)).join(', ')})`;
        return `c.page_ref ${COMPARE[t.op]} ${this.p(t.value)}`;
      }
      case 'locale':
      case 'timeZone':
        return this.textTest(CONTACT_COLUMN[c.field], c.test);
      case 'consent':
        return this.bool(c.op, `${CONSENT_COLUMN[c.channel]} <> 0`);
      case 'optedOut':
        return this.bool(c.op, 'c.opted_out_at IS NOT NULL');
      case 'firstInboundAt':
      case 'lastInboundAt':
        return this.numberTest(CONTACT_COLUMN[c.field], c.test);
      case 'insideWindow': {
        const at = c.at === 'now' ? this.ctx.now : c.at;
        // Same test as isInsideStandardWindow; the parameter is bound twice rather than aliased.
        return this.bool(
          c.op,
          `coalesce(c.last_inbound_at <= ${this.p(at)} AND ${this.p(at)} < c.last_inbound_at + ${STANDARD_WINDOW_MS}, 0)`,
        );
      }
      case 'messagesReceived':
        return this.numberTest(`SELECT count(*) FROM messages m WHERE ${this.period(c.period)}`, c.test);
      case 'deliveredRate':
      case 'seenRate': {
        const ok = c.field === 'seenRate' ? 'm.read_at IS NOT NULL' : `${EFFECTIVE_DELIVERED} IS NOT NULL`;
        return this.numberTest(
          `SELECT 1.0 * count(*) FILTER (WHERE ${ok}) / nullif(count(*), 0) FROM messages m WHERE ${this.period(c.period)}`,
          c.test,
        );
      }
      case 'medianSeenLatency':
        // Middle row(s) of the sorted latencies: one for an odd count, the two middle ones averaged otherwise.
        return this.numberTest(
          `SELECT avg(l.v) FROM (SELECT m.read_at - m.sent_at AS v,
             row_number() OVER (ORDER BY m.read_at - m.sent_at) AS rn, count(*) OVER () AS n
             FROM messages m WHERE ${this.period(c.period)} AND m.read_at IS NOT NULL) l
           WHERE l.rn IN ((l.n + 1) / 2, (l.n + 2) / 2)`,
          c.test,
        );
      case 'replied':
        return this.bool(c.op, `EXISTS (SELECT 1 FROM messages m WHERE ${this.period(c.period)} AND ${REPLIED})`);
      case 'lastSeenAt':
        return this.numberTest(`SELECT max(m.read_at) FROM messages m WHERE ${OUT_OF_CONTACT}`, c.test);
      case 'recurringProblem':
        return this.bool(c.op, this.recurring());
      case 'campaign': {
        let where = `${OUT_OF_CONTACT} AND m.campaign_id = ${this.p(c.campaignId)}`;
        if (c.variantId !== null) where += ` AND m.variant_id = ${this.p(c.variantId)}`;
        if (c.action === 'saw') where += ' AND m.read_at IS NOT NULL';
        if (c.action === 'replied') where += ` AND ${REPLIED}`;
        return this.bool(c.op, `EXISTS (SELECT 1 FROM messages m WHERE ${where})`);
      }
      case 'segment': {
        if (stack.includes(c.segmentId)) throw new SegmentCycleError([...stack, c.segmentId]);
        const def = this.ctx.resolveSegment(c.segmentId);
        if (!def) throw new UnknownSegmentError(c.segmentId);
        if (def.kind === 'static') {
          return this.bool(c.op, `c.id IN (SELECT value FROM json_each(${this.p(JSON.stringify(def.contactIds))}))`);
        }
        return this.bool(c.op, this.node(def.rule.root, [...stack, c.segmentId]));
      }
    }
  }

  /** Same counts as the monitoring status query, over the contact's last N sends at `now`. */
  private recurring(): string {
    const r = DEFAULT_RECURRING_RULE;
    const now = this.p(this.ctx.now);
    const lastN = `(SELECT m.sent_at, ${EFFECTIVE_DELIVERED} - m.sent_at AS d, m.read_at - m.sent_at AS s
      FROM messages m WHERE ${OUT_OF_CONTACT} ORDER BY m.sent_at DESC, m.id DESC LIMIT ${r.lastN})`;
    const nd = `${now} - x.sent_at >= ${r.notDelivered.withinMs} AND (x.d IS NULL OR x.d > ${r.notDelivered.withinMs})`;
    const un = `${this.p(this.ctx.now)} - x.sent_at >= ${r.unseen.withinMs} AND x.d IS NOT NULL AND (x.s IS NULL OR x.s > ${r.unseen.withinMs})`;
    return `(SELECT count(*) FILTER (WHERE ${nd}) >= ${r.notDelivered.min} OR count(*) FILTER (WHERE ${un}) >= ${r.unseen.min} FROM ${lastN} x)`;
  }

  condition(c: Condition, stack: readonly number[]): string {
    return `coalesce((${this.raw(c, stack)}), 0)`;
  }

  node(node: RuleNode, stack: readonly number[]): string {
    if (node.type === 'condition') return this.condition(node, stack);
    const parts = node.children.map((child) => this.node(child, stack));
    if (node.op === 'or') return `(${parts.join(' OR ')})`;
    const all = `(${parts.join(' AND ')})`;
    return node.op === 'and' ? all : `(NOT ${all})`;
  }
}

/** SELECT of the members' contact ids (ascending), scoped to the workspace's Pages. */
export function compileSegment(rule: SegmentRule, ctx: CompileContext): CompiledSegment {
  const b = new Builder(ctx);
  const where = b.node(rule.root, []);
  const sql = `SELECT c.id FROM contacts c JOIN pages p ON p.id = c.page_ref
    WHERE p.workspace_id = ? AND ${where} ORDER BY c.id`;
  return { sql, params: [ctx.workspaceId, ...b.params] };
}

/** The same predicate wrapped for callers that add their own columns or counts. */
export function compileSegmentFilter(rule: SegmentRule, ctx: CompileContext): CompiledSegment {
  const b = new Builder(ctx);
  const where = b.node(rule.root, []);
  return { sql: `p.workspace_id = ? AND ${where}`, params: [ctx.workspaceId, ...b.params] };
}
