/**
 * Time-zone helpers that work the same in Node, Electron and the browser: only
 * `Intl`, no Node or DOM APIs.
 */

export function isValidTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function isValidLocale(locale: string): boolean {
  if (locale.length === 0 || locale.length > 35) return false;
  try {
    return Intl.getCanonicalLocales(locale).length === 1;
  } catch {
    return false;
  }
}

export interface ZonedParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number; // 0-23
  minute: number;
  second: number;
  /** 0 = Monday … 6 = Sunday (ISO order, as the heatmaps show it). */
  weekday: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    partsFormatters.set(zone, f);
  }
  return f;
}

const weekdayIndex: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** Wall-clock parts of a UTC instant in a zone (DST-aware through Intl). */
export function zonedParts(utcMs: number, zone: string): ZonedParts {
  const out: Record<string, string> = {};
  for (const p of partsFormatter(zone).formatToParts(new Date(utcMs))) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: weekdayIndex[out.weekday ?? 'Mon'] ?? 0,
  };
}

/** Offset of the zone from UTC at an instant, in minutes (Paris in summer: +120). */
export function zoneOffsetMinutes(utcMs: number, zone: string): number {
  const p = zonedParts(utcMs, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/**
 * UTC instant of a local wall-clock time in a zone. A time skipped by a DST jump
 * (02:30 on the spring-forward night in Paris) resolves to the instant just after
 * the gap; a repeated time (autumn) resolves to its first occurrence.
 */
export function zonedTimeToUtc(
  local: { year: number; month: number; day: number; hour: number; minute?: number; second?: number },
  zone: string,
): number {
  const naive = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute ?? 0, local.second ?? 0);
  // Two candidates: the offsets just before and after the naive instant bracket any transition.
  const before = naive - zoneOffsetMinutes(naive - 86_400_000, zone) * 60000;
  const after = naive - zoneOffsetMinutes(naive + 86_400_000, zone) * 60000;
  const candidates = [Math.min(before, after), Math.max(before, after)];
  for (const c of candidates) {
    const back = zonedParts(c, zone);
    if (
      back.year === local.year &&
      back.month === local.month &&
      back.day === local.day &&
      back.hour === local.hour &&
      back.minute === (local.minute ?? 0)
    ) {
      return c;
    }
  }
  // Inside a spring-forward gap: no wall time matches; the later candidate is after the gap.
  return Math.max(before, after);
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
