import type { Database } from 'better-sqlite3';
import {
  describeRecurringProblem,
  summaryLanguage,
  type FallbackChannel,
  type RecurringContact,
  type RecurringCsvOutput,
  type RecurringOutput,
  type RecurringRule,
} from '../../../shared/domain/monitoring';
import { evaluateStatuses, refreshStatuses, type StatusRow } from './aggregates';
import { csvDocument } from './csv';
import { pageCondition, type Scope } from './scope';
import { recurringRuleOf } from './settings';

interface FlaggedRow extends StatusRow {
  psid: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  consent_sms: number;
  consent_email: number;
  opted_out_at: number | null;
  last_inbound_at: number | null;
}

/** Most problems first, then the most recently messaged. */
const ORDER = 's.not_delivered DESC, s.unseen DESC, s.last_sent_at DESC, s.contact_ref';

/**
 * Contacts the rule flags, with their contact details: from the stored statuses once they
 * are up to date, or straight from the messages when the store cannot be written.
 */
function flaggedContacts(db: Database, scope: Pick<Scope, 'workspaceId' | 'pageId' | 'now'>, rule: RecurringRule, page: { limit: number; offset: number } | null) {
  const pages = pageCondition(scope, 's.page_ref');
  const contactColumns = 'c.psid, c.name, c.phone, c.email, c.consent_sms, c.consent_email, c.opted_out_at, c.last_inbound_at';
  if (refreshStatuses(db, scope.workspaceId, rule, scope.now)) {
    const total = db.prepare(`SELECT count(*) FROM monitoring_contact_status s WHERE s.flagged = 1 AND ${pages.sql}`).pluck().get(pages.params) as number;
    const rows = db
      .prepare(
        `SELECT s.*, ${contactColumns} FROM monitoring_contact_status s JOIN contacts c ON c.id = s.contact_ref
         WHERE s.flagged = 1 AND ${pages.sql} ORDER BY ${ORDER}${page ? ' LIMIT @limit OFFSET @offset' : ''}`,
      )
      .all({ ...pages.params, ...page }) as FlaggedRow[];
    return { total, rows };
  }
  const statuses = evaluateStatuses(db, scope.workspaceId, rule, scope.now).filter((s) => s.flagged === 1 && (scope.pageId === null || s.page_ref === scope.pageId));
  statuses.sort(
    (a, b) => b.not_delivered - a.not_delivered || b.unseen - a.unseen || (b.last_sent_at ?? 0) - (a.last_sent_at ?? 0) || a.contact_ref - b.contact_ref,
  );
  const chosen = page ? statuses.slice(page.offset, page.offset + page.limit) : statuses;
  const contact = db.prepare(`SELECT ${contactColumns} FROM contacts c WHERE c.id = ?`);
  return { total: statuses.length, rows: chosen.map((s) => ({ ...s, ...(contact.get(s.contact_ref) as object) }) as FlaggedRow) };
}

/** Latest sign of life: a read receipt, or a message from the contact. */
function lastSeenOf(db: Database) {
  const stmt = db
    .prepare(
      `SELECT max(coalesce(@lastInbound, 0),
         coalesce((SELECT max(read_at) FROM messages WHERE contact_ref = @id AND direction = 'out'), 0),
         coalesce((SELECT max(sent_at) FROM messages WHERE contact_ref = @id AND direction = 'in'), 0))`,
    )
    .pluck();
  return (row: FlaggedRow): number | null => {
    const t = stmt.get({ id: row.contact_ref, lastInbound: row.last_inbound_at }) as number;
    return t > 0 ? t : null;
  };
}

function toContact(row: FlaggedRow, lastSeenAt: number | null, rule: RecurringRule, locale: string): RecurringContact {
  const problem = { considered: row.considered, notDelivered: row.not_delivered, deliveredNotSeen: row.unseen, undecided: row.undecided };
  return {
    contactId: row.contact_ref,
    psid: row.psid,
    name: row.name,
    pageId: row.page_ref,
    lastSeenAt,
    lastSentAt: row.last_sent_at ?? 0,
    problem,
    summary: describeRecurringProblem(problem, rule, summaryLanguage(locale)),
  };
}

export function computeRecurring(db: Database, scope: Pick<Scope, 'workspaceId' | 'pageId' | 'now' | 'locale'>, page: { limit: number; offset: number }): RecurringOutput {
  const rule = recurringRuleOf(db, scope.workspaceId);
  const { total, rows } = flaggedContacts(db, scope, rule, page);
  const lastSeen = lastSeenOf(db);
  return {
    workspaceId: scope.workspaceId,
    pageId: scope.pageId,
    now: scope.now,
    rule,
    total,
    limit: page.limit,
    offset: page.offset,
    items: rows.map((r) => toContact(r, lastSeen(r), rule, scope.locale)),
  };
}

/**
 * The flagged contacts a fallback campaign may reach on `channel`: consent for that
 * channel, never opted out, and an address to send to. The others are counted, not listed.
 */
export function computeRecurringCsv(db: Database, scope: Pick<Scope, 'workspaceId' | 'pageId' | 'now' | 'locale'>, channel: FallbackChannel): RecurringCsvOutput {
  const rule = recurringRuleOf(db, scope.workspaceId);
  const { rows } = flaggedContacts(db, scope, rule, null);
  const lastSeen = lastSeenOf(db);
  const leftOut = { noConsent: 0, optedOut: 0, noAddress: 0 };
  const lines: (string | number | null)[][] = [];
  for (const row of rows) {
    const address = (channel === 'sms' ? row.phone : row.email)?.trim() ?? '';
    if (row.opted_out_at !== null) leftOut.optedOut++;
    else if ((channel === 'sms' ? row.consent_sms : row.consent_email) !== 1) leftOut.noConsent++;
    else if (address === '') leftOut.noAddress++;
    else {
      const c = toContact(row, lastSeen(row), rule, scope.locale);
      lines.push([c.psid, c.name, address, c.lastSeenAt === null ? '' : new Date(c.lastSeenAt).toISOString(), c.summary]);
    }
  }
  const stamp = new Date(scope.now).toISOString().slice(0, 10);
  return {
    channel,
    fileName: `relais-recurring-${channel}-${stamp}.csv`,
    csv: csvDocument(['psid', 'name', channel === 'sms' ? 'phone' : 'email', 'last_seen', 'problem_summary'], lines),
    rows: lines.length,
    leftOut,
  };
}
