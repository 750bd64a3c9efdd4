import { DAY_MS, HOUR_MS } from '../../../shared/time/zones';
import type { LatencyDistribution, LatencyStats } from '../../../shared/domain/monitoring';
import { MINUTE_MS } from '../../../shared/domain/monitoring';
import { nearestRank, upperBound } from './numbers';
import { dayNumberToDate, type ZoneCalendar } from './zoneCalendar';

/**
 * Latency distributions from columns of numbers, with no database: the monitoring query
 * feeds it what SQL returned, the benchmark's in-memory baseline feeds it typed arrays.
 */
export interface LatencyColumns {
  n: number;
  sentAt: Float64Array;
  /** Sent → delivered in ms; NaN where the message has no delivery. */
  toDelivered: Float64Array;
  /** Delivered → seen in ms; NaN where it is not measured. */
  toSeen: Float64Array;
}

function statsOfSorted(sorted: Float64Array, start: number, end: number): LatencyStats {
  const count = end - start;
  if (count === 0) return { count: 0, p50: null, p90: null, shareWithin5m: null, shareWithin1h: null, shareWithin24h: null };
  const within = (limit: number) => (upperBound(sorted, start, end, limit) - start) / count;
  return {
    count,
    p50: sorted[start + nearestRank(count, 50) - 1]!,
    p90: sorted[start + nearestRank(count, 90) - 1]!,
    shareWithin5m: within(5 * MINUTE_MS),
    shareWithin1h: within(HOUR_MS),
    shareWithin24h: within(DAY_MS),
  };
}

/** Sorts values by group then value (a counting sort on the group), and summarizes each group. */
function groupedStats(values: Float64Array, groups: Int32Array, m: number, groupCount: number): LatencyStats[] {
  const starts = new Int32Array(groupCount + 1);
  for (let i = 0; i < m; i++) starts[groups[i]! + 1]!++;
  for (let g = 0; g < groupCount; g++) starts[g + 1]! += starts[g]!;
  const fill = starts.slice(0, groupCount);
  const buffer = new Float64Array(m);
  for (let i = 0; i < m; i++) buffer[fill[groups[i]!]!++] = values[i]!;
  const out: LatencyStats[] = [];
  for (let g = 0; g < groupCount; g++) {
    buffer.subarray(starts[g]!, starts[g + 1]!).sort();
    out.push(statsOfSorted(buffer, starts[g]!, starts[g + 1]!));
  }
  return out;
}

function distribution(
  latency: Float64Array,
  hour: Int32Array,
  day: Int32Array,
  n: number,
  dayCount: number,
  dayFirst: number,
  sendDays: Uint8Array,
): LatencyDistribution {
  const values = new Float64Array(n);
  const hours = new Int32Array(n);
  const days = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = latency[i]!;
    if (v !== v) continue; // NaN: not measured
    values[m] = v < 0 ? 0 : v; // a receipt before its send is clock skew, not negative time
    hours[m] = hour[i]!;
    days[m] = day[i]!;
    m++;
  }
  const overall = values.slice(0, m).sort();
  const byHour = groupedStats(values, hours, m, 24).map((s, h) => ({ ...s, hour: h }));
  const perDay = groupedStats(values, days, m, dayCount);
  const byDay: LatencyDistribution['byDay'] = [];
  for (let d = 0; d < dayCount; d++) if (sendDays[d]) byDay.push({ ...perDay[d]!, date: dayNumberToDate(dayFirst + d) });
  return { overall: statsOfSorted(overall, 0, m), byHourOfDay: byHour, byDay };
}

export interface LatencySummary {
  sentToDelivered: LatencyDistribution;
  deliveredToSeen: LatencyDistribution;
}

/** Both distributions, bucketed by the local hour and day of the send. */
export function summarizeLatencies(cols: LatencyColumns, calendar: ZoneCalendar): LatencySummary {
  const { n, sentAt } = cols;
  const hour = new Int32Array(n);
  const dayNumber = new Int32Array(n);
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = sentAt[i]!;
    hour[i] = calendar.hourOfDay(t);
    const d = calendar.dayNumber(t);
    dayNumber[i] = d;
    if (d < first) first = d;
    if (d > last) last = d;
  }
  const dayCount = n === 0 ? 0 : last - first + 1;
  const day = new Int32Array(n);
  const sendDays = new Uint8Array(dayCount);
  for (let i = 0; i < n; i++) {
    day[i] = dayNumber[i]! - first;
    sendDays[day[i]!] = 1;
  }
  return {
    sentToDelivered: distribution(cols.toDelivered, hour, day, n, dayCount, first, sendDays),
    deliveredToSeen: distribution(cols.toSeen, hour, day, n, dayCount, first, sendDays),
  };
}
