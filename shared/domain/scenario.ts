import { z } from 'zod';
import { isValidLocale, isValidTimeZone } from '../time/zones';

/**
 * The Messenger simulator's scenario file: everything that shapes a simulated Page's
 * world (population, behaviour, campaigns, platform troubles, webhook delivery
 * quirks) so that a run is reproducible from the file and its seed alone.
 *
 * Every field except the page, the start date, the number of days, the population
 * size and the seed has a default, so a scenario only states what makes it special.
 */

export const CAMPAIGN_KINDS = ['flash_promo', 'notice', 'newsletter', 'other'] as const;
export const CampaignKind = z.enum(CAMPAIGN_KINDS);
export type CampaignKind = z.infer<typeof CampaignKind>;

/** Behaviour archetypes of the population: each has its own weekday × hour rhythm. */
export const ARCHETYPES = ['office_worker', 'night_owl', 'lunch_break', 'weekend_only', 'early_bird', 'evening', 'always_on'] as const;
export const Archetype = z.enum(ARCHETYPES);
export type Archetype = z.infer<typeof Archetype>;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const WeekdayName = z.enum(WEEKDAYS);
export type WeekdayName = z.infer<typeof WeekdayName>;

/** Kinds of deliberately broken archive lines the fault injector can write. */
export const FAULT_KINDS = ['truncated_json', 'wrong_object', 'watermark_seconds', 'bad_signature'] as const;
export const FaultKind = z.enum(FAULT_KINDS);
export type FaultKind = z.infer<typeof FaultKind>;

const Share = z.number().min(0).max(1);
const NumericId = z.string().regex(/^[1-9]\d{4,19}$/, 'id.numeric');
const Ref = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'ref.format');
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time.format');
const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date.format')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const t = new Date(Date.UTC(y, m - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }, 'date.invalid');
const TimeZone = z.string().refine(isValidTimeZone, 'timeZone.invalid');

/** A log-normal duration given by its median (robust to state) and log-scale spread. */
const LogNormalMinutes = (median: number, sigma: number) =>
  z
    .object({ median: z.number().positive().max(100_000).default(median), sigma: z.number().min(0).max(3).default(sigma) })
    .prefault({});

/** A Beta-distributed share across contacts: mean and concentration (a + b). */
const BetaShare = (mean: number, concentration: number) =>
  z
    .object({ mean: z.number().gt(0).lt(1).default(mean), concentration: z.number().min(0.5).max(10_000).default(concentration) })
    .prefault({});

export const ScenarioPage = z.object({
  id: NumericId,
  name: z.string().min(1).max(100),
  timeZone: TimeZone,
  locale: z.string().refine(isValidLocale, 'locale.invalid').default('en-US'),
  /** Echoes carry it as a JSON number, so it must be a safe integer. */
  appId: NumericId.refine((s) => Number.isSafeInteger(Number(s)), 'id.tooLarge').default('1517776481860111'),
  /** Chance that the Page answers an inbound conversation (within its reply hours). */
  replyProbability: Share.default(0.85),
  replyDelayMinutes: LogNormalMinutes(6, 0.9),
  /** Hours (Page's zone) during which someone answers; replies wait for the next opening. */
  replyHours: z.object({ from: ClockTime.default('09:00'), to: ClockTime.default('21:00') }).prefault({}),
});

export const ArchetypeMix = z
  .partialRecord(Archetype, z.number().min(0))
  .default({ office_worker: 0.3, lunch_break: 0.15, night_owl: 0.1, weekend_only: 0.1, early_bird: 0.1, evening: 0.15, always_on: 0.1 });

export const ScenarioPopulation = z.object({
  size: z.number().int().min(1).max(1_000_000),
  /** Contacts living elsewhere than the Page; the remaining share lives in the Page's zone. */
  timeZones: z.array(z.object({ zone: TimeZone, share: Share })).default([]),
  archetypes: ArchetypeMix,
  /** Each contact's rhythm is shifted by a whole number of hours in [-shift, +shift]. */
  profileShiftHours: z.number().int().min(0).max(6).default(1),
  /** Log-normal noise on each weekday × hour cell of a contact's rhythm. */
  profileNoise: z.number().min(0).max(2).default(0.3),
  /** Log-normal spread of how much a contact uses Messenger overall. */
  activitySpread: z.number().min(0).max(2).default(0.5),
  notificationsOn: Share.default(0.7),
  /** Keeps the app closed and swipes notifications away: delivered, but read late. */
  appClosedHabit: Share.default(0.15),
  /** Phone offline while asleep: long sent → delivered delays overnight. */
  nightOffline: Share.default(0.25),
  /** Reads on a second device whose read receipts sync late. */
  multiDevice: Share.default(0.25),
  /** Blocked or restricted the Page: its messages are never delivered. */
  blocked: Share.default(0.03),
  /** Chance that a delivered Page message eventually makes the person open the thread. */
  readPropensity: BetaShare(0.8, 6),
  /** Chance of replying to a campaign message once read (scaled by campaign and variant). */
  replyPropensity: BetaShare(0.05, 4),
  /** Organic conversations started per week: Gamma across contacts (mean, shape). */
  inboundPerWeek: z
    .object({ mean: z.number().min(0).max(200).default(0.3), shape: z.number().min(0.05).max(100).default(0.6) })
    .prefault({}),
  phone: Share.default(0.6),
  email: Share.default(0.5),
  /** Consent shares among contacts who have a phone number / an email address. */
  smsConsent: Share.default(0.5),
  emailConsent: Share.default(0.6),
});

export const ScenarioBehaviour = z
  .object({
    /** Device syncs per hour while the phone is online (delivery follows the next sync). */
    connectivityPerHour: z.number().positive().max(100_000).default(90),
    offlineConnectivityPerHour: z.number().positive().max(100_000).default(0.25),
    /** How fast a fully attentive person reacts to a fresh notification (per hour). */
    notificationReactionPerHour: z.number().min(0).max(10_000).default(4),
    /** A notification stays fresh this long on average, then only app sessions bring reads. */
    notificationFreshMinutes: z.number().positive().max(10_000).default(15),
    appClosedSessionFactor: z.number().min(0).max(1).default(0.3),
    appClosedNotificationFactor: z.number().min(0).max(1).default(0.2),
    /** Share of a multi-device contact's reads made on the device with the sync lag. */
    secondaryDeviceReadShare: Share.default(0.4),
    syncLagMinutes: z.number().positive().max(10_000).default(20),
    /** Chance that an inbound message is followed by another one within minutes. */
    burstContinue: Share.default(0.35),
    burstGapMinutes: z.number().positive().max(600).default(1.5),
    /** Chance that reading the Page's answer makes the person write back. */
    followUpAfterPageReply: Share.default(0.3),
    contactReplyDelayMinutes: LogNormalMinutes(3, 0.8),
    /** Read propensity of the Page's answers to someone who just wrote. */
    pageReplyReadPropensity: z.number().gt(0).max(1).default(0.95),
    /** Reading a campaign message later than this after it was sent never triggers a reply. */
    campaignReplyMaxAgeHours: z.number().positive().max(720).default(24),
  })
  .prefault({});

export const ScenarioIncident = z.object({
  /** ISO date-time with offset, e.g. 2026-03-12T18:20:00+01:00. */
  start: z.iso.datetime({ offset: true }),
  minutes: z.number().positive().max(14 * 1440),
});

export const ScenarioPlatform = z
  .object({
    baseLatencySeconds: z.number().positive().max(3600).default(2),
    /** Extra mean platform latency (seconds) by hour of day in the Page's zone: "0".."23". */
    peakHours: z.partialRecord(z.string().regex(/^(\d|1\d|2[0-3])$/, 'hour.format'), z.number().min(0).max(86_400)).default({}),
    /** Random outages, drawn from the seed: deliveries of everyone wait until they end. */
    incidents: z
      .object({ perMonth: z.number().min(0).max(100).default(1), durationMinutes: LogNormalMinutes(40, 0.7) })
      .prefault({}),
    /** Outages stated explicitly, on top of the random ones. */
    incidentList: z.array(ScenarioIncident).default([]),
  })
  .prefault({});

export const ScenarioVariant = z.object({
  ref: Ref,
  name: z.string().min(1).max(100),
  text: z.string().min(1).max(2000),
  weight: z.number().positive().max(1000).default(1),
  /** True relative effect on the chance of being seen (multiplies the read propensity, capped at 1). */
  seenMultiplier: z.number().positive().max(10).default(1),
  /** True relative effect on the chance of a reply once seen. */
  replyMultiplier: z.number().min(0).max(10).default(1),
  /** Send this variant later than the campaign time (a send-time variant). */
  offsetMinutes: z.number().int().min(0).max(1440).default(0),
  /** Share of this variant's sends rejected by the Send API (no echo): an injected sample-ratio mismatch. */
  sendFailureShare: Share.default(0),
});
export type ScenarioVariant = z.infer<typeof ScenarioVariant>;

const defaultHorizon: Record<CampaignKind, number> = { flash_promo: 60, notice: 1440, newsletter: 1440, other: 240 };

export const ScenarioCampaign = z
  .object({
    ref: Ref,
    name: z.string().min(1).max(100),
    kind: CampaignKind,
    /** Send times in the Page's zone; with several, occurrences rotate through them. */
    times: z.array(ClockTime).min(1).max(24),
    weekdays: z.array(WeekdayName).min(1).default([...WEEKDAYS]),
    /** Explicit dates (Page's zone); when given, only these days (still within the run). */
    dates: z.array(IsoDate).optional(),
    /** First and last (exclusive) day index of the run on which the campaign may go out. */
    fromDay: z.number().int().min(0).default(1),
    toDay: z.number().int().min(1).optional(),
    /** The campaign's useful life H, used for its ground-truth expected rates. */
    horizonMinutes: z.number().int().min(1).max(14 * 1440).optional(),
    /** Share of the contacts inside their 24-hour window who are targeted. */
    audienceShare: Share.default(1),
    sendRatePerMinute: z.number().int().min(1).max(1_000_000).default(600),
    replyFactor: z.number().min(0).max(20).default(1),
    variants: z.array(ScenarioVariant).min(1).max(8),
  })
  .transform((c) => ({ ...c, horizonMinutes: c.horizonMinutes ?? defaultHorizon[c.kind] }));
export type ScenarioCampaign = z.infer<typeof ScenarioCampaign>;

export const ScenarioWebhook = z
  .object({
    /** Events whose webhook send falls within this span share one body. */
    batchWindowMs: z.number().int().min(0).max(600_000).default(1000),
    maxEventsPerEntry: z.number().int().min(1).max(1000).default(5),
    maxEntriesPerBody: z.number().int().min(1).max(100).default(3),
    /** Webhook send delay after the event, uniform in [min, max] ms. */
    latencyMs: z
      .object({ min: z.number().int().min(1).max(600_000).default(150), max: z.number().int().min(1).max(600_000).default(1500) })
      .prefault({}),
    /** Share of bodies that arrive late, uniformly within the horizon (out of order). */
    shuffleShare: Share.default(0.05),
    shuffleHorizonSeconds: z.number().min(0).max(30 * 86_400).default(300),
    /** Share of bodies sent again later (Meta retries). */
    duplicateBodyRate: Share.default(0.01),
    /** Share of single events repeated in a later body. */
    duplicateEventRate: Share.default(0.005),
    duplicateHorizonSeconds: z.number().min(1).max(30 * 86_400).default(600),
    /** Share of echoes held back (often behind the receipts that acknowledge them). */
    lateEchoShare: Share.default(0.02),
    lateEchoMaxSeconds: z.number().min(0).max(86_400).default(120),
    /** Share of delivery events that carry only the watermark, no mids. */
    watermarkOnlyShare: Share.default(0.3),
  })
  .prefault({});

export const ScenarioFaults = z
  .object({
    /** Chance, after each good archive line, of an extra bad line. */
    badLineRate: Share.default(0),
    kinds: z.array(FaultKind).min(1).default([...FAULT_KINDS]),
  })
  .prefault({});

export const Scenario = z
  .object({
    version: z.literal(1).default(1),
    name: z.string().min(1).max(100),
    description: z.string().max(2000).optional(),
    seed: z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(100)]),
    /** First local day (Page's zone) of the run. */
    startDate: IsoDate,
    days: z.number().int().min(1).max(3660),
    page: ScenarioPage,
    population: ScenarioPopulation,
    behaviour: ScenarioBehaviour,
    platform: ScenarioPlatform,
    campaigns: z.array(ScenarioCampaign).max(100).default([]),
    webhook: ScenarioWebhook,
    faults: ScenarioFaults,
  })
  .superRefine((s, ctx) => {
    const zoneShare = s.population.timeZones.reduce((a, z) => a + z.share, 0);
    if (zoneShare > 1 + 1e-9) ctx.addIssue({ code: 'custom', message: 'timeZones.sharesAboveOne', path: ['population', 'timeZones'] });
    const archetypeWeight = Object.values(s.population.archetypes).reduce<number>((a, w) => a + (w ?? 0), 0);
    if (!(archetypeWeight > 0)) ctx.addIssue({ code: 'custom', message: 'archetypes.empty', path: ['population', 'archetypes'] });
    if (s.webhook.latencyMs.max < s.webhook.latencyMs.min)
      ctx.addIssue({ code: 'custom', message: 'latency.maxBelowMin', path: ['webhook', 'latencyMs'] });
    if (s.page.replyHours.from === s.page.replyHours.to)
      ctx.addIssue({ code: 'custom', message: 'replyHours.empty', path: ['page', 'replyHours'] });
    const refs = new Set<string>();
    s.campaigns.forEach((c, i) => {
      if (refs.has(c.ref)) ctx.addIssue({ code: 'custom', message: 'campaign.duplicateRef', path: ['campaigns', i, 'ref'] });
      refs.add(c.ref);
      const vrefs = new Set<string>();
      c.variants.forEach((v, j) => {
        if (vrefs.has(v.ref)) ctx.addIssue({ code: 'custom', message: 'variant.duplicateRef', path: ['campaigns', i, 'variants', j, 'ref'] });
        vrefs.add(v.ref);
      });
      if (c.toDay !== undefined && c.toDay <= c.fromDay)
        ctx.addIssue({ code: 'custom', message: 'campaign.emptyDayRange', path: ['campaigns', i, 'toDay'] });
    });
  });

export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;

export class ScenarioError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`Invalid scenario: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'ScenarioError';
  }
}

/** Parses and completes a scenario (defaults applied); throws ScenarioError naming each bad field. */
export function parseScenario(input: unknown): Scenario {
  const r = Scenario.safeParse(input);
  if (r.success) return r.data;
  throw new ScenarioError(r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
}

/** Campaign attribution carried in an echo's `message.metadata` (the importer relies on it). */
export interface CampaignMetadata {
  relais: { campaign: string; campaignName: string; kind: CampaignKind; variant: string };
}

export function campaignMetadata(m: CampaignMetadata['relais']): string {
  return JSON.stringify({ relais: { campaign: m.campaign, campaignName: m.campaignName, kind: m.kind, variant: m.variant } });
}
