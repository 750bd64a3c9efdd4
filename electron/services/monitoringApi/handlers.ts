import type { Database } from 'better-sqlite3';
import type { MonitoringScopeOptions, monitoringContract } from '../../../shared/api/contracts/monitoring';
import type { CampaignKind } from '../../../shared/domain/monitoring';
import type { HandlersFor } from '../api/types';
import {
  acknowledgeAlert,
  alertList,
  alertRules,
  deleteAlertRule,
  deliveryFunnel,
  evaluateAlerts,
  funnelDrilldown,
  latencyProfile,
  monitoringSettings,
  recurringProblems,
  recurringProblemsCsv,
  saveAlertRule,
  saveMonitoringSettings,
  seenCurve,
  stuckMessages,
} from '../monitoring';

interface CampaignSpan {
  campaignId: number | null;
  messages: number;
  firstSentAt: number;
  lastSentAt: number;
}

/**
 * The filter options of the dashboard. One pass over the workspace's sends gives every
 * campaign's span and the workspace's, so the page can anchor its periods on the data
 * (a demo or an old archive ends long before today).
 */
export function monitoringScopeOptions(db: Database, workspaceId: number): MonitoringScopeOptions {
  const pages = db.prepare('SELECT id, page_id AS pageId, name FROM pages WHERE workspace_id = ? ORDER BY coalesce(name, page_id), id').all(workspaceId) as MonitoringScopeOptions['pages'];
  const campaigns = db.prepare('SELECT id, name, kind FROM campaigns WHERE workspace_id = ? ORDER BY id').all(workspaceId) as {
    id: number;
    name: string;
    kind: CampaignKind;
  }[];
  // Messages drive the join, as in the monitoring service's own queries: the covering index on sends is read once.
  const spans = db
    .prepare(
      `SELECT m.campaign_id AS campaignId, count(*) AS messages, min(m.sent_at) AS firstSentAt, max(m.sent_at) AS lastSentAt
       FROM messages m CROSS JOIN contacts c ON c.id = m.contact_ref
       WHERE m.direction = 'out' AND c.page_ref IN (SELECT id FROM pages WHERE workspace_id = ?)
       GROUP BY m.campaign_id`,
    )
    .all(workspaceId) as CampaignSpan[];
  const byCampaign = new Map(spans.map((s) => [s.campaignId, s]));
  const all = spans.reduce<{ messages: number; first: number | null; last: number | null }>(
    (acc, s) => ({
      messages: acc.messages + s.messages,
      first: acc.first === null ? s.firstSentAt : Math.min(acc.first, s.firstSentAt),
      last: acc.last === null ? s.lastSentAt : Math.max(acc.last, s.lastSentAt),
    }),
    { messages: 0, first: null, last: null },
  );
  return {
    pages,
    // Latest first: the campaign a user looks for is usually the one just sent.
    campaigns: campaigns
      .map((c) => {
        const span = byCampaign.get(c.id);
        return { ...c, messages: span?.messages ?? 0, firstSentAt: span?.firstSentAt ?? null, lastSentAt: span?.lastSentAt ?? null };
      })
      .sort((a, b) => (b.firstSentAt ?? -Infinity) - (a.firstSentAt ?? -Infinity) || b.id - a.id),
    messages: all.messages,
    firstSentAt: all.first,
    lastSentAt: all.last,
  };
}

/** The `monitoring:*` entries over the monitoring service; the service validates and checks its own answers. */
export const monitoringHandlers: HandlersFor<typeof monitoringContract> = {
  'monitoring:funnel': (input, ctx) => deliveryFunnel(ctx.store.db, input),
  'monitoring:drilldown': (input, ctx) => funnelDrilldown(ctx.store.db, input),
  'monitoring:latency': (input, ctx) => latencyProfile(ctx.store.db, input),
  'monitoring:seenCurve': (input, ctx) => seenCurve(ctx.store.db, input),
  'monitoring:stuck': (input, ctx) => stuckMessages(ctx.store.db, input),
  'monitoring:recurring': (input, ctx) => recurringProblems(ctx.store.db, input),
  'monitoring:recurringCsv': (input, ctx) => recurringProblemsCsv(ctx.store.db, input),
  'monitoring:settings': (input, ctx) => monitoringSettings(ctx.store.db, input),
  'monitoring:saveSettings': (input, ctx) => saveMonitoringSettings(ctx.store.db, input),
  'monitoring:alertRules': (input, ctx) => alertRules(ctx.store.db, input),
  'monitoring:saveAlertRule': (input, ctx) => saveAlertRule(ctx.store.db, input),
  'monitoring:deleteAlertRule': (input, ctx) => deleteAlertRule(ctx.store.db, input),
  'monitoring:alerts': (input, ctx) => alertList(ctx.store.db, input),
  'monitoring:ackAlert': (input, ctx) => acknowledgeAlert(ctx.store.db, input),
  'monitoring:evaluateAlerts': (input, ctx) => evaluateAlerts(ctx.store.db, input.workspaceId, input.now ?? Date.now()),
  'monitoring:campaigns': (input, ctx) => {
    ctx.workspaces.get(input.workspaceId);
    return monitoringScopeOptions(ctx.store.db, input.workspaceId);
  },
};
