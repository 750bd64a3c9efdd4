import { describe, expect, it } from 'vitest';
import {
  createRandom,
  DEFAULT_MIXING_VARIANCE,
  mixingVarianceForEffect,
  mixtureLikelihoodRatio,
  sequentialTest,
  type SequentialLook,
} from '../../../shared/stats';
import { expectRelativelyClose } from './closeTo';
import { drawConversions } from './simulate';

// Reference values: python3, the mixture likelihood ratio of Johari et al. (2017) written out by hand:
//   def lam(x1, n1, x2, n2, tau2=0.0025):
//       p = (x1+x2)/(n1+n2); V = p*(1-p)*(1/n1 + 1/n2); d = x1/n1 - x2/n2
//       return math.sqrt(V/(V+tau2)) * math.exp(tau2*d*d/(2*V*(V+tau2)))

const look = (x1: number, n1: number, x2: number, n2: number): SequentialLook => ({
  variant: { exposures: n1, conversions: x1 },
  control: { exposures: n2, conversions: x2 },
});

describe('mixtureLikelihoodRatio', () => {
  it.each([
    // python: lam(x1, n1, x2, n2)
    [60, 500, 50, 500, 0.5722937873892376],
    [130, 1000, 100, 1000, 2.1193438679584973],
    [260, 2000, 200, 2000, 13.845591304964078],
    [700, 5000, 500, 5000, 15807486.492558964],
  ])('%s/%s vs %s/%s matches the closed form', (x1, n1, x2, n2, expected) => {
    expectRelativelyClose(mixtureLikelihoodRatio(look(x1, n1, x2, n2)), expected, 1e-11);
  });

  it('uses the given mixing variance', () => {
    // python: lam(130, 1000, 100, 1000, 0.0004) = 2.513589523007774
    expectRelativelyClose(mixtureLikelihoodRatio(look(130, 1000, 100, 1000), mixingVarianceForEffect(0.02)), 2.513589523007774, 1e-11);
    expect(DEFAULT_MIXING_VARIANCE).toBeCloseTo(0.0025, 15);
  });

  it('carries no evidence without data or variance', () => {
    expect(mixtureLikelihoodRatio(look(0, 0, 0, 0))).toBe(1);
    expect(mixtureLikelihoodRatio(look(0, 50, 0, 50))).toBe(1);
    expect(mixtureLikelihoodRatio(look(50, 50, 30, 30))).toBe(1);
  });
});

describe('sequentialTest', () => {
  it('gives a running-minimum p-value that never rises', () => {
    // python: 1/lam(...) at each look → 1 (capped), 0.4718441471997987, 0.07222515658406505, 6.326116428887848e-08
    const result = sequentialTest([
      look(60, 500, 50, 500),
      look(130, 1000, 100, 1000),
      look(260, 2000, 200, 2000),
      look(700, 5000, 500, 5000),
    ]);
    const pValues = result.looks.map((entry) => entry.pValue);
    expect(pValues[0]).toBe(1);
    expectRelativelyClose(pValues[1], 0.4718441471997987, 1e-11);
    expectRelativelyClose(pValues[2], 0.07222515658406505, 1e-11);
    expectRelativelyClose(pValues[3], 6.326116428887848e-8, 1e-10);
    expect(result.rejected).toBe(true);
    expect(result.method).toBe('msprt-normal-mixture');
    expect(result.assumptions.join(' ')).toMatch(/0\.0025/);
    expectRelativelyClose(result.looks[3]?.difference, 0.04, 1e-12);
  });

  it('keeps an earlier low p-value after the evidence weakens', () => {
    const result = sequentialTest([look(260, 2000, 200, 2000), look(265, 2100, 262, 2100)]);
    expect(result.looks[1]?.pValue).toBe(result.looks[0]?.pValue);
  });

  it('is 1 with no looks or no data, and never NaN', () => {
    expect(sequentialTest([]).pValue).toBe(1);
    const empty = sequentialTest([look(0, 0, 0, 0), look(0, 5, 0, 5), look(5, 5, 5, 5)]);
    expect(empty.pValue).toBe(1);
    expect(empty.looks[0]?.difference).toBeNull();
    expect(JSON.stringify(empty)).not.toMatch(/NaN|Infinity/);
  });

  it('rejects looks that are not cumulative', () => {
    expect(() => sequentialTest([look(10, 100, 10, 100), look(12, 90, 15, 200)])).toThrow(/looks\[1\]/);
    expect(() => sequentialTest([look(10, 5, 1, 5)])).toThrow(/looks\[0\]\.variant/);
    expect(() => sequentialTest([], { mixingVariance: 0 })).toThrow(/mixingVariance/);
  });

  it('A/A: peeking 20 times over 2000 simulated tests stays at or under 5 % false positives', () => {
    const random = createRandom(20240817);
    const simulations = 2000;
    const peeks = 20;
    const batch = 100;
    let falsePositives = 0;
    for (let s = 0; s < simulations; s++) {
      let variant = { exposures: 0, conversions: 0 };
      let control = { exposures: 0, conversions: 0 };
      const looks: SequentialLook[] = [];
      for (let k = 0; k < peeks; k++) {
        variant = { exposures: variant.exposures + batch, conversions: variant.conversions + drawConversions(random, batch, 0.1) };
        control = { exposures: control.exposures + batch, conversions: control.conversions + drawConversions(random, batch, 0.1) };
        looks.push({ variant, control });
      }
      if (sequentialTest(looks).rejected) falsePositives++;
    }
    expect(falsePositives / simulations).toBeLessThanOrEqual(0.05);
  });

  it('detects a real lift of 4 points within 20 looks most of the time', () => {
    const random = createRandom(7);
    const simulations = 300;
    let detected = 0;
    for (let s = 0; s < simulations; s++) {
      let variant = { exposures: 0, conversions: 0 };
      let control = { exposures: 0, conversions: 0 };
      const looks: SequentialLook[] = [];
      for (let k = 0; k < 20; k++) {
        variant = { exposures: variant.exposures + 200, conversions: variant.conversions + drawConversions(random, 200, 0.14) };
        control = { exposures: control.exposures + 200, conversions: control.conversions + drawConversions(random, 200, 0.1) };
        looks.push({ variant, control });
      }
      if (sequentialTest(looks).rejected) detected++;
    }
    expect(detected / simulations).toBeGreaterThan(0.8);
  });
});
