import { z } from 'zod';
import { SegmentAudience } from './segments';

/** Hour-of-week cell: 0 = Monday 00:00 … 167 = Sunday 23:00, in the zone the view names. */
export const CELLS = 168;

export const SendTimeReason = z.enum(['own_history', 'page', 'workspace']);
export type SendTimeReason = z.infer<typeof SendTimeReason>;

export const SendTimeCell = z.object({
  weekday: z.number().int().min(0).max(6),
  hour: z.number().int().min(0).max(23),
  /** Posterior mean of P(seen within H) for a message sent in this cell. */
  rate: z.number().min(0).max(1),
  /** Effective number of messages behind the estimate (own sends plus borrowed prior strength). */
  n: z.number().min(0),
  /** Own outbound messages sent in this cell (non-pending). */
  sends: z.number().int().min(0),
  low: z.number().min(0).max(1),
  high: z.number().min(0).max(1),
});
export type SendTimeCell = z.infer<typeof SendTimeCell>;

export const SendTimeNoteParams = z.record(z.string(), z.union([z.string(), z.number()]));
export type SendTimeNoteParams = z.infer<typeof SendTimeNoteParams>;

/**
 * One method note, keyed for the UI catalogs (shared/sendTime/notes.ts): `assumptions` holds the same notes as English sentences.
 * Parameters ending in `At` are instants (epoch ms), in `Hour` hours of day; see `noteParamKind`.
 */
export const SendTimeNote = z.object({ key: z.string().min(1), params: SendTimeNoteParams });
export type SendTimeNote = z.infer<typeof SendTimeNote>;

export const SendTimeHeatmap = z.object({
  horizonMinutes: z.number().int().positive(),
  zone: z.string(),
  contactId: z.number().int().positive().nullable(),
  contacts: z.number().int().min(0),
  /** 168 cells, Monday 00:00 first. */
  cells: z.array(SendTimeCell),
  method: z.string(),
  assumptions: z.array(z.string()),
  /** `assumptions` as keyed notes, one per sentence, for the UI's language. */
  notes: z.array(SendTimeNote).optional(),
});
export type SendTimeHeatmap = z.infer<typeof SendTimeHeatmap>;

export const PlannedSend = z.object({
  contactId: z.number().int(),
  psid: z.string(),
  zone: z.string(),
  sendAt: z.number().int(),
  predicted: z.number().min(0).max(1),
  low: z.number().min(0).max(1),
  high: z.number().min(0).max(1),
  reason: SendTimeReason,
  /** The contact's best time fell after its 24-hour window closes; this is the best time before. */
  cutByWindow: z.boolean(),
  windowClosesAt: z.number().int(),
  holdout: z.boolean(),
  /** Sent at a random allowed minute to keep learning about untried hours (the plan's exploration share). */
  explore: z.boolean().optional(),
});
export type PlannedSend = z.infer<typeof PlannedSend>;

export const LeftOutReason = z.enum(['outside_window', 'frequency_cap', 'quiet_hours', 'send_cap', 'unknown_contact']);
export type LeftOutReason = z.infer<typeof LeftOutReason>;

export const LeftOutContact = z.object({
  contactId: z.number().int(),
  psid: z.string().nullable(),
  reason: LeftOutReason,
  /** Why, in English; the fields below let the UI say it in its language. */
  detail: z.string(),
  /** outside_window: when the 24-hour window closes (null: no inbound message, no window). */
  windowClosesAt: z.number().int().nullable().optional(),
  /** frequency_cap: messages already sent in the cap's period. */
  recentSends: z.number().int().min(0).optional(),
  /** frequency_cap: the cap's maximum; send_cap: the per-minute cap. */
  limit: z.number().int().min(0).optional(),
  /** send_cap: the contact's allowed minutes, all full. */
  allowedMinutes: z.number().int().min(0).optional(),
});
export type LeftOutContact = z.infer<typeof LeftOutContact>;

export const SendPlan = z.object({
  horizonMinutes: z.number().int().positive(),
  start: z.number().int(),
  end: z.number().int(),
  usualHour: z.number().int().min(0).max(23),
  workspaceZone: z.string(),
  sends: z.array(PlannedSend),
  /** Contacts never scheduled, with why: chiefly those outside any 24-hour window. */
  leftOut: z.array(LeftOutContact),
  /** Predicted seen-within-H rate of the plan (holdout at the usual time included) over scheduled contacts. */
  predictedRate: z.number().min(0).max(1),
  /** Same contacts, everyone at the usual time. */
  usualTimeRate: z.number().min(0).max(1),
  holdoutShare: z.number().min(0).max(1),
  explorationShare: z.number().min(0).max(1).optional(),
  /** Plain-language problems the user should know about (e.g. the cap leaves contacts out, unknown time zones). */
  warnings: z.array(z.string()).optional(),
  /** `warnings` as keyed notes, one per sentence, for the UI's language. */
  warningNotes: z.array(SendTimeNote).optional(),
  method: z.string(),
  assumptions: z.array(z.string()),
  /** `assumptions` as keyed notes, one per sentence, for the UI's language. */
  notes: z.array(SendTimeNote).optional(),
});
export type SendPlan = z.infer<typeof SendPlan>;

/** A plan saved on a campaign. */
export const SavedSendPlan = z.object({
  planId: z.number().int().positive(),
  workspaceId: z.number().int().positive(),
  campaignId: z.number().int().positive(),
  campaignName: z.string(),
  createdAt: z.number().int(),
  horizonMinutes: z.number().int().positive(),
  start: z.number().int(),
  end: z.number().int(),
  usualHour: z.number().int().min(0).max(23),
  scheduled: z.number().int().min(0),
  holdout: z.number().int().min(0),
  explore: z.number().int().min(0),
  leftOut: z.number().int().min(0),
  holdoutShare: z.number().min(0).max(1),
  explorationShare: z.number().min(0).max(1),
  predictedRate: z.number().min(0).max(1),
  usualTimeRate: z.number().min(0).max(1),
  method: z.string(),
  /** What the planner was given (the plan request as JSON). */
  inputs: z.record(z.string(), z.unknown()),
  /** The saved segment version the audience was built from; null for none. */
  audience: SegmentAudience.nullable().optional(),
});
export type SavedSendPlan = z.infer<typeof SavedSendPlan>;

export const SavedPlanRow = z.object({
  contactId: z.number().int(),
  scheduledAt: z.number().int(),
  predicted: z.number().min(0).max(1),
  reason: z.string(),
  holdout: z.boolean(),
  explore: z.boolean(),
});
export type SavedPlanRow = z.infer<typeof SavedPlanRow>;

export const UpliftArm = z.object({
  /** Plan rows in this arm. */
  planned: z.number().int().min(0),
  /** Rows with a campaign message sent to the contact. */
  sent: z.number().int().min(0),
  /** Sent less than H ago and not seen yet: neither seen nor unseen. */
  pending: z.number().int().min(0),
  /** Resolved messages: the denominator. */
  n: z.number().int().min(0),
  seen: z.number().int().min(0),
  rate: z.number().min(0).max(1).nullable(),
  low: z.number().min(0).max(1).nullable(),
  high: z.number().min(0).max(1).nullable(),
});
export type UpliftArm = z.infer<typeof UpliftArm>;

export const SendTimeUplift = z.object({
  planId: z.number().int().positive(),
  campaignId: z.number().int().positive(),
  horizonMinutes: z.number().int().positive(),
  status: z.enum(['not_enough_data', 'ready']),
  /** Why the status is what it is, in plain language. */
  detail: z.string(),
  /** `detail` as a keyed note, for the UI's language. */
  detailNote: SendTimeNote.optional(),
  planned: UpliftArm,
  holdout: UpliftArm,
  /** planned − holdout seen-within-H rate with its 95 % interval; null without data in both arms. */
  difference: z.object({ estimate: z.number(), low: z.number(), high: z.number() }).nullable(),
  level: z.number(),
  method: z.string(),
  assumptions: z.array(z.string()),
  /** `assumptions` as keyed notes, one per sentence, for the UI's language. */
  notes: z.array(SendTimeNote).optional(),
});
export type SendTimeUplift = z.infer<typeof SendTimeUplift>;
