import type { UiLanguage } from '../../../../shared/domain/workspace';

/** Weekday and hour labels of the heatmap: names in the UI language, hours in the workspace's clock style. */
export function heatmapLabels(language: UiLanguage, workspaceLocale: string) {
  const nameLocale = language === 'fr' ? 'fr-FR' : workspaceLocale.toLowerCase().startsWith('en') ? workspaceLocale : 'en-GB';
  // 2024-01-01 was a Monday: weekday 0 of the API.
  const short = new Intl.DateTimeFormat(nameLocale, { weekday: 'short', timeZone: 'UTC' });
  const long = new Intl.DateTimeFormat(nameLocale, { weekday: 'long', timeZone: 'UTC' });
  const clockLocale = language === 'fr' ? 'fr-FR' : workspaceLocale;
  // 24-hour clocks read best as "08:00"; 12-hour ones as "8:00 a.m.".
  const twentyFour = /^h2[34]$/.test(new Intl.DateTimeFormat(clockLocale, { hour: 'numeric' }).resolvedOptions().hourCycle ?? '');
  const hourFmt = new Intl.DateTimeFormat(clockLocale, { hour: twentyFour ? '2-digit' : 'numeric', minute: '2-digit', timeZone: 'UTC' });
  const hourShort = new Intl.DateTimeFormat(clockLocale, { hour: 'numeric', timeZone: 'UTC' });
  const day = (i: number) => Date.UTC(2024, 0, 1 + i);
  return {
    weekdayShort: (i: number) => short.format(day(i)).replace(/\.$/, ''),
    weekdayLong: (i: number) => long.format(day(i)),
    hour: (h: number) => hourFmt.format(Date.UTC(2000, 0, 1, h)),
    /** Compact axis label: "12 h" / "12 PM". */
    hourShort: (h: number) => hourShort.format(Date.UTC(2000, 0, 1, h)),
    /** Whether hour labels are long enough ("11 a.m.") that the axis should show every other one. */
    longHours: !twentyFour,
    /** "12:00–13:00". */
    hourRange: (h: number) => `${hourFmt.format(Date.UTC(2000, 0, 1, h))}–${hourFmt.format(Date.UTC(2000, 0, 1, (h + 1) % 24))}`,
  };
}
export type HeatmapLabels = ReturnType<typeof heatmapLabels>;

/** An interval this wide (90 %) means the cell rests on little evidence: drawn lighter and hatched. */
export const WIDE_INTERVAL = 0.2;

const LOW: [number, number, number] = [239, 246, 255];
const MID: [number, number, number] = [59, 130, 246];
const HIGH: [number, number, number] = [30, 27, 107];

/** Sequential blue scale (colour-blind safe, one hue): 0 → pale, 1 → deep indigo. */
export function scaleColour(t: number, alpha = 1): string {
  const x = Math.min(1, Math.max(0, t));
  const [a, b, u] = x < 0.5 ? [LOW, MID, x * 2] : [MID, HIGH, (x - 0.5) * 2];
  const c = a.map((v, i) => Math.round(v + ((b[i] as number) - v) * u));
  return `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${alpha})`;
}

/** H as people say it: "60 min", "24 h", "3 days"… in the workspace's locale. */
export function horizonText(locale: string, minutes: number): string {
  const unit = (u: 'minute' | 'hour' | 'day', n: number) => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' }).format(n);
  if (minutes >= 2880 && minutes % 1440 === 0) return unit('day', minutes / 1440);
  if (minutes >= 120 && minutes % 60 === 0) return unit('hour', minutes / 60);
  return unit('minute', minutes);
}
