import type { Database } from 'better-sqlite3';
import { DAY_MS, HOUR_MS } from '../../../shared/time/zones';
import type { RecurringRule } from '../../../shared/domain/monitoring';
import { SENDS } from './scope';
import { effectiveDelivered, NEVER, repliedFromWindow, storedReply, threadRows } from './sql';

/**
 * The maintained aggregates of migration 004 (hourly funnel counts with the replies behind
 * them, and per-contact recurring-problem statuses) and how they are brought up to date.
 * New message ids and a change log say what changed; the refresh recomputes those hours
 * and contacts from `messages` with the same definitions the direct queries use, so an
 * aggregate can lag (it is refreshed before every read) but never disagree.
 */

/** Horizons H the hourly rollup answers directly; any other H is computed from the messages. */
export const ROLLUP_HORIZONS = new Map<number, string>([
  [HOUR_MS, '1h'],
  [6 * HOUR_MS, '6h'],
  [DAY_MS, '24h'],
  [2 * DAY_MS, '48h'],
  [3 * DAY_MS, '72h'],
]);
/** The reply window the rollup's `replied` counts use (the domain's default). */
export const ROLLUP_REPLY_WINDOW_MS = DAY_MS;
/** A message can change the reply of sends up to one reply window before it. */
const REPLY_REACH_HOURS = ROLLUP_REPLY_WINDOW_MS / HOUR_MS;
/** Recompute at most a week of hours per statement: bounded temporary storage on a first build. */
const CHUNK_HOURS = 7 * 24;

const hasTables = new WeakMap<Database, boolean>();

/** False on a read-only store: queries then compute everything from the messages. */
export function canMaintainAggregates(db: Database): boolean {
  if (db.readonly) return false;
  let known = hasTables.get(db);
  if (known === undefined) {
    known = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'monitoring_hourly'").get() !== undefined;
    if (!known) throw new Error('The monitoring tables are missing: the store needs migration 004 (delivery monitoring).');
    hasTables.set(db, known);
  }
  return known;
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED';
}

/** [from, to] hour ranges to recompute, merged and cut into bounded chunks. */
export function hoursToRecompute(dirtyHours: readonly number[]): [number, number][] {
  const sorted = [...dirtyHours].sort((a, b) => a - b);
  const merged: [number, number][] = [];
  for (const h of sorted) {
    const lo = h - REPLY_REACH_HOURS;
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], h);
    else merged.push([lo, h]);
  }
  return merged.flatMap(([a, b]) => wholeSpan(a, b));
}

/** Every hour from a to b, in chunks. */
function wholeSpan(a: number, b: number): [number, number][] {
  const chunks: [number, number][] = [];
  for (let s = a; s <= b; s += CHUNK_HOURS) chunks.push([s, Math.min(b, s + CHUNK_HOURS - 1)]);
  return chunks;
}

const WS_PAGES = 'SELECT id FROM pages WHERE workspace_id = @workspaceId';

function rollupColumns(): { names: string[]; exprs: string[]; params: Record<string, number> } {
  const names: string[] = [];
  const exprs: string[] = [];
  const params: Record<string, number> = {};
  for (const [ms, suffix] of ROLLUP_HORIZONS) {
    params[`h${suffix}`] = ms;
    names.push(`delivered_${suffix}`, `seen_${suffix}`, `seen_replied_${suffix}`);
    exprs.push(
      `count(*) FILTER (WHERE d <= @h${suffix})`,
      `count(*) FILTER (WHERE s <= @h${suffix})`,
      `count(*) FILTER (WHERE s <= @h${suffix} AND rep)`,
    );
  }
  return { names, exprs, params };
}

const ROLLUP = rollupColumns();

// Replies first: each thread's messages read once in time order give every send's first
// reply and next send (the rows read reach one reply window past the hours recomputed,
// which keeps it equal to the per-message definition). The hourly counts then look them up.
const DELETE_REPLIES = `DELETE FROM monitoring_replies WHERE message_id IN (
  SELECT m.id FROM ${SENDS} WHERE m.direction = 'out' AND m.sent_at >= @lo AND m.sent_at < @hi AND c.page_ref IN (${WS_PAGES}))`;
const INSERT_REPLIES = `
  INSERT INTO monitoring_replies (message_id, replied_at)
  SELECT t.id, t.first_in FROM (${threadRows(SENDS, `c.page_ref IN (${WS_PAGES}) AND m.sent_at >= @lo AND m.sent_at < @hi + @replyWindowMs`)}) t
  WHERE t.direction = 'out' AND t.sent_at < @hi AND ${repliedFromWindow('t', '@replyWindowMs')}`;
const INSERT_HOURS = `
  WITH x AS MATERIALIZED (
    SELECT c.page_ref, coalesce(m.campaign_id, 0) AS campaign_id, m.sent_at,
      ${effectiveDelivered('m')} - m.sent_at AS d, m.read_at - m.sent_at AS s, ${storedReply('m')} AS rep
    FROM ${SENDS}
    WHERE m.direction = 'out' AND m.sent_at >= @lo AND m.sent_at < @hi AND c.page_ref IN (${WS_PAGES})
  )
  INSERT INTO monitoring_hourly (page_ref, hour, campaign_id, sent, first_sent_at, replied, ${ROLLUP.names.join(', ')})
  SELECT page_ref, sent_at / ${HOUR_MS}, campaign_id, count(*), min(sent_at), count(*) FILTER (WHERE rep), ${ROLLUP.exprs.join(', ')}
  FROM x GROUP BY page_ref, sent_at / ${HOUR_MS}, campaign_id`;

/**
 * Brings the hourly rollup of a workspace up to date. Returns false when it could not
 * (read-only store, or another connection holds the write lock): the caller then reads
 * the messages directly, which gives the same numbers more slowly.
 */
export function refreshHourly(db: Database, workspaceId: number): boolean {
  if (!canMaintainAggregates(db)) return false;
  const ws = { workspaceId };
  const pending = db
    .prepare(
      `SELECT coalesce((SELECT max(id) FROM messages) >= (SELECT next_message_id FROM monitoring_state WHERE workspace_id = @workspaceId), 1)
        OR EXISTS (SELECT 1 FROM monitoring_changes d JOIN contacts c ON c.id = d.contact_ref WHERE c.page_ref IN (${WS_PAGES}))
        OR EXISTS (SELECT 1 FROM monitoring_page_changes WHERE page_ref IN (${WS_PAGES}))`,
    )
    .pluck()
    .get(ws);
  if (!pending) return true;
  try {
    db.transaction(() => {
      const mark = db.prepare('SELECT next_message_id FROM monitoring_state WHERE workspace_id = ?').pluck().get(workspaceId) as number | undefined;
      const nextId = db.prepare('SELECT coalesce(max(id), 0) + 1 FROM messages').pluck().get() as number;
      let hours: number[];
      if (mark === undefined) {
        // Never built: every hour of the workspace, and every contact's status, from scratch.
        const span = db
          .prepare(`SELECT min(m.sent_at) / ${HOUR_MS} AS a, max(m.sent_at) / ${HOUR_MS} AS b FROM ${SENDS} WHERE m.direction = 'out' AND c.page_ref IN (${WS_PAGES})`)
          .get(ws) as { a: number | null; b: number | null };
        hours = span.a === null || span.b === null ? [] : [span.a, span.b];
        db.prepare('DELETE FROM monitoring_status_basis WHERE workspace_id = ?').run(workspaceId);
      } else {
        const newSends = `FROM ${SENDS} WHERE m.id >= @mark AND c.page_ref IN (${WS_PAGES})`;
        hours = db
          .prepare(
            `SELECT DISTINCT m.sent_at / ${HOUR_MS} ${newSends}
             UNION SELECT d.hour FROM monitoring_changes d JOIN contacts c ON c.id = d.contact_ref WHERE c.page_ref IN (${WS_PAGES})
             UNION SELECT hour FROM monitoring_page_changes WHERE page_ref IN (${WS_PAGES})`,
          )
          .pluck()
          .all({ ...ws, mark }) as number[];
        // The contacts behind these changes still owe a status recomputation.
        db.prepare(
          `INSERT OR IGNORE INTO monitoring_dirty_contacts (contact_ref)
           SELECT m.contact_ref ${newSends}
           UNION SELECT d.contact_ref FROM monitoring_changes d JOIN contacts c ON c.id = d.contact_ref WHERE c.page_ref IN (${WS_PAGES})`,
        ).run({ ...ws, mark });
      }
      const remove = db.prepare(`DELETE FROM monitoring_hourly WHERE page_ref IN (${WS_PAGES}) AND hour BETWEEN @a AND @b`);
      const insert = db.prepare(INSERT_HOURS);
      const removeReplies = db.prepare(DELETE_REPLIES);
      const insertReplies = db.prepare(INSERT_REPLIES);
      for (const [a, b] of mark === undefined && hours.length === 2 ? wholeSpan(hours[0]!, hours[1]!) : hoursToRecompute(hours)) {
        const range = { ...ws, replyWindowMs: ROLLUP_REPLY_WINDOW_MS, lo: a * HOUR_MS, hi: (b + 1) * HOUR_MS };
        removeReplies.run(range);
        insertReplies.run(range);
        remove.run({ ...ws, a, b });
        insert.run({ ...range, ...ROLLUP.params });
      }
      db.prepare(
        `INSERT INTO monitoring_state (workspace_id, next_message_id) VALUES (@workspaceId, @nextId)
         ON CONFLICT (workspace_id) DO UPDATE SET next_message_id = excluded.next_message_id`,
      ).run({ ...ws, nextId });
      db.prepare(`DELETE FROM monitoring_changes WHERE contact_ref IN (SELECT id FROM contacts WHERE page_ref IN (${WS_PAGES}))`).run(ws);
      db.prepare(`DELETE FROM monitoring_page_changes WHERE page_ref IN (${WS_PAGES})`).run(ws);
      db.prepare('DELETE FROM monitoring_changes WHERE contact_ref NOT IN (SELECT id FROM contacts)').run();
      db.prepare('DELETE FROM monitoring_page_changes WHERE page_ref NOT IN (SELECT id FROM pages)').run();
    }).immediate();
    return true;
  } catch (e) {
    if (isBusy(e)) return false;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Recurring-problem status per contact

/** Bit layout of the packed per-contact counts (each count ≤ 50 < 64). */
const PACK = { notDelivered: 1, unseen: 64, undecided: 4096, considered: 262144 };

const FAIL_ND = '(@now - x.sent_at >= @ndWithin AND (x.d IS NULL OR x.d > @ndWithin))';
const UNDECIDED_ND = '(@now - x.sent_at < @ndWithin AND (x.d IS NULL OR x.d > @ndWithin))';
const FAIL_UN = '(@now - x.sent_at >= @unWithin AND x.d IS NOT NULL AND (x.s IS NULL OR x.s > @unWithin))';
const UNDECIDED_UN = '(@now - x.sent_at < @unWithin AND (x.s IS NULL OR x.s > @unWithin))';
const LAST_N = `(SELECT m.sent_at, ${effectiveDelivered('m')} - m.sent_at AS d, m.read_at - m.sent_at AS s
  FROM messages m WHERE m.contact_ref = c.id AND m.direction = 'out' ORDER BY m.sent_at DESC, m.id DESC LIMIT @lastN)`;

export type StatusTargets = 'workspace' | 'queued';

/**
 * The rule evaluated for contacts of a workspace at `now`: considered, failures of each
 * criterion, messages too recent to judge, and recheck_at (when the first of those
 * becomes judgeable, the only moment the status can change without new data).
 */
function statusQuery(targets: StatusTargets): { cte: string; select: string } {
  const who =
    targets === 'workspace'
      ? `c.page_ref IN (${WS_PAGES})`
      : `c.page_ref IN (${WS_PAGES}) AND c.id IN (SELECT contact_ref FROM monitoring_dirty_contacts
           UNION SELECT contact_ref FROM monitoring_contact_status WHERE recheck_at <= @now)`;
  const cte = `
    WITH t AS MATERIALIZED (
      SELECT c.id AS contact_ref, c.page_ref,
        (SELECT count(*) * ${PACK.considered}
            + count(*) FILTER (WHERE (${UNDECIDED_ND} OR ${UNDECIDED_UN}) AND NOT ${FAIL_ND} AND NOT ${FAIL_UN}) * ${PACK.undecided}
            + count(*) FILTER (WHERE ${FAIL_UN}) * ${PACK.unseen} + count(*) FILTER (WHERE ${FAIL_ND})
         FROM ${LAST_N} x) AS packed,
        (SELECT min(min(CASE WHEN ${UNDECIDED_ND} THEN x.sent_at + @ndWithin ELSE ${NEVER} END,
                        CASE WHEN ${UNDECIDED_UN} THEN x.sent_at + @unWithin ELSE ${NEVER} END))
         FROM ${LAST_N} x) AS recheck,
        (SELECT max(m.sent_at) FROM messages m WHERE m.contact_ref = c.id AND m.direction = 'out') AS last_sent_at
      FROM contacts c WHERE ${who}
    )`;
  const select = `
    SELECT contact_ref, page_ref, packed / ${PACK.considered} AS considered, packed % 64 AS not_delivered,
      (packed / ${PACK.unseen}) % 64 AS unseen, (packed / ${PACK.undecided}) % 64 AS undecided, last_sent_at,
      (packed % 64 >= @ndMin OR (packed / ${PACK.unseen}) % 64 >= @unMin) AS flagged,
      nullif(recheck, ${NEVER}) AS recheck_at
    FROM t`;
  return { cte, select };
}

export function ruleParams(rule: RecurringRule, now: number, workspaceId: number) {
  return {
    workspaceId,
    now,
    lastN: rule.lastN,
    ndWithin: rule.notDelivered.withinMs,
    ndMin: rule.notDelivered.min,
    unWithin: rule.unseen.withinMs,
    unMin: rule.unseen.min,
  };
}

export interface StatusRow {
  contact_ref: number;
  page_ref: number;
  considered: number;
  not_delivered: number;
  unseen: number;
  undecided: number;
  last_sent_at: number | null;
  flagged: number;
  recheck_at: number | null;
}

/** The rule evaluated from the messages for every contact of the workspace, without storing anything. */
export function evaluateStatuses(db: Database, workspaceId: number, rule: RecurringRule, now: number): StatusRow[] {
  const q = statusQuery('workspace');
  return db.prepare(q.cte + q.select).all(ruleParams(rule, now, workspaceId)) as StatusRow[];
}

/**
 * Brings the stored statuses of a workspace up to date for `now` and the rule. A changed
 * rule, or a `now` earlier than the last evaluation, recomputes the whole workspace;
 * otherwise only contacts with new data or a judgement falling due. False when the store
 * cannot be written (the caller then evaluates from the messages).
 */
export function refreshStatuses(db: Database, workspaceId: number, rule: RecurringRule, now: number): boolean {
  if (!refreshHourly(db, workspaceId)) return false;
  const ruleKey = JSON.stringify(rule);
  const params = ruleParams(rule, now, workspaceId);
  const basis = db.prepare('SELECT rule_key AS ruleKey, computed_at AS computedAt FROM monitoring_status_basis WHERE workspace_id = ?').get(workspaceId) as
    | { ruleKey: string; computedAt: number }
    | undefined;
  const whole = !basis || basis.ruleKey !== ruleKey || basis.computedAt > now;
  if (!whole) {
    const due = db
      .prepare(
        `SELECT EXISTS (SELECT 1 FROM monitoring_dirty_contacts d JOIN contacts c ON c.id = d.contact_ref WHERE c.page_ref IN (${WS_PAGES}))
          OR EXISTS (SELECT 1 FROM monitoring_contact_status WHERE recheck_at <= @now AND page_ref IN (${WS_PAGES}))`,
      )
      .pluck()
      .get(params);
    if (!due) return true;
  }
  try {
    db.transaction(() => {
      if (whole) db.prepare(`DELETE FROM monitoring_contact_status WHERE page_ref IN (${WS_PAGES})`).run(params);
      const q = statusQuery(whole ? 'workspace' : 'queued');
      db.prepare(
        `${q.cte}
         INSERT INTO monitoring_contact_status (contact_ref, page_ref, considered, not_delivered, unseen, undecided, last_sent_at, flagged, recheck_at)
         ${q.select}
         WHERE true
         ON CONFLICT (contact_ref) DO UPDATE SET page_ref = excluded.page_ref, considered = excluded.considered,
           not_delivered = excluded.not_delivered, unseen = excluded.unseen, undecided = excluded.undecided,
           last_sent_at = excluded.last_sent_at, flagged = excluded.flagged, recheck_at = excluded.recheck_at`,
      ).run(params);
      db.prepare(`DELETE FROM monitoring_dirty_contacts WHERE contact_ref IN (SELECT id FROM contacts WHERE page_ref IN (${WS_PAGES}))`).run(params);
      db.prepare('DELETE FROM monitoring_dirty_contacts WHERE contact_ref NOT IN (SELECT id FROM contacts)').run();
      db.prepare(
        `INSERT INTO monitoring_status_basis (workspace_id, rule_key, computed_at) VALUES (@workspaceId, @ruleKey, @now)
         ON CONFLICT (workspace_id) DO UPDATE SET rule_key = excluded.rule_key, computed_at = excluded.computed_at`,
      ).run({ ...params, ruleKey });
    }).immediate();
    return true;
  } catch (e) {
    if (isBusy(e)) return false;
    throw e;
  }
}
