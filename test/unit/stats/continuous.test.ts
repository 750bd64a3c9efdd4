import { describe, expect, it } from 'vitest';
import { createRandom, mannWhitneyU, median, medianDifference } from '../../../shared/stats';
import { expectAbsolutelyClose, expectRelativelyClose } from './closeTo';

// Reference values: python3, scipy 1.17.1 (`from scipy import stats`; `import numpy as np`).

// Time to seen in minutes, with ties inside and across arms.
const TIES_VARIANT = [3, 5, 5, 8, 12, 12, 15, 20, 31, 45, 60, 60, 75, 120, 240];
const TIES_CONTROL = [4, 6, 9, 12, 18, 22, 25, 30, 30, 41, 55, 80, 95, 150, 300, 420];

/** Exponential quantiles: deterministic, tie-free, skewed like real time-to-seen data. */
function exponentialQuantiles(scale: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => -scale * Math.log(1 - (i + 0.5) / n));
}

describe('mannWhitneyU', () => {
  it('matches the asymptotic test with tie and continuity corrections', () => {
    // scipy: stats.mannwhitneyu(v, c, method='asymptotic') → statistic 99.0, pvalue 0.4174196174107716
    const result = mannWhitneyU(TIES_VARIANT, TIES_CONTROL);
    expect(result.method).toBe('mann-whitney-normal');
    expect(result.u).toBe(99);
    expectRelativelyClose(result.pValue, 0.4174196174107716, 1e-12);
    // U = 99 < 15·16/2: the variant tends to be seen sooner, so z is negative.
    expect(result.zScore).toBeLessThan(0);
    expectRelativelyClose(result.probabilityOfSuperiority, 99 / (15 * 16), 1e-12);
  });

  it('matches the asymptotic test without continuity correction', () => {
    // scipy: stats.mannwhitneyu(v, c, method='asymptotic', use_continuity=False) → pvalue 0.4061520198604516
    const result = mannWhitneyU(TIES_VARIANT, TIES_CONTROL, { continuityCorrection: false });
    expectRelativelyClose(result.pValue, 0.4061520198604516, 1e-12);
  });

  it('matches the asymptotic test on larger tie-free samples', () => {
    // python: x = [-30*np.log(1-(i+0.5)/60) for i in range(60)]; y = [-36*np.log(1-(i+0.5)/70) for i in range(70)]
    // scipy: stats.mannwhitneyu(x, y, method='asymptotic') → statistic 1904.0, pvalue 0.3612355602162357
    const result = mannWhitneyU(exponentialQuantiles(30, 60), exponentialQuantiles(36, 70));
    expect(result.method).toBe('mann-whitney-normal');
    expect(result.u).toBe(1904);
    expectRelativelyClose(result.pValue, 0.3612355602162357, 1e-12);
  });

  it('matches the exact test for small samples without ties (auto picks it)', () => {
    // scipy: stats.mannwhitneyu([1.1,2.3,3.8,4.0,7.5], [2.0,5.1,6.6,8.2,9.9,10.4], method='exact') → 6.0, 0.12554112554112554
    const result = mannWhitneyU([1.1, 2.3, 3.8, 4.0, 7.5], [2.0, 5.1, 6.6, 8.2, 9.9, 10.4]);
    expect(result.method).toBe('mann-whitney-exact');
    expect(result.u).toBe(6);
    expectRelativelyClose(result.pValue, 0.12554112554112554, 1e-12);
    // scipy: same samples, method='asymptotic' → 0.12069080052744556
    expectRelativelyClose(
      mannWhitneyU([1.1, 2.3, 3.8, 4.0, 7.5], [2.0, 5.1, 6.6, 8.2, 9.9, 10.4], { method: 'asymptotic' }).pValue,
      0.12069080052744556,
      1e-12,
    );
  });

  it.each([
    // scipy: stats.mannwhitneyu([0.5,0.7,0.9], [1.5+i*0.37 for i in range(40)], method='exact') → 0.0, 0.00016206142127866461
    [[0.5, 0.7, 0.9], Array.from({ length: 40 }, (_, i) => 1.5 + i * 0.37), 0, 0.00016206142127866461],
    // scipy: stats.mannwhitneyu([10.5,11.2,12.9,13.3,15.1,16.8,18.2,19.9],
    //                           [9.1,9.8,10.1,11.0,11.6,12.2,12.4,13.0,13.9,14.2,14.8], method='exact') → 66.0, 0.07541478129713425
    [
      [10.5, 11.2, 12.9, 13.3, 15.1, 16.8, 18.2, 19.9],
      [9.1, 9.8, 10.1, 11.0, 11.6, 12.2, 12.4, 13.0, 13.9, 14.2, 14.8],
      66,
      0.07541478129713425,
    ],
    // scipy: stats.mannwhitneyu([1,2,3], [4,5,6], method='exact') → 0.0, 0.1
    [[1, 2, 3], [4, 5, 6], 0, 0.1],
  ])('exact test: %j vs %j', (variant, control, u, p) => {
    const result = mannWhitneyU(variant, control);
    expect(result.method).toBe('mann-whitney-exact');
    expect(result.u).toBe(u);
    expectRelativelyClose(result.pValue, p, 1e-12);
  });

  it('is p = 1 when every value is tied', () => {
    // scipy: stats.mannwhitneyu([7,7,7], [7,7,7,7], method='asymptotic') → 6.0, 1.0
    const result = mannWhitneyU([7, 7, 7], [7, 7, 7, 7]);
    expect(result.u).toBe(6);
    expect(result.pValue).toBe(1);
  });

  it('returns nulls for an empty arm and refuses exact with ties', () => {
    const empty = mannWhitneyU([], [1, 2, 3]);
    expect(empty.pValue).toBeNull();
    expect(empty.u).toBeNull();
    expect(() => mannWhitneyU([1, 2, 2], [3, 4], { method: 'exact' })).toThrow(/ties/);
    expect(() => mannWhitneyU([1, Number.NaN], [3, 4])).toThrow(/variant\[1\]/);
  });
});

describe('medianDifference', () => {
  // python: v = [-30*np.log(1-(i+0.5)/151) for i in range(151)]; c = [-40*np.log(1-(i+0.5)/161) for i in range(161)]
  const variant = exponentialQuantiles(30, 151);
  const control = exponentialQuantiles(40, 161);

  it('computes the difference in medians', () => {
    // python: np.median(v) - np.median(c) = -6.931471805599454 (= -10·ln 2)
    const result = medianDifference(variant, control, { resamples: 200 });
    expectRelativelyClose(result.difference, -6.931471805599454, 1e-12);
    expectRelativelyClose(result.variantMedian, 20.79441541679836, 1e-12);
    expectRelativelyClose(result.controlMedian, 27.725887222397812, 1e-12);
    expect(result.method).toBe('percentile-bootstrap');
  });

  it('agrees with scipy.stats.bootstrap(method="percentile") up to Monte Carlo noise', () => {
    // scipy: stats.bootstrap((v, c), lambda a, b, axis: np.median(a, axis=axis) - np.median(b, axis=axis),
    //                        n_resamples=50000, method='percentile', rng=np.random.default_rng(1), vectorized=True)
    //        → low -14.937140334012195, high 0.6897544658560086 (seeds 2 and 3: -14.9955/0.6773, -14.9955/0.6822)
    const result = medianDifference(variant, control, { resamples: 20000, seed: 11 });
    expectAbsolutelyClose(result.interval?.low, -14.937140334012195, 0.5);
    expectAbsolutelyClose(result.interval?.high, 0.6897544658560086, 0.5);
    expect(result.level).toBeCloseTo(0.95, 12);
  });

  it('is deterministic for a seed and moves with the seed', () => {
    const first = medianDifference(variant, control, { seed: 42 });
    const again = medianDifference(variant, control, { seed: 42 });
    const other = medianDifference(variant, control, { seed: 43 });
    expect(again.interval).toEqual(first.interval);
    expect(other.interval).not.toEqual(first.interval);
    expect(first.resamples).toBe(2000);
    expect(first.seed).toBe(42);
  });

  it('returns nulls for an empty arm, and a point interval for constant data', () => {
    const empty = medianDifference([], [1, 2]);
    expect(empty.difference).toBeNull();
    expect(empty.interval).toBeNull();
    const constant = medianDifference([5, 5, 5], [3, 3], { resamples: 50 });
    expect(constant.difference).toBe(2);
    expect(constant.interval).toEqual({ low: 2, high: 2 });
  });

  it('median handles odd, even and empty samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('median agrees with sorting on random samples full of ties', () => {
    const random = createRandom(5);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(random() * 60);
      const values = Array.from({ length: n }, () => Math.floor(random() * 12));
      const sorted = [...values].sort((a, b) => a - b);
      const middle = n >> 1;
      const expected = n % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
      expect(median(values)).toBe(expected);
    }
  });
});
