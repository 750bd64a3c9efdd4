import type { Database } from 'better-sqlite3';
import {
  CampaignKind,
  DEFAULT_RECURRING_RULE,
  DEFAULT_STUCK_THRESHOLDS,
  RecurringRule,
  type MonitoringSettings,
  type StuckThresholds,
} from '../../../shared/domain/monitoring';
import { workspaceOf } from './scope';

/** A workspace's stuck thresholds per campaign kind, the defaults filling what was never set. */
export function stuckThresholdsOf(db: Database, workspaceId: number): StuckThresholds {
  const out: StuckThresholds = { ...DEFAULT_STUCK_THRESHOLDS };
  const rows = db.prepare('SELECT campaign_kind AS kind, threshold_ms AS ms FROM monitoring_stuck_thresholds WHERE workspace_id = ?').all(workspaceId) as {
    kind: string;
    ms: number;
  }[];
  for (const r of rows) {
    const kind = CampaignKind.safeParse(r.kind);
    if (kind.success) out[kind.data] = r.ms;
  }
  return out;
}

export function recurringRuleOf(db: Database, workspaceId: number): RecurringRule {
  const json = db.prepare('SELECT recurring_rule FROM monitoring_settings WHERE workspace_id = ?').pluck().get(workspaceId) as string | null | undefined;
  if (json == null) return DEFAULT_RECURRING_RULE;
  // A rule written by a newer or damaged build falls back to the domain's default rather than failing every query.
  let stored: unknown;
  try {
    stored = JSON.parse(json);
  } catch {
    return DEFAULT_RECURRING_RULE;
  }
  const parsed = RecurringRule.safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_RECURRING_RULE;
}

export function monitoringSettingsOf(db: Database, workspaceId: number): MonitoringSettings {
  workspaceOf(db, workspaceId);
  return { workspaceId, stuckThresholds: stuckThresholdsOf(db, workspaceId), recurringRule: recurringRuleOf(db, workspaceId) };
}

export function saveSettings(
  db: Database,
  input: { workspaceId: number; stuckThresholds?: Partial<StuckThresholds> | undefined; recurringRule?: RecurringRule | undefined },
): MonitoringSettings {
  workspaceOf(db, input.workspaceId);
  db.transaction(() => {
    const upsert = db.prepare(
      `INSERT INTO monitoring_stuck_thresholds (workspace_id, campaign_kind, threshold_ms) VALUES (?, ?, ?)
       ON CONFLICT (workspace_id, campaign_kind) DO UPDATE SET threshold_ms = excluded.threshold_ms`,
    );
    for (const [kind, ms] of Object.entries(input.stuckThresholds ?? {})) {
      if (ms !== undefined) upsert.run(input.workspaceId, kind, ms);
    }
    if (input.recurringRule) {
      db.prepare(
        `INSERT INTO monitoring_settings (workspace_id, recurring_rule) VALUES (?, ?)
         ON CONFLICT (workspace_id) DO UPDATE SET recurring_rule = excluded.recurring_rule`,
      ).run(input.workspaceId, JSON.stringify(input.recurringRule));
    }
  })();
  return monitoringSettingsOf(db, input.workspaceId);
}
