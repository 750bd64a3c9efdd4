import { describe, expect, it } from 'vitest';
import { summarizeLatencies } from '../../../electron/services/monitoring/latencyStats';
import { median, nearestRank, selectKth, upperBound } from '../../../electron/services/monitoring/numbers';
import { zoneCalendar } from '../../../electron/services/monitoring/zoneCalendar';
import { createRandom } from '../../../shared/stats/random';

const MIN = 60_000;

describe('nearest-rank percentiles and selection', () => {
  it('ranks', () => {
    expect(nearestRank(1, 50)).toBe(1);
    expect(nearestRank(10, 50)).toBe(5);
    expect(nearestRank(10, 90)).toBe(9);
    expect(nearestRank(11, 90)).toBe(10);
    expect(nearestRank(30, 90)).toBe(27);
    expect(nearestRank(3, 50)).toBe(2);
  });

  it('selects the k-th smallest like a sort does', () => {
    const rnd = createRandom(3);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 60);
      const values = Float64Array.from({ length: n }, () => Math.floor(rnd() * 20));
      const sorted = [...values].sort((a, b) => a - b);
      const k = 1 + Math.floor(rnd() * n);
      expect(selectKth(values.slice(), n, k)).toBe(sorted[k - 1]);
    }
  });

  it('medians and bounds', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(upperBound([1, 2, 2, 3], 0, 4, 2)).toBe(3);
  });
});

describe('latency summaries', () => {
  const cal = zoneCalendar('Europe/Paris', Date.UTC(2025, 2, 28), Date.UTC(2025, 2, 31));

  it('computes p50, p90 and shares within 5 min, 1 h, 24 h over measured messages only', () => {
    const t = Date.UTC(2025, 2, 28, 9); // 10:00 in Paris
    const lat = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => k * MIN); // 1..10 minutes
    const n = lat.length + 2;
    const out = summarizeLatencies(
      {
        n,
        sentAt: Float64Array.from({ length: n }, () => t),
        toDelivered: Float64Array.from([...lat, NaN, -5000]), // one undelivered, one receipt before its send
        toSeen: Float64Array.from({ length: n }, () => NaN),
      },
      cal,
    );
    const all = out.sentToDelivered.overall;
    // Eleven measured values: 0 (clamped), 1..10 min. p50 = 6th = 5 min; p90 = 10th = 9 min.
    expect(all).toEqual({ count: 11, p50: 5 * MIN, p90: 9 * MIN, shareWithin5m: 6 / 11, shareWithin1h: 1, shareWithin24h: 1 });
    expect(out.sentToDelivered.byHourOfDay[10]).toMatchObject({ hour: 10, count: 11, p50: 5 * MIN });
    expect(out.sentToDelivered.byHourOfDay[9]).toMatchObject({ hour: 9, count: 0, p50: null, shareWithin1h: null });
    expect(out.deliveredToSeen.overall).toMatchObject({ count: 0, p50: null });
    // The day is listed because something was sent that day, even with nothing seen.
    expect(out.deliveredToSeen.byDay).toEqual([expect.objectContaining({ date: '2025-03-28', count: 0 })]);
  });

  it('buckets by the local hour and day of the send across the spring-forward night', () => {
    const sends = [Date.UTC(2025, 2, 29, 23, 30), Date.UTC(2025, 2, 30, 0, 30), Date.UTC(2025, 2, 30, 1, 30), Date.UTC(2025, 2, 30, 22, 30)];
    const out = summarizeLatencies(
      { n: 4, sentAt: Float64Array.from(sends), toDelivered: Float64Array.from([1000, 2000, 3000, 4000]), toSeen: new Float64Array(4).fill(NaN) },
      cal,
    );
    const byHour = out.sentToDelivered.byHourOfDay;
    expect(byHour[0]!.p50).toBe(1000); // 00:30 CET
    expect(byHour[1]!.p50).toBe(2000); // 01:30 CET
    expect(byHour[2]!.count).toBe(0); // 02:xx does not exist that night
    expect(byHour[3]!.p50).toBe(3000); // 03:30 CEST
    expect(out.sentToDelivered.byDay.map((d) => [d.date, d.count])).toEqual([
      ['2025-03-30', 3],
      ['2025-03-31', 1], // 22:30 UTC is 00:30 the next day in summer time
    ]);
  });
});
