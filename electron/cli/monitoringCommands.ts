import type { AppContext } from '../services/context';
import { alertList, deliveryFunnel, evaluateAlerts, latencyProfile } from '../services/monitoring';
import { formatAlertsForCli, formatFunnelForCli } from '../services/monitoring/cliFormat';
import { zonedTimeToUtc } from '../../shared/time/zones';
import { CliError, type CliIO } from './output';
import { chooseWorkspace } from './workspaceArg';

/** A date given on the command line: YYYY-MM-DD (midnight in the workspace's zone) or an ISO instant. */
export function parseCliDate(value: string, zone: string, flag: string): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) return zonedTimeToUtc({ year: Number(day[1]), month: Number(day[2]), day: Number(day[3]), hour: 0 }, zone);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new CliError(`${flag}: expected a date like 2026-06-01 or an ISO time, got "${value}"`, 2);
  return t;
}

function campaignId(ctx: AppContext, workspaceId: number, campaign: string | undefined): number | undefined {
  if (campaign === undefined) return undefined;
  const row = ctx.store.db
    .prepare('SELECT id FROM campaigns WHERE workspace_id = ? AND (external_ref = ? OR name = ? OR CAST(id AS TEXT) = ?) ORDER BY id LIMIT 1')
    .get(workspaceId, campaign, campaign, campaign) as { id: number } | undefined;
  if (!row) throw new CliError(`No campaign "${campaign}" in this workspace.`, 2);
  return row.id;
}

/** `relais funnel`: counts and rates per step, latency percentiles. */
export function funnelCommand(ctx: AppContext, opts: { workspace?: string; campaign?: string; from?: string; to?: string; json: boolean; io: CliIO }): number {
  const ws = chooseWorkspace(ctx, opts.workspace);
  const scope = {
    workspaceId: ws.id,
    campaignId: campaignId(ctx, ws.id, opts.campaign),
    from: opts.from ? parseCliDate(opts.from, ws.timeZone, '--from') : undefined,
    to: opts.to ? parseCliDate(opts.to, ws.timeZone, '--to') : undefined,
  };
  if (scope.from !== undefined && scope.to !== undefined && scope.from >= scope.to) throw new CliError('--from must be before --to', 2);
  const funnel = deliveryFunnel(ctx.store.db, { ...scope, compare: scope.from !== undefined && scope.to !== undefined });
  const latency = latencyProfile(ctx.store.db, scope);
  opts.io.out(opts.json ? JSON.stringify({ workspace: { id: ws.id, name: ws.name }, funnel, latency }, null, 2) : formatFunnelForCli(funnel, latency));
  return 0;
}

/** `relais alerts`: evaluates the rules now, then lists the alerts. */
export function alertsCommand(ctx: AppContext, opts: { workspace?: string; json: boolean; io: CliIO }): number {
  const ws = chooseWorkspace(ctx, opts.workspace);
  evaluateAlerts(ctx.store.db, ws.id);
  const alerts = alertList(ctx.store.db, { workspaceId: ws.id, status: 'all' });
  opts.io.out(opts.json ? JSON.stringify(alerts, null, 2) : formatAlertsForCli(alerts));
  return 0;
}
