import type { sendTimeContract } from '../../../shared/api/contracts/sendTime';
import { ApiError } from '../../../shared/api/errors';
import { audienceHeatmapCells } from '../../../shared/sendTime/model';
import type { HandlersFor } from '../api/types';
import type { AppContext } from '../context';
import { fitWorkspaceModel } from './history';
import { sendPlanCsv, sendPlanJson, sendTimePlan } from './plan';
import { saveSendPlan, savedSendPlans, sendTimeUplift } from './saved';

/** Ids among `ids` that are not contacts of the workspace (contacts belong to it through their Page). */
function foreignContacts(ctx: AppContext, workspaceId: number, ids: readonly number[]): number[] {
  const owned = ctx.store.db.prepare('SELECT 1 FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE c.id = ? AND p.workspace_id = ?');
  return ids.filter((id) => !owned.get(id, workspaceId));
}

export const sendTimeHandlers: HandlersFor<typeof sendTimeContract> = {
  'sendtime:heatmap': (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    const contactId = input.contactId ?? null;
    if (contactId !== null && foreignContacts(ctx, ws.id, [contactId]).length > 0) {
      throw new ApiError('NOT_FOUND', `No contact ${contactId} in this workspace.`, [{ path: 'contactId', message: 'contact.notFound' }]);
    }
    const { history, model } = fitWorkspaceModel(ctx.store.db, ws.id, input.horizonMinutes, Date.now());
    const one = contactId === null ? null : model.contacts.get(contactId);
    if (contactId !== null && !one) throw new ApiError('NOT_FOUND', `No contact ${contactId} in this workspace.`, [{ path: 'contactId', message: 'contact.notFound' }]);
    const zones = new Set([...model.contacts.values()].map((c) => c.zone));
    const zone = one ? one.zone : zones.size === 1 ? ([...zones][0] as string) : zones.size === 0 ? history.workspaceZone : 'local';
    return {
      horizonMinutes: input.horizonMinutes,
      zone,
      contactId,
      contacts: one ? 1 : model.contacts.size,
      cells: audienceHeatmapCells(model, contactId === null ? null : [contactId]),
      method: model.method,
      assumptions:
        zone === 'local'
          ? [...model.assumptions, 'The audience spans several time zones: each contact’s cells are in its own local time (zone "local").']
          : model.assumptions,
    };
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
    const { plan } = sendTimePlan(ctx.store.db, {
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
    });
    return { plan, csv: sendPlanCsv(plan), json: sendPlanJson(plan) };
  },
  'sendtime:save': (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    const contactIds = input.contactIds === null ? null : [...new Set(input.contactIds)];
    if (contactIds !== null) {
      const foreign = foreignContacts(ctx, ws.id, contactIds);
      if (foreign.length > 0) throw new ApiError('BAD_INPUT', `${foreign.length} of the audience’s contacts are not in this workspace (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}).`);
    }
    return saveSendPlan(ctx.store.db, { ...input, workspaceId: ws.id, contactIds });
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
