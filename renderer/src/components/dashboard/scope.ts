import type { FunnelBasis } from '../../../../shared/domain/monitoring';

/** What every dashboard query is limited to: the filters resolved to ids and instants. */
export interface DashboardScope {
  workspaceId: number;
  pageId?: number;
  campaignId?: number;
  from: number;
  to: number;
}

export type { FunnelBasis };

/** Drops the unset filters: the API's schemas are strict about absent versus null. */
export function scopeInput(s: DashboardScope): DashboardScope {
  return {
    workspaceId: s.workspaceId,
    ...(s.pageId !== undefined ? { pageId: s.pageId } : {}),
    ...(s.campaignId !== undefined ? { campaignId: s.campaignId } : {}),
    from: s.from,
    to: s.to,
  };
}
