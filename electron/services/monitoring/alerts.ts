import type { Database } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import {
  AlertEvidence,
  type AlertCondition,
  type AlertEvent,
  type AlertKind,
  type AlertsOutput,
  type AlertSubject,
  type EvaluateAlertsOutput,
} from '../../../shared/domain/monitoring';
import { listRules } from './alertRules';
import { evaluateIncidentWindow, incidentSamples, windowStartsCovering } from './incidents';
import { nearestRank, selectKth } from './numbers';
import { SENDS, workspaceOf } from './scope';
import { effectiveDelivered } from './sql';

interface Finding {
  subjectKey: string;
  evidence: AlertEvidence;
}

const ED = effectiveDelivered('m');
const WS_SENDS = `FROM ${SENDS}
  WHERE m.direction = 'out' AND c.page_ref IN (SELECT id FROM pages WHERE workspace_id = @workspaceId)`;

/** What a rule finds at `now`: one finding per subject for which its condition holds. */
function evaluateCondition(db: Database, workspaceId: number, c: AlertCondition, now: number): Finding[] {
  switch (c.kind) {
    case 'delivery_rate_below': {
      const rows = db
        .prepare(`SELECT m.sent_at AS sentAt, ${ED} - m.sent_at AS d ${WS_SENDS} AND m.sent_at <= @now - @h ORDER BY m.sent_at DESC, m.id DESC LIMIT @n`)
        .all({ workspaceId, now, h: c.horizonMs, n: c.lastN }) as { sentAt: number; d: number | null }[];
      if (rows.length < c.lastN) return [];
      const delivered = rows.filter((r) => r.d !== null && r.d <= c.horizonMs).length;
      const rate = delivered / rows.length;
      if (rate >= c.minRate) return [];
      return [
        {
          subjectKey: 'workspace',
          evidence: {
            kind: c.kind,
            sends: rows.length,
            delivered,
            rate,
            minRate: c.minRate,
            horizonMs: c.horizonMs,
            firstSentAt: rows[rows.length - 1]!.sentAt,
            lastSentAt: rows[0]!.sentAt,
          },
        },
      ];
    }
    case 'delivery_latency_above': {
      // Censored at now: a message still undelivered has taken at least its age.
      const latencies = db
        .prepare(
          `SELECT CASE WHEN ${ED} <= @now THEN max(0, ${ED} - m.sent_at) ELSE @now - m.sent_at END
           ${WS_SENDS} AND m.sent_at <= @now ORDER BY m.sent_at DESC, m.id DESC LIMIT @n`,
        )
        .pluck()
        .all({ workspaceId, now, n: c.lastN }) as number[];
      if (latencies.length < c.lastN) return [];
      const slowerThanLimit = latencies.filter((l) => l > c.maxMedianMs).length;
      const medianAtLeastMs = selectKth(Float64Array.from(latencies), latencies.length, nearestRank(latencies.length, 50));
      // The censored median is the true median's lower bound: above the limit, the true one is too.
      if (medianAtLeastMs <= c.maxMedianMs) return [];
      return [{ subjectKey: 'workspace', evidence: { kind: c.kind, sends: latencies.length, slowerThanLimit, medianAtLeastMs, maxMedianMs: c.maxMedianMs } }];
    }
    case 'campaign_seen_below': {
      const rows = db
        .prepare(
          `SELECT m.campaign_id AS campaignId, count(*) AS sends, count(*) FILTER (WHERE m.read_at - m.sent_at <= @after) AS seen,
             (SELECT min(f.sent_at) FROM messages f WHERE f.campaign_id = m.campaign_id AND f.direction = 'out') AS firstSentAt
           ${WS_SENDS} AND m.campaign_id IS NOT NULL AND m.sent_at >= @now - @lookback AND m.sent_at <= @now - @after
           GROUP BY m.campaign_id`,
        )
        .all({ workspaceId, now, after: c.afterMs, lookback: c.lookbackMs }) as { campaignId: number; sends: number; seen: number; firstSentAt: number }[];
      return rows
        .filter((r) => r.firstSentAt >= now - c.lookbackMs && r.sends >= c.minSends && r.seen / r.sends < c.minSeenRate)
        .map((r) => ({
          subjectKey: `campaign:${r.campaignId}`,
          evidence: { kind: c.kind, sends: r.sends, seen: r.seen, rate: r.seen / r.sends, minSeenRate: c.minSeenRate, afterMs: c.afterMs, firstSentAt: r.firstSentAt },
        }));
    }
    case 'platform_incident': {
      const samples = incidentSamples(db, workspaceId, now - c.lookbackMs - c.baselineMs, now + 1, now);
      let latest: Finding | null = null;
      for (const start of windowStartsCovering(now - c.lookbackMs, now, c)) {
        const evidence = evaluateIncidentWindow(samples, start, c);
        if (evidence) latest = { subjectKey: 'workspace', evidence: { kind: c.kind, ...evidence } };
      }
      return latest ? [latest] : [];
    }
  }
}

interface AlertRow {
  id: number;
  workspace_id: number;
  rule_id: number;
  kind: AlertKind;
  subject_key: string;
  opened_at: number;
  last_triggered_at: number;
  acknowledged_at: number | null;
  resolved_at: number | null;
  evidence: string;
}

function toEvent(db: Database, r: AlertRow): AlertEvent {
  let subject: AlertSubject = { type: 'workspace' };
  const campaign = /^campaign:(\d+)$/.exec(r.subject_key);
  if (campaign) {
    const campaignId = Number(campaign[1]);
    const name = (db.prepare('SELECT name FROM campaigns WHERE id = ?').pluck().get(campaignId) as string | undefined) ?? null;
    subject = { type: 'campaign', campaignId, campaignName: name };
  }
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    ruleId: r.rule_id,
    kind: r.kind,
    subject,
    status: r.resolved_at !== null ? 'resolved' : r.acknowledged_at !== null ? 'acknowledged' : 'open',
    openedAt: r.opened_at,
    lastTriggeredAt: r.last_triggered_at,
    acknowledgedAt: r.acknowledged_at,
    resolvedAt: r.resolved_at,
    evidence: AlertEvidence.parse(JSON.parse(r.evidence)),
  };
}

/**
 * Runs every rule of the workspace at `now` and records the outcome: a new alert for a
 * rule and subject with none unresolved, a refresh of the unresolved one otherwise, and a
 * resolution for those whose condition no longer holds (or whose rule was disabled).
 */
export function evaluateAlerts(db: Database, workspaceId: number, now: number): EvaluateAlertsOutput {
  workspaceOf(db, workspaceId);
  const rules = listRules(db, workspaceId, now);
  const findings = new Map<number, Finding[]>(rules.map((r) => [r.id, r.enabled ? evaluateCondition(db, workspaceId, r.condition, now) : []]));
  const opened: AlertEvent[] = [];
  const resolved: AlertEvent[] = [];
  db.transaction(() => {
    const activeOf = db.prepare('SELECT * FROM monitoring_alerts WHERE rule_id = ? AND resolved_at IS NULL');
    const refresh = db.prepare('UPDATE monitoring_alerts SET last_triggered_at = ?, evidence = ? WHERE id = ?');
    const open = db.prepare(
      `INSERT INTO monitoring_alerts (workspace_id, rule_id, kind, subject_key, opened_at, last_triggered_at, evidence)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    );
    const resolve = db.prepare('UPDATE monitoring_alerts SET resolved_at = ? WHERE id = ? RETURNING *');
    for (const rule of rules) {
      const active = new Map((activeOf.all(rule.id) as AlertRow[]).map((a) => [a.subject_key, a]));
      for (const f of findings.get(rule.id) ?? []) {
        const existing = active.get(f.subjectKey);
        if (existing) {
          refresh.run(now, JSON.stringify(f.evidence), existing.id);
          active.delete(f.subjectKey);
        } else {
          opened.push(toEvent(db, open.get(workspaceId, rule.id, rule.condition.kind, f.subjectKey, now, now, JSON.stringify(f.evidence)) as AlertRow));
        }
      }
      for (const a of active.values()) resolved.push(toEvent(db, resolve.get(now, a.id) as AlertRow));
    }
  })();
  const active = db.prepare('SELECT count(*) FROM monitoring_alerts WHERE workspace_id = ? AND resolved_at IS NULL').pluck().get(workspaceId) as number;
  return { evaluatedAt: now, opened, resolved, active };
}

const STATUS_CONDITION = {
  all: '1',
  active: 'resolved_at IS NULL',
  open: 'resolved_at IS NULL AND acknowledged_at IS NULL',
  resolved: 'resolved_at IS NOT NULL',
} as const;

/** The alert centre: unresolved alerts first, newest first, with their history after them. */
export function listAlerts(db: Database, workspaceId: number, status: keyof typeof STATUS_CONDITION, limit: number, offset: number): AlertsOutput {
  workspaceOf(db, workspaceId);
  const counts = db
    .prepare(
      `SELECT count(*) FILTER (WHERE ${STATUS_CONDITION[status]}) AS total, count(*) FILTER (WHERE resolved_at IS NULL) AS active,
         count(*) FILTER (WHERE resolved_at IS NULL AND acknowledged_at IS NULL) AS unacknowledged
       FROM monitoring_alerts WHERE workspace_id = ?`,
    )
    .get(workspaceId) as { total: number; active: number; unacknowledged: number };
  const rows = db
    .prepare(
      `SELECT * FROM monitoring_alerts WHERE workspace_id = ? AND ${STATUS_CONDITION[status]}
       ORDER BY resolved_at IS NULL DESC, opened_at DESC, id DESC LIMIT ? OFFSET ?`,
    )
    .all(workspaceId, limit, offset) as AlertRow[];
  return { ...counts, limit, offset, items: rows.map((r) => toEvent(db, r)) };
}

/** Idempotent: acknowledging twice keeps the first time. */
export function acknowledgeAlert(db: Database, workspaceId: number, alertId: number, now: number): AlertEvent {
  const row = db
    .prepare('UPDATE monitoring_alerts SET acknowledged_at = coalesce(acknowledged_at, ?) WHERE id = ? AND workspace_id = ? RETURNING *')
    .get(now, alertId, workspaceId) as AlertRow | undefined;
  if (!row) throw new ApiError('NOT_FOUND', `Alert ${alertId} is not in workspace ${workspaceId}.`);
  return toEvent(db, row);
}
