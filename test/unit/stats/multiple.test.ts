import { describe, expect, it } from 'vitest';
import { holmAdjust } from '../../../shared/stats';
import { expectRelativelyClose } from './closeTo';

describe('holmAdjust', () => {
  it('matches a hand-computed step-down example (7 comparisons, one tie)', () => {
    // Sorted: 0.005·7 = 0.035, 0.01·6 = 0.06, 0.03·5 = 0.15, 0.04·4 = 0.16, 0.04·3 = 0.12 → 0.16 (monotone),
    // 0.2·2 = 0.4, 0.5·1 = 0.5. Same as statsmodels multipletests(method='holm'), reproduced with numpy:
    // python: p = np.array([0.01,0.04,0.03,0.005,0.2,0.5,0.04]); m = len(p); o = np.argsort(p, kind='stable')
    //         adj = np.minimum(1, np.maximum.accumulate((m - np.arange(m)) * p[o])); r = np.empty(m); r[o] = adj
    //         → [0.06, 0.16, 0.15, 0.035, 0.4, 0.5, 0.16]
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.04]);
    const expected = [0.06, 0.16, 0.15, 0.035, 0.4, 0.5, 0.16];
    expected.forEach((value, index) => expectRelativelyClose(adjusted[index], value, 1e-12));
  });

  it('is the identity for a single comparison and caps at 1', () => {
    expect(holmAdjust([0.03])).toEqual([0.03]);
    expect(holmAdjust([0.6, 0.7])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
  });

  it('keeps nulls in place and counts them in the family', () => {
    // Family of 3: 0.01·3 = 0.03, 0.02·2 = 0.04; the comparison without data stays null.
    const adjusted = holmAdjust([0.02, null, 0.01]);
    expect(adjusted[1]).toBeNull();
    expectRelativelyClose(adjusted[0], 0.04, 1e-12);
    expectRelativelyClose(adjusted[2], 0.03, 1e-12);
  });

  it('never lowers a p-value and rejects values outside [0, 1]', () => {
    const raw = [0.001, 0.2, 0.049, 0.3, 0.01, 0.02, 0.9];
    holmAdjust(raw).forEach((value, index) => expect(value).toBeGreaterThanOrEqual(raw[index] ?? 0));
    expect(() => holmAdjust([0.1, 1.2])).toThrow(/pValues\[1\]/);
    expect(() => holmAdjust([Number.NaN])).toThrow(RangeError);
  });
});
