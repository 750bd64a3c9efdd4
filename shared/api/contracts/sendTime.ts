import { z } from 'zod';
import { SendPlan, SendTimeHeatmap } from '../../domain/sendTime';
import { WorkspaceId } from '../../domain/workspace';
import type { ContractEntries } from './types';

/** H: the campaign's useful life, one minute to one week. */
const HorizonMinutes = z.number().int().min(1).max(10_080);
const ContactId = z.number().int().positive();
const Instant = z.number().int().min(0);
const Hour = z.number().int().min(0).max(23);
const MAX_WINDOW_MS = 31 * 24 * 60 * 60_000;

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
    input: z
      .object({
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
      })
      .strict()
      // The planner walks the window minute by minute: keep it to a month.
      .refine((i) => i.end - i.start <= MAX_WINDOW_MS, { message: 'window.tooLong', path: ['end'] }),
    output: z.object({
      plan: SendPlan,
      /** The plan as CSV: one row per contact, scheduled first, left-out contacts with their reason. */
      csv: z.string(),
      /** The plan as pretty-printed JSON, for a bot or sending tool. */
      json: z.string(),
    }),
  },
} as const satisfies ContractEntries;
