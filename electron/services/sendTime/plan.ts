import type { Database } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import type { SendPlan, SendTimeNote } from '../../../shared/domain/sendTime';
import { note, noteEnglish } from '../../../shared/sendTime/notes';
import type { FitHelper } from '../../../shared/sendTime/helper';
import { contactRater, type SendTimeModel } from '../../../shared/sendTime/model';
import { SendPlanError, buildSendPlan, type PlanContact, type QuietHours } from '../../../shared/sendTime/plan';
import { DAY_MS } from '../../../shared/time/zones';
import { csvDocument } from '../monitoring/csv';
import { fitWorkspaceModel, recentOutboundCounts, withFitHelper, type WorkspaceHistory } from './history';

export interface SendPlanRequest {
  workspaceId: number;
  /** Contact ids; null: every contact of the workspace. */
  contactIds: readonly number[] | null;
  horizonMinutes: number;
  start: number;
  end: number;
  quietHours?: QuietHours | null;
  perMinuteCap?: number | null;
  frequencyCap?: { max: number; days: number } | null;
  holdoutShare?: number;
  holdoutSeed?: string;
  explorationShare?: number;
  /** History is read up to this instant (default: now). */
  asOf?: number;
}

/** Turns a fitted model and the history into the planner's per-contact view. */
export function planContacts(model: SendTimeModel, ids: readonly number[], recent: ReadonlyMap<number, number>): { contacts: PlanContact[]; unknown: number[] } {
  const contacts: PlanContact[] = [];
  const unknown: number[] = [];
  for (const id of ids) {
    const c = model.contacts.get(id);
    if (!c) {
      unknown.push(id);
      continue;
    }
    // The planner asks each contact for a rate once per run of one cell and for an interval once
    // (at the chosen minute): what those share is computed once, nothing is cached per cell.
    const rater = contactRater(model, c);
    contacts.push({
      contactId: id,
      psid: c.psid,
      zone: c.zone,
      lastInboundAt: c.lastInboundAt,
      recentSends: recent.get(id) ?? 0,
      reason: c.reason,
      estimate: rater.estimate,
      rate: rater.rate,
      posterior: rater.posterior,
    });
  }
  return { contacts, unknown };
}

/** Fits the model on the workspace's history and plans the campaign; bad input gives an ApiError. */
export function sendTimePlan(db: Database, req: SendPlanRequest): { plan: SendPlan; model: SendTimeModel; history: WorkspaceHistory } {
  const asOf = req.asOf ?? Date.now();
  if (!(req.end > req.start)) throw new ApiError('BAD_INPUT', 'The validity window is empty: its end must be after its start.');
  if (req.end <= asOf) throw new ApiError('BAD_INPUT', 'The validity window is in the past.');
  if (req.horizonMinutes * 60_000 > DAY_MS * 7) throw new ApiError('BAD_INPUT', 'The horizon is longer than a week.');
  if (req.horizonMinutes * 60_000 > req.end - req.start) {
    throw new ApiError(
      'BAD_INPUT',
      `The horizon H (${req.horizonMinutes} min) is longer than the validity window (${Math.round((req.end - req.start) / 60_000)} min): a message sent in the window would still be judged after it closes. Shorten H or widen the window.`,
      [{ path: 'horizonMinutes', message: 'horizon.longerThanWindow' }],
    );
  }
  // One helper thread for the fit and then the plan's intervals.
  return withFitHelper((helper) => planWithHelper(db, req, asOf, helper));
}

function planWithHelper(db: Database, req: SendPlanRequest, asOf: number, helper: FitHelper | null): { plan: SendPlan; model: SendTimeModel; history: WorkspaceHistory } {
  const { history, model } = fitWorkspaceModel(db, req.workspaceId, req.horizonMinutes, asOf, helper);
  const ids = req.contactIds ?? history.contacts.map((c) => c.contactId);
  if (ids.length === 0) throw new ApiError('BAD_INPUT', 'The audience is empty.');
  const recent = req.frequencyCap ? recentOutboundCounts(db, req.workspaceId, asOf - req.frequencyCap.days * DAY_MS) : new Map<number, number>();
  const { contacts, unknown } = planContacts(model, ids, recent);
  if (contacts.length === 0) throw new ApiError('BAD_INPUT', 'None of the audience’s contacts belong to this workspace.');
  try {
    const plan = buildSendPlan(contacts, {
      start: Math.max(req.start, asOf),
      end: req.end,
      horizonMinutes: req.horizonMinutes,
      workspaceZone: history.workspaceZone,
      usualHour: history.usualHour,
      quietHours: req.quietHours ?? null,
      perMinuteCap: req.perMinuteCap ?? null,
      frequencyCapMax: req.frequencyCap?.max ?? null,
      holdoutShare: req.holdoutShare,
      holdoutSeed: req.holdoutSeed,
      explorationShare: req.explorationShare,
      method: model.method,
      assumptions: model.assumptions,
      notes: model.notes,
      ...(helper ? { helper } : {}),
    });
    for (const id of unknown) plan.leftOut.push({ contactId: id, psid: null, reason: 'unknown_contact', detail: `Contact ${id} is not in this workspace.` });
    const audience = new Set(ids);
    const badZones = history.unknownZones.filter((u) => audience.has(u.contactId));
    const warn = (n: SendTimeNote) => {
      (plan.warningNotes ??= []).push(n);
      (plan.warnings ??= []).push(noteEnglish(n));
    };
    if (badZones.length > 0) warn(note('sendtime.note.warning.unknownZones', { count: badZones.length, zones: [...new Set(badZones.map((u) => u.zone))].slice(0, 5).join(', ') }));
    const noHistory = contacts.filter((c) => c.lastInboundAt === null).length;
    if (noHistory > 0) warn(note('sendtime.note.warning.noInbound', { count: noHistory }));
    return { plan, model, history };
  } catch (e) {
    if (e instanceof SendPlanError) throw new ApiError('BAD_INPUT', e.message);
    throw e;
  }
}

const CSV_HEADER = ['status', 'contact_id', 'psid', 'zone', 'send_at_utc', 'predicted_seen_within_h', 'low', 'high', 'reason', 'cut_by_window', 'window_closes_at_utc', 'holdout', 'detail'];

/** One row per contact, scheduled first; left-out contacts carry their reason in `status`. */
export function sendPlanCsv(plan: SendPlan): string {
  const iso = (t: number) => new Date(t).toISOString();
  const rows: (string | number | null)[][] = plan.sends.map((s) => [
    s.holdout ? 'holdout' : 'scheduled',
    s.contactId,
    s.psid,
    s.zone,
    iso(s.sendAt),
    s.predicted.toFixed(4),
    s.low.toFixed(4),
    s.high.toFixed(4),
    s.reason,
    s.cutByWindow ? 'yes' : 'no',
    iso(s.windowClosesAt),
    s.holdout ? 'yes' : 'no',
    null,
  ]);
  for (const l of plan.leftOut) rows.push([l.reason, l.contactId, l.psid, null, null, null, null, null, null, null, null, null, l.detail]);
  return csvDocument(CSV_HEADER, rows);
}

export function sendPlanJson(plan: SendPlan): string {
  return JSON.stringify(plan, null, 2);
}
