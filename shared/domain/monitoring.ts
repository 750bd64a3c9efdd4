import { z } from 'zod';
import { DAY_MS, HOUR_MS } from '../time/zones';
import { TimeZone, WorkspaceId } from './workspace';

/**
 * Delivery monitoring: the sent → delivered → seen → replied funnel, latencies, stuck
 * messages, contacts with recurring reception problems, and alerts. Every query's input
 * and output is declared here (the `monitoring:*` contract entries use them) so the API,
 * the CLI and the dashboard agree on one shape. Pure: no Node, no DOM.
 *
 * Times are UTC milliseconds; a period is [from, to) on the send time of outbound
 * messages. Rates are fractions in [0, 1], null when there is nothing to divide by.
 * Validation messages are catalog keys (`monitoring.error.*`).
 */

export const MINUTE_MS = 60_000;

/** Domain default: "seen within H" is judged 24 h after the send. */
export const DEFAULT_HORIZON_MS = DAY_MS;
/** Domain default: a reply counts within 24 h of the send (and before the next outbound message). */
export const DEFAULT_REPLY_WINDOW_MS = DAY_MS;
/** Beyond a month a "within H" figure no longer describes the reaction to one message. */
export const MAX_WINDOW_MS = 30 * DAY_MS;
export const MAX_PAGE_SIZE = 500;

export const CampaignKind = z.enum(['flash_promo', 'notice', 'newsletter', 'other']);
export type CampaignKind = z.infer<typeof CampaignKind>;

const Id = z.number().int().positive();
const Instant = z.number().int();
const Count = z.number().int().min(0);
const Duration = z.number().int().min(0);
const Rate = z.number().min(0).nullable();
const WindowMs = z
  .number({ error: 'monitoring.error.window' })
  .int('monitoring.error.window')
  .min(MINUTE_MS, 'monitoring.error.window')
  .max(MAX_WINDOW_MS, 'monitoring.error.window');
const Limit = z.number().int().min(1).max(MAX_PAGE_SIZE);
const Offset = z.number().int().min(0);

/** Which outbound messages a query looks at. `pageId` and `campaignId` are Relais ids (pages.id, campaigns.id). */
const scopeShape = {
  workspaceId: WorkspaceId,
  pageId: Id.optional(),
  campaignId: Id.optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  /** The instant the figures are judged at (default: the clock). Lets a report be reproduced. */
  now: Instant.optional(),
};
const periodIsOrdered = (v: { from?: number | undefined; to?: number | undefined }) => v.from === undefined || v.to === undefined || v.from < v.to;
const periodIssue = { path: ['to'], message: 'monitoring.error.period' };

export const ScopeEcho = z.object({
  workspaceId: WorkspaceId,
  pageId: Id.nullable(),
  campaignId: Id.nullable(),
  from: Instant.nullable(),
  to: Instant.nullable(),
});
export type ScopeEcho = z.infer<typeof ScopeEcho>;

// ---------------------------------------------------------------------------------------------
// Funnel

/** Rates over messages, or over people ("how many contacts"); the output always says which. */
export const FunnelBasis = z.enum(['messages', 'contacts']);
export type FunnelBasis = z.infer<typeof FunnelBasis>;

const funnelShape = {
  ...scopeShape,
  basis: FunnelBasis.default('messages'),
  /** H: delivered and seen count when they happen at most H after the send. */
  horizonMs: WindowMs.default(DEFAULT_HORIZON_MS),
  replyWindowMs: WindowMs.default(DEFAULT_REPLY_WINDOW_MS),
};

export const FunnelInput = z
  .object({
    ...funnelShape,
    /** Previous period of equal length (needs from and to) and the workspace's normal. */
    compare: z.boolean().default(true),
  })
  .strict()
  .refine(periodIsOrdered, periodIssue);
export type FunnelInput = z.input<typeof FunnelInput>;

export const FunnelStepName = z.enum(['sent', 'delivered', 'seen', 'replied']);
export type FunnelStepName = z.infer<typeof FunnelStepName>;

export const FunnelStep = z.object({
  step: FunnelStepName,
  count: Count,
  /** count ÷ sent (settled messages or contacts). */
  rate: Rate,
  /** Share of the previous step's messages (or contacts) that reached this one; null for "sent". */
  fromPrevious: Rate,
  /** Reached the previous step but not this one; null for "sent". */
  drop: Count.nullable(),
  /**
   * Reached this step without the previous one. Always 0 for delivered and seen (a read
   * implies delivery); for replied, the replies with no read receipt within H.
   */
  reachedWithoutPrevious: Count,
});
export type FunnelStep = z.infer<typeof FunnelStep>;

export const FunnelRates = z.object({ delivered: Rate, seen: Rate, replied: Rate });
export type FunnelRates = z.infer<typeof FunnelRates>;
/** Differences in rate (this − reference), in fractions: 0.05 is five points. */
export const FunnelRateChange = z.object({ delivered: z.number().nullable(), seen: z.number().nullable(), replied: z.number().nullable() });

export const FunnelOutput = z.object({
  basis: FunnelBasis,
  scope: ScopeEcho,
  horizonMs: Duration,
  replyWindowMs: Duration,
  now: Instant,
  /** Messages sent at or after this instant are pending: not every step can be judged yet (H, or the reply window if longer). */
  settledBefore: Instant,
  /** Everything sent in scope, pending included. */
  total: Count,
  /** Left out of every count and rate below (sent less than max(H, reply window) ago). */
  pending: Count,
  steps: z.array(FunnelStep),
  previous: z
    .object({
      from: Instant,
      to: Instant,
      sent: Count,
      pending: Count,
      rates: FunnelRates,
      change: FunnelRateChange,
    })
    .nullable(),
  /** Median over the workspace's past campaigns of each rate (same H, reply window, basis and page). */
  normal: z
    .object({
      campaigns: Count,
      rates: FunnelRates,
      change: FunnelRateChange,
    })
    .nullable(),
});
export type FunnelOutput = z.infer<typeof FunnelOutput>;

/** The messages or contacts behind a step of the funnel. */
export const FunnelSegment = z.enum([
  'pending',
  'sent',
  'delivered',
  'not_delivered',
  'seen',
  'delivered_not_seen',
  'replied',
  'seen_not_replied',
  'replied_not_seen',
]);
export type FunnelSegment = z.infer<typeof FunnelSegment>;

export const FunnelDrilldownInput = z
  .object({
    ...funnelShape,
    segment: FunnelSegment,
    limit: Limit.default(50),
    offset: Offset.default(0),
  })
  .strict()
  .refine(periodIsOrdered, periodIssue);
export type FunnelDrilldownInput = z.input<typeof FunnelDrilldownInput>;

export const MessageRow = z.object({
  messageId: Id,
  mid: z.string(),
  contactId: Id,
  psid: z.string(),
  name: z.string().nullable(),
  pageId: Id,
  campaignId: Id.nullable(),
  campaignName: z.string().nullable(),
  sentAt: Instant,
  /** Earliest of the delivery and the read: a read implies delivery. */
  deliveredAt: Instant.nullable(),
  /** True when only a read tells the message was delivered. */
  deliveredInferred: z.boolean(),
  readAt: Instant.nullable(),
  /** The reply that counts (within the reply window, before the next outbound message). */
  repliedAt: Instant.nullable(),
});
export type MessageRow = z.infer<typeof MessageRow>;

export const ContactFunnelRow = z.object({
  contactId: Id,
  psid: z.string(),
  name: z.string().nullable(),
  pageId: Id,
  /** Settled messages in scope, and how many of them reached each step. */
  messages: Count,
  pendingMessages: Count,
  delivered: Count,
  seen: Count,
  replied: Count,
  lastSentAt: Instant,
});
export type ContactFunnelRow = z.infer<typeof ContactFunnelRow>;

const drilldownPage = {
  segment: FunnelSegment,
  total: Count,
  limit: Count,
  offset: Count,
};
export const FunnelDrilldownOutput = z.discriminatedUnion('basis', [
  z.object({ basis: z.literal('messages'), ...drilldownPage, items: z.array(MessageRow) }),
  z.object({ basis: z.literal('contacts'), ...drilldownPage, items: z.array(ContactFunnelRow) }),
]);
export type FunnelDrilldownOutput = z.infer<typeof FunnelDrilldownOutput>;

// ---------------------------------------------------------------------------------------------
// Latency

export const LatencyInput = z
  .object({
    ...scopeShape,
    /** Zone of the hour-of-day and day buckets (default: the workspace's). */
    timeZone: TimeZone.optional(),
  })
  .strict()
  .refine(periodIsOrdered, periodIssue);
export type LatencyInput = z.input<typeof LatencyInput>;

/** Percentiles are nearest-rank: p90 is the smallest latency at least 90 % of the messages do not exceed. */
export const LatencyStats = z.object({
  count: Count,
  p50: Duration.nullable(),
  p90: Duration.nullable(),
  shareWithin5m: Rate,
  shareWithin1h: Rate,
  shareWithin24h: Rate,
});
export type LatencyStats = z.infer<typeof LatencyStats>;

export const LatencyDistribution = z.object({
  overall: LatencyStats,
  /** 24 entries, hour 0 to 23 of the send in the named zone (a 25-hour day puts two hours in one bucket). */
  byHourOfDay: z.array(LatencyStats.extend({ hour: z.number().int().min(0).max(23) })),
  /** Local calendar days (YYYY-MM-DD) on which something in scope was sent. */
  byDay: z.array(LatencyStats.extend({ date: z.string() })),
});
export type LatencyDistribution = z.infer<typeof LatencyDistribution>;

export const LatencyOutput = z.object({
  scope: ScopeEcho,
  timeZone: z.string(),
  /** Outbound messages in scope, delivered or not. */
  messages: Count,
  /** Over delivered messages; a delivery known only from a read is counted (an upper bound) and counted apart. */
  sentToDelivered: LatencyDistribution.extend({ inferredDeliveries: Count }),
  /** Over messages with both a delivery receipt and a read; deliveries known only from the read are left out. */
  deliveredToSeen: LatencyDistribution.extend({ leftOutInferred: Count }),
});
export type LatencyOutput = z.infer<typeof LatencyOutput>;

export const SeenCurveOrigin = z.enum(['campaign_start', 'each_send']);
export const SeenCurveInput = z
  .object({
    workspaceId: WorkspaceId,
    campaignId: Id,
    pageId: Id.optional(),
    /** campaign_start: time since the campaign's first send ("inside its hour"); each_send: since each message's own send. */
    origin: SeenCurveOrigin.default('campaign_start'),
    stepMs: WindowMs.default(5 * MINUTE_MS),
    spanMs: z.number().int().min(MINUTE_MS).max(7 * DAY_MS).default(DAY_MS),
    now: Instant.optional(),
  })
  .strict()
  .refine((v) => v.spanMs / v.stepMs <= 2016, { path: ['stepMs'], message: 'monitoring.error.tooManyPoints' });
export type SeenCurveInput = z.input<typeof SeenCurveInput>;

export const SeenCurvePoint = z.object({
  offsetMs: Duration,
  /** Null where the point lies after `now`: not observable yet. */
  delivered: Count.nullable(),
  seen: Count.nullable(),
  deliveredShare: Rate,
  seenShare: Rate,
});
export const SeenCurveOutput = z.object({
  campaignId: Id,
  campaignName: z.string(),
  kind: CampaignKind,
  origin: SeenCurveOrigin,
  startedAt: Instant.nullable(),
  messages: Count,
  stepMs: Duration,
  spanMs: Duration,
  points: z.array(SeenCurvePoint),
});
export type SeenCurveOutput = z.infer<typeof SeenCurveOutput>;

// ---------------------------------------------------------------------------------------------
// Settings: stuck thresholds and the recurring-problem rule

export const StuckThresholds = z
  .object({
    flash_promo: WindowMs,
    notice: WindowMs,
    newsletter: WindowMs,
    /** Campaigns of kind "other" and messages outside any campaign. */
    other: WindowMs,
  })
  .strict();
export type StuckThresholds = z.infer<typeof StuckThresholds>;

export const DEFAULT_STUCK_THRESHOLDS: StuckThresholds = {
  flash_promo: HOUR_MS,
  notice: 6 * HOUR_MS,
  newsletter: 48 * HOUR_MS,
  other: 24 * HOUR_MS,
};

const RuleCount = z.number({ error: 'monitoring.error.ruleCount' }).int('monitoring.error.ruleCount').min(1, 'monitoring.error.ruleCount').max(50, 'monitoring.error.ruleCount');

export const RecurringRule = z
  .object({
    /** How many of the contact's latest outbound messages are looked at. */
    lastN: RuleCount,
    /** At least `min` of them not delivered within `withinMs`… */
    notDelivered: z.object({ min: RuleCount, withinMs: WindowMs }).strict(),
    /** …or at least `min` of them delivered but not seen within `withinMs`. */
    unseen: z.object({ min: RuleCount, withinMs: WindowMs }).strict(),
  })
  .strict()
  .refine((r) => r.notDelivered.min <= r.lastN, { path: ['notDelivered', 'min'], message: 'monitoring.error.ruleMinAboveN' })
  .refine((r) => r.unseen.min <= r.lastN, { path: ['unseen', 'min'], message: 'monitoring.error.ruleMinAboveN' });
export type RecurringRule = z.infer<typeof RecurringRule>;

/** domain.md: of the last 5 outbound, ≥ 3 not delivered within 24 h, or ≥ 4 delivered but not seen within 72 h. */
export const DEFAULT_RECURRING_RULE: RecurringRule = {
  lastN: 5,
  notDelivered: { min: 3, withinMs: 24 * HOUR_MS },
  unseen: { min: 4, withinMs: 72 * HOUR_MS },
};

export const MonitoringSettings = z.object({
  workspaceId: WorkspaceId,
  stuckThresholds: StuckThresholds,
  recurringRule: RecurringRule,
});
export type MonitoringSettings = z.infer<typeof MonitoringSettings>;

export const MonitoringSettingsInput = z.object({ workspaceId: WorkspaceId }).strict();
export const SaveMonitoringSettingsInput = z
  .object({
    workspaceId: WorkspaceId,
    stuckThresholds: StuckThresholds.partial().optional(),
    recurringRule: RecurringRule.optional(),
  })
  .strict();
export type SaveMonitoringSettingsInput = z.input<typeof SaveMonitoringSettingsInput>;

// ---------------------------------------------------------------------------------------------
// Stuck messages and their likely causes

export const StuckStatus = z.enum(['not_delivered', 'delivered_not_seen']);
export type StuckStatus = z.infer<typeof StuckStatus>;

export const DEFAULT_STUCK_LOOKBACK_MS = 7 * DAY_MS;

/** Sent but not delivered, or delivered but not seen, longer than the campaign kind's threshold. Default period: the 7 days before `now`. */
export const StuckInput = z
  .object({
    ...scopeShape,
    status: z.enum(['any', 'not_delivered', 'delivered_not_seen']).default('any'),
    withHints: z.boolean().default(true),
    limit: Limit.default(50),
    offset: Offset.default(0),
  })
  .strict()
  .refine(periodIsOrdered, periodIssue);
export type StuckInput = z.input<typeof StuckInput>;

/** "Many contacts' delivery latencies jumped together in the same window." */
export const IncidentEvidence = z.object({
  windowStart: Instant,
  windowEnd: Instant,
  /** Median over the window's sends; an undelivered message counts as "at least its age", so this is a lower bound. */
  windowMedianMs: Duration,
  /** Median over the sends of the trailing baseline period. */
  baselineMedianMs: Duration,
  baselineMessages: Count,
  /** A latency at least this long counts as affected. */
  thresholdMs: Duration,
  contactsAffected: Count,
  contactsInWindow: Count,
  messagesInWindow: Count,
});
export type IncidentEvidence = z.infer<typeof IncidentEvidence>;

/** A likely cause, shown as a hint with the evidence behind it: never a fact. */
export const LikelyCause = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('contact_never_delivers'),
    /** Blocked the Page, uninstalled Messenger, or the account is gone: its latest `recentSends` sends, in a row, none delivered. */
    evidence: z.object({ recentSends: Count, delivered: Count, firstOfThoseAt: Instant, lastDeliveredAt: Instant.nullable() }),
  }),
  z.object({
    kind: z.literal('contact_rarely_reads'),
    /** Its latest `recentDelivered` deliveries, in a row, none read. */
    evidence: z.object({ recentDelivered: Count, read: Count, lastReadAt: Instant.nullable() }),
  }),
  z.object({
    kind: z.literal('offline_pattern'),
    /** Past deliveries that came long after the send (the device came back online) cluster in a few local hours. */
    evidence: z.object({
      timeZone: z.string(),
      deliveryHours: z.array(z.number().int().min(0).max(23)),
      window: z.object({ fromHour: z.number().int().min(0).max(23), toHour: z.number().int().min(0).max(23) }),
      shareInWindow: z.number().min(0).max(1),
    }),
  }),
  z.object({ kind: z.literal('platform_incident'), evidence: IncidentEvidence }),
  z.object({
    kind: z.literal('peak_hour'),
    /** The whole campaign was late, and sends at this local hour are usually slow to deliver. */
    evidence: z.object({
      timeZone: z.string(),
      hourOfDay: z.number().int().min(0).max(23),
      campaignMedianMs: Duration,
      baselineMedianMs: Duration,
      hourShareWithin1h: z.number().min(0).max(1),
      overallShareWithin1h: z.number().min(0).max(1),
      hourSends: Count,
    }),
  }),
]);
export type LikelyCause = z.infer<typeof LikelyCause>;

export const StuckMessage = MessageRow.omit({ repliedAt: true }).extend({
  campaignKind: CampaignKind,
  status: StuckStatus,
  stuckForMs: Duration,
  thresholdMs: Duration,
  hints: z.array(LikelyCause),
});
export type StuckMessage = z.infer<typeof StuckMessage>;

export const StuckOutput = z.object({
  scope: ScopeEcho,
  now: Instant,
  from: Instant,
  to: Instant,
  thresholds: StuckThresholds,
  total: Count,
  notDelivered: Count,
  deliveredNotSeen: Count,
  byCampaign: z.array(
    z.object({
      campaignId: Id.nullable(),
      campaignName: z.string().nullable(),
      kind: CampaignKind,
      notDelivered: Count,
      deliveredNotSeen: Count,
    }),
  ),
  limit: Count,
  offset: Count,
  items: z.array(StuckMessage),
});
export type StuckOutput = z.infer<typeof StuckOutput>;

// ---------------------------------------------------------------------------------------------
// Recurring reception problems

export const RecurringInput = z
  .object({
    workspaceId: WorkspaceId,
    pageId: Id.optional(),
    limit: Limit.default(100),
    offset: Offset.default(0),
    now: Instant.optional(),
  })
  .strict();
export type RecurringInput = z.input<typeof RecurringInput>;

export const RecurringProblem = z.object({
  /** Latest outbound messages looked at (at most the rule's N). */
  considered: Count,
  notDelivered: Count,
  deliveredNotSeen: Count,
  /** Not counted as a problem, and too recent to be sure it will not become one. */
  undecided: Count,
});
export type RecurringProblem = z.infer<typeof RecurringProblem>;

export const RecurringContact = z.object({
  contactId: Id,
  psid: z.string(),
  name: z.string().nullable(),
  pageId: Id,
  /** Latest sign of life: a read or a message from the contact. */
  lastSeenAt: Instant.nullable(),
  lastSentAt: Instant,
  problem: RecurringProblem,
  /** The problem in a sentence, in the workspace's language. */
  summary: z.string(),
});
export type RecurringContact = z.infer<typeof RecurringContact>;

export const RecurringOutput = z.object({
  workspaceId: WorkspaceId,
  pageId: Id.nullable(),
  now: Instant,
  rule: RecurringRule,
  total: Count,
  limit: Count,
  offset: Count,
  items: z.array(RecurringContact),
});
export type RecurringOutput = z.infer<typeof RecurringOutput>;

export const FallbackChannel = z.enum(['sms', 'email']);
export type FallbackChannel = z.infer<typeof FallbackChannel>;

export const RecurringCsvInput = z
  .object({ workspaceId: WorkspaceId, pageId: Id.optional(), channel: FallbackChannel, now: Instant.optional() })
  .strict();
export type RecurringCsvInput = z.input<typeof RecurringCsvInput>;

export const RecurringCsvOutput = z.object({
  channel: FallbackChannel,
  fileName: z.string(),
  /** RFC 4180 (CRLF, quoted where needed); cells that a spreadsheet would run as a formula start with a quote. */
  csv: z.string(),
  rows: Count,
  /** Contacts with a recurring problem left out, and why. */
  leftOut: z.object({ noConsent: Count, optedOut: Count, noAddress: Count }),
});
export type RecurringCsvOutput = z.infer<typeof RecurringCsvOutput>;

// ---------------------------------------------------------------------------------------------
// Alerts

export const AlertKind = z.enum(['delivery_rate_below', 'delivery_latency_above', 'campaign_seen_below', 'platform_incident']);
export type AlertKind = z.infer<typeof AlertKind>;

const Share = z.number({ error: 'monitoring.error.share' }).min(0, 'monitoring.error.share').max(1, 'monitoring.error.share');
const SampleSize = z.number({ error: 'monitoring.error.sampleSize' }).int('monitoring.error.sampleSize').min(10, 'monitoring.error.sampleSize').max(100_000, 'monitoring.error.sampleSize');

/** What a rule watches; each kind with its own parameters. */
export const AlertCondition = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('delivery_rate_below'),
      /** Over the last N sends old enough to judge (sent at least `horizonMs` ago). */
      lastN: SampleSize.default(100),
      minRate: Share.default(0.8),
      horizonMs: WindowMs.default(DEFAULT_HORIZON_MS),
    })
    .strict(),
  z
    .object({
      kind: z.literal('delivery_latency_above'),
      /** Median over the last N sends; one still undelivered counts as "at least its age". */
      lastN: SampleSize.default(100),
      maxMedianMs: WindowMs.default(HOUR_MS),
    })
    .strict(),
  z
    .object({
      kind: z.literal('campaign_seen_below'),
      /** A campaign's messages seen within `afterMs` of their send, judged once they are that old. */
      afterMs: WindowMs.default(DEFAULT_HORIZON_MS),
      minSeenRate: Share.default(0.3),
      /** Campaigns whose first send is older than this are no longer watched. */
      lookbackMs: WindowMs.default(7 * DAY_MS),
      minSends: z.number().int().min(1).max(100_000).default(20),
    })
    .strict(),
  z
    .object({
      kind: z.literal('platform_incident'),
      /** Sliding window of sends, moved by `stepMs`, compared with the `baselineMs` before it. */
      windowMs: WindowMs.default(30 * MINUTE_MS),
      stepMs: WindowMs.default(10 * MINUTE_MS),
      baselineMs: WindowMs.default(DAY_MS),
      /** The window's median latency must reach max(factor × baseline, baseline + minJumpMs)… */
      factor: z.number().min(1.5).max(1000).default(4),
      minJumpMs: WindowMs.default(15 * MINUTE_MS),
      /** …and at least this many distinct contacts must each be at least that late. */
      minContacts: z.number().int().min(2).max(100_000).default(20),
      /** How far back windows are examined at each evaluation. */
      lookbackMs: WindowMs.default(6 * HOUR_MS),
    })
    .strict()
    .refine((c) => c.stepMs <= c.windowMs, { path: ['stepMs'], message: 'monitoring.error.stepAboveWindow' }),
]);
export type AlertCondition = z.infer<typeof AlertCondition>;
export type AlertConditionInput = z.input<typeof AlertCondition>;
export type IncidentDetector = Extract<AlertCondition, { kind: 'platform_incident' }>;

/** The rules a workspace starts with, created on its first evaluation. */
export const DEFAULT_ALERT_CONDITIONS: readonly AlertConditionInput[] = [
  { kind: 'delivery_rate_below' },
  { kind: 'delivery_latency_above' },
  { kind: 'campaign_seen_below' },
  { kind: 'platform_incident' },
];

export const AlertRule = z.object({
  id: Id,
  workspaceId: WorkspaceId,
  enabled: z.boolean(),
  condition: AlertCondition,
  createdAt: Instant,
  updatedAt: Instant,
});
export type AlertRule = z.infer<typeof AlertRule>;

export const AlertRulesInput = z.object({ workspaceId: WorkspaceId }).strict();
export const SaveAlertRuleInput = z
  .object({
    workspaceId: WorkspaceId,
    /** Absent: a new rule. */
    id: Id.optional(),
    enabled: z.boolean().default(true),
    condition: AlertCondition,
    now: Instant.optional(),
  })
  .strict();
export type SaveAlertRuleInput = z.input<typeof SaveAlertRuleInput>;
export const DeleteAlertRuleInput = z.object({ workspaceId: WorkspaceId, id: Id }).strict();

export const AlertSubject = z.discriminatedUnion('type', [
  z.object({ type: z.literal('workspace') }),
  z.object({ type: z.literal('campaign'), campaignId: Id, campaignName: z.string().nullable() }),
]);
export type AlertSubject = z.infer<typeof AlertSubject>;

export const AlertEvidence = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('delivery_rate_below'),
    sends: Count,
    delivered: Count,
    rate: z.number().min(0).max(1),
    minRate: z.number(),
    horizonMs: Duration,
    firstSentAt: Instant,
    lastSentAt: Instant,
  }),
  z.object({
    kind: z.literal('delivery_latency_above'),
    sends: Count,
    /** Sends known to have taken longer than the limit (delivered late, or still undelivered and older). */
    slowerThanLimit: Count,
    /** Nearest-rank median where undelivered messages count as their age: a lower bound. */
    medianAtLeastMs: Duration,
    maxMedianMs: Duration,
  }),
  z.object({
    kind: z.literal('campaign_seen_below'),
    sends: Count,
    seen: Count,
    rate: z.number().min(0).max(1),
    minSeenRate: z.number(),
    afterMs: Duration,
    firstSentAt: Instant,
  }),
  IncidentEvidence.extend({ kind: z.literal('platform_incident') }),
]);
export type AlertEvidence = z.infer<typeof AlertEvidence>;

export const AlertStatus = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertStatus = z.infer<typeof AlertStatus>;

export const AlertEvent = z.object({
  id: Id,
  workspaceId: WorkspaceId,
  ruleId: Id,
  kind: AlertKind,
  subject: AlertSubject,
  /** open: firing, not acknowledged; acknowledged: firing, seen by someone; resolved: the condition cleared. */
  status: AlertStatus,
  openedAt: Instant,
  lastTriggeredAt: Instant,
  acknowledgedAt: Instant.nullable(),
  resolvedAt: Instant.nullable(),
  /** What the last evaluation that found the condition saw. */
  evidence: AlertEvidence,
});
export type AlertEvent = z.infer<typeof AlertEvent>;

export const AlertsInput = z
  .object({
    workspaceId: WorkspaceId,
    /** active: open or acknowledged (not resolved). */
    status: z.enum(['all', 'active', 'open', 'resolved']).default('all'),
    limit: Limit.default(100),
    offset: Offset.default(0),
  })
  .strict();
export type AlertsInput = z.input<typeof AlertsInput>;
export const AlertsOutput = z.object({
  total: Count,
  /** Unresolved alerts, and those of them nobody acknowledged yet. */
  active: Count,
  unacknowledged: Count,
  limit: Count,
  offset: Count,
  items: z.array(AlertEvent),
});
export type AlertsOutput = z.infer<typeof AlertsOutput>;

export const AcknowledgeAlertInput = z.object({ workspaceId: WorkspaceId, alertId: Id, now: Instant.optional() }).strict();
export type AcknowledgeAlertInput = z.input<typeof AcknowledgeAlertInput>;

export const EvaluateAlertsInput = z.object({ workspaceId: WorkspaceId, now: Instant.optional() }).strict();
export const EvaluateAlertsOutput = z.object({
  evaluatedAt: Instant,
  /** New alerts: the desktop shell notifies these. */
  opened: z.array(AlertEvent),
  /** Alerts whose condition cleared at this evaluation. */
  resolved: z.array(AlertEvent),
  /** Unresolved alerts after this evaluation. */
  active: Count,
});
export type EvaluateAlertsOutput = z.infer<typeof EvaluateAlertsOutput>;

// ---------------------------------------------------------------------------------------------
// Wording shared by the CSV export, the CLI and the dashboard

export type SummaryLanguage = 'fr' | 'en';

/** The workspace locale's language when Relais speaks it, English otherwise. */
export function summaryLanguage(locale: string): SummaryLanguage {
  return locale.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function hoursText(ms: number): string {
  const h = ms / HOUR_MS;
  return Number.isInteger(h) ? `${h} h` : `${Math.round(ms / MINUTE_MS)} min`;
}

/** "3 of the last 5 messages not delivered within 24 h; 1 delivered but not seen within 72 h". */
export function describeRecurringProblem(problem: RecurringProblem, rule: RecurringRule, lang: SummaryLanguage): string {
  const parts: string[] = [];
  const of = problem.considered;
  if (lang === 'fr') {
    if (problem.notDelivered > 0)
      parts.push(`${problem.notDelivered} des ${of} derniers messages non remis sous ${hoursText(rule.notDelivered.withinMs)}`);
    if (problem.deliveredNotSeen > 0)
      parts.push(`${problem.deliveredNotSeen} remis mais non lus sous ${hoursText(rule.unseen.withinMs)}`);
    return parts.join(' ; ') || 'aucun problème';
  }
  if (problem.notDelivered > 0)
    parts.push(`${problem.notDelivered} of the last ${of} messages not delivered within ${hoursText(rule.notDelivered.withinMs)}`);
  if (problem.deliveredNotSeen > 0) parts.push(`${problem.deliveredNotSeen} delivered but not seen within ${hoursText(rule.unseen.withinMs)}`);
  return parts.join('; ') || 'no problem';
}
