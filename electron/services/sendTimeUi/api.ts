import type { sendTimeAudienceContract } from '../../../shared/api/contracts/sendTimeAudience';
import { ApiError } from '../../../shared/api/errors';
import { CELLS, type SendTimeCell } from '../../../shared/domain/sendTime';
import { betaInterval } from '../../../shared/sendTime/beta';
import { note, withNotes } from '../../../shared/sendTime/notes';
import { computeSendTime } from '../sendTime/offThread';
import { isValidTimeZone, zonedParts } from '../../../shared/time/zones';
import type { HandlersFor } from '../api/types';
import type { AppContext } from '../context';

/** Pseudo-messages at the workspace's overall rate each cell's observed rate is shrunk towards. */
const PRIOR_STRENGTH = 2;

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

interface ObservedRow {
  contact_ref: number;
  sent_at: number;
  delivered_at: number | null;
  read_at: number | null;
  contact_zone: string | null;
  page_zone: string | null;
}

/** Ids among `ids` that are not contacts of the workspace. */
function foreignContacts(ctx: AppContext, workspaceId: number, ids: readonly number[]): number[] {
  const owned = new Set(
    (
      ctx.store.db
        .prepare('SELECT c.id FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ? AND c.id IN (SELECT value FROM json_each(?))')
        .all(workspaceId, JSON.stringify(ids)) as { id: number }[]
    ).map((r) => r.id),
  );
  return ids.filter((id) => !owned.has(id));
}

function refuseForeign(ctx: AppContext, workspaceId: number, ids: readonly number[]): void {
  const foreign = foreignContacts(ctx, workspaceId, ids);
  if (foreign.length > 0) {
    throw new ApiError('BAD_INPUT', `${foreign.length} of the contacts are not in this workspace (${foreign.slice(0, 5).join(', ')}).`, [{ path: 'contactIds', message: 'contact.notInWorkspace' }]);
  }
}

function observedCells(
  ctx: AppContext,
  input: { workspaceId: number; horizonMinutes: number; metric: 'seen' | 'delivered'; clock: 'local' | 'workspace'; contactId?: number; contactIds?: number[] },
) {
  const ws = ctx.workspaces.get(input.workspaceId);
  const contactId = input.contactId ?? null;
  if (contactId !== null) {
    const owned = ctx.store.db.prepare('SELECT 1 FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE c.id = ? AND p.workspace_id = ?').get(contactId, ws.id);
    if (!owned) throw new ApiError('NOT_FOUND', `No contact ${contactId} in this workspace.`, [{ path: 'contactId', message: 'contact.notFound' }]);
  }
  const group = input.contactIds ? new Set(input.contactIds) : null;
  if (input.contactIds) refuseForeign(ctx, ws.id, input.contactIds);
  const asOf = Date.now();
  const hMs = input.horizonMinutes * 60_000;
  const rows = ctx.store.db
    .prepare(
      `SELECT m.contact_ref, m.sent_at, m.delivered_at, m.read_at, c.time_zone AS contact_zone, p.time_zone AS page_zone
         FROM messages m JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref
        WHERE p.workspace_id = ? AND m.direction = 'out' AND m.sent_at <= ? AND (? IS NULL OR m.contact_ref = ?)`,
    )
    .iterate(ws.id, asOf - hMs, contactId, contactId) as IterableIterator<ObservedRow>;
  const sends = new Float64Array(CELLS);
  const hits = new Float64Array(CELLS);
  const contacts = new Set<number>();
  const zones = new Set<string>();
  // zonedParts goes through Intl: one call per zone and UTC quarter hour is enough (zone offsets are whole quarter hours).
  const cellCache = new Map<string, number>();
  const cellOf = (t: number, zone: string): number => {
    const key = `${zone}|${Math.floor(t / (15 * 60_000))}`;
    let c = cellCache.get(key);
    if (c === undefined) {
      const p = zonedParts(t, zone);
      c = p.weekday * 24 + p.hour;
      cellCache.set(key, c);
    }
    return c;
  };
  for (const m of rows) {
    if (group && !group.has(m.contact_ref)) continue;
    const zone = input.clock === 'workspace' ? ws.timeZone : ([m.contact_zone, m.page_zone].find((z): z is string => !!z && isValidTimeZone(z)) ?? ws.timeZone);
    zones.add(zone);
    contacts.add(m.contact_ref);
    const cell = cellOf(m.sent_at, zone);
    sends[cell] = (sends[cell] as number) + 1;
    const at = input.metric === 'seen' ? m.read_at : m.delivered_at;
    if (at !== null && at - m.sent_at <= hMs) hits[cell] = (hits[cell] as number) + 1;
  }
  const totalSends = sends.reduce((a, b) => a + b, 0);
  const totalHits = hits.reduce((a, b) => a + b, 0);
  const overall = totalSends > 0 ? totalHits / totalSends : 0.5;
  const cells: SendTimeCell[] = [];
  for (let k = 0; k < CELLS; k++) {
    const n = sends[k] as number;
    const a = PRIOR_STRENGTH * Math.min(0.999, Math.max(0.001, overall)) + (hits[k] as number);
    const b = PRIOR_STRENGTH * (1 - Math.min(0.999, Math.max(0.001, overall))) + n - (hits[k] as number);
    const iv = betaInterval(a, b);
    cells.push({ weekday: Math.floor(k / 24), hour: k % 24, rate: a / (a + b), n, sends: n, low: iv.low, high: iv.high });
  }
  const zone = zones.size === 1 ? ([...zones][0] as string) : zones.size === 0 ? ws.timeZone : 'local';
  const what = input.metric === 'seen' ? 'read_at − sent_at' : 'delivered_at − sent_at';
  return {
    horizonMinutes: input.horizonMinutes,
    metric: input.metric,
    zone,
    contactId,
    contacts: contacts.size,
    cells,
    method: 'observed-rate-per-cell+beta-shrinkage',
    ...withNotes([
      note('sendtime.note.observed.success', { what, horizon: input.horizonMinutes }),
      note('sendtime.note.observed.pending', { fittedAt: asOf }),
      note('sendtime.note.observed.shrink', { overallPercent1: overall * 100, strength: PRIOR_STRENGTH }),
      input.clock === 'workspace' ? note('sendtime.note.observed.workspaceClock', { zone: ws.timeZone }) : note('sendtime.note.observed.localClock'),
      note('sendtime.note.observed.pastTimes'),
    ]),
  };
}

export const sendTimeAudienceHandlers: HandlersFor<typeof sendTimeAudienceContract> = {
  'sendtime:findContacts': (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    const asId = /^\d{1,15}$/.test(input.query) ? Number(input.query) : -1;
    const rows = ctx.store.db
      .prepare(
        `SELECT c.id AS contactId, c.psid, c.name, c.time_zone AS zone, c.last_inbound_at AS lastInboundAt
           FROM contacts c JOIN pages p ON p.id = c.page_ref
          WHERE p.workspace_id = ? AND (c.id = ? OR c.psid LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\' COLLATE NOCASE)
          ORDER BY (c.psid = ?) DESC, (c.id = ?) DESC, c.name IS NULL, c.name, c.psid
          LIMIT ?`,
      )
      .all(ws.id, asId, likePattern(input.query), likePattern(input.query), input.query, asId, input.limit) as {
      contactId: number;
      psid: string;
      name: string | null;
      zone: string | null;
      lastInboundAt: number | null;
    }[];
    return { contacts: rows };
  },
  'sendtime:resolvePsids': (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    const distinct = [...new Set(input.psids)];
    const rows = ctx.store.db
      .prepare(
        `SELECT c.id AS contactId, c.psid FROM contacts c JOIN pages p ON p.id = c.page_ref
          WHERE p.workspace_id = ? AND c.psid IN (SELECT value FROM json_each(?)) ORDER BY c.id`,
      )
      .all(ws.id, JSON.stringify(distinct)) as { contactId: number; psid: string }[];
    const found = new Set(rows.map((r) => r.psid));
    return { contacts: rows, unknown: distinct.filter((p) => !found.has(p)) };
  },
  'sendtime:observed': (input, ctx) => observedCells(ctx, input),
  'sendtime:groupHeatmap': (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    const ids = [...new Set(input.contactIds)];
    refuseForeign(ctx, ws.id, ids);
    // Fits the model on the whole workspace: in the job worker, like sendtime:heatmap.
    return computeSendTime(ctx, { op: 'groupHeatmap', request: { workspaceId: ws.id, horizonMinutes: input.horizonMinutes, contactIds: ids, asOf: Date.now() } });
  },
};
