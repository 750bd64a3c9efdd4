import { describe, expect, it } from 'vitest';
import {
  bayesianCompare,
  betaPosterior,
  expectedLoss,
  historicalPrior,
  probabilityToBeat,
  UNIFORM_PRIOR,
} from '../../../shared/stats';
import { expectAbsolutelyClose, expectRelativelyClose } from './closeTo';

// Reference values: python3, scipy 1.17.1 (`from scipy import stats, integrate, special`):
//   def p_beats(aB, bB, aA, bA):  # P(X_B > X_A), X ~ Beta
//       return integrate.quad(lambda x: stats.beta.pdf(x, aA, bA) * stats.beta.sf(x, aB, bB), 0, 1,
//                             epsabs=1e-13, epsrel=1e-12, limit=500, points=[aA/(aA+bA)])[0]
//   def exact(aB, bB, aA, bA):  # Evan Miller's closed form, integer aB
//       return sum(math.exp(special.betaln(aA+i, bB+bA) - math.log(bB+i) - special.betaln(1+i, bB)
//                           - special.betaln(aA, bA)) for i in range(int(aB)))
//   def loss(aC, bC, aV, bV):  # E[max(pC - pV, 0)]
//       f = lambda c: stats.beta.pdf(c, aC, bC) * (c * stats.beta.cdf(c, aV, bV) - aV/(aV+bV) * stats.beta.cdf(c, aV+1, bV))
//       return integrate.quad(f, 0, 1, epsabs=1e-14, epsrel=1e-12, limit=500, points=[aC/(aC+bC)])[0]

describe('probabilityToBeat', () => {
  it.each([
    // [challenger α, β, incumbent α, β, p_beats(...), exact(...)]
    [13, 89, 11, 91, 0.6707204652120794, 0.6707204652121058],
    [3, 3, 1, 6, 0.9393939393939392, 0.9393939393939394],
    [121, 881, 101, 901, 0.92318343897356, 0.9231834389724246],
    [1201, 8801, 1101, 8901, 0.9866643888941017, 0.986664388886645],
    [1, 6, 6, 1, 0.0010822510822510818, 0.0010822510822510825],
  ])('Beta(%s, %s) vs Beta(%s, %s) matches scipy quad and the exact sum', (a1, b1, a2, b2, quad, exact) => {
    const p = probabilityToBeat({ alpha: a1, beta: b1 }, { alpha: a2, beta: b2 });
    expectAbsolutelyClose(p, quad, 1e-9);
    expectAbsolutelyClose(p, exact, 1e-9);
  });

  it('handles non-integer parameters below 1 (Jeffreys-like priors)', () => {
    // python: p_beats(0.5, 10.5, 2.5, 8.5) = 0.06484726694548557
    expectAbsolutelyClose(probabilityToBeat({ alpha: 0.5, beta: 10.5 }, { alpha: 2.5, beta: 8.5 }), 0.06484726694548557, 1e-9);
  });

  it('stays accurate at 100 000 contacts per arm', () => {
    // python: p_beats(50001, 50001, 49801, 50201) = 0.8144525777392396
    expectAbsolutelyClose(probabilityToBeat({ alpha: 50001, beta: 50001 }, { alpha: 49801, beta: 50201 }), 0.8144525777392396, 1e-8);
  });

  it('stays accurate at 10 million contacts per arm', () => {
    // python: integrate.quad(lambda x: stats.beta.pdf(x, 1001001, 8999001) * stats.beta.sf(x, 1000001, 9000001),
    //                        0.0991, 0.1011, epsabs=1e-14, epsrel=1e-12, limit=500, points=[0.1001])[0] = 0.22807836035049006
    const p = probabilityToBeat({ alpha: 1_000_001, beta: 9_000_001 }, { alpha: 1_001_001, beta: 8_999_001 });
    // ln B(a, b) at these sizes cancels ~1e8-sized log-gammas, so agreement is ~1e-8, far inside the 1e-4 requirement.
    expectAbsolutelyClose(p, 0.22807836035049006, 1e-7);
  });

  it('stays accurate when one arm is far narrower than the other', () => {
    // python: integrate.quad(lambda x: stats.beta.pdf(x, 40001, 59999) * stats.beta.sf(x, 2, 3), 0.37001, 0.43001,
    //                        epsabs=1e-14, epsrel=1e-13, limit=500, points=[0.40001])[0] = 0.4751844482783918
    const wide = { alpha: 2, beta: 3 };
    const narrow = { alpha: 40001, beta: 59999 };
    expectAbsolutelyClose(probabilityToBeat(wide, narrow), 0.4751844482783918, 1e-9);
    // Complementary events: the two orders sum to 1 whichever density the integral runs over.
    expectAbsolutelyClose(probabilityToBeat(wide, narrow) + probabilityToBeat(narrow, wide), 1, 1e-9);
  });

  it('is exactly 0.5 between identical posteriors, including no data', () => {
    // python: p_beats(1, 1, 1, 1) = 0.49999999999999983
    expect(probabilityToBeat(UNIFORM_PRIOR, UNIFORM_PRIOR)).toBe(0.5);
    expect(bayesianCompare({ exposures: 0, conversions: 0 }, { exposures: 0, conversions: 0 }).probabilityToBeatControl).toBe(0.5);
  });
});

describe('expectedLoss', () => {
  it.each([
    // expectedLoss(chosen = V, other = C) = loss(aC, bC, aV, bV)
    [13, 89, 11, 91, 0.009687200799833722],
    [11, 91, 13, 89, 0.029295043937088622],
    [101, 901, 121, 881, 0.02044469376667582],
    [121, 881, 101, 901, 0.0004846139263564543],
    [1, 1, 1, 1, 0.16666666666666663],
    [6, 1, 1, 6, 8.325008325008321e-5],
  ])('choosing Beta(%s, %s) over Beta(%s, %s) matches the scipy double integral', (aV, bV, aC, bC, expected) => {
    expectAbsolutelyClose(expectedLoss({ alpha: aV, beta: bV }, { alpha: aC, beta: bC }), expected, 1e-10);
  });

  it('differs between the two choices by the difference in means', () => {
    const a = { alpha: 37, beta: 463 };
    const b = { alpha: 52, beta: 448 };
    const meanGap = 52 / 500 - 37 / 500;
    expectAbsolutelyClose(expectedLoss(a, b) - expectedLoss(b, a), meanGap, 1e-10);
  });
});

describe('posteriors and priors', () => {
  it('updates Beta(1, 1) with the counts', () => {
    expect(betaPosterior({ exposures: 100, conversions: 12 })).toEqual({ alpha: 13, beta: 89, mean: 13 / 102 });
  });

  it('builds a prior worth `weight` contacts at the historical rate', () => {
    // python: stats.beta.mean(1 + 200*0.1, 1 + 200*0.9) = 0.10396039603960396
    const prior = historicalPrior({ exposures: 5000, conversions: 500 }, 200);
    expectRelativelyClose(prior.alpha, 21, 1e-12);
    expectRelativelyClose(prior.beta, 181, 1e-12);
    expectRelativelyClose(prior.alpha / (prior.alpha + prior.beta), 0.10396039603960396, 1e-12);
    // The weight cannot exceed what the history observed; no history or zero weight is uniform.
    expect(historicalPrior({ exposures: 50, conversions: 5 }, 1000)).toEqual({ alpha: 6, beta: 46 });
    expect(historicalPrior({ exposures: 0, conversions: 0 }, 100)).toEqual(UNIFORM_PRIOR);
    expect(historicalPrior({ exposures: 5000, conversions: 500 }, 0)).toEqual(UNIFORM_PRIOR);
    expect(() => historicalPrior({ exposures: 10, conversions: 1 }, -1)).toThrow(/weight/);
  });

  it('shrinks a small test toward the history without changing the winner', () => {
    const variant = { exposures: 40, conversions: 8 };
    const control = { exposures: 40, conversions: 4 };
    const flat = bayesianCompare(variant, control);
    const informed = bayesianCompare(variant, control, historicalPrior({ exposures: 10000, conversions: 1000 }, 300));
    expect(informed.probabilityToBeatControl).toBeGreaterThan(0.5);
    expect(informed.probabilityToBeatControl).toBeLessThan(flat.probabilityToBeatControl);
    expect(informed.assumptions.join(' ')).toMatch(/past campaigns/);
    expect(flat.assumptions.join(' ')).toMatch(/Beta\(1, 1\)/);
  });

  it('reports both expected losses and the method', () => {
    // Posteriors Beta(13, 89) vs Beta(11, 91); values from p_beats/loss above.
    const result = bayesianCompare({ exposures: 100, conversions: 12 }, { exposures: 100, conversions: 10 });
    expect(result.method).toBe('beta-binomial');
    expectAbsolutelyClose(result.probabilityToBeatControl, 0.6707204652120794, 1e-9);
    expectAbsolutelyClose(result.expectedLossVariant, 0.009687200799833722, 1e-10);
    expectAbsolutelyClose(result.expectedLossControl, 0.029295043937088622, 1e-10);
  });

  it('handles zero and all conversions without NaN', () => {
    const result = bayesianCompare({ exposures: 5, conversions: 5 }, { exposures: 5, conversions: 0 });
    // Posteriors Beta(6, 1) vs Beta(1, 6). python: p_beats(6, 1, 1, 6) = 1 - p_beats(1, 6, 6, 1) = 0.9989177489177489
    expectAbsolutelyClose(result.probabilityToBeatControl, 1 - 0.0010822510822510818, 1e-9);
    expect(JSON.stringify(result)).not.toMatch(/NaN|Infinity|null/);
  });
});
