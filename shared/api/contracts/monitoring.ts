import { z } from 'zod';
import {
  AcknowledgeAlertInput,
  AlertEvent,
  AlertRule,
  AlertRulesInput,
  AlertsInput,
  AlertsOutput,
  CampaignKind,
  DeleteAlertRuleInput,
  EvaluateAlertsInput,
  EvaluateAlertsOutput,
  FunnelDrilldownInput,
  FunnelDrilldownOutput,
  FunnelInput,
  FunnelOutput,
  LatencyInput,
  LatencyOutput,
  MonitoringSettings,
  MonitoringSettingsInput,
  RecurringCsvInput,
  RecurringCsvOutput,
  RecurringInput,
  RecurringOutput,
  SaveAlertRuleInput,
  SaveMonitoringSettingsInput,
  SeenCurveInput,
  SeenCurveOutput,
  StuckInput,
  StuckOutput,
} from '../../domain/monitoring';
import { WorkspaceId } from '../../domain/workspace';
import type { ContractEntries } from './types';

const Instant = z.number().int();
const Count = z.number().int().min(0);

/** What the dashboard's filters offer: the workspace's Pages, its campaigns, and the span its sends cover. */
export const MonitoringScopeOptions = z.object({
  pages: z.array(z.object({ id: z.number().int().positive(), pageId: z.string(), name: z.string().nullable() })),
  campaigns: z.array(
    z.object({
      id: z.number().int().positive(),
      name: z.string(),
      kind: CampaignKind,
      messages: Count,
      firstSentAt: Instant.nullable(),
      lastSentAt: Instant.nullable(),
    }),
  ),
  /** Outbound messages of the workspace, and the first and last send among them (null when none). */
  messages: Count,
  firstSentAt: Instant.nullable(),
  lastSentAt: Instant.nullable(),
});
export type MonitoringScopeOptions = z.infer<typeof MonitoringScopeOptions>;

/**
 * Delivery monitoring (`monitoring:*`): the funnel and what is behind each step, latencies,
 * stuck messages with their likely causes, contacts with recurring reception problems, and
 * alerts. The schemas are the monitoring service's own (shared/domain/monitoring.ts).
 */
export const monitoringContract = {
  'monitoring:funnel': { input: FunnelInput, output: FunnelOutput },
  /** The messages or contacts behind one step of the funnel, a page at a time. */
  'monitoring:drilldown': { input: FunnelDrilldownInput, output: FunnelDrilldownOutput },
  'monitoring:latency': { input: LatencyInput, output: LatencyOutput },
  /** Cumulative delivered and seen shares of one campaign over its first hours. */
  'monitoring:seenCurve': { input: SeenCurveInput, output: SeenCurveOutput },
  'monitoring:stuck': { input: StuckInput, output: StuckOutput },
  'monitoring:recurring': { input: RecurringInput, output: RecurringOutput },
  /** Only contacts who consented to the channel and did not opt out; the others are counted apart. */
  'monitoring:recurringCsv': { input: RecurringCsvInput, output: RecurringCsvOutput },
  'monitoring:settings': { input: MonitoringSettingsInput, output: MonitoringSettings },
  'monitoring:saveSettings': { input: SaveMonitoringSettingsInput, output: MonitoringSettings },
  'monitoring:alertRules': { input: AlertRulesInput, output: z.array(AlertRule) },
  'monitoring:saveAlertRule': { input: SaveAlertRuleInput, output: AlertRule },
  'monitoring:deleteAlertRule': { input: DeleteAlertRuleInput, output: z.object({ deleted: z.literal(true) }) },
  'monitoring:alerts': { input: AlertsInput, output: AlertsOutput },
  'monitoring:ackAlert': { input: AcknowledgeAlertInput, output: AlertEvent },
  'monitoring:evaluateAlerts': { input: EvaluateAlertsInput, output: EvaluateAlertsOutput },
  'monitoring:campaigns': { input: z.object({ workspaceId: WorkspaceId }).strict(), output: MonitoringScopeOptions },
} as const satisfies ContractEntries;
