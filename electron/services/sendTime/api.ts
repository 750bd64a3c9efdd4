import type { sendTimeContract } from '../../../shared/api/contracts/sendTime';
import { ApiError } from '../../../shared/api/errors';
import type { HandlersFor } from '../api/types';
import type { AppContext } from '../context';
import { computeSendTime } from './offThread';
import { checkSaveRequest, planRequestOf, savedSendPlans, sendTimeUplift, writeSendPlan } from './saved';

/** Ids among `ids` that are not contacts of the workspace (contacts belong to it through their Page). */
function foreignContacts(ctx: AppContext, workspaceId: number, ids: readonly number[]): number[] {
  const owned = ctx.store.db.prepare('SELECT 1 FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE c.id = ? AND p.workspace_id = ?');
  return ids.filter((id) => !owned.get(id, workspaceId));
}

export const sendTimeHandlers: HandlersFor<typeof sendTimeContract> = {
  // Fitting the model and planning take seconds on a large workspace: they run in the job
  // worker (offThread.ts) while the main process keeps answering; checks and writes stay here.
  'sendtime:heatmap': (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    const contactId = input.contactId ?? null;
    if (contactId !== null && foreignContacts(ctx, ws.id, [contactId]).length > 0) {
      throw new ApiError('NOT_FOUND', `No contact ${contactId} in this workspace.`, [{ path: 'contactId', message: 'contact.notFound' }]);
    }
    return computeSendTime(ctx, { op: 'heatmap', request: { workspaceId: ws.id, horizonMinutes: input.horizonMinutes, contactId, asOf: Date.now() } });
  },
  'sendtime:plan': (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    const contactIds = input.contactIds === null ? null : [...new Set(input.contactIds)];
    if (contactIds !== null) {
      const foreign = foreignContacts(ctx, ws.id, contactIds);
      if (foreign.length > 0) {
        throw new ApiError(
          'BAD_INPUT',
          `${foreign.length} of the audience’s contacts are not in this workspace (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}).`,
          foreign.slice(0, 20).map((id) => ({ path: `contactIds.${input.contactIds?.indexOf(id) ?? 0}`, message: 'contact.notInWorkspace' })),
        );
      }
    }
    return computeSendTime(ctx, {
      op: 'plan',
      request: {
        workspaceId: ws.id,
        contactIds,
        horizonMinutes: input.horizonMinutes,
        start: input.start,
        end: input.end,
        quietHours: input.quietHours,
        perMinuteCap: input.perMinuteCap,
        frequencyCap: input.frequencyCap,
        holdoutShare: input.holdoutShare,
        holdoutSeed: input.holdoutSeed,
        explorationShare: input.explorationShare,
        asOf: Date.now(),
      },
    });
  },
  'sendtime:save': async (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    const contactIds = input.contactIds === null ? null : [...new Set(input.contactIds)];
    if (contactIds !== null) {
      const foreign = foreignContacts(ctx, ws.id, contactIds);
      if (foreign.length > 0) throw new ApiError('BAD_INPUT', `${foreign.length} of the audience’s contacts are not in this workspace (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}).`);
    }
    const now = Date.now();
    const req = { ...input, workspaceId: ws.id, contactIds };
    checkSaveRequest(ctx.store.db, req);
    const plan = await computeSendTime(ctx, { op: 'planOnly', request: planRequestOf(req, now) });
    // The single writer: the plan was computed off-thread, it is saved here.
    return writeSendPlan(ctx.store.db, req, plan, now);
  },
  'sendtime:saved': (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    return savedSendPlans(ctx.store.db, { workspaceId: ws.id, campaignId: input.campaignId, planId: input.planId });
  },
  'sendtime:uplift': (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    return sendTimeUplift(ctx.store.db, ws.id, input.planId);
  },
};
