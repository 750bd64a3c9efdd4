import type { sendTimeAudienceContract } from '../../../shared/api/contracts/sendTimeAudience';
import { ApiError } from '../../../shared/api/errors';
import { computeSendTime } from '../sendTime/offThread';
import type { HandlersFor } from '../api/types';
import type { AppContext } from '../context';

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
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

/** Checks the request in the main process (unknown contacts, foreign ones), then counts in the job worker. */
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
  if (input.contactIds) refuseForeign(ctx, ws.id, input.contactIds);
  // Reads every outbound message of the workspace: in the job worker, like the model's heatmaps.
  return computeSendTime(ctx, {
    op: 'observed',
    request: { workspaceId: ws.id, workspaceZone: ws.timeZone, horizonMinutes: input.horizonMinutes, metric: input.metric, clock: input.clock, contactId, contactIds: input.contactIds ?? null, asOf: Date.now() },
  });
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
