import { describe, expect, it } from 'vitest';
import {
  compareToControl,
  fisherExactTest,
  minimumExpectedCount,
  newcombeInterval,
  pooledZTest,
  variantRate,
  wilsonInterval,
} from '../../../shared/stats';
import { expectAbsolutelyClose, expectRelativelyClose } from './closeTo';

// Reference values: python3, scipy 1.17.1. statsmodels is not installed, so its
// Wilson interval (proportion_confint(method='wilson')) is reproduced by hand:
//   def wilson(x, n, alpha=0.05):
//       z = stats.norm.ppf(1 - alpha/2); p = x/n
//       c = (p + z*z/(2*n)) / (1 + z*z/n)
//       h = z/(1 + z*z/n) * math.sqrt(p*(1-p)/n + z*z/(4*n*n)); return (c-h, c+h)
// and Newcombe's method 10 from those Wilson bounds:
//   def newcombe(x1, n1, x2, n2, alpha=0.05):
//       p1, p2 = x1/n1, x2/n2; l1, u1 = wilson(x1, n1, alpha); l2, u2 = wilson(x2, n2, alpha); d = p1 - p2
//       return d - math.sqrt((p1-l1)**2 + (u2-p2)**2), d + math.sqrt((u1-p1)**2 + (p2-l2)**2)

describe('wilsonInterval', () => {
  it.each([
    // python: wilson(x, n, alpha)
    [120, 1000, 0.05, 0.10129926060130913, 0.14160907584771276],
    [1, 5, 0.05, 0.036224108632430085, 0.6244653702374747],
    [56, 70, 0.05, 0.6918335550374695, 0.8769526075163705],
    [3, 400, 0.01, 0.0018965421284187524, 0.0291753031722029],
    [48, 80, 0.1, 0.5080618399803274, 0.6853955672475276],
  ])('%s/%s at alpha %s matches the Wilson formula', (x, n, alpha, low, high) => {
    const interval = wilsonInterval(x, n, alpha);
    expectRelativelyClose(interval?.low, low, 1e-12);
    expectRelativelyClose(interval?.high, high, 1e-12);
  });

  it('is [0, upper] at zero conversions and [lower, 1] at all conversions', () => {
    // python: wilson(0, 10) = (0.0, 0.2775327998628892); wilson(10, 10) = (0.7224672001371107, 0.9999999999999999)
    const none = wilsonInterval(0, 10);
    expect(none?.low).toBe(0);
    expectRelativelyClose(none?.high, 0.2775327998628892, 1e-12);
    const all = wilsonInterval(10, 10);
    expectRelativelyClose(all?.low, 0.7224672001371107, 1e-12);
    expect(all?.high).toBe(1);
  });

  it('has no interval and no rate without exposures', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    const empty = variantRate({ exposures: 0, conversions: 0 });
    expect(empty.rate).toBeNull();
    expect(empty.interval).toBeNull();
    expect(empty.method).toBe('wilson-score');
    expect(empty.assumptions.length).toBeGreaterThan(0);
  });

  it('rejects impossible counts, naming the field', () => {
    expect(() => variantRate({ exposures: 5, conversions: 6 })).toThrow(/conversions/);
    expect(() => variantRate({ exposures: -1, conversions: 0 })).toThrow(/exposures/);
    expect(() => variantRate({ exposures: 2.5, conversions: 0 })).toThrow(RangeError);
    expect(() => wilsonInterval(1, 10, 1.2)).toThrow(/alpha/);
    expect(() => variantRate({ exposures: 0, conversions: 0 }, 0)).toThrow(/alpha/);
    expect(() => compareToControl({ exposures: 3, conversions: 4 }, { exposures: 3, conversions: 1 })).toThrow(/variant\.conversions/);
  });
});

describe('newcombeInterval', () => {
  it('reproduces the worked example of Newcombe (1998), Stat Med 17:873-890: 56/70 vs 48/80 → 0.0524 to 0.3339', () => {
    // Published: difference 0.2000, method 10 interval 0.0524 to 0.3339.
    // python: newcombe(56, 70, 48, 80) = (0.052431472402365065, 0.333872654036906)
    const interval = newcombeInterval({ exposures: 70, conversions: 56 }, { exposures: 80, conversions: 48 });
    expectAbsolutelyClose(interval?.low, 0.0524, 5e-5);
    expectAbsolutelyClose(interval?.high, 0.3339, 5e-5);
    expectRelativelyClose(interval?.low, 0.052431472402365065, 1e-12);
    expectRelativelyClose(interval?.high, 0.333872654036906, 1e-12);
  });

  it.each([
    // python: newcombe(x1, n1, x2, n2)
    [0, 10, 0, 20, -0.16112515805281938, 0.2775327998628892],
    [10, 10, 0, 10, 0.6075093504305242, 1.0],
    [5, 5, 0, 5, 0.38554900569034356, 1.0],
    [130, 1000, 100, 1000, 0.0020023487152830075, 0.05807048502220285],
    [9, 400, 4, 410, -0.0056807327066809, 0.03332705309138002],
  ])('%s/%s vs %s/%s matches the method-10 formula', (x1, n1, x2, n2, low, high) => {
    const interval = newcombeInterval({ exposures: n1, conversions: x1 }, { exposures: n2, conversions: x2 });
    expectAbsolutelyClose(interval?.low, low, 1e-12);
    expectAbsolutelyClose(interval?.high, high, 1e-12);
  });

  it('is null when an arm has no exposures', () => {
    expect(newcombeInterval({ exposures: 0, conversions: 0 }, { exposures: 10, conversions: 3 })).toBeNull();
  });
});

describe('pooledZTest', () => {
  it.each([
    // scipy: stats.chi2_contingency(table, correction=False)[1], table = [[xV, nV-xV], [xC, nC-xC]]
    [120, 1000, 100, 1000, 0.15291778186394195],
    [130, 1000, 100, 1000, 0.03548845046647463],
    [45, 500, 70, 500, 0.013208279888430475],
    [1500, 10000, 1400, 10100, 0.021615461693469527],
  ])('%s/%s vs %s/%s equals Pearson chi-square without correction', (x1, n1, x2, n2, expected) => {
    const result = pooledZTest({ exposures: n1, conversions: x1 }, { exposures: n2, conversions: x2 });
    expectRelativelyClose(result.pValue, expected, 1e-11);
  });

  it('signs z as variant minus control', () => {
    expect(pooledZTest({ exposures: 1000, conversions: 130 }, { exposures: 1000, conversions: 100 }).zScore).toBeGreaterThan(0);
    expect(pooledZTest({ exposures: 500, conversions: 45 }, { exposures: 500, conversions: 70 }).zScore).toBeLessThan(0);
  });

  it('is p = 1 when both arms are all zero or all converted', () => {
    expect(pooledZTest({ exposures: 50, conversions: 0 }, { exposures: 40, conversions: 0 }).pValue).toBe(1);
    expect(pooledZTest({ exposures: 50, conversions: 50 }, { exposures: 40, conversions: 40 }).pValue).toBe(1);
  });
});

describe('fisherExactTest', () => {
  it.each([
    // scipy: stats.fisher_exact([[xV, nV-xV], [xC, nC-xC]])[1]
    [3, 10, 9, 10, 0.019766611097880443],
    [0, 5, 5, 5, 0.007936507936507938],
    [1, 5, 3, 5, 0.5238095238095238],
    [2, 400, 9, 410, 0.06386182464197061],
    [3, 400, 0, 400, 0.24906132665832292],
    [0, 7, 7, 7, 0.0005827505827505828],
    [12, 4000, 3, 4000, 0.03498972836793448],
  ])('%s/%s vs %s/%s matches stats.fisher_exact', (x1, n1, x2, n2, expected) => {
    const result = fisherExactTest({ exposures: n1, conversions: x1 }, { exposures: n2, conversions: x2 });
    expectRelativelyClose(result.pValue, expected, 1e-10);
    expect(result.zScore).toBeNull();
  });

  it.each([
    // scipy: stats.fisher_exact([[0,10],[0,20]])[1] = 1.0; [[5,0],[5,0]] → 1.0; [[1,9],[1,9]] → 1.0;
    // [[2,3],[3,2]] → 1.0 (the two most likely tables tie exactly; only the relative tolerance keeps both)
    [0, 10, 0, 20],
    [5, 5, 5, 5],
    [1, 10, 1, 10],
    [2, 5, 3, 5],
  ])('%s/%s vs %s/%s gives p = 1', (x1, n1, x2, n2) => {
    const result = fisherExactTest({ exposures: n1, conversions: x1 }, { exposures: n2, conversions: x2 });
    expectAbsolutelyClose(result.pValue, 1, 1e-12);
    expect(result.pValue).toBeLessThanOrEqual(1);
  });
});

describe('compareToControl', () => {
  it('uses the z-test when every expected cell is at least 5', () => {
    // scipy: stats.chi2_contingency([[130,870],[100,900]], correction=False)[1] = 0.03548845046647463
    const result = compareToControl({ exposures: 1000, conversions: 130 }, { exposures: 1000, conversions: 100 });
    expect(result.method).toBe('pooled-z-test');
    expect(result.diffIntervalMethod).toBe('newcombe-hybrid-score');
    expectRelativelyClose(result.pValue, 0.03548845046647463, 1e-11);
    expectRelativelyClose(result.absoluteLift, 0.03, 1e-12);
    expectRelativelyClose(result.relativeLift, 0.3, 1e-12);
    // python: newcombe(130, 1000, 100, 1000) = (0.0020023487152830075, 0.05807048502220285)
    expectAbsolutelyClose(result.diffInterval?.low, 0.0020023487152830075, 1e-12);
    expectAbsolutelyClose(result.diffInterval?.high, 0.05807048502220285, 1e-12);
    expect(result.level).toBeCloseTo(0.95, 12);
    expect(result.assumptions.join(' ')).toMatch(/expected cell count is at least 5/);
  });

  it('switches to Fisher when an expected cell is below 5', () => {
    // Expected converted cells are 400·3/800 = 1.5.
    // scipy: stats.fisher_exact([[3,397],[0,400]])[1] = 0.24906132665832292
    const result = compareToControl({ exposures: 400, conversions: 3 }, { exposures: 400, conversions: 0 });
    expect(result.minExpectedCount).toBeCloseTo(1.5, 12);
    expect(result.method).toBe('fisher-exact-test');
    expectRelativelyClose(result.pValue, 0.24906132665832292, 1e-10);
    expect(result.relativeLift).toBeNull(); // control rate 0: no relative lift, no Infinity
    expectRelativelyClose(result.absoluteLift, 0.0075, 1e-12);
  });

  it('decides at exactly 5 expected in favour of the z-test', () => {
    // 500·10/1000 = 5 expected conversions per arm.
    const result = compareToControl({ exposures: 500, conversions: 7 }, { exposures: 500, conversions: 3 });
    expect(result.minExpectedCount).toBe(5);
    expect(result.method).toBe('pooled-z-test');
  });

  it('handles n = 5 per arm with zero and with all conversions', () => {
    // scipy: stats.fisher_exact([[5,0],[0,5]])[1] = 0.007936507936507938
    const allVsNone = compareToControl({ exposures: 5, conversions: 5 }, { exposures: 5, conversions: 0 });
    expect(allVsNone.method).toBe('fisher-exact-test');
    expectRelativelyClose(allVsNone.pValue, 0.007936507936507938, 1e-10);
    expect(allVsNone.absoluteLift).toBe(1);
    // python: newcombe(5, 5, 0, 5) = (0.38554900569034356, 1.0)
    expectAbsolutelyClose(allVsNone.diffInterval?.low, 0.38554900569034356, 1e-12);
    expect(allVsNone.diffInterval?.high).toBe(1);

    const bothZero = compareToControl({ exposures: 5, conversions: 0 }, { exposures: 5, conversions: 0 });
    expect(bothZero.pValue).toBe(1);
    expect(bothZero.absoluteLift).toBe(0);
    expect(bothZero.relativeLift).toBeNull();

    const bothAll = compareToControl({ exposures: 5, conversions: 5 }, { exposures: 5, conversions: 5 });
    expect(bothAll.pValue).toBe(1);
    expect(bothAll.relativeLift).toBe(0);
  });

  it('returns nulls, not NaN, when an arm has no exposures', () => {
    const result = compareToControl({ exposures: 0, conversions: 0 }, { exposures: 100, conversions: 10 });
    expect(result.method).toBe('no-data');
    expect(result.pValue).toBeNull();
    expect(result.absoluteLift).toBeNull();
    expect(result.relativeLift).toBeNull();
    expect(result.diffInterval).toBeNull();
    expect(result.control.rate).toBeCloseTo(0.1, 12);
    expect(JSON.stringify(result)).not.toMatch(/NaN|Infinity/);
  });

  it('computes the minimum expected count from the margins', () => {
    // Rows 1000/1000, columns 230/1770: smallest expected = 1000·230/2000.
    expect(minimumExpectedCount({ exposures: 1000, conversions: 130 }, { exposures: 1000, conversions: 100 })).toBeCloseTo(115, 12);
    expect(minimumExpectedCount({ exposures: 0, conversions: 0 }, { exposures: 0, conversions: 0 })).toBe(0);
  });
});
