import type { AlertEvent, AlertsOutput, FunnelOutput, FunnelRates, LatencyOutput, LatencyStats } from '../../../shared/domain/monitoring';
import { table } from '../../cli/output';

/** Human-readable text for `relais funnel` and `relais alerts`; `--json` prints the outputs themselves. */

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1).replace(/\.0$/, '')} h`;
  return `${(ms / 86_400_000).toFixed(1).replace(/\.0$/, '')} d`;
}

const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const points = (d: number | null) => (d === null ? '—' : `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)} pts`);
const date = (t: number | null) => (t === null ? '…' : new Date(t).toISOString().replace('T', ' ').slice(0, 16));

function ratesLine(r: FunnelRates, change: FunnelRates): string {
  return (['delivered', 'seen', 'replied'] as const).map((k) => `${k} ${percent(r[k])} (${points(change[k])})`).join(', ');
}

function latencyLine(label: string, s: LatencyStats): string {
  return `${label}: p50 ${formatDuration(s.p50)}, p90 ${formatDuration(s.p90)}, within 5 min ${percent(s.shareWithin5m)}, 1 h ${percent(s.shareWithin1h)}, 24 h ${percent(s.shareWithin24h)} (n = ${s.count})`;
}

export function formatFunnelForCli(funnel: FunnelOutput, latency?: LatencyOutput): string {
  const s = funnel.scope;
  const lines = [
    `Funnel of workspace ${s.workspaceId}${s.pageId !== null ? `, Page ${s.pageId}` : ''}${s.campaignId !== null ? `, campaign ${s.campaignId}` : ''}, ` +
      `sent ${date(s.from)} → ${date(s.to)} UTC; rates over ${funnel.basis}, delivered and seen within ${formatDuration(funnel.horizonMs)}, ` +
      `replies within ${formatDuration(funnel.replyWindowMs)}`,
    '',
    table(
      funnel.steps.map((st) => ({
        step: st.step,
        count: st.count,
        rate: percent(st.rate),
        'from previous': st.fromPrevious === null ? '' : percent(st.fromPrevious),
        drop: st.drop ?? '',
        note: st.reachedWithoutPrevious > 0 ? `+${st.reachedWithoutPrevious} without a read within H` : '',
      })),
      ['step', 'count', 'rate', 'from previous', 'drop', 'note'],
    ),
    '',
    `Pending (sent after ${date(funnel.settledBefore)}, not counted above): ${funnel.pending}`,
  ];
  if (funnel.previous) lines.push(`Previous period ${date(funnel.previous.from)} → ${date(funnel.previous.to)}: ${ratesLine(funnel.previous.rates, funnel.previous.change)}`);
  if (funnel.normal) lines.push(`Workspace normal (median of ${funnel.normal.campaigns} campaigns): ${ratesLine(funnel.normal.rates, funnel.normal.change)}`);
  if (latency) {
    lines.push(latencyLine('Sent → delivered', latency.sentToDelivered.overall), latencyLine('Delivered → seen', latency.deliveredToSeen.overall));
  }
  return lines.join('\n');
}

function evidenceText(e: AlertEvent): string {
  const v = e.evidence;
  switch (v.kind) {
    case 'delivery_rate_below':
      return `${percent(v.rate)} of the last ${v.sends} sends delivered within ${formatDuration(v.horizonMs)} (limit ${percent(v.minRate)})`;
    case 'delivery_latency_above':
      return `median delivery latency ≥ ${formatDuration(v.medianAtLeastMs)} over the last ${v.sends} sends (limit ${formatDuration(v.maxMedianMs)})`;
    case 'campaign_seen_below':
      return `${percent(v.rate)} of ${v.sends} seen within ${formatDuration(v.afterMs)} (limit ${percent(v.minSeenRate)})`;
    case 'platform_incident':
      return `${v.contactsAffected} contacts late; median ${formatDuration(v.windowMedianMs)} vs usual ${formatDuration(v.baselineMedianMs)} for sends ${date(v.windowStart)}–${date(v.windowEnd)}`;
  }
}

export function formatAlertsForCli(alerts: AlertsOutput): string {
  if (alerts.items.length === 0) return 'No alerts.';
  const rows = alerts.items.map((a) => ({
    id: a.id,
    status: a.status,
    rule: a.kind,
    subject: a.subject.type === 'campaign' ? `campaign ${a.subject.campaignName ?? a.subject.campaignId}` : 'workspace',
    opened: date(a.openedAt),
    evidence: evidenceText(a),
  }));
  return `${alerts.active} active (${alerts.unacknowledged} not acknowledged), ${alerts.total} listed\n\n${table(rows, ['id', 'status', 'rule', 'subject', 'opened', 'evidence'])}`;
}
