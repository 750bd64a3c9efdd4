import { describe, expect, it } from 'vitest';
import { compareToControl, createRandom, sampleSizePerVariant } from '../../../shared/stats';
import { drawConversions } from './simulate';

// Reference values: python3, scipy 1.17.1, the closed form written out:
//   def n(p1, d, alpha=0.05, power=0.8, k=2):
//       a = alpha/(k-1) if k > 2 else alpha; p2 = p1 + d; pb = (p1 + p2)/2
//       za = stats.norm.ppf(1 - a/2); zb = stats.norm.ppf(power)
//       return (za*math.sqrt(2*pb*(1-pb)) + zb*math.sqrt(p1*(1-p1) + p2*(1-p2)))**2 / d**2
//   and the per-variant size is math.ceil(n(...)).

describe('sampleSizePerVariant', () => {
  it.each([
    // [baseline, mde, alpha, power, variants, math.ceil(n(...)), n(...)]
    [0.2, 0.02, 0.05, 0.8, 2, 6510, 6509.466678513711],
    [0.1, 0.05, 0.05, 0.8, 2, 686, 685.5968583253607],
    [0.5, -0.1, 0.05, 0.8, 2, 388, 387.33851669903555],
    [0.03, 0.01, 0.05, 0.9, 2, 7096, 7095.686960851658],
    [0.6, 0.1, 0.01, 0.95, 2, 808, 807.0674253142278],
    // Bonferroni: alpha / (k - 1) per comparison.
    [0.2, 0.02, 0.05, 0.8, 3, 7884, 7883.130468748517],
    [0.2, 0.05, 0.05, 0.8, 8, 1739, 1738.5133362162449],
  ])('baseline %s, mde %s, alpha %s, power %s, %s arms → %s per arm', (baseline, mde, alpha, power, variants, expected) => {
    const plan = sampleSizePerVariant({ baseline, mde, alpha, power, variants });
    expect(plan.perVariant).toBe(expected);
    expect(plan.total).toBe(expected * variants);
    expect(plan.alphaPerComparison).toBeCloseTo(variants > 2 ? alpha / (variants - 1) : alpha, 15);
    expect(plan.method).toBe('two-proportion-z-test-power');
  });

  it('defaults to alpha 0.05, power 0.8 and two arms (the CLI example: baseline 0.2, mde 0.02)', () => {
    const plan = sampleSizePerVariant({ baseline: 0.2, mde: 0.02 });
    expect(plan.perVariant).toBe(6510);
    expect(plan.total).toBe(13020);
  });

  it('rejects impossible plans, naming the field', () => {
    expect(() => sampleSizePerVariant({ baseline: 0, mde: 0.02 })).toThrow(/baseline/);
    expect(() => sampleSizePerVariant({ baseline: 0.2, mde: 0 })).toThrow(/mde/);
    expect(() => sampleSizePerVariant({ baseline: 0.95, mde: 0.1 })).toThrow(/mde/);
    expect(() => sampleSizePerVariant({ baseline: 0.2, mde: 0.02, alpha: 1 })).toThrow(/alpha/);
    expect(() => sampleSizePerVariant({ baseline: 0.2, mde: 0.02, power: 0 })).toThrow(/power/);
    expect(() => sampleSizePerVariant({ baseline: 0.2, mde: 0.02, variants: 1 })).toThrow(/variants/);
  });

  it('at the planned n, 2000 simulated tests detect the planned effect 80 % ± 3 % of the time', () => {
    const plan = sampleSizePerVariant({ baseline: 0.1, mde: 0.05 });
    const random = createRandom(314159);
    const simulations = 2000;
    let detected = 0;
    for (let s = 0; s < simulations; s++) {
      const variant = { exposures: plan.perVariant, conversions: drawConversions(random, plan.perVariant, 0.15) };
      const control = { exposures: plan.perVariant, conversions: drawConversions(random, plan.perVariant, 0.1) };
      const { pValue } = compareToControl(variant, control);
      if (pValue !== null && pValue < 0.05) detected++;
    }
    const rate = detected / simulations;
    expect(rate).toBeGreaterThanOrEqual(0.77);
    expect(rate).toBeLessThanOrEqual(0.83);
  });
});
