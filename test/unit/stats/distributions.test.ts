import { describe, expect, it } from 'vitest';
import {
  betaCdf,
  betaPdf,
  betaSf,
  chiSquareSf,
  logGamma,
  normalCdf,
  normalQuantile,
  normalSf,
  regularizedBeta,
  regularizedGammaQ,
} from '../../../shared/stats';
import { expectAbsolutelyClose, expectRelativelyClose } from './closeTo';

// Reference values: python3, scipy 1.17.1 (`from scipy import stats, special`).

describe('logGamma', () => {
  it.each([
    // scipy: special.gammaln(x)
    [0.1, 2.252712651734206],
    [0.5, 0.5723649429247],
    [1.5, -0.12078223763524526],
    [3.7, 1.428072326665388],
    [10, 12.801827480081469],
    [100.5, 361.43554046777757],
    [12345.678, 103959.91990554606],
    [1e7, 151180949.36947393],
  ])('matches special.gammaln(%s)', (x, expected) => {
    expectRelativelyClose(logGamma(x), expected, 1e-13);
  });

  it('is exactly 0 at 1 and 2 within rounding', () => {
    // scipy: special.gammaln(1) = 0.0
    expectAbsolutelyClose(logGamma(1), 0, 1e-15);
    expectAbsolutelyClose(logGamma(2), 0, 1e-15);
  });

  it('rejects non-positive arguments', () => {
    expect(() => logGamma(0)).toThrow(RangeError);
  });
});

describe('normalQuantile', () => {
  it.each([
    // scipy: stats.norm.ppf(p)
    [1e-300, -37.0470962993612],
    [1e-12, -7.034483825301131],
    [1e-5, -4.264890793922825],
    [0.001, -3.090232306167813],
    [0.02425, -1.972961051311885],
    [0.025, -1.9599639845400545],
    [0.3, -0.5244005127080409],
    [0.8, 0.8416212335729143],
    [0.975, 1.959963984540054],
    [0.999999, 4.753424308817087],
  ])('matches stats.norm.ppf(%s)', (p, expected) => {
    expectRelativelyClose(normalQuantile(p), expected, 1e-12);
  });

  it('is 0 at ½ and infinite at the ends', () => {
    // scipy: stats.norm.ppf(0.5) = 0.0
    expectAbsolutelyClose(normalQuantile(0.5), 0, 1e-15);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
  });

  it('inverts normalCdf across the range', () => {
    for (let p = 0.0005; p < 1; p += 0.0131) expectRelativelyClose(normalCdf(normalQuantile(p)), p, 1e-13);
  });
});

describe('normalSf', () => {
  it.each([
    // scipy: stats.norm.sf(z)
    [0, 0.5],
    [0.5, 0.3085375387259869],
    [1, 0.15865525393145707],
    [1.959963984540054, 0.025],
    [-2.5, 0.9937903346742238],
    [5, 2.866515718791933e-7],
    [10, 7.61985302416047e-24],
    [30, 4.906713927147908e-198],
  ])('matches stats.norm.sf(%s), far tail included', (z, expected) => {
    expectRelativelyClose(normalSf(z), expected, 1e-12);
  });
});

describe('incomplete beta', () => {
  it.each([
    // scipy: special.betainc(a, b, x), stats.beta.sf(x, a, b)
    [0.3, 2, 5, 0.5798250000000003, 0.420175],
    [0.5, 0.5, 0.5, 0.5000000000000001, 0.5],
    [0.01, 0.4, 30, 0.6404626080766065, 0.3595373919233936],
    [0.12, 1201, 8801, 0.49378057056485924, 0.5062194294351383],
    [0.9, 50, 3, 0.09663328513725222, 0.9033667148627478],
    [0.999, 2.5, 1.5, 0.9998927276290064, 0.00010727237099363261],
    [0.5, 1e5, 1e5 + 300, 0.7486728868521804, 0.2513271131478175],
  ])('I_%s(%s, %s) matches special.betainc and beta.sf', (x, a, b, cdf, sf) => {
    // Parameters near 1e5 lose ~1e-10 to the cancellation in ln B(a, b).
    expectRelativelyClose(regularizedBeta(x, a, b), cdf, 1e-9);
    expectRelativelyClose(betaCdf(x, a, b), cdf, 1e-9);
    expectRelativelyClose(betaSf(x, a, b), sf, 1e-9);
  });

  it('handles the ends of the support', () => {
    expect(betaCdf(0, 2, 3)).toBe(0);
    expect(betaCdf(1, 2, 3)).toBe(1);
    expect(betaSf(1, 2, 3)).toBe(0);
    // Beta(1, b) density at 0 is b; Beta(0.5, b) diverges there.
    expect(betaPdf(0, 1, 4)).toBe(4);
    expect(betaPdf(0, 0.5, 4)).toBe(Number.POSITIVE_INFINITY);
    // scipy: stats.beta.pdf(0.3, 2, 5) = 2.1608999999999994
    expectRelativelyClose(betaPdf(0.3, 2, 5), 2.1608999999999994, 1e-13);
  });
});

describe('incomplete gamma and chi-square', () => {
  it.each([
    // scipy: special.gammaincc(a, x)
    [0.5, 0.01, 0.887537083981715],
    [0.5, 3, 0.014305878435429641],
    [2.5, 1, 0.8491450360846096],
    [3, 30, 4.501016648012131e-11],
    [10, 2, 0.9999535019249828],
    [100, 130, 0.002750408367306518],
  ])('Q(%s, %s) matches special.gammaincc', (a, x, expected) => {
    expectRelativelyClose(regularizedGammaQ(a, x), expected, 1e-12);
  });

  it.each([
    // scipy: stats.chi2.sf(x, k)
    [3.84, 1, 0.05004352124870519],
    [13.8155, 1, 0.00020166565191917873],
    [20.5, 7, 0.004585143096104977],
    [0.2, 3, 0.9775892977616494],
    [250, 4, 6.509689997375721e-53],
  ])('chiSquareSf(%s, %s) matches stats.chi2.sf', (x, k, expected) => {
    expectRelativelyClose(chiSquareSf(x, k), expected, 1e-12);
  });
});
