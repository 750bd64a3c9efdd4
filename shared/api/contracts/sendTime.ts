import { z } from 'zod';
import { SavedPlanRow, SavedSendPlan, SendPlan, SendTimeHeatmap, SendTimeUplift } from '../../domain/sendTime';
import { WorkspaceId } from '../../domain/workspace';
import type { ContractEntries } from './types';

/** H: the campaign's useful life, one minute to one week. */
const HorizonMinutes = z.number().int().min(1).max(10_080);
const ContactId = z.number().int().positive();
const Instant = z.number().int().min(0);
const Hour = z.number().int().min(0).max(23);
const MAX_WINDOW_MS = 31 * 24 * 60 * 60_000;

const PlanInput = z.object({
  workspaceId: WorkspaceId,
  /** Contacts of the workspace; null or absent: every contact of the workspace. */
  contactIds: z.array(ContactId).min(1, 'contactIds.empty').max(200_000).nullable().default(null),
  horizonMinutes: HorizonMinutes,
  /** The campaign's validity window, epoch milliseconds. */
  start: Instant,
  end: Instant,
  /** Local hours (each contact's zone) nothing is sent in; startHour > endHour wraps past midnight. */
  quietHours: z.object({ startHour: Hour, endHour: Hour }).strict().nullable().default(null),
  perMinuteCap: z.number().int().positive().nullable().default(null),
  frequencyCap: z
    .object({ max: z.number().int().positive(), days: z.number().int().min(1).max(365) })
    .strict()
    .nullable()
    .default(null),
  holdoutShare: z.number().min(0).max(1).default(0.1),
  holdoutSeed: z.string().min(1).max(200).optional(),
  /** Share of the other contacts sent at a random allowed minute, to keep learning (0–0.5). */
  explorationShare: z.number().min(0).max(0.5).default(0),
});

const PlanId = z.number().int().positive();

/** When to send: the weekday × hour heatmap of a workspace or one contact, and a campaign's send plan. */
export const sendTimeContract = {
  'sendtime:heatmap': {
    input: z
      .object({
        workspaceId: WorkspaceId,
        horizonMinutes: HorizonMinutes,
        /** One contact of the workspace; absent: every contact of the workspace. */
        contactId: ContactId.optional(),
      })
      .strict(),
    /** 7 × 24 cells, Monday 00:00 first, each with its rate, evidence n and 90 % interval. */
    output: SendTimeHeatmap,
  },
  'sendtime:plan': {
    input: PlanInput.strict().refine((i) => i.end - i.start <= MAX_WINDOW_MS, { message: 'window.tooLong', path: ['end'] }),
    output: z.object({
      plan: SendPlan,
      /** The plan as CSV: one row per contact, scheduled first, left-out contacts with their reason. */
      csv: z.string(),
      /** The plan as pretty-printed JSON, for a bot or sending tool. */
      json: z.string(),
    }),
  },
  /** Plans and saves on a campaign in one transaction: an existing campaign (id) or a new one (name). */
  'sendtime:save': {
    input: PlanInput.extend({
      campaign: z.union([
        z.object({ id: z.number().int().positive() }).strict(),
        z.object({ name: z.string().trim().min(1, 'name.required').max(120, 'name.tooLong') }).strict(),
      ]),
      /**
       * The saved segment the audience (contactIds) was built from, and the version it was
       * built from: recorded on the campaign and the plan; CONFLICT when the segment was saved since.
       */
      segment: z.object({ segmentId: z.number().int().positive(), version: z.number().int().positive() }).strict().optional(),
    })
      .strict()
      .refine((i) => i.end - i.start <= MAX_WINDOW_MS, { message: 'window.tooLong', path: ['end'] }),
    output: z.object({ saved: SavedSendPlan, plan: SendPlan }),
  },
  /** Saved plans of a workspace (newest first), of one campaign, or one plan with its rows. */
  'sendtime:saved': {
    input: z
      .object({ workspaceId: WorkspaceId, campaignId: z.number().int().positive().optional(), planId: PlanId.optional() })
      .strict(),
    output: z.object({
      plans: z.array(SavedSendPlan),
      /** One row per scheduled contact; only when planId is given. */
      rows: z.array(SavedPlanRow).nullable(),
    }),
  },
  /** After the campaign: seen-within-H of the planned arm vs the holdout (usual time), from the synced receipts. */
  'sendtime:uplift': {
    input: z.object({ workspaceId: WorkspaceId, planId: PlanId }).strict(),
    output: SendTimeUplift,
  },
} as const satisfies ContractEntries;
