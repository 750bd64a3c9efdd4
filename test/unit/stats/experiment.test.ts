import { describe, expect, it } from 'vitest';
import { analyzeExperiment, holmAdjust } from '../../../shared/stats';
import { expectAbsolutelyClose, expectRelativelyClose } from './closeTo';

// Reference values: python3, scipy 1.17.1; p_beats and loss as defined in bayesian.test.ts.

describe('analyzeExperiment', () => {
  it('reads a three-arm test end to end', () => {
    const analysis = analyzeExperiment({
      variants: [
        { name: 'A', exposures: 1000, conversions: 100 },
        { name: 'B', exposures: 1000, conversions: 130 },
        { name: 'C', exposures: 1000, conversions: 118 },
      ],
      control: 'A',
    });
    expect(analysis.variants.map((variant) => variant.name)).toEqual(['A', 'B', 'C']);
    expect(analysis.variants[1]?.rate).toBeCloseTo(0.13, 12);
    // scipy: stats.chisquare([1000, 1000, 1000]) → pvalue 1.0
    expect(analysis.srm.pValue).toBe(1);
    expect(analysis.srm.mismatch).toBe(false);

    const [b, c] = analysis.comparisons;
    expect(b?.variant).toBe('B');
    expect(b?.control).toBe('A');
    expect(b?.method).toBe('pooled-z-test');
    // scipy: stats.chi2_contingency([[130,870],[100,900]], correction=False)[1] = 0.03548845046647463
    //        stats.chi2_contingency([[118,882],[100,900]], correction=False)[1] = 0.19651902388864484
    // Holm, family of 2 (numpy recipe in multiple.test.ts) → [0.07097690093294926, 0.19651902388864484]
    expectRelativelyClose(b?.pValue, 0.03548845046647463, 1e-11);
    expectRelativelyClose(c?.pValue, 0.19651902388864484, 1e-11);
    expectRelativelyClose(b?.adjustedPValue, 0.07097690093294926, 1e-11);
    expectRelativelyClose(c?.adjustedPValue, 0.19651902388864484, 1e-11);
    // Significant alone, not after correcting for two comparisons.
    expect(b?.significant).toBe(false);
    // python: newcombe(130, 1000, 100, 1000) = (0.0020023487152830075, 0.05807048502220285)
    expectAbsolutelyClose(b?.diffCiLow, 0.0020023487152830075, 1e-12);
    expectAbsolutelyClose(b?.diffCiHigh, 0.05807048502220285, 1e-12);
    // python: p_beats(131, 871, 101, 901) = 0.9821650661163508; p_beats(119, 883, 101, 901) = 0.9013216007568545
    expectAbsolutelyClose(b?.probabilityToBeatControl, 0.9821650661163508, 1e-9);
    expectAbsolutelyClose(c?.probabilityToBeatControl, 0.9013216007568545, 1e-9);
    // python: loss(101, 901, 131, 871) = 9.237449150470966e-05; loss(131, 871, 101, 901) = 0.03003249425198375
    expectAbsolutelyClose(b?.expectedLoss, 9.237449150470966e-5, 1e-10);
    expectAbsolutelyClose(b?.expectedLossControl, 0.03003249425198375, 1e-10);
    expect(analysis.correction.method).toBe('holm');
  });

  it('handles 8 variants with one arm still empty and one with tiny counts', () => {
    const variants = [
      { name: 'control', exposures: 2000, conversions: 200 },
      { name: 'v1', exposures: 2000, conversions: 260 },
      { name: 'v2', exposures: 2000, conversions: 205 },
      { name: 'v3', exposures: 2000, conversions: 180 },
      { name: 'v4', exposures: 2000, conversions: 240 },
      { name: 'v5', exposures: 2000, conversions: 199 },
      { name: 'v6', exposures: 5, conversions: 0 },
      { name: 'v7', exposures: 0, conversions: 0 },
    ];
    const analysis = analyzeExperiment({ variants, control: 'control', alpha: 0.05 });
    expect(analysis.comparisons).toHaveLength(7);
    const byName = new Map(analysis.comparisons.map((comparison) => [comparison.variant, comparison]));
    expect(byName.get('v6')?.method).toBe('fisher-exact-test');
    expect(byName.get('v7')?.method).toBe('no-data');
    expect(byName.get('v7')?.adjustedPValue).toBeNull();
    expect(byName.get('v7')?.probabilityToBeatControl).toBeGreaterThan(0);
    // Holm over the whole family of 7, the empty comparison included.
    const adjusted = holmAdjust(analysis.comparisons.map((comparison) => comparison.pValue));
    analysis.comparisons.forEach((comparison, index) => expect(comparison.adjustedPValue).toBe(adjusted[index]));
    expect(byName.get('v1')?.significant).toBe(true);
    expect(byName.get('v5')?.significant).toBe(false);
    // The unbalanced split (v6 and v7 barely exposed) is exactly what SRM is for.
    expect(analysis.srm.mismatch).toBe(true);
    expect(analysis.srm.causesToCheck).toContain('srm.cause.rateLimit');
    expect(JSON.stringify(analysis)).not.toMatch(/NaN|Infinity/);
  });

  it('passes the planned split and the prior through', () => {
    const analysis = analyzeExperiment({
      variants: [
        { name: 'A', exposures: 800, conversions: 80 },
        { name: 'B', exposures: 200, conversions: 30 },
      ],
      control: 'A',
      expectedSplit: [0.8, 0.2],
      prior: { alpha: 11, beta: 91 },
    });
    expect(analysis.srm.expected).toEqual([800, 200]);
    expect(analysis.srm.pValue).toBe(1);
    expect(analysis.comparisons[0]?.bayesian.prior).toEqual({ alpha: 11, beta: 91 });
    expect(analysis.comparisons[0]?.bayesian.variantPosterior.alpha).toBe(41);
  });

  it('rejects bad input with a message naming the field', () => {
    const a = { name: 'A', exposures: 100, conversions: 10 };
    const two = [a, { name: 'B', exposures: 100, conversions: 12 }];
    expect(() => analyzeExperiment({ variants: two.slice(0, 1), control: 'A' })).toThrow(/variants/);
    expect(() => analyzeExperiment({ variants: two, control: 'Z' })).toThrow(/control/);
    expect(() => analyzeExperiment({ variants: two, control: 'A', alpha: 0 })).toThrow(/alpha/);
    expect(() => analyzeExperiment({ variants: two, control: 'A', alpha: 1.5 })).toThrow(/alpha/);
    expect(() =>
      analyzeExperiment({ variants: [a, { name: 'B', exposures: 10, conversions: 11 }], control: 'A' }),
    ).toThrow(/variants\[1\]\.conversions/);
    expect(() =>
      analyzeExperiment({ variants: [a, { name: 'B', exposures: -3, conversions: 0 }], control: 'A' }),
    ).toThrow(/variants\[1\]\.exposures/);
    expect(() => analyzeExperiment({ variants: [a, a], control: 'A' })).toThrow(/variants\[1\]\.name/);
    expect(() => analyzeExperiment({ variants: two, control: 'A', expectedSplit: [1, 1, 1] })).toThrow(/expectedSplit/);
  });
});
