import { describe, expect, it } from 'vitest';
import { hoursToRecompute } from '../../../electron/services/monitoring/aggregates';

describe('hours to recompute after changes', () => {
  it('reaches back one reply window (24 h) from each changed hour, merging overlaps', () => {
    expect(hoursToRecompute([100])).toEqual([[76, 100]]);
    expect(hoursToRecompute([110, 100, 101])).toEqual([[76, 110]]);
    expect(hoursToRecompute([130, 100, 101])).toEqual([
      [76, 101],
      [106, 130],
    ]);
    expect(hoursToRecompute([100, 200])).toEqual([
      [76, 100],
      [176, 200],
    ]);
  });

  it('cuts long ranges into week-long chunks', () => {
    const chunks = hoursToRecompute([1000]).concat(hoursToRecompute([5000]));
    expect(chunks).toEqual([
      [976, 1000],
      [4976, 5000],
    ]);
    const long = hoursToRecompute(Array.from({ length: 400 }, (_, i) => i));
    expect(long[0]).toEqual([-24, 143]);
    expect(long.at(-1)![1]).toBe(399);
    expect(long.every(([a, b]) => b - a < 168)).toBe(true);
  });
});
