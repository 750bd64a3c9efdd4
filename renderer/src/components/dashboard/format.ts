import { DAY_MS, HOUR_MS, zonedParts, zonedTimeToUtc } from '../../../../shared/time/zones';
import type { MessageKey } from '../../i18n';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const MINUTE_MS = 60_000;

/** Every number, date and duration of the dashboard goes through Intl in the workspace's locale and zone. */
export function dashboardFormats(locale: string, timeZone: string) {
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const percent0 = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const points = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone });
  const shortDate = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const hourOfDay = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
  const unit = (u: 'minute' | 'hour' | 'day' | 'second', digits = 0) => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short', maximumFractionDigits: digits });
  const dash = '–';
  return {
    locale,
    timeZone,
    count: (n: number) => integer.format(n),
    /** 0.314 → "31.4 %"; null (nothing to divide by) → "–". */
    rate: (x: number | null | undefined) => (x === null || x === undefined ? dash : percent.format(x)),
    axisRate: (x: number) => percent0.format(x),
    /** A difference of rates in percentage points, signed: 0.031 → "+3.1". */
    points: (x: number | null | undefined) => (x === null || x === undefined ? dash : points.format(x * 100)),
    /** Latencies are skewed and span seconds to days: each in the unit that reads best. */
    duration: (ms: number | null | undefined) => {
      if (ms === null || ms === undefined) return dash;
      if (ms < MINUTE_MS) return unit('second').format(Math.round(ms / 1000));
      if (ms < HOUR_MS) return unit('minute').format(Math.round(ms / MINUTE_MS));
      if (ms < 2 * DAY_MS) return unit('hour', 1).format(Math.round(ms / (HOUR_MS / 10)) / 10);
      return unit('day', 1).format(Math.round(ms / (DAY_MS / 10)) / 10);
    },
    dateTime: (ms: number | null | undefined) => (ms === null || ms === undefined ? dash : dateTime.format(ms)),
    date: (ms: number) => date.format(ms),
    /** A local calendar day key (YYYY-MM-DD) as a short label. */
    dayLabel: (key: string) => {
      const [y, m, d] = key.split('-').map(Number);
      return shortDate.format(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
    },
    /** Hour of day 0–23 as a wall-clock time: "12:00" or "12:00 PM". */
    hour: (h: number) => hourOfDay.format(Date.UTC(2000, 0, 1, h)),
  };
}
export type DashboardFormats = ReturnType<typeof dashboardFormats>;

/** The local calendar day (YYYY-MM-DD) of an instant in a zone. */
export function dayKey(ms: number, zone: string): string {
  const p = zonedParts(ms, zone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Midnight starting a local day, plus `addDays` calendar days (a 23- or 25-hour day stays one day). */
export function startOfDay(key: string, zone: string, addDays = 0): number {
  const [y, m, d] = key.split('-').map(Number);
  const shifted = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + addDays));
  return zonedTimeToUtc({ year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate(), hour: 0 }, zone);
}

export function isDayKey(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}
