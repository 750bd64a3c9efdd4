import { WEEKDAYS, campaignMetadata, type CampaignKind, type Scenario } from '../../../shared/domain/scenario';
import { zonedTimeToUtc } from '../../../shared/time/zones';
import { hashUnit } from './rng';
import { addDays, isoDate, parseClockTime } from './zoneClock';

export interface OccurrenceVariant {
  readonly ref: string;
  readonly name: string;
  readonly text: string;
  readonly weight: number;
  readonly seenMultiplier: number;
  readonly replyMultiplier: number;
  readonly offsetMinutes: number;
  readonly sendFailureShare: number;
  /** The echo's `message.metadata` for this variant of this occurrence. */
  readonly metadata: string;
}

/** One send of a scenario campaign: what Relais calls a campaign (one date, one time). */
export interface CampaignOccurrence {
  readonly index: number;
  /** `<campaign ref>-<YYYY-MM-DD>`: the ref carried in the echo metadata. */
  readonly ref: string;
  readonly name: string;
  readonly kind: CampaignKind;
  /** The scenario campaign this occurrence belongs to. */
  readonly campaignRef: string;
  readonly date: string;
  readonly time: string;
  readonly scheduledAt: number;
  readonly horizonMinutes: number;
  readonly audienceShare: number;
  readonly sendRatePerMinute: number;
  readonly replyFactor: number;
  readonly variants: readonly OccurrenceVariant[];
}

/** Every campaign send of the run, in time order (local times resolved in the Page's zone, DST included). */
export function expandCampaigns(scenario: Scenario): CampaignOccurrence[] {
  const zone = scenario.page.timeZone;
  const out: Omit<CampaignOccurrence, 'index'>[] = [];
  for (const c of scenario.campaigns) {
    const dates = c.dates ? new Set(c.dates) : null;
    const to = Math.min(c.toDay ?? scenario.days, scenario.days);
    let n = 0;
    for (let day = c.fromDay; day < to; day++) {
      const d = addDays(scenario.startDate, day);
      const date = isoDate(d);
      if (dates ? !dates.has(date) : !c.weekdays.includes(WEEKDAYS[d.weekday] as (typeof WEEKDAYS)[number])) continue;
      const time = c.times[n % c.times.length] as string;
      n++;
      const { hour, minute } = parseClockTime(time);
      const scheduledAt = zonedTimeToUtc({ year: d.year, month: d.month, day: d.day, hour, minute }, zone);
      const ref = `${c.ref}-${date}`;
      const name = `${c.name} ${date}`;
      out.push({
        ref,
        name,
        kind: c.kind,
        campaignRef: c.ref,
        date,
        time,
        scheduledAt,
        horizonMinutes: c.horizonMinutes,
        audienceShare: c.audienceShare,
        sendRatePerMinute: c.sendRatePerMinute,
        replyFactor: c.replyFactor,
        variants: c.variants.map((v) => ({
          ref: v.ref,
          name: v.name,
          text: v.text,
          weight: v.weight,
          seenMultiplier: v.seenMultiplier,
          replyMultiplier: v.replyMultiplier,
          offsetMinutes: v.offsetMinutes,
          sendFailureShare: v.sendFailureShare,
          metadata: campaignMetadata({ campaign: ref, campaignName: name, kind: c.kind, variant: v.ref }),
        })),
      });
    }
  }
  out.sort((a, b) => a.scheduledAt - b.scheduledAt || a.campaignRef.localeCompare(b.campaignRef));
  return out.map((o, index) => ({ ...o, index }));
}

/**
 * Variant of a contact in an occurrence: a seeded hash of PSID and campaign, so the
 * split is reproducible and independent of who else is in the audience.
 */
export function assignVariant(seed: string, occurrence: CampaignOccurrence, psid: string): number {
  const vs = occurrence.variants;
  let total = 0;
  for (const v of vs) total += v.weight;
  let x = hashUnit(seed, occurrence.ref, psid, 'variant') * total;
  for (let i = 0; i < vs.length; i++) {
    x -= (vs[i] as OccurrenceVariant).weight;
    if (x < 0) return i;
  }
  return vs.length - 1;
}
