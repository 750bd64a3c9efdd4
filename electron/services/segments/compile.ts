import { DEFAULT_RECURRING_RULE, DEFAULT_STUCK_THRESHOLDS, type StuckThresholds } from '../../../shared/domain/monitoring';
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
  type Period,
  type TextTest,
} from '../../../shared/domain/segmentRule';
import { STANDARD_WINDOW_MS } from '../../../shared/time/window';
import { replied as repliedSql } from '../monitoring/sql';

/**
 * Segment rule → one parameterised SQL query returning the member contact ids.
 *
 * Only `?` placeholders carry values; every identifier and operator below comes from the
 * constants in this file, never from the rule. Each condition compiles to a 0/1 expression
 * (`coalesce(…, 0)`), so NOT stays a true complement despite SQL NULLs, matching the reference
 * evaluator in shared/segments/evaluate.ts. Behaviour conditions are correlated subqueries that
 * seek `monitoring_messages_thread (contact_ref, direction, sent_at)` per contact.
 *
 * With `aggregates` (the contacts' `seg_*` totals brought up to date, see stats.ts), a
 * behaviour condition reads the contact's totals whenever its period covers all of the
 * contact's sends (always true for an all-time period, and for contacts without sends): the
 * totals then equal the period's figures exactly, and the subquery runs only for the others.
 */

export interface CompiledSegment {
  sql: string;
  params: unknown[];
}

export interface CompileContext {
  workspaceId: number;
  now: number;
  resolveSegment: SegmentResolver;
  /** Read the contacts' `seg_*` totals where they answer exactly; the caller refreshed them. */
  aggregates?: boolean;
  /** First and last outbound send of the store: a period covering both needs no per-contact test. */
  sentRange?: { min: number; max: number } | null;
  stuckThresholds?: StuckThresholds;
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
/** domain.md's replied (before the next send, within 24 h): the monitoring fragment. */
const REPLIED = repliedSql('m', String(REPLY_WINDOW_MS));

/** Conditions whose SQL is never NULL (EXISTS, IS NULL tests, non-null columns, CASE over such). */
const NEVER_NULL = new Set<Condition['field']>(['page', 'consent', 'optedOut', 'insideWindow', 'replied', 'clicked', 'recurringProblem', 'campaign', 'segment', 'labels']);

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

  /**
   * The contact's totals when the period covers every send of the contact, else the subquery.
   * `aggregate` reads the stats row `s` (absent = no sends, handled by coalesce in the callers).
   */
  behaviour(p: Period, aggregate: string, subquery: () => string): string {
    if (!this.ctx.aggregates) return subquery();
    const range = this.ctx.sentRange;
    if (range === null || (range && p.from <= range.min && p.to > range.max)) return aggregate;
    // Placeholders are numbered in text order: the CASE's before the subquery's.
    const covers = `c.seg_out_count = 0 OR (c.seg_first_out_at >= ${this.p(p.from)} AND c.seg_last_out_at < ${this.p(p.to)})`;
    return `CASE WHEN ${covers} THEN ${aggregate} ELSE (${subquery()}) END`;
  }

  labels(test: LabelTest): string {
    const any = 'SELECT 1 FROM contact_labels l WHERE l.contact_ref = c.id';
    if (!('value' in test)) return `${test.op === 'empty' ? 'NOT ' : ''}EXISTS (${any})`;
    const list = test.value.map((v) => this.p(v)).join(', ');
    if (test.op === 'hasAll') {
      return `(SELECT count(DISTINCT l.label) FROM contact_labels l WHERE l.contact_ref = c.id AND l.label IN (${list})) = ${this.p(new Set(test.value).size)}`;
    }
    return `${test.op === 'hasNone' ? 'NOT ' : ''}EXISTS (${any} AND l.label IN (${list}))`;
  }

  /** The raw (possibly NULL) expression of a condition; `condition` wraps it into 0/1. */
  private raw(c: Condition, stack: readonly number[]): string {
    switch (c.field) {
      case 'page': {
        const t = c.test;
        // +c.page_ref: scan contacts in rowid order rather than walk the page_ref index (see IN_WORKSPACE).
        if (t.op === 'in' || t.op === 'notIn') return `+c.page_ref ${t.op === 'in' ? 'IN' : 'NOT IN'} (${t.value.map((v) => this.p(v)).join(', ')})`;
        return `+c.page_ref ${COMPARE[t.op]} ${this.p(t.value)}`;
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
      case 'labels':
        return this.labels(c.test);
      case 'messagesReceived':
        return this.numberTest(
          this.behaviour(c.period, 'c.seg_out_count', () => `SELECT count(*) FROM messages m WHERE ${this.period(c.period)}`),
          c.test,
        );
      case 'deliveredRate':
      case 'seenRate': {
        const ok = c.field === 'seenRate' ? 'm.read_at IS NOT NULL' : `${EFFECTIVE_DELIVERED} IS NOT NULL`;
        const total = c.field === 'seenRate' ? 'c.seg_seen_count' : 'c.seg_delivered_count';
        return this.numberTest(
          this.behaviour(
            c.period,
            `1.0 * ${total} / nullif(c.seg_out_count, 0)`,
            () => `SELECT 1.0 * count(*) FILTER (WHERE ${ok}) / nullif(count(*), 0) FROM messages m WHERE ${this.period(c.period)}`,
          ),
          c.test,
        );
      }
      case 'medianSeenLatency':
        // Middle row(s) of the sorted latencies: one for an odd count, the two middle ones averaged otherwise.
        return this.numberTest(
          this.behaviour(
            c.period,
            'c.seg_median_seen_latency',
            () => `SELECT avg(l.v) FROM (SELECT m.read_at - m.sent_at AS v,
             row_number() OVER (ORDER BY m.read_at - m.sent_at) AS rn, count(*) OVER () AS n
             FROM messages m WHERE ${this.period(c.period)} AND m.read_at IS NOT NULL) l
           WHERE l.rn IN ((l.n + 1) / 2, (l.n + 2) / 2)`,
          ),
          c.test,
        );
      case 'replied':
      case 'clicked': {
        const seen = c.field === 'clicked' ? ' AND m.read_at IS NOT NULL' : '';
        const total = c.field === 'clicked' ? 'c.seg_clicked_count' : 'c.seg_replied_count';
        return this.bool(
          c.op,
          this.behaviour(c.period, `coalesce(${total}, 0) > 0`, () => `EXISTS (SELECT 1 FROM messages m WHERE ${this.period(c.period)}${seen} AND ${REPLIED})`),
        );
      }
      case 'stuckCount': {
        const t = this.ctx.stuckThresholds ?? DEFAULT_STUCK_THRESHOLDS;
        // Placeholders are numbered in text order: build the fragments in that order.
        const period = this.period(c.period);
        const now = this.p(this.ctx.now);
        const threshold = `CASE coalesce(cp.kind, 'other') WHEN 'flash_promo' THEN ${this.p(t.flash_promo)} WHEN 'notice' THEN ${this.p(t.notice)}
          WHEN 'newsletter' THEN ${this.p(t.newsletter)} ELSE ${this.p(t.other)} END`;
        return this.numberTest(
          `SELECT count(*) FROM messages m LEFT JOIN campaigns cp ON cp.id = m.campaign_id
           WHERE ${period} AND m.read_at IS NULL AND ${now} - m.sent_at >= ${threshold}`,
          c.test,
        );
      }
      case 'lastSeenAt':
        return this.numberTest(
          this.ctx.aggregates ? 'c.seg_last_seen_at' : `SELECT max(m.read_at) FROM messages m WHERE ${OUT_OF_CONTACT}`,
          c.test,
        );
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
    const raw = this.raw(c, stack);
    // Comparisons of a possibly unknown value need the 0; the others are 0/1 already.
    return NEVER_NULL.has(c.field) ? `(${raw})` : `coalesce((${raw}), 0)`;
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
  const sql = `SELECT c.id FROM ${segmentFrom(ctx)} WHERE ${IN_WORKSPACE} AND ${where} ORDER BY c.id`;
  return { sql, params: [ctx.workspaceId, ...b.params] };
}

/** The FROM clause the filter below expects: contacts `c` (one table scanned; join Pages for their names when needed). */
export function segmentFrom(_ctx?: Pick<CompileContext, 'aggregates'>): string {
  return 'contacts c';
}

/** The workspace's contacts: its Pages, looked up once, then one scan of contacts. */
// The unary + keeps SQLite from walking the page_ref index (a table lookup per contact): a
// scan of contacts in rowid order is several times faster for a count over the workspace.
const IN_WORKSPACE = '+c.page_ref IN (SELECT id FROM pages WHERE workspace_id = ?)';

/** The same predicate wrapped for callers that add their own columns or counts (FROM `SEGMENT_FROM`). */
export function compileSegmentFilter(rule: SegmentRule, ctx: CompileContext): CompiledSegment {
  const b = new Builder(ctx);
  const where = b.node(rule.root, []);
  return { sql: `${IN_WORKSPACE} AND ${where}`, params: [ctx.workspaceId, ...b.params] };
}
