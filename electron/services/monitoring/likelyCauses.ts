import { DAY_MS, HOUR_MS } from '../../../shared/time/zones';
import { MINUTE_MS, type LikelyCause } from '../../../shared/domain/monitoring';
import type { ZoneCalendar } from './zoneCalendar';

/**
 * Contact-level likely causes of a stuck message, from the contact's own history. Pure:
 * the stuck list and the benchmark's baseline call the same functions. Each returns its
 * evidence, or null where the data does not support the cause.
 */

/** A contact's outbound message, latest first in a history. */
export interface SentMessage {
  id: number;
  sentAt: number;
  deliveredAt: number | null;
  readAt: number | null;
}

/** "Never delivers": the contact's latest sends old enough to judge, at least 3 in a row, none delivered. */
export const NEVER_DELIVERS = { atLeast: 3, judgedAfterMs: DAY_MS };
/** "Rarely reads": its latest deliveries old enough to judge, at least 3 in a row, none read. */
export const RARELY_READS = { atLeast: 3, judgedAfterMs: 3 * DAY_MS };
/**
 * "Offline pattern": deliveries that came at least `lateAfterMs` after the send (the phone
 * came back online) fall, for `share` of them, within `maxWidthHours` local hours.
 */
export const OFFLINE_PATTERN = { lateAfterMs: 30 * MINUTE_MS, lookAt: 20, atLeast: 3, share: 0.8, maxWidthHours: 8 };

const isBefore = (h: SentMessage, m: SentMessage) => h.sentAt < m.sentAt || (h.sentAt === m.sentAt && h.id < m.id);

/** The leading run of `list` (latest first) for which `miss` holds. */
function latestRun<T>(list: readonly T[], miss: (x: T) => boolean): T[] {
  const run: T[] = [];
  for (const x of list) {
    if (!miss(x)) break;
    run.push(x);
  }
  return run;
}

export function neverDelivers(history: readonly SentMessage[], message: SentMessage, now: number): LikelyCause | null {
  const judged = history.filter((h) => isBefore(h, message) && now - h.sentAt >= NEVER_DELIVERS.judgedAfterMs);
  const run = latestRun(judged, (h) => h.deliveredAt === null || h.deliveredAt > now);
  if (run.length < NEVER_DELIVERS.atLeast) return null;
  let lastDeliveredAt: number | null = null;
  for (const h of history) if (h.deliveredAt !== null && h.deliveredAt <= now && (lastDeliveredAt === null || h.deliveredAt > lastDeliveredAt)) lastDeliveredAt = h.deliveredAt;
  return {
    kind: 'contact_never_delivers',
    evidence: { recentSends: run.length, delivered: 0, firstOfThoseAt: run[run.length - 1]!.sentAt, lastDeliveredAt },
  };
}

export function rarelyReads(history: readonly SentMessage[], message: SentMessage, now: number): LikelyCause | null {
  const judged = history.filter((h) => isBefore(h, message) && h.deliveredAt !== null && h.deliveredAt <= now && now - h.sentAt >= RARELY_READS.judgedAfterMs);
  const run = latestRun(judged, (h) => h.readAt === null || h.readAt > now);
  if (run.length < RARELY_READS.atLeast) return null;
  let lastReadAt: number | null = null;
  for (const h of history) if (h.readAt !== null && h.readAt <= now && (lastReadAt === null || h.readAt > lastReadAt)) lastReadAt = h.readAt;
  return { kind: 'contact_rarely_reads', evidence: { recentDelivered: run.length, read: 0, lastReadAt } };
}

/** Smallest run of consecutive local hours (wrapping at midnight) holding at least `share` of the hours given. */
export function narrowestHourWindow(hours: readonly number[], share: number, maxWidth: number): { fromHour: number; width: number; count: number } | null {
  const perHour = new Array<number>(24).fill(0);
  for (const h of hours) perHour[h]!++;
  const needed = Math.ceil(hours.length * share - 1e-9);
  for (let width = 1; width <= maxWidth; width++) {
    let best: { fromHour: number; width: number; count: number } | null = null;
    for (let from = 0; from < 24; from++) {
      let count = 0;
      for (let k = 0; k < width; k++) count += perHour[(from + k) % 24]!;
      if (count >= needed && (best === null || count > best.count)) best = { fromHour: from, width, count };
    }
    if (best) return best;
  }
  return null;
}

/**
 * Past late deliveries cluster in a few local hours, and those hours have not come round
 * (in full) since this message was sent: it may simply be waiting for them.
 */
export function offlinePattern(history: readonly SentMessage[], message: SentMessage, now: number, calendar: ZoneCalendar): LikelyCause | null {
  const late = history
    .filter((h) => h.id !== message.id && h.deliveredAt !== null && h.deliveredAt <= now && h.deliveredAt - h.sentAt >= OFFLINE_PATTERN.lateAfterMs)
    .slice(0, OFFLINE_PATTERN.lookAt);
  if (late.length < OFFLINE_PATTERN.atLeast) return null;
  const deliveryHours = late.map((h) => calendar.hourOfDay(h.deliveredAt!));
  const window = narrowestHourWindow(deliveryHours, OFFLINE_PATTERN.share, OFFLINE_PATTERN.maxWidthHours);
  if (!window) return null;
  // Walk the hour boundaries since the send: a whole occurrence of the window already passed means the pattern does not explain the wait.
  for (let t = Math.ceil(message.sentAt / HOUR_MS) * HOUR_MS; t + window.width * HOUR_MS <= now; t += HOUR_MS) {
    if (calendar.hourOfDay(t) === window.fromHour) return null;
    if (t - message.sentAt > 30 * DAY_MS) return null;
  }
  return {
    kind: 'offline_pattern',
    evidence: {
      timeZone: calendar.timeZone,
      deliveryHours,
      window: { fromHour: window.fromHour, toHour: (window.fromHour + window.width - 1) % 24 },
      shareInWindow: window.count / deliveryHours.length,
    },
  };
}
