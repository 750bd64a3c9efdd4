import type { Database } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import type { FitHelper } from '../../../shared/sendTime/helper';
import { startFitHelper } from './fitHelper';
import { cellOf, fitSendTimeModel, type ContactHistory, type SendTimeModel } from '../../../shared/sendTime/model';
import { isValidTimeZone } from '../../../shared/time/zones';

interface ContactRow {
  id: number;
  psid: string;
  page_ref: number;
  contact_zone: string | null;
  page_zone: string | null;
  last_inbound_at: number | null;
}

interface MessageRow {
  contact_ref: number;
  direction: 'in' | 'out';
  sent_at: number;
  delivered_at: number | null;
  read_at: number | null;
}

export interface WorkspaceHistory {
  workspaceZone: string;
  contacts: ContactHistory[];
  /** Most common local hour of outbound messages (workspace zone): "the usual time". */
  usualHour: number;
  /** Contacts whose stored time zone is not a zone Intl knows; the next level's zone was used. */
  unknownZones: { contactId: number; zone: string }[];
}

/** Reads every contact of a workspace with its messages; a zone that Intl does not know falls back to the next level. */
export function readWorkspaceHistory(db: Database, workspaceId: number): WorkspaceHistory {
  const ws = db.prepare('SELECT time_zone FROM workspaces WHERE id = ?').get(workspaceId) as { time_zone: string } | undefined;
  if (!ws) throw new ApiError('NOT_FOUND', `Workspace ${workspaceId} does not exist.`);
  const rows = db
    .prepare(
      `SELECT c.id, c.psid, c.page_ref, c.time_zone AS contact_zone, p.time_zone AS page_zone, c.last_inbound_at
         FROM contacts c JOIN pages p ON p.id = c.page_ref
        WHERE p.workspace_id = ? ORDER BY c.id`,
    )
    .all(workspaceId) as ContactRow[];
  const byId = new Map<number, ContactHistory & { outbound: ContactHistory['outbound'][number][]; inbound: number[] }>();
  const unknownZones: { contactId: number; zone: string }[] = [];
  // Checking a zone builds an Intl formatter: once per distinct name, not once per contact.
  const validity = new Map<string, boolean>();
  const isValid = (z: string): boolean => {
    let v = validity.get(z);
    if (v === undefined) {
      v = isValidTimeZone(z);
      validity.set(z, v);
    }
    return v;
  };
  for (const r of rows) {
    if (r.contact_zone && !isValid(r.contact_zone)) unknownZones.push({ contactId: r.id, zone: r.contact_zone });
    const zone = [r.contact_zone, r.page_zone, ws.time_zone].find((z): z is string => !!z && isValid(z)) ?? 'UTC';
    byId.set(r.id, { contactId: r.id, psid: r.psid, pageRef: r.page_ref, zone, lastInboundAt: r.last_inbound_at, outbound: [], inbound: [] });
  }
  const hourCounts = new Map<number, number>();
  const messages = db
    .prepare(
      `SELECT m.contact_ref, m.direction, m.sent_at, m.delivered_at, m.read_at
         FROM messages m JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref
        WHERE p.workspace_id = ?`,
    )
    .iterate(workspaceId) as IterableIterator<MessageRow>;
  for (const m of messages) {
    const h = byId.get(m.contact_ref);
    if (!h) continue;
    if (m.direction === 'in') h.inbound.push(m.sent_at);
    else {
      h.outbound.push({ sentAt: m.sent_at, deliveredAt: m.delivered_at, readAt: m.read_at });
      const hour = cellOf(m.sent_at, ws.time_zone) % 24;
      hourCounts.set(hour, (hourCounts.get(hour) ?? 0) + 1);
    }
  }
  let usualHour = 12;
  let most = 0;
  for (const [hour, n] of [...hourCounts].sort((a, b) => a[0] - b[0])) {
    if (n > most) {
      most = n;
      usualHour = hour;
    }
  }
  return { workspaceZone: ws.time_zone, contacts: [...byId.values()], usualHour, unknownZones };
}

let helperScript: string | null = null;

/**
 * Lets this thread's fits use a helper thread running `script` (a bundle that serves fit
 * helpers, like the job worker's): the job worker sets it; in-process fits do without.
 */
export function useFitHelperScript(script: string | null): void {
  helperScript = script;
}

/** Runs `f` with a helper thread when this thread's fits may use one (see `useFitHelperScript`), closing it after. */
export function withFitHelper<T>(f: (helper: FitHelper | null) => T): T {
  const helper = helperScript ? startFitHelper(helperScript) : null;
  try {
    return f(helper);
  } finally {
    helper?.close();
  }
}

/**
 * Fits the model on a workspace's history as of `asOf`, with `helper` when given (a caller that
 * also plans keeps it for the plan), else with one of its own when this thread may use one.
 */
export function fitWorkspaceModel(
  db: Database,
  workspaceId: number,
  horizonMinutes: number,
  asOf: number,
  helper?: FitHelper | null,
): { history: WorkspaceHistory; model: SendTimeModel } {
  if (helper === undefined) return withFitHelper((own) => fitWorkspaceModel(db, workspaceId, horizonMinutes, asOf, own));
  // A helper started before the read is ready by the time the fit needs it.
  const history = readWorkspaceHistory(db, workspaceId);
  return { history, model: fitSendTimeModel(history.contacts, { horizonMinutes, asOf, ...(helper ? { helper } : {}) }) };
}

/** Outbound messages per contact since `since`: what the frequency cap counts. */
export function recentOutboundCounts(db: Database, workspaceId: number, since: number): Map<number, number> {
  const rows = db
    .prepare(
      `SELECT m.contact_ref AS id, count(*) AS n
         FROM messages m JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref
        WHERE p.workspace_id = ? AND m.direction = 'out' AND m.sent_at >= ?
        GROUP BY m.contact_ref`,
    )
    .all(workspaceId, since) as { id: number; n: number }[];
  return new Map(rows.map((r) => [r.id, r.n]));
}
