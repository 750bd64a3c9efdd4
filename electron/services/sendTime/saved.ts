import type { Database } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import type { SavedPlanRow, SavedSendPlan, SendPlan, SendTimeUplift, UpliftArm } from '../../../shared/domain/sendTime';
import { note, noteEnglish, upliftNotes, withNotes } from '../../../shared/sendTime/notes';
import { newcombeInterval, wilsonInterval } from '../../../shared/stats/proportions';
import { audienceOf, currentVersionFor } from '../segments/store';
import { sendTimePlan, type SendPlanRequest } from './plan';

interface PlanRow {
  id: number;
  workspace_id: number;
  campaign_id: number;
  campaign_name: string;
  created_at: number;
  horizon_minutes: number;
  window_start: number;
  window_end: number;
  usual_hour: number;
  holdout_share: number;
  exploration_share: number;
  predicted_rate: number;
  usual_time_rate: number;
  left_out: number;
  method: string;
  inputs_json: string;
  scheduled: number;
  holdouts: number;
  explores: number;
  segment_version_id: number | null;
}

const PLAN_SELECT = `
  SELECT p.*, c.name AS campaign_name,
         (SELECT count(*) FROM send_time_plan_rows r WHERE r.plan_id = p.id) AS scheduled,
         (SELECT count(*) FROM send_time_plan_rows r WHERE r.plan_id = p.id AND r.holdout = 1) AS holdouts,
         (SELECT count(*) FROM send_time_plan_rows r WHERE r.plan_id = p.id AND r.explore = 1) AS explores
    FROM send_time_plans p JOIN campaigns c ON c.id = p.campaign_id`;

function toSaved(db: Database, r: PlanRow): SavedSendPlan {
  return {
    planId: r.id,
    workspaceId: r.workspace_id,
    campaignId: r.campaign_id,
    campaignName: r.campaign_name,
    createdAt: r.created_at,
    horizonMinutes: r.horizon_minutes,
    start: r.window_start,
    end: r.window_end,
    usualHour: r.usual_hour,
    scheduled: r.scheduled,
    holdout: r.holdouts,
    explore: r.explores,
    leftOut: r.left_out,
    holdoutShare: r.holdout_share,
    explorationShare: r.exploration_share,
    predictedRate: r.predicted_rate,
    usualTimeRate: r.usual_time_rate,
    method: r.method,
    inputs: JSON.parse(r.inputs_json) as Record<string, unknown>,
    audience: audienceOf(db, r.segment_version_id),
  };
}

export type SaveCampaign = { id: number } | { name: string };
/** The saved segment version the audience was built from. */
export interface SaveSegment {
  segmentId: number;
  version: number;
}

export type SaveRequest = SendPlanRequest & { campaign: SaveCampaign; segment?: SaveSegment | undefined };

/** What can be refused before planning: a segment plan without its members, a campaign of another workspace. */
export function checkSaveRequest(db: Database, req: SaveRequest): void {
  if (req.segment && req.contactIds === null) {
    throw new ApiError('BAD_INPUT', 'A plan for a saved segment is for its members: give their contact ids, not the whole workspace.', [
      { path: 'contactIds', message: 'contactIds.empty' },
    ]);
  }
  const { campaign } = req;
  if ('id' in campaign) {
    const row = db.prepare('SELECT workspace_id FROM campaigns WHERE id = ?').get(campaign.id) as { workspace_id: number } | undefined;
    if (!row || row.workspace_id !== req.workspaceId) {
      throw new ApiError('NOT_FOUND', `No campaign ${campaign.id} in this workspace.`, [{ path: 'campaign.id', message: 'campaign.notFound' }]);
    }
  }
}

/**
 * Saves a plan made for `req` with one row per scheduled contact, in one transaction: a plan
 * with nothing scheduled or a failed write leaves neither plan nor new campaign.
 */
export function writeSendPlan(db: Database, req: SaveRequest, plan: SendPlan, now: number): { saved: SavedSendPlan; plan: SendPlan } {
  const { campaign, segment, ...planReq } = req;
  if (plan.sends.length === 0) {
    const reasons = new Map<string, number>();
    for (const l of plan.leftOut) reasons.set(l.reason, (reasons.get(l.reason) ?? 0) + 1);
    throw new ApiError(
      'BAD_INPUT',
      `Nothing to save: no contact can be scheduled (${[...reasons].map(([r, n]) => `${n} ${r.replace('_', ' ')}`).join(', ')}).`,
    );
  }
  const save = db.transaction(() => {
    // Checked inside the transaction: a segment saved again since the audience was built is refused.
    const segmentVersionId = segment ? currentVersionFor(db, req.workspaceId, segment.segmentId, segment.version, { segmentId: 'segment.segmentId', version: 'segment.version' }).versionId : null;
    const campaignId =
      'id' in campaign
        ? campaign.id
        : Number(
            db
              .prepare("INSERT INTO campaigns (workspace_id, name, kind, created_at) VALUES (?, ?, 'other', ?)")
              .run(req.workspaceId, campaign.name, now).lastInsertRowid,
          );
    // The campaign records the segment version of its latest plan; each plan keeps its own.
    if (segmentVersionId !== null) db.prepare('UPDATE campaigns SET segment_version_id = ? WHERE id = ?').run(segmentVersionId, campaignId);
    const inputs = { ...planReq, asOf: undefined, campaign, segment };
    const planId = Number(
      db
        .prepare(
          `INSERT INTO send_time_plans (workspace_id, campaign_id, created_at, horizon_minutes, window_start, window_end, usual_hour,
             holdout_share, exploration_share, predicted_rate, usual_time_rate, left_out, method, inputs_json, segment_version_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          req.workspaceId,
          campaignId,
          now,
          plan.horizonMinutes,
          plan.start,
          plan.end,
          plan.usualHour,
          plan.holdoutShare,
          plan.explorationShare ?? 0,
          plan.predictedRate,
          plan.usualTimeRate,
          plan.leftOut.length,
          plan.method,
          JSON.stringify(inputs),
          segmentVersionId,
        ).lastInsertRowid,
    );
    const insert = db.prepare('INSERT INTO send_time_plan_rows (plan_id, contact_id, scheduled_at, predicted, reason, holdout, explore) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const s of plan.sends) insert.run(planId, s.contactId, s.sendAt, s.predicted, s.reason, s.holdout ? 1 : 0, s.explore ? 1 : 0);
    return planId;
  });
  const planId = save();
  return { saved: toSaved(db, db.prepare(`${PLAN_SELECT} WHERE p.id = ?`).get(planId) as PlanRow), plan };
}

/** The planner's part of a save request, planned as of `now` unless it says otherwise. */
export function planRequestOf(req: SaveRequest, now: number): SendPlanRequest {
  const { campaign: _campaign, segment: _segment, ...planReq } = req;
  return { ...planReq, asOf: planReq.asOf ?? now };
}

/** Plans the campaign as of `now` and saves the plan (see writeSendPlan). */
export function saveSendPlan(db: Database, req: SaveRequest, now = Date.now()): { saved: SavedSendPlan; plan: SendPlan } {
  checkSaveRequest(db, req);
  return writeSendPlan(db, req, sendTimePlan(db, planRequestOf(req, now)).plan, now);
}

export function savedSendPlans(db: Database, q: { workspaceId: number; campaignId?: number; planId?: number }): { plans: SavedSendPlan[]; rows: SavedPlanRow[] | null } {
  if (q.planId !== undefined) {
    const r = db.prepare(`${PLAN_SELECT} WHERE p.id = ? AND p.workspace_id = ?`).get(q.planId, q.workspaceId) as PlanRow | undefined;
    if (!r) throw new ApiError('NOT_FOUND', `No saved send-time plan ${q.planId} in this workspace.`, [{ path: 'planId', message: 'plan.notFound' }]);
    const rows = db
      .prepare('SELECT contact_id, scheduled_at, predicted, reason, holdout, explore FROM send_time_plan_rows WHERE plan_id = ? ORDER BY scheduled_at, contact_id')
      .all(q.planId) as { contact_id: number; scheduled_at: number; predicted: number; reason: string; holdout: number; explore: number }[];
    return {
      plans: [toSaved(db, r)],
      rows: rows.map((x) => ({ contactId: x.contact_id, scheduledAt: x.scheduled_at, predicted: x.predicted, reason: x.reason, holdout: x.holdout === 1, explore: x.explore === 1 })),
    };
  }
  const rows = (
    q.campaignId !== undefined
      ? db.prepare(`${PLAN_SELECT} WHERE p.workspace_id = ? AND p.campaign_id = ? ORDER BY p.created_at DESC, p.id DESC`).all(q.workspaceId, q.campaignId)
      : db.prepare(`${PLAN_SELECT} WHERE p.workspace_id = ? ORDER BY p.created_at DESC, p.id DESC`).all(q.workspaceId)
  ) as PlanRow[];
  return { plans: rows.map((r) => toSaved(db, r)), rows: null };
}

/** Below this many resolved messages in either arm, the comparison is shown as "not enough data yet". */
export const MIN_PER_ARM = 30;
const ALPHA = 0.05;

/**
 * Planned vs holdout after the campaign. Each plan row is matched to the campaign's first
 * outbound message to that contact; seen within H is read_at − sent_at ≤ H; a message sent
 * less than H before `now` and not seen yet is pending and left out of both rates.
 */
export function sendTimeUplift(db: Database, workspaceId: number, planId: number, now = Date.now()): SendTimeUplift {
  const plan = db.prepare('SELECT id, campaign_id, horizon_minutes FROM send_time_plans WHERE id = ? AND workspace_id = ?').get(planId, workspaceId) as
    | { id: number; campaign_id: number; horizon_minutes: number }
    | undefined;
  if (!plan) throw new ApiError('NOT_FOUND', `No saved send-time plan ${planId} in this workspace.`, [{ path: 'planId', message: 'plan.notFound' }]);
  const Hms = plan.horizon_minutes * 60_000;
  const rows = db
    .prepare(
      `SELECT r.holdout,
              (SELECT m.sent_at FROM messages m WHERE m.contact_ref = r.contact_id AND m.campaign_id = ? AND m.direction = 'out' ORDER BY m.sent_at LIMIT 1) AS sent_at,
              (SELECT m.read_at FROM messages m WHERE m.contact_ref = r.contact_id AND m.campaign_id = ? AND m.direction = 'out' ORDER BY m.sent_at LIMIT 1) AS read_at
         FROM send_time_plan_rows r WHERE r.plan_id = ?`,
    )
    .all(plan.campaign_id, plan.campaign_id, planId) as { holdout: number; sent_at: number | null; read_at: number | null }[];
  const arm = (holdout: number): UpliftArm & { counts: { exposures: number; conversions: number } } => {
    let planned = 0;
    let sent = 0;
    let pending = 0;
    let seen = 0;
    for (const r of rows) {
      if (r.holdout !== holdout) continue;
      planned++;
      if (r.sent_at === null) continue;
      sent++;
      const isSeen = r.read_at !== null && r.read_at - r.sent_at <= Hms;
      if (isSeen) seen++;
      else if (r.sent_at + Hms > now) pending++;
    }
    const n = sent - pending;
    const iv = wilsonInterval(seen, n, ALPHA);
    return { planned, sent, pending, n, seen, rate: n > 0 ? seen / n : null, low: iv?.low ?? null, high: iv?.high ?? null, counts: { exposures: n, conversions: seen } };
  };
  const { counts: pc, ...planned } = arm(0);
  const { counts: hc, ...holdout } = arm(1);
  const iv = newcombeInterval(pc, hc, ALPHA);
  const difference = iv && planned.rate !== null && holdout.rate !== null ? { estimate: planned.rate - holdout.rate, low: iv.low, high: iv.high } : null;
  const enough = planned.n >= MIN_PER_ARM && holdout.n >= MIN_PER_ARM;
  const pending = planned.pending + holdout.pending;
  const detailNote =
    holdout.planned === 0
      ? note('sendtime.note.upliftStatus.noHoldout')
      : planned.sent + holdout.sent === 0
        ? note('sendtime.note.upliftStatus.nothingSynced')
        : !enough
          ? note('sendtime.note.upliftStatus.notEnough', { planned: planned.n, holdout: holdout.n, minimum: MIN_PER_ARM, pending })
          : note(pending > 0 ? 'sendtime.note.upliftStatus.readyPending' : 'sendtime.note.upliftStatus.ready', { planned: planned.n, holdout: holdout.n, pending });
  return {
    planId,
    campaignId: plan.campaign_id,
    horizonMinutes: plan.horizon_minutes,
    status: enough && holdout.planned > 0 ? 'ready' : 'not_enough_data',
    detail: noteEnglish(detailNote),
    detailNote,
    planned,
    holdout,
    difference,
    level: 1 - ALPHA,
    method: 'newcombe-hybrid-score (difference), wilson-score (each arm)',
    ...withNotes(upliftNotes({ horizonMinutes: plan.horizon_minutes, minPerArm: MIN_PER_ARM })),
  };
}
