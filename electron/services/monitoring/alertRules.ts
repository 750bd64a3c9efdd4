import type { Database } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import {
  AlertCondition,
  DEFAULT_ALERT_CONDITIONS,
  type AlertConditionInput,
  type AlertRule,
  type IncidentDetector,
} from '../../../shared/domain/monitoring';
import type { IncidentParams } from './incidents';
import { workspaceOf } from './scope';

interface RuleRow {
  id: number;
  workspace_id: number;
  condition: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

function toRule(r: RuleRow): AlertRule {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    enabled: r.enabled === 1,
    // Stored conditions were validated on the way in; parsing again fills defaults added since.
    condition: AlertCondition.parse(JSON.parse(r.condition)),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function listRules(db: Database, workspaceId: number, now: number = Date.now()): AlertRule[] {
  workspaceOf(db, workspaceId);
  ensureDefaultRules(db, workspaceId, now);
  return (db.prepare('SELECT * FROM monitoring_alert_rules WHERE workspace_id = ? ORDER BY id').all(workspaceId) as RuleRow[]).map(toRule);
}

function insertRule(db: Database, workspaceId: number, condition: AlertCondition, enabled: boolean, now: number): AlertRule {
  const info = db
    .prepare('INSERT INTO monitoring_alert_rules (workspace_id, kind, condition, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(workspaceId, condition.kind, JSON.stringify(condition), enabled ? 1 : 0, now, now);
  return toRule(db.prepare('SELECT * FROM monitoring_alert_rules WHERE id = ?').get(Number(info.lastInsertRowid)) as RuleRow);
}

/** The default rules, once per workspace: a user who deletes them does not see them come back. */
export function ensureDefaultRules(db: Database, workspaceId: number, now: number): void {
  if (db.readonly) return;
  const created = db.prepare('SELECT alert_rules_created_at FROM monitoring_settings WHERE workspace_id = ?').pluck().get(workspaceId) as number | null | undefined;
  if (created != null) return;
  db.transaction(() => {
    for (const c of DEFAULT_ALERT_CONDITIONS) insertRule(db, workspaceId, AlertCondition.parse(c), true, now);
    db.prepare(
      `INSERT INTO monitoring_settings (workspace_id, alert_rules_created_at) VALUES (?, ?)
       ON CONFLICT (workspace_id) DO UPDATE SET alert_rules_created_at = excluded.alert_rules_created_at`,
    ).run(workspaceId, now);
  })();
}

export function saveRule(
  db: Database,
  input: { workspaceId: number; id?: number | undefined; enabled: boolean; condition: AlertCondition; now?: number | undefined },
): AlertRule {
  workspaceOf(db, input.workspaceId);
  const now = input.now ?? Date.now();
  // The defaults exist before a first edit, so a user edits them instead of adding rules beside them.
  ensureDefaultRules(db, input.workspaceId, now);
  if (input.id === undefined) return insertRule(db, input.workspaceId, input.condition, input.enabled, now);
  const info = db
    .prepare('UPDATE monitoring_alert_rules SET kind = ?, condition = ?, enabled = ?, updated_at = ? WHERE id = ? AND workspace_id = ?')
    .run(input.condition.kind, JSON.stringify(input.condition), input.enabled ? 1 : 0, now, input.id, input.workspaceId);
  if (info.changes === 0) throw new ApiError('NOT_FOUND', `Alert rule ${input.id} is not in workspace ${input.workspaceId}.`);
  return toRule(db.prepare('SELECT * FROM monitoring_alert_rules WHERE id = ?').get(input.id) as RuleRow);
}

/** Deleting a rule deletes its alert history with it; disable it to keep the history. */
export function deleteRule(db: Database, workspaceId: number, id: number): void {
  const info = db.prepare('DELETE FROM monitoring_alert_rules WHERE id = ? AND workspace_id = ?').run(id, workspaceId);
  if (info.changes === 0) throw new ApiError('NOT_FOUND', `Alert rule ${id} is not in workspace ${workspaceId}.`);
}

/** The workspace's incident detector settings (its first platform-incident rule), else the defaults. */
export function incidentParamsOf(db: Database, workspaceId: number): IncidentParams {
  const json = db
    .prepare("SELECT condition FROM monitoring_alert_rules WHERE workspace_id = ? AND kind = 'platform_incident' ORDER BY enabled DESC, id LIMIT 1")
    .pluck()
    .get(workspaceId) as string | undefined;
  const fallback: AlertConditionInput = { kind: 'platform_incident' };
  const parsed = AlertCondition.safeParse(json === undefined ? fallback : JSON.parse(json));
  const c = (parsed.success && parsed.data.kind === 'platform_incident' ? parsed.data : AlertCondition.parse(fallback)) as IncidentDetector;
  return { windowMs: c.windowMs, stepMs: c.stepMs, baselineMs: c.baselineMs, factor: c.factor, minJumpMs: c.minJumpMs, minContacts: c.minContacts };
}
