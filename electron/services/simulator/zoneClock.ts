import { DAY_MS, HOUR_MS, zoneOffsetMinutes, zonedTimeToUtc } from '../../../shared/time/zones';

const SCAN_CHUNK_MS = 120 * DAY_MS;
// Offset changes are months apart; sampling every 6 h and bisecting finds each one.
const SCAN_STEP_MS = 6 * HOUR_MS;
const MINUTE_MS = 60_000;
export const WEEK_MS = 7 * DAY_MS;
export const HOURS_PER_WEEK = 168;
// Beyond this a caller asked for "no limit"; scanning further would never end.
const MAX_LOOKAHEAD_MS = 3660 * DAY_MS;

/**
 * Fast local-hour arithmetic for one zone. Behaviour rates are constant within a
 * local weekday × hour cell, so the hot loops of the simulator only ask "which
 * cell is this instant in and when does it end"; asking Intl each time would be far
 * too slow. The zone's offset transitions are found once (lazily, by chunks) with
 * the shared `zoneOffsetMinutes` helper, so DST is exactly what Intl says it is.
 */
export class ZoneClock {
  /** Hour-of-week cell of the last `locate` (0 = Monday 00:00 local … 167). */
  cell = 0;
  /** UTC end of the constant-cell segment containing the last located instant. */
  end = 0;

  // Offsets (ms) hold on [starts[i], starts[i+1]); starts[0] = coveredFrom.
  private starts: number[] = [];
  private offsets: number[] = [];
  private coveredFrom = 0;
  private coveredTo = 0;
  private curFrom = 1;
  private curTo = 0;
  private curOff = 0;

  constructor(readonly zone: string) {}

  /** Sets `cell` and `end` for instant t. */
  locate(t: number): void {
    if (t < this.curFrom || t >= this.curTo) this.seek(t);
    const off = this.curOff;
    const local = t + off;
    const day = Math.floor(local / DAY_MS);
    const hour = Math.floor((local - day * DAY_MS) / HOUR_MS);
    // 1970-01-01 was a Thursday (ISO index 3).
    const weekday = (((day + 3) % 7) + 7) % 7;
    this.cell = weekday * 24 + hour;
    const end = (day * 24 + hour + 1) * HOUR_MS - off;
    this.end = end < this.curTo ? end : this.curTo;
  }

  offsetMs(t: number): number {
    if (t < this.curFrom || t >= this.curTo) this.seek(t);
    return this.curOff;
  }

  /** First offset change strictly after t (searching at most `horizon` ms ahead, capped at ten years), or Infinity. */
  nextTransition(t: number, horizon: number): number {
    const h = Math.min(horizon, MAX_LOOKAHEAD_MS);
    this.ensure(t);
    this.ensure(t + h);
    for (let i = 1; i < this.starts.length; i++) {
      const s = this.starts[i] as number;
      if (s > t) return s <= t + h ? s : Infinity;
    }
    return Infinity;
  }

  /** Local calendar parts of an instant, from the cached offsets. */
  localParts(t: number): { year: number; month: number; day: number; hour: number; minute: number; weekday: number } {
    const d = new Date(t + this.offsetMs(t));
    const dayIndex = Math.floor((t + this.curOff) / DAY_MS);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      weekday: (((dayIndex + 3) % 7) + 7) % 7,
    };
  }

  private seek(t: number): void {
    this.ensure(t);
    // Binary search the interval holding t.
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    this.curFrom = this.starts[lo] as number;
    this.curTo = lo + 1 < this.starts.length ? (this.starts[lo + 1] as number) : this.coveredTo;
    this.curOff = this.offsets[lo] as number;
  }

  private ensure(t: number): void {
    if (this.starts.length === 0) {
      const from = Math.floor(t / HOUR_MS) * HOUR_MS - SCAN_CHUNK_MS / 2;
      this.coveredFrom = from;
      this.coveredTo = from;
      this.starts = [from];
      this.offsets = [this.offsetAt(from)];
    }
    while (t >= this.coveredTo) this.scanForward();
    while (t < this.coveredFrom) this.scanBackward();
  }

  private offsetAt(t: number): number {
    return zoneOffsetMinutes(t, this.zone) * MINUTE_MS;
  }

  private scanForward(): void {
    const from = this.coveredTo;
    const to = from + SCAN_CHUNK_MS;
    let prevT = from;
    let prevOff = this.offsets[this.offsets.length - 1] as number;
    for (let x = from + SCAN_STEP_MS; x <= to; x += SCAN_STEP_MS) {
      const off = this.offsetAt(x);
      if (off !== prevOff) {
        this.starts.push(this.bisect(prevT, x, prevOff));
        this.offsets.push(off);
        prevOff = off;
      }
      prevT = x;
    }
    this.coveredTo = to;
    this.curFrom = 1;
    this.curTo = 0;
  }

  private scanBackward(): void {
    const to = this.coveredFrom;
    const from = to - SCAN_CHUNK_MS;
    const found: { at: number; off: number }[] = [];
    let prevOff = this.offsetAt(from);
    const firstOff = prevOff;
    let prevT = from;
    for (let x = from + SCAN_STEP_MS; x <= to; x += SCAN_STEP_MS) {
      const off = x === to ? (this.offsets[0] as number) : this.offsetAt(x);
      if (off !== prevOff) {
        found.push({ at: this.bisect(prevT, x, prevOff), off });
        prevOff = off;
      }
      prevT = x;
    }
    // The scan's last interval runs on into the old first one (same offset): merge them.
    this.starts = [from, ...found.map((f) => f.at), ...this.starts.slice(1)];
    this.offsets = [firstOff, ...found.map((f) => f.off), ...this.offsets.slice(1)];
    this.coveredFrom = from;
    this.curFrom = 1;
    this.curTo = 0;
  }

  /** First minute in (lo, hi] whose offset differs from `offLo`. */
  private bisect(lo: number, hi: number, offLo: number): number {
    let a = lo;
    let b = hi;
    while (b - a > MINUTE_MS) {
      const mid = Math.floor((a + b) / 2 / MINUTE_MS) * MINUTE_MS;
      if (mid <= a) break;
      if (this.offsetAt(mid) === offLo) a = mid;
      else b = mid;
    }
    return b;
  }
}

/** One clock per zone, shared by every contact living there. */
export class ZoneClocks {
  private readonly clocks = new Map<string, ZoneClock>();

  get(zone: string): ZoneClock {
    let c = this.clocks.get(zone);
    if (!c) {
      c = new ZoneClock(zone);
      this.clocks.set(zone, c);
    }
    return c;
  }
}

/** Civil date `days` after an ISO date (no zone involved). */
export function addDays(isoDate: string, days: number): { year: number; month: number; day: number; weekday: number } {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const t = Date.UTC(y, m - 1, d) + days * DAY_MS;
  const dt = new Date(t);
  const dayIndex = Math.floor(t / DAY_MS);
  return { year: dt.getUTCFullYear(), month: dt.getUTCMonth() + 1, day: dt.getUTCDate(), weekday: (((dayIndex + 3) % 7) + 7) % 7 };
}

export function isoDate(p: { year: number; month: number; day: number }): string {
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** UTC instant of local midnight starting the day `days` after `startDate` in `zone`. */
export function localDayStart(startDate: string, days: number, zone: string): number {
  const p = addDays(startDate, days);
  return zonedTimeToUtc({ year: p.year, month: p.month, day: p.day, hour: 0, minute: 0 }, zone);
}

export function parseClockTime(s: string): { hour: number; minute: number } {
  const [h, m] = s.split(':').map(Number) as [number, number];
  return { hour: h, minute: m };
}
