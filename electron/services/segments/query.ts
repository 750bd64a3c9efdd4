import type { Database } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import { DAY_MS, HOUR_MS } from '../../../shared/time/zones';
import { SEGMENT_RULE_VERSION, type Channel, type SegmentRule } from '../../../shared/domain/segmentRule';
import type { CountOutput, ExportField, SegmentFields, StartingPoint } from '../../../shared/domain/segments';
import { STANDARD_WINDOW_MS } from '../../../shared/time/window';
import { csvCell } from '../monitoring/csv';
import { stuckThresholdsOf } from '../monitoring/settings';
import { compileSegmentFilter, segmentFrom, type CompileContext } from './compile';
import { checkReferences, referenceError, resolverFor } from './store';
import { refreshContactStats } from './stats';

/** Live counts, the editors' enumerations, the starting points and the CSV export. */

function assertWorkspace(db: Database, workspaceId: number): void {
  if (!db.prepare('SELECT 1 FROM workspaces WHERE id = ?').get(workspaceId)) throw new ApiError('NOT_FOUND', `Workspace #${workspaceId} does not exist.`);
}

/** First and last outbound send of the whole store (the covering index answers both ends); null when none. */
export function sentRangeOf(db: Database): { min: number; max: number } | null {
  // ORDER BY … LIMIT 1 lets the partial index on outbound sends answer each end in one seek.
  const end = (dir: 'ASC' | 'DESC') =>
    db.prepare(`SELECT sent_at FROM messages WHERE direction = 'out' ORDER BY sent_at ${dir} LIMIT 1`).pluck().get() as number | undefined;
  const min = end('ASC');
  const max = end('DESC');
  return min === undefined || max === undefined ? null : { min, max };
}

export interface Prepared {
  ctx: CompileContext;
  from: string;
  where: string;
  params: unknown[];
  notes: string[];
}

/** Checks references, refreshes the per-contact totals, compiles: the members' WHERE clause. */
export function prepareRule(db: Database, workspaceId: number, rule: SegmentRule, at: number, selfId: number | null = null): Prepared {
  assertWorkspace(db, workspaceId);
  checkReferences(db, workspaceId, rule, selfId);
  const { fresh } = refreshContactStats(db, workspaceId);
  const ctx: CompileContext = {
    workspaceId,
    now: at,
    resolveSegment: resolverFor(db, workspaceId),
    aggregates: fresh,
    sentRange: fresh ? sentRangeOf(db) : undefined,
    stuckThresholds: stuckThresholdsOf(db, workspaceId),
  };
  let compiled;
  try {
    compiled = compileSegmentFilter(rule, ctx);
  } catch (e) {
    throw referenceError(e, rule, selfId);
  }
  const notes = [
    fresh
      ? 'Behaviour over all of a contact’s sends read from the maintained per-contact totals; other periods from the messages.'
      : 'The store is read-only or busy: behaviour computed from the messages directly.',
  ];
  const fields = JSON.stringify(rule);
  if (fields.includes('"clicked"')) notes.push('Clicked: Relais receives no click events; a send seen and then replied to (before the next send, within 24 h) counts as clicked.');
  if (fields.includes('"stuckCount"')) notes.push('Stuck: a send still unseen past its campaign kind’s stuck threshold (monitoring settings) at the evaluation time.');
  return { ctx, from: segmentFrom(ctx), where: compiled.sql, params: compiled.params, notes };
}

const MESSAGEABLE = `c.consent_messenger <> 0 AND c.opted_out_at IS NULL AND c.last_inbound_at <= ? AND ? < c.last_inbound_at + ${STANDARD_WINDOW_MS}`;

export function countSegment(db: Database, input: { workspaceId: number; rule: SegmentRule; at?: number | undefined; segmentId?: number | undefined }): CountOutput {
  const started = performance.now();
  const at = input.at ?? Date.now();
  const p = prepareRule(db, input.workspaceId, input.rule, at, input.segmentId ?? null);
  const totals = db
    .prepare(`SELECT count(*) AS count, count(*) FILTER (WHERE ${MESSAGEABLE}) AS messageable FROM ${p.from} WHERE ${p.where}`)
    .get(at, at, ...p.params) as { count: number; messageable: number };
  const sample = db
    .prepare(
      `SELECT c.id AS contactId, c.psid, c.name, p.id AS pageId, p.name AS pageName FROM ${p.from} JOIN pages p ON p.id = c.page_ref
       WHERE ${p.where} ORDER BY c.id LIMIT 10`,
    )
    .all(...p.params) as CountOutput['sample'];
  return {
    count: totals.count,
    messageableNow: totals.messageable,
    sample,
    at,
    method: { aggregates: p.ctx.aggregates === true, tookMs: performance.now() - started, notes: p.notes },
  };
}

/** Channel consent (and an address to send to) for the export. Messenger opt-out is Messenger's only. */
export const CHANNEL_ELIGIBLE: Record<Channel, string> = {
  messenger: 'c.consent_messenger <> 0 AND c.opted_out_at IS NULL',
  sms: "c.consent_sms <> 0 AND coalesce(c.phone, '') <> ''",
  email: "c.consent_email <> 0 AND coalesce(c.email, '') <> ''",
};

const FIELD_SQL: Record<ExportField, string> = {
  psid: 'c.psid',
  name: 'c.name',
  page: 'p.page_id',
  locale: 'c.locale',
  timeZone: 'c.time_zone',
  phone: 'c.phone',
  email: 'c.email',
  labels: "(SELECT group_concat(l.label, '; ') FROM (SELECT label FROM contact_labels WHERE contact_ref = c.id ORDER BY label) l)",
  lastInboundAt: 'c.last_inbound_at',
  windowClosesAt: `c.last_inbound_at + ${STANDARD_WINDOW_MS}`,
};
const TIME_FIELDS = new Set<ExportField>(['lastInboundAt', 'windowClosesAt']);

export interface ExportSummary {
  rows: number;
  excluded: number;
  count: number;
}

/**
 * The export as CSV lines (the first one starts with a BOM), read row by row from the database:
 * memory stays flat whatever the segment's size. `summary` is complete once the generator ends.
 */
export function* exportLines(
  db: Database,
  input: { workspaceId: number; rule: SegmentRule; channel: Channel; fields: readonly ExportField[]; at?: number | undefined; selfId?: number | null },
  summary: ExportSummary,
): Generator<string> {
  const at = input.at ?? Date.now();
  const p = prepareRule(db, input.workspaceId, input.rule, at, input.selfId ?? null);
  const columns = input.fields.map((f) => `${FIELD_SQL[f]}`).join(', ');
  const rows = db
    .prepare(`SELECT (${CHANNEL_ELIGIBLE[input.channel]}) AS ok, ${columns} FROM ${p.from} JOIN pages p ON p.id = c.page_ref WHERE ${p.where} ORDER BY c.id`)
    .raw()
    .iterate(...p.params) as Iterable<unknown[]>;
  yield `\uFEFF${input.fields.map((f) => csvCell(f)).join(',')}\r\n`;
  for (const row of rows) {
    summary.count++;
    if (!row[0]) {
      summary.excluded++;
      continue;
    }
    summary.rows++;
    const cells = input.fields.map((f, i) => {
      const v = row[i + 1] as string | number | null;
      return csvCell(TIME_FIELDS.has(f) && typeof v === 'number' ? new Date(v).toISOString() : v);
    });
    yield `${cells.join(',')}\r\n`;
  }
}

function slug(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'segment'
  );
}

export function exportFileName(name: string, channel: Channel): string {
  return `${slug(name)}-${channel}.csv`;
}

export function fieldsOf(db: Database, workspaceId: number): SegmentFields {
  assertWorkspace(db, workspaceId);
  const pagesOfWs = 'SELECT c.id FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ?';
  const distinct = (column: string) =>
    db
      .prepare(`SELECT DISTINCT ${column} FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ? AND ${column} IS NOT NULL ORDER BY 1`)
      .pluck()
      .all(workspaceId) as string[];
  const campaigns = db
    .prepare(
      `SELECT cp.id, cp.name, cp.kind, (SELECT min(m.sent_at) FROM messages m WHERE m.campaign_id = cp.id) AS firstSentAt
       FROM campaigns cp WHERE cp.workspace_id = ? ORDER BY cp.created_at DESC, cp.id DESC`,
    )
    .all(workspaceId) as { id: number; name: string; kind: string; firstSentAt: number | null }[];
  const variants = db.prepare('SELECT id, name FROM variants WHERE campaign_id = ? ORDER BY id');
  const range = db
    .prepare(`SELECT min(m.sent_at) AS "from", max(m.sent_at) AS "to" FROM messages m WHERE m.direction = 'out' AND m.contact_ref IN (${pagesOfWs})`)
    .get(workspaceId) as { from: number | null; to: number | null };
  return {
    pages: db.prepare('SELECT id, page_id AS pageId, name FROM pages WHERE workspace_id = ? ORDER BY name, id').all(workspaceId) as SegmentFields['pages'],
    labels: db.prepare(`SELECT DISTINCT label FROM contact_labels WHERE contact_ref IN (${pagesOfWs}) ORDER BY label`).pluck().all(workspaceId) as string[],
    locales: distinct('c.locale'),
    timeZones: distinct('c.time_zone'),
    campaigns: campaigns.map((c) => ({ ...c, variants: variants.all(c.id) as { id: number; name: string }[] })),
    experiments: db.prepare('SELECT id, name, campaign_id AS campaignId FROM experiments WHERE workspace_id = ? ORDER BY created_at DESC, id DESC').all(workspaceId) as SegmentFields['experiments'],
    segments: db
      .prepare('SELECT id, name, kind FROM segments WHERE workspace_id = ? AND current_version > 0 ORDER BY name COLLATE NOCASE')
      .all(workspaceId) as SegmentFields['segments'],
    channels: ['messenger', 'sms', 'email'],
    unavailable: [
      {
        field: 'bestSendHour',
        reason: 'The send-time model is fitted per audience on demand (Best time to send); it is not kept per contact, so segments cannot filter on it yet.',
      },
    ],
    definitions: {
      replied: 'A send answered by a message from the contact before the next send, within 24 h.',
      clicked: 'Relais receives no click events: a button or quick-reply tap arrives as a message, so a send seen and then replied to counts as clicked.',
      stuckCount: 'Sends still unseen past the stuck threshold of their campaign kind (monitoring settings) at the evaluation time.',
      recurringProblem: 'Of the last 5 sends, at least 3 not delivered within 24 h or at least 4 delivered but not seen within 72 h.',
      messageableNow: 'Inside the 24-hour window now, Messenger consent, not opted out.',
    },
    sentRange: range.from === null || range.to === null ? null : { from: range.from, to: range.to },
    now: Date.now(),
  };
}

/** The four ready-made starting points, with periods ending at the start of the next UTC day. */
export function startingPoints(now: number): StartingPoint[] {
  const to = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
  const lastMonth = { from: to - 30 * DAY_MS, to };
  const ninetyDaysAgo = to - 90 * DAY_MS;
  const v = SEGMENT_RULE_VERSION as 1;
  return [
    { key: 'recurringProblems', rule: { version: v, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'recurringProblem', op: 'isTrue' }] } } },
    {
      key: 'seenWithin1hLastMonth',
      rule: {
        version: v,
        root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'medianSeenLatency', period: lastMonth, test: { op: 'lte', value: HOUR_MS } }] },
      },
    },
    {
      key: 'inactive90Days',
      rule: {
        version: v,
        root: {
          type: 'group',
          op: 'and',
          children: [
            {
              type: 'group',
              op: 'or',
              children: [
                { type: 'condition', field: 'lastInboundAt', test: { op: 'lt', value: ninetyDaysAgo } },
                { type: 'condition', field: 'lastInboundAt', test: { op: 'empty' } },
              ],
            },
            {
              type: 'group',
              op: 'or',
              children: [
                { type: 'condition', field: 'lastSeenAt', test: { op: 'lt', value: ninetyDaysAgo } },
                { type: 'condition', field: 'lastSeenAt', test: { op: 'empty' } },
              ],
            },
          ],
        },
      },
    },
    {
      key: 'insideWindowNow',
      rule: {
        version: v,
        root: {
          type: 'group',
          op: 'and',
          children: [
            { type: 'condition', field: 'insideWindow', at: 'now', op: 'isTrue' },
            { type: 'condition', field: 'optedOut', op: 'isFalse' },
          ],
        },
      },
    },
  ];
}
