/**
 * Special functions and distribution helpers the rest of the engine builds on.
 *
 * Hand-written rather than pulled from a package: each is a few dozen lines of
 * textbook numerics (Lanczos, Numerical Recipes continued fractions, Acklam),
 * the shared layer must stay dependency-free and type-checkable without Node,
 * and test/unit/stats/distributions.test.ts pins every one against scipy.
 */

const LANCZOS_G = 7;
// Godfrey's coefficients for g = 7, n = 9: relative error below 2e-15 on x > 0.
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
] as const;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (Lanczos approximation, reflection below ½). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) {
    // Reflection keeps the series in the range where it was fitted.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) {
    sum += (LANCZOS_COEFFICIENTS[i] ?? 0) / (z + i);
  }
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const EPSILON = 1e-16;
const TINY = 1e-300;

/** Lower and upper regularized incomplete gamma P(a, x), Q(a, x), computed together so neither tail loses digits to 1 − p. */
function incompleteGammaPair(a: number, x: number): { lower: number; upper: number } {
  if (!(a > 0)) throw new RangeError(`incomplete gamma needs a > 0, got ${a}`);
  if (Number.isNaN(x) || x < 0) throw new RangeError(`incomplete gamma needs x >= 0, got ${x}`);
  if (x === 0) return { lower: 0, upper: 1 };
  if (x === Number.POSITIVE_INFINITY) return { lower: 1, upper: 0 };
  const logPrefactor = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // Series converges fast below the mean.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 100_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
    }
    const lower = Math.min(1, sum * Math.exp(logPrefactor));
    return { lower, upper: 1 - lower };
  }
  // Continued fraction (modified Lentz) converges fast above the mean.
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  const upper = Math.min(1, Math.exp(logPrefactor) * h);
  return { lower: 1 - upper, upper };
}

/** Regularized lower incomplete gamma P(a, x). */
export function regularizedGammaP(a: number, x: number): number {
  return incompleteGammaPair(a, x).lower;
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the far tail. */
export function regularizedGammaQ(a: number, x: number): number {
  return incompleteGammaPair(a, x).upper;
}

/** Continued fraction for the incomplete beta (Numerical Recipes `betacf`, modified Lentz). */
export function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  // Iterations grow like √max(a, b); the cap is far above what 10⁷ contacts need.
  const maxIterations = 10_000 + Math.ceil(20 * Math.sqrt(Math.max(a, b)));
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}

/** I_x(a, b) and 1 − I_x(a, b), each computed on the side where it does not suffer cancellation. */
function incompleteBetaPair(x: number, a: number, b: number): { lower: number; upper: number } {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`incomplete beta needs a, b > 0, got ${a}, ${b}`);
  if (Number.isNaN(x)) throw new RangeError('incomplete beta needs a number x');
  if (x <= 0) return { lower: 0, upper: 1 };
  if (x >= 1) return { lower: 1, upper: 0 };
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  const front = Math.exp(logFront);
  if (x < (a + 1) / (a + b + 2)) {
    const lower = Math.min(1, (front * betaContinuedFraction(a, b, x)) / a);
    return { lower, upper: 1 - lower };
  }
  const upper = Math.min(1, (front * betaContinuedFraction(b, a, 1 - x)) / b);
  return { lower: 1 - upper, upper };
}

/** Regularized incomplete beta I_x(a, b): the Beta(a, b) CDF at x. */
export function regularizedBeta(x: number, a: number, b: number): number {
  return incompleteBetaPair(x, a, b).lower;
}

/** Beta(a, b) cumulative distribution function. */
export function betaCdf(x: number, a: number, b: number): number {
  return incompleteBetaPair(x, a, b).lower;
}

/** Beta(a, b) survival function 1 − CDF, accurate in the upper tail. */
export function betaSf(x: number, a: number, b: number): number {
  return incompleteBetaPair(x, a, b).upper;
}

/** Beta(a, b) density; 0 outside (0, 1), +∞ at an endpoint where the density diverges. */
export function betaPdf(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`beta density needs a, b > 0, got ${a}, ${b}`);
  if (x < 0 || x > 1) return 0;
  if (x === 0) return a < 1 ? Number.POSITIVE_INFINITY : a === 1 ? b : 0;
  if (x === 1) return b < 1 ? Number.POSITIVE_INFINITY : b === 1 ? a : 0;
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
}

/** Standard normal upper tail P(Z > z), accurate far into the tail (erfc as Q(½, z²/2)). */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) throw new RangeError('normalSf needs a number');
  const half = 0.5 * regularizedGammaQ(0.5, (z * z) / 2);
  return z >= 0 ? half : 1 - half;
}

/** Standard normal CDF P(Z ≤ z). */
export function normalCdf(z: number): number {
  return normalSf(-z);
}

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - HALF_LOG_TWO_PI);
}

// Acklam's rational approximation: relative error below 1.15e-9 before refinement.
const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239,
] as const;
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1,
] as const;
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
] as const;
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
const ACKLAM_P_LOW = 0.02425;

function acklamTail(p: number): number {
  const q = Math.sqrt(-2 * Math.log(p));
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C;
  const [d0, d1, d2, d3] = ACKLAM_D;
  return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
}

/**
 * Standard normal quantile Φ⁻¹(p). Acklam's approximation followed by one
 * Halley step against the accurate CDF above, which brings it to full double
 * precision (scipy.special.ndtri agrees to ~1e-15 relative).
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) throw new RangeError(`normalQuantile needs 0 <= p <= 1, got ${p}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  let x: number;
  if (p < ACKLAM_P_LOW) {
    x = acklamTail(p);
  } else if (p > 1 - ACKLAM_P_LOW) {
    x = -acklamTail(1 - p);
  } else {
    const q = p - 0.5;
    const r = q * q;
    const [a0, a1, a2, a3, a4, a5] = ACKLAM_A;
    const [b0, b1, b2, b3, b4] = ACKLAM_B;
    x = ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
      (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  }
  // Refine on whichever tail is smaller so the residual is not lost to rounding near 1.
  const error = p < 0.5 ? normalCdf(x) - p : (1 - p) - normalSf(x);
  const u = error * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  // Beyond |x| ≈ 37.6 the density underflows and the step would be ∞·0; Acklam alone is then already within 1e-9.
  return Number.isFinite(u) ? x - u / (1 + (x * u) / 2) : x;
}

/** χ² upper tail P(X > x) with `degreesOfFreedom` degrees of freedom. */
export function chiSquareSf(x: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0)) throw new RangeError(`chi-square needs degrees of freedom > 0, got ${degreesOfFreedom}`);
  if (x <= 0) return 1;
  return regularizedGammaQ(degreesOfFreedom / 2, x / 2);
}
