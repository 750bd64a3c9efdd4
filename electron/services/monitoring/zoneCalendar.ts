import { DAY_MS, HOUR_MS, zoneOffsetMinutes } from '../../../shared/time/zones';

/**
 * Local hour and calendar day of UTC instants in one zone, DST-correct, without an Intl
 * call per message: the zone's offset is found once per stretch where it is constant.
 * A 23-hour spring day simply has no hour 2; a 25-hour autumn day has two of them, and
 * both fall in the day's bucket and in hour-of-day bucket 2.
 */
export interface ZoneCalendar {
  readonly timeZone: string;
  offsetMs(utc: number): number;
  hourOfDay(utc: number): number;
  /** Days since 1970-01-01 of the local calendar date. */
  dayNumber(utc: number): number;
}

const SAMPLE_MS = DAY_MS;

export function dayNumberToDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Covers [from, to]; instants outside are answered too, with the nearest known offset found on demand. */
export function zoneCalendar(timeZone: string, from: number, to: number): ZoneCalendar {
  // Segment i has offset offsets[i] from starts[i] (inclusive) to starts[i + 1].
  const starts: number[] = [];
  const offsets: number[] = [];
  const offsetAt = (t: number) => zoneOffsetMinutes(t, timeZone) * 60_000;

  const build = (lo: number, hi: number) => {
    starts.length = 0;
    offsets.length = 0;
    let t = lo;
    let current = offsetAt(t);
    starts.push(Number.MIN_SAFE_INTEGER);
    offsets.push(current);
    while (t < hi) {
      const next = Math.min(t + SAMPLE_MS, hi);
      const o = offsetAt(next);
      if (o !== current) {
        // Offsets change at whole minutes: bisect down to the minute of the change.
        let a = t;
        let b = next;
        while (b - a > 60_000) {
          const mid = a + Math.floor((b - a) / 120_000) * 60_000;
          if (offsetAt(mid) === current) a = mid;
          else b = mid;
        }
        starts.push(b);
        offsets.push(o);
        current = o;
      }
      t = next;
    }
  };

  let lo = Math.floor(from / 60_000) * 60_000 - 2 * DAY_MS;
  let hi = Math.ceil(to / 60_000) * 60_000 + 2 * DAY_MS;
  build(lo, hi);

  const offsetMs = (utc: number): number => {
    if (utc < lo || utc > hi) {
      lo = Math.min(lo, Math.floor(utc / 60_000) * 60_000 - 2 * DAY_MS);
      hi = Math.max(hi, Math.ceil(utc / 60_000) * 60_000 + 2 * DAY_MS);
      build(lo, hi);
    }
    // Few segments (two per year of DST): a short binary search.
    let a = 0;
    let b = starts.length - 1;
    while (a < b) {
      const mid = (a + b + 1) >> 1;
      if (starts[mid]! <= utc) a = mid;
      else b = mid - 1;
    }
    return offsets[a]!;
  };

  return {
    timeZone,
    offsetMs,
    hourOfDay: (utc) => {
      const local = utc + offsetMs(utc);
      return (((Math.floor(local / HOUR_MS) % 24) + 24) % 24);
    },
    dayNumber: (utc) => Math.floor((utc + offsetMs(utc)) / DAY_MS),
  };
}
