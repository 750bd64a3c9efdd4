import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { ApiError } from '../../../shared/api/errors';
import {
  AcknowledgeAlertInput,
  AlertEvent,
  AlertRule,
  AlertRulesInput,
  AlertsInput,
  AlertsOutput,
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
} from '../../../shared/domain/monitoring';
import { refreshHourly, refreshStatuses } from './aggregates';
import { deleteRule, listRules, saveRule } from './alertRules';
import * as alerts from './alerts';
import { computeDrilldown, computeFunnel } from './funnel';
import { computeLatency, computeSeenCurve } from './latency';
import { computeRecurring, computeRecurringCsv } from './recurring';
import { resolveScope, workspaceOf } from './scope';
import { monitoringSettingsOf, recurringRuleOf, saveSettings } from './settings';
import { computeStuck } from './stuck';

/**
 * Delivery monitoring as plain functions `(db, input) => output`, each validating its input
 * and its output with the schemas of shared/domain/monitoring.ts: the `monitoring:*`
 * handlers call them as they are.
 */

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) {
    throw new ApiError(
      'BAD_INPUT',
      'Invalid input for a monitoring query.',
      r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  }
  return r.data;
}

/** An answer that breaks its own schema is a bug here, never the caller's problem to handle. */
function checked<S extends z.ZodType>(schema: S, output: unknown): z.output<S> {
  return schema.parse(output);
}

export function deliveryFunnel(db: Database, input: z.input<typeof FunnelInput>): FunnelOutput {
  const i = parse(FunnelInput, input);
  return checked(FunnelOutput, computeFunnel(db, resolveScope(db, i), i.basis, i, i.compare));
}

export function funnelDrilldown(db: Database, input: z.input<typeof FunnelDrilldownInput>): FunnelDrilldownOutput {
  const i = parse(FunnelDrilldownInput, input);
  return checked(FunnelDrilldownOutput, computeDrilldown(db, resolveScope(db, i), i.basis, i, i.segment, i.limit, i.offset));
}

export function latencyProfile(db: Database, input: z.input<typeof LatencyInput>): LatencyOutput {
  const i = parse(LatencyInput, input);
  const scope = resolveScope(db, i);
  return checked(LatencyOutput, computeLatency(db, scope, i.timeZone ?? scope.timeZone));
}

export function seenCurve(db: Database, input: z.input<typeof SeenCurveInput>): SeenCurveOutput {
  const i = parse(SeenCurveInput, input);
  return checked(SeenCurveOutput, computeSeenCurve(db, resolveScope(db, i), i));
}

export function stuckMessages(db: Database, input: z.input<typeof StuckInput>): StuckOutput {
  const i = parse(StuckInput, input);
  return checked(StuckOutput, computeStuck(db, resolveScope(db, i), i));
}

export function recurringProblems(db: Database, input: z.input<typeof RecurringInput>): RecurringOutput {
  const i = parse(RecurringInput, input);
  return checked(RecurringOutput, computeRecurring(db, resolveScope(db, i), i));
}

export function recurringProblemsCsv(db: Database, input: z.input<typeof RecurringCsvInput>): RecurringCsvOutput {
  const i = parse(RecurringCsvInput, input);
  return checked(RecurringCsvOutput, computeRecurringCsv(db, resolveScope(db, i), i.channel));
}

export function monitoringSettings(db: Database, input: z.input<typeof MonitoringSettingsInput>): MonitoringSettings {
  const i = parse(MonitoringSettingsInput, input);
  return checked(MonitoringSettings, monitoringSettingsOf(db, i.workspaceId));
}

export function saveMonitoringSettings(db: Database, input: z.input<typeof SaveMonitoringSettingsInput>): MonitoringSettings {
  const i = parse(SaveMonitoringSettingsInput, input);
  return checked(MonitoringSettings, saveSettings(db, i));
}

export function alertRules(db: Database, input: z.input<typeof AlertRulesInput>): AlertRule[] {
  const i = parse(AlertRulesInput, input);
  return checked(z.array(AlertRule), listRules(db, i.workspaceId));
}

export function saveAlertRule(db: Database, input: z.input<typeof SaveAlertRuleInput>): AlertRule {
  const i = parse(SaveAlertRuleInput, input);
  return checked(AlertRule, saveRule(db, i));
}

export function deleteAlertRule(db: Database, input: z.input<typeof DeleteAlertRuleInput>): { deleted: true } {
  const i = parse(DeleteAlertRuleInput, input);
  deleteRule(db, i.workspaceId, i.id);
  return { deleted: true };
}

export function alertList(db: Database, input: z.input<typeof AlertsInput>): AlertsOutput {
  const i = parse(AlertsInput, input);
  return checked(AlertsOutput, alerts.listAlerts(db, i.workspaceId, i.status, i.limit, i.offset));
}

export function acknowledgeAlert(db: Database, input: z.input<typeof AcknowledgeAlertInput>): AlertEvent {
  const i = parse(AcknowledgeAlertInput, input);
  return checked(AlertEvent, alerts.acknowledgeAlert(db, i.workspaceId, i.alertId, i.now ?? Date.now()));
}

/**
 * Runs the workspace's alert rules (creating the default ones on the first run) and stores
 * what they find. Call it after every sync or import and on a timer; `opened` is what to notify.
 */
export function evaluateAlerts(db: Database, workspaceId: number, now: number = Date.now()): EvaluateAlertsOutput {
  parse(EvaluateAlertsInput, { workspaceId, now });
  return checked(EvaluateAlertsOutput, alerts.evaluateAlerts(db, workspaceId, now));
}

/**
 * Brings the maintained aggregates of a workspace up to date, so the next dashboard query
 * does not pay for them: call it at the end of an import. False when the store is read-only
 * or busy (queries then still answer, from the messages).
 */
export function refreshMonitoring(db: Database, workspaceId: number, now: number = Date.now()): boolean {
  workspaceOf(db, workspaceId);
  return refreshHourly(db, workspaceId) && refreshStatuses(db, workspaceId, recurringRuleOf(db, workspaceId), now);
}

export { formatAlertsForCli, formatDuration, formatFunnelForCli } from './cliFormat';
