import type { Database } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import type { CampaignKind, ScopeEcho } from '../../../shared/domain/monitoring';

/** A workspace, its zone and language, and the optional Page, campaign and period a query is limited to. */
export interface Scope {
  workspaceId: number;
  timeZone: string;
  locale: string;
  pageId: number | null;
  campaignId: number | null;
  /** [from, to) on the send time; null = unbounded. */
  from: number | null;
  to: number | null;
  now: number;
}

export interface ScopeRequest {
  workspaceId: number;
  pageId?: number | undefined;
  campaignId?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
  now?: number | undefined;
}

/** Lower and upper bounds standing for "unbounded" in a bound parameter. */
export const EARLIEST = Number.MIN_SAFE_INTEGER;
export const LATEST = Number.MAX_SAFE_INTEGER;

export function workspaceOf(db: Database, workspaceId: number): { timeZone: string; locale: string } {
  const row = db.prepare('SELECT time_zone AS timeZone, locale FROM workspaces WHERE id = ?').get(workspaceId) as
    | { timeZone: string; locale: string }
    | undefined;
  if (!row) throw new ApiError('NOT_FOUND', `Workspace ${workspaceId} does not exist.`);
  return row;
}

/** Checks that the Page and campaign named belong to the workspace: ids from another client's data answer NOT_FOUND. */
export function resolveScope(db: Database, req: ScopeRequest): Scope {
  const ws = workspaceOf(db, req.workspaceId);
  if (req.pageId !== undefined && !db.prepare('SELECT 1 FROM pages WHERE id = ? AND workspace_id = ?').get(req.pageId, req.workspaceId)) {
    throw new ApiError('NOT_FOUND', `Page ${req.pageId} is not in workspace ${req.workspaceId}.`);
  }
  if (req.campaignId !== undefined) campaignOf(db, req.workspaceId, req.campaignId);
  return {
    workspaceId: req.workspaceId,
    timeZone: ws.timeZone,
    locale: ws.locale,
    pageId: req.pageId ?? null,
    campaignId: req.campaignId ?? null,
    from: req.from ?? null,
    to: req.to ?? null,
    now: req.now ?? Date.now(),
  };
}

export function campaignOf(db: Database, workspaceId: number, campaignId: number): { name: string; kind: CampaignKind } {
  const row = db.prepare('SELECT name, kind FROM campaigns WHERE id = ? AND workspace_id = ?').get(campaignId, workspaceId) as
    | { name: string; kind: CampaignKind }
    | undefined;
  if (!row) throw new ApiError('NOT_FOUND', `Campaign ${campaignId} is not in workspace ${workspaceId}.`);
  return row;
}

export function echoScope(s: Scope): ScopeEcho {
  return { workspaceId: s.workspaceId, pageId: s.pageId, campaignId: s.campaignId, from: s.from, to: s.to };
}

/**
 * Outbound messages with their contact, the messages driving the join (a CROSS JOIN is how
 * SQLite is told the order): with no statistics its planner starts from the contacts and
 * seeks each one's messages, several times slower for the time windows these queries read.
 */
export const SENDS = 'messages m CROSS JOIN contacts c ON c.id = m.contact_ref';

export interface SqlPart {
  sql: string;
  params: Record<string, number | string>;
}

/**
 * The workspace / Page / campaign condition on messages `m` joined to their contact `c`.
 * Only fixed SQL is assembled; every value is a bound parameter.
 */
export function scopeCondition(s: Pick<Scope, 'workspaceId' | 'pageId' | 'campaignId'>, opts: { campaign?: boolean } = {}): SqlPart {
  const parts: string[] = [];
  const params: Record<string, number> = { workspaceId: s.workspaceId };
  if (s.pageId !== null) {
    parts.push('c.page_ref = @pageId');
    params.pageId = s.pageId;
  } else {
    parts.push('c.page_ref IN (SELECT id FROM pages WHERE workspace_id = @workspaceId)');
  }
  if (s.campaignId !== null && opts.campaign !== false) {
    parts.push('m.campaign_id = @campaignId');
    params.campaignId = s.campaignId;
  }
  return { sql: parts.join(' AND '), params };
}

/** Pages of the workspace (or the one Page named), for queries over the aggregates. */
export function pageCondition(s: Pick<Scope, 'workspaceId' | 'pageId'>, column: string): SqlPart {
  return s.pageId !== null
    ? { sql: `${column} = @pageId`, params: { pageId: s.pageId, workspaceId: s.workspaceId } }
    : { sql: `${column} IN (SELECT id FROM pages WHERE workspace_id = @workspaceId)`, params: { workspaceId: s.workspaceId } };
}
