import { z } from 'zod';
import { WorkspaceId } from './workspace';
import { Channel, Condition, SegmentRule, type RuleNode } from './segmentRule';

/**
 * Saved segments: every save is a new version (who, when, what changed), a version is either a
 * rule or a static list of contacts (imported from a CSV of PSIDs), and campaigns and
 * experiments record the version they used (`segment_version_id`).
 */

export const SegmentId = z.number().int().positive();
export const SegmentKind = z.enum(['rule', 'static']);
export type SegmentKind = z.infer<typeof SegmentKind>;
const VersionNo = z.number().int().positive();
const Time = z.number().int().min(0);
const SegmentName = z.string().trim().min(1, 'segments.error.nameRequired').max(120, 'segments.error.nameTooLong');
const Note = z.string().trim().max(500);

export const SegmentSummary = z.object({
  id: SegmentId,
  name: z.string(),
  kind: SegmentKind,
  /** Number of the current (latest) version. */
  version: VersionNo,
  updatedAt: Time,
  updatedBy: z.string(),
});
export type SegmentSummary = z.infer<typeof SegmentSummary>;

export const StartingPointKey = z.enum(['recurringProblems', 'seenWithin1hLastMonth', 'inactive90Days', 'insideWindowNow']);
export type StartingPointKey = z.infer<typeof StartingPointKey>;
/** A ready-made rule to start from (periods relative to the time of the listing). */
export const StartingPoint = z.object({ key: StartingPointKey, rule: SegmentRule });
export type StartingPoint = z.infer<typeof StartingPoint>;

// ---------------------------------------------------------------------------------------------
// Structured diff between two versions (shared/segments/diff.ts computes it, and turns it into
// a plain-language FR/EN sentence with describeDiff).

/** Dotted path of a node inside the rule, e.g. `root.children.2`. */
const NodePath = z.string();
const AnyNode = z.custom<RuleNode>((v) => typeof v === 'object' && v !== null);
export const RuleChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('added'), path: NodePath, node: AnyNode }),
  z.object({ kind: z.literal('removed'), path: NodePath, node: AnyNode }),
  /** A condition edited in place (same position, same field, other operator or value). */
  z.object({ kind: z.literal('changed'), path: NodePath, before: Condition, after: Condition }),
  /** A group switched between all of (and) / any of (or) / not. */
  z.object({ kind: z.literal('groupOp'), path: NodePath, before: z.enum(['and', 'or', 'not']), after: z.enum(['and', 'or', 'not']) }),
]);
export type RuleChange = z.infer<typeof RuleChange>;

export const SegmentDiff = z.object({
  from: z.number().int().min(0),
  to: VersionNo,
  kindChange: z.object({ before: SegmentKind, after: SegmentKind }).nullable(),
  /** Rule changes (both versions rule-based; empty when identical). */
  changes: z.array(RuleChange),
  /** Static members (a static version on either side): how many joined and left. */
  members: z.object({ added: z.number().int(), removed: z.number().int() }).nullable(),
  /** Restores name the version they copied. */
  restoredFrom: VersionNo.nullable(),
});
export type SegmentDiff = z.infer<typeof SegmentDiff>;

/** A campaign or an experiment that recorded a version of a segment as its audience. */
export const SegmentUse = z.object({
  kind: z.enum(['campaign', 'experiment']),
  id: z.number().int().positive(),
  name: z.string(),
});
export type SegmentUse = z.infer<typeof SegmentUse>;

export const SegmentVersion = z.object({
  version: VersionNo,
  kind: SegmentKind,
  savedAt: Time,
  /** OS user name of the main process (no user accounts in Relais). */
  savedBy: z.string(),
  note: z.string().nullable(),
  /** Null for a static version. */
  rule: SegmentRule.nullable(),
  /** Static versions: how many contacts the list holds. */
  memberCount: z.number().int().min(0).nullable(),
  /** What changed from the previous version (version 1: from nothing, `from` = 0). */
  change: SegmentDiff,
  /** Campaigns and experiments that recorded this version as their audience. */
  usedBy: z.array(SegmentUse).default([]),
});
export type SegmentVersion = z.infer<typeof SegmentVersion>;

/** The saved segment version a campaign, a send-time plan or an experiment was built for. */
export const SegmentAudience = z.object({
  segmentId: SegmentId,
  name: z.string(),
  version: VersionNo,
});
export type SegmentAudience = z.infer<typeof SegmentAudience>;

export const SegmentDetail = z.object({
  id: SegmentId,
  workspaceId: WorkspaceId,
  name: z.string(),
  kind: SegmentKind,
  version: VersionNo,
  createdAt: Time,
  updatedAt: Time,
  /** Newest first. */
  versions: z.array(SegmentVersion),
});
export type SegmentDetail = z.infer<typeof SegmentDetail>;

// ---------------------------------------------------------------------------------------------
// Enumerations for the typed editors

export const SegmentFields = z.object({
  pages: z.array(z.object({ id: z.number().int(), pageId: z.string(), name: z.string().nullable() })),
  labels: z.array(z.string()),
  locales: z.array(z.string()),
  timeZones: z.array(z.string()),
  campaigns: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      kind: z.string(),
      firstSentAt: Time.nullable(),
      variants: z.array(z.object({ id: z.number().int(), name: z.string() })),
    }),
  ),
  experiments: z.array(z.object({ id: z.number().int(), name: z.string(), campaignId: z.number().int() })),
  segments: z.array(z.object({ id: SegmentId, name: z.string(), kind: SegmentKind })),
  channels: z.array(Channel),
  /** Conditions the rule model has but this store cannot evaluate, with why. */
  unavailable: z.array(z.object({ field: z.string(), reason: z.string() })),
  /** How a few conditions are computed from the data there is (clicked, stuck). */
  definitions: z.record(z.string(), z.string()),
  /** Earliest and latest outbound send, to offer sensible periods. */
  sentRange: z.object({ from: Time, to: Time }).nullable(),
  now: Time,
});
export type SegmentFields = z.infer<typeof SegmentFields>;

// ---------------------------------------------------------------------------------------------
// Count, save, import, export

const RuleOrSegment = {
  segmentId: SegmentId.optional(),
  rule: SegmentRule.optional(),
};

export const CountInput = z
  .object({
    workspaceId: WorkspaceId,
    rule: SegmentRule,
    /** Evaluation time (UTC ms) for "now"-relative conditions; defaults to the present. */
    at: Time.optional(),
    /** The segment being edited, so a reference back to itself is refused as a cycle. */
    segmentId: SegmentId.optional(),
  })
  .strict();

export const SampleMember = z.object({
  contactId: z.number().int(),
  psid: z.string(),
  name: z.string().nullable(),
  pageId: z.number().int(),
  pageName: z.string().nullable(),
});
export type SampleMember = z.infer<typeof SampleMember>;

export const CountOutput = z.object({
  count: z.number().int().min(0),
  /** Members Messenger can reach with standard content at `at`: inside the 24-hour window, Messenger consent, not opted out. */
  messageableNow: z.number().int().min(0),
  /** Up to 10 members, by contact id. */
  sample: z.array(SampleMember).max(10),
  at: Time,
  method: z.object({
    /** True when the per-contact aggregates answered the all-time behaviour conditions. */
    aggregates: z.boolean(),
    tookMs: z.number().min(0),
    notes: z.array(z.string()),
  }),
});
export type CountOutput = z.infer<typeof CountOutput>;

export const SaveInput = z
  .object({
    workspaceId: WorkspaceId,
    /** Absent: a new segment. */
    segmentId: SegmentId.optional(),
    name: SegmentName,
    rule: SegmentRule,
    note: Note.optional(),
    /** The version the edit started from: CONFLICT when someone saved in between. */
    baseVersion: VersionNo.optional(),
  })
  .strict();

export const DiffInput = z
  .object({ workspaceId: WorkspaceId, segmentId: SegmentId, from: VersionNo, to: VersionNo })
  .strict();

export const RestoreInput = z
  .object({ workspaceId: WorkspaceId, segmentId: SegmentId, version: VersionNo, note: Note.optional() })
  .strict();

export const ImportStaticInput = z
  .object({
    workspaceId: WorkspaceId,
    name: SegmentName,
    /** CSV text with a `psid` column (and optionally `page`, the Page id); comma-separated, UTF-8. */
    csvText: z.string().max(50_000_000),
    /** Import as a new version of this static segment instead of a new segment. */
    segmentId: SegmentId.optional(),
    note: Note.optional(),
  })
  .strict();

export const ImportStaticOutput = z.object({
  segment: SegmentDetail,
  matched: z.number().int().min(0),
  /** Rows that match no contact of the workspace (reported, never silently dropped). */
  unmatched: z.array(z.object({ line: z.number().int().positive(), psid: z.string(), reason: z.enum(['noContact', 'duplicate', 'emptyPsid', 'unknownPage']) })),
});
export type ImportStaticOutput = z.infer<typeof ImportStaticOutput>;

export const ExportField = z.enum(['psid', 'name', 'page', 'locale', 'timeZone', 'phone', 'email', 'labels', 'lastInboundAt', 'windowClosesAt']);
export type ExportField = z.infer<typeof ExportField>;

export const ExportInput = z
  .object({
    workspaceId: WorkspaceId,
    ...RuleOrSegment,
    channel: Channel,
    fields: z.array(ExportField).min(1).max(20).default(['psid', 'name']),
    at: Time.optional(),
  })
  .strict()
  .refine((i) => (i.segmentId === undefined) !== (i.rule === undefined), { message: 'segments.error.ruleOrSegment', path: ['rule'] });

export const ExportOutput = z.object({
  /** UTF-8 CSV starting with a BOM (U+FEFF), CRLF line ends, cells guarded against formula injection. */
  csv: z.string(),
  fileName: z.string(),
  /** Rows written (members with the channel's consent and address). */
  rows: z.number().int().min(0),
  /** Segment members left out: no consent for the channel, opted out, or no phone / e-mail. */
  excluded: z.number().int().min(0),
  count: z.number().int().min(0),
});
export type ExportOutput = z.infer<typeof ExportOutput>;
