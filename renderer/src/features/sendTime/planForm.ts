import { zonedParts, zonedTimeToUtc } from '../../../../shared/time/zones';

/** Pure pieces of the send-plan form: PSID lists, default window, validation. No DOM, no React. */

export type HorizonPreset = 'flash' | 'newsletter' | 'custom';
export const PRESET_MINUTES: Record<Exclude<HorizonPreset, 'custom'>, number> = { flash: 60, newsletter: 1440 };

export interface HorizonValue {
  preset: HorizonPreset;
  /** Custom horizon as typed, with its unit. */
  amount: string;
  unit: 'minutes' | 'hours';
}

/** Minutes of a horizon choice, or null when the custom amount is not a whole number in 1 min … 7 days. */
export function horizonMinutes(h: HorizonValue): number | null {
  if (h.preset !== 'custom') return PRESET_MINUTES[h.preset];
  if (!/^\s*\d+\s*$/.test(h.amount)) return null;
  const m = Number(h.amount) * (h.unit === 'hours' ? 60 : 1);
  return m >= 1 && m <= 10_080 ? m : null;
}

/**
 * PSIDs from pasted text or a CSV file: a header row naming a `psid` column picks that column;
 * otherwise every cell that looks like a PSID (digits only) counts. Duplicates are kept once, in order.
 */
export function parsePsids(text: string): { psids: string[]; ignored: number } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const split = (line: string) => line.split(/[,;\t]/).map((c) => c.trim().replace(/^"(.*)"$/, '$1').trim());
  let column = -1;
  if (lines.length > 0) {
    const header = split(lines[0] as string).map((c) => c.toLowerCase());
    column = header.findIndex((c) => c === 'psid' || c === 'contact_psid');
    if (column >= 0) lines.shift();
  }
  const seen = new Set<string>();
  const psids: string[] = [];
  let ignored = 0;
  for (const line of lines) {
    const cells = column >= 0 ? [split(line)[column] ?? ''] : split(line).flatMap((c) => c.split(/\s+/));
    for (const cell of cells) {
      if (cell === '') continue;
      if (!/^\d{1,40}$/.test(cell)) {
        ignored++;
        continue;
      }
      if (!seen.has(cell)) {
        seen.add(cell);
        psids.push(cell);
      }
    }
  }
  return { psids, ignored };
}

export function dayKeyIn(ms: number, zone: string): string {
  const p = zonedParts(ms, zone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Today's date if `endTime` is still ahead in the workspace's zone, else tomorrow's (lunch promo default). */
export function defaultDay(now: number, zone: string, endTime = '14:00'): string {
  const today = dayKeyIn(now, zone);
  const end = localInstant(today, endTime, zone);
  if (end !== null && end > now + 30 * 60_000) return today;
  const [y, m, d] = today.split('-').map(Number);
  const next = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1));
  return `${next.getUTCFullYear()}-${String(next.getUTCMonth() + 1).padStart(2, '0')}-${String(next.getUTCDate()).padStart(2, '0')}`;
}

/** A wall-clock date and time in a zone as epoch ms; null for a malformed value. */
export function localInstant(day: string, time: string, zone: string): number | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return null;
  const hour = Number(t[1]);
  const minute = Number(t[2]);
  if (hour > 23 || minute > 59) return null;
  const ms = zonedTimeToUtc({ year: Number(d[1]), month: Number(d[2]), day: Number(d[3]), hour, minute }, zone);
  return Number.isFinite(ms) ? ms : null;
}

export interface PlanFormValue {
  audience: 'all' | 'list' | 'segment';
  psidText: string;
  /** A saved segment's id (audience 'segment'), '' when none is chosen. */
  segmentId: string;
  horizon: HorizonValue;
  day: string;
  startTime: string;
  endTime: string;
  quiet: boolean;
  quietStart: number;
  quietEnd: number;
  perMinuteCap: string;
  frequencyMax: string;
  frequencyDays: string;
  holdoutPercent: string;
  /** Share of the other contacts sent at a random allowed minute, to keep learning (0–50 %). */
  explorePercent: string;
}

export type PlanField = 'audience' | 'horizon' | 'day' | 'startTime' | 'endTime' | 'perMinuteCap' | 'frequencyMax' | 'frequencyDays' | 'holdoutPercent' | 'explorePercent';
export type FieldProblem =
  | { field: PlanField; code: 'audience.empty' | 'audience.noSegment' | 'horizon.invalid' | 'window.invalid' | 'window.empty' | 'window.past' | 'window.tooLong' | 'cap.invalid' | 'holdout.invalid' | 'explore.invalid' }
  | { field: PlanField; code: 'horizon.longerThanWindow'; windowMinutes: number };

export interface CheckedPlan {
  horizonMinutes: number;
  start: number;
  end: number;
  psids: string[] | null;
  segmentId: number | null;
  quietHours: { startHour: number; endHour: number } | null;
  perMinuteCap: number | null;
  frequencyCap: { max: number; days: number } | null;
  holdoutShare: number;
  explorationShare: number;
}

const positiveInt = (s: string): number | null => (/^\s*\d+\s*$/.test(s) && Number(s) > 0 ? Number(s) : null);

/** Field-level problems of the form, or the plan request it describes (PSIDs still to resolve). */
export function checkPlanForm(v: PlanFormValue, zone: string, now: number): { problems: FieldProblem[]; plan: CheckedPlan | null } {
  const problems: FieldProblem[] = [];
  const psids = v.audience === 'list' ? parsePsids(v.psidText).psids : null;
  if (psids !== null && psids.length === 0) problems.push({ field: 'audience', code: 'audience.empty' });
  const segmentId = v.audience === 'segment' && /^\d+$/.test(v.segmentId) ? Number(v.segmentId) : null;
  if (v.audience === 'segment' && segmentId === null) problems.push({ field: 'audience', code: 'audience.noSegment' });
  const h = horizonMinutes(v.horizon);
  if (h === null) problems.push({ field: 'horizon', code: 'horizon.invalid' });
  const start = localInstant(v.day, v.startTime, zone);
  const end = localInstant(v.day, v.endTime, zone);
  if (start === null) problems.push({ field: v.day === '' || !/^\d{4}-\d{2}-\d{2}$/.test(v.day) ? 'day' : 'startTime', code: 'window.invalid' });
  if (end === null) problems.push({ field: 'endTime', code: 'window.invalid' });
  if (start !== null && end !== null) {
    if (end <= start) problems.push({ field: 'endTime', code: 'window.empty' });
    else if (end <= now) problems.push({ field: 'day', code: 'window.past' });
    else if (h !== null && h > (end - Math.max(start, now)) / 60_000) problems.push({ field: 'horizon', code: 'horizon.longerThanWindow', windowMinutes: Math.round((end - Math.max(start, now)) / 60_000) });
  }
  let perMinuteCap: number | null = null;
  if (v.perMinuteCap.trim() !== '') {
    perMinuteCap = positiveInt(v.perMinuteCap);
    if (perMinuteCap === null) problems.push({ field: 'perMinuteCap', code: 'cap.invalid' });
  }
  let frequencyCap: CheckedPlan['frequencyCap'] = null;
  if (v.frequencyMax.trim() !== '') {
    const max = positiveInt(v.frequencyMax);
    const days = positiveInt(v.frequencyDays);
    if (max === null) problems.push({ field: 'frequencyMax', code: 'cap.invalid' });
    if (days === null || days > 365) problems.push({ field: 'frequencyDays', code: 'cap.invalid' });
    if (max !== null && days !== null && days <= 365) frequencyCap = { max, days };
  }
  const holdout = Number(v.holdoutPercent.replace(',', '.'));
  if (v.holdoutPercent.trim() === '' || !Number.isFinite(holdout) || holdout < 0 || holdout > 100) problems.push({ field: 'holdoutPercent', code: 'holdout.invalid' });
  const explore = Number(v.explorePercent.replace(',', '.'));
  if (v.explorePercent.trim() === '' || !Number.isFinite(explore) || explore < 0 || explore > 50) problems.push({ field: 'explorePercent', code: 'explore.invalid' });
  if (problems.length > 0 || h === null || start === null || end === null) return { problems, plan: null };
  return {
    problems,
    plan: {
      horizonMinutes: h,
      start,
      end,
      psids,
      segmentId,
      quietHours: v.quiet ? { startHour: v.quietStart, endHour: v.quietEnd } : null,
      perMinuteCap,
      frequencyCap,
      holdoutShare: holdout / 100,
      explorationShare: explore / 100,
    },
  };
}
