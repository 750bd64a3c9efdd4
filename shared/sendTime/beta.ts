import { betaCdf, logBeta } from '../stats/distributions';

/**
 * Beta(a, b) quantile: Newton steps on the CDF kept inside a bisection bracket, so it
 * converges in a handful of CDF evaluations where the pdf is well behaved and never
 * leaves [0, 1] where it is not (a plan asks for 200 000 of these).
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile level must be in [0, 1], got ${p}`);
  if (!(a > 0) || !(b > 0)) throw new RangeError(`beta quantile needs a, b > 0, got ${a}, ${b}`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  const lb = logBeta(a, b);
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  for (let i = 0; i < 100; i++) {
    const f = betaCdf(x, a, b) - p;
    if (f < 0) lo = x;
    else hi = x;
    if (Math.abs(f) < 1e-13 || hi - lo < 1e-15) break;
    const pdf = x > 0 && x < 1 ? Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lb) : 0;
    let next = pdf > 0 && Number.isFinite(pdf) ? x - f / pdf : NaN;
    // Outside the bracket (or no usable slope): halve the bracket instead.
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    x = next;
  }
  return x;
}

/** Central credible interval of Beta(a, b). */
export function betaInterval(a: number, b: number, level = 0.9): { low: number; high: number } {
  const tail = (1 - level) / 2;
  return { low: betaQuantile(tail, a, b), high: betaQuantile(1 - tail, a, b) };
}

export interface BetaPrior {
  alpha: number;
  beta: number;
}

export const MIN_PRIOR_STRENGTH = 2;
export const MAX_PRIOR_STRENGTH = 500;

/**
 * Empirical-Bayes Beta prior from per-unit (successes, trials), by the method of moments
 * corrected for binomial noise: the observed spread of rates between units is the true
 * spread plus the sampling noise m(1−m)·E[1/n]; what remains is the between-unit variance
 * that sets the prior's strength. With no detectable spread the units are treated as alike
 * (strength capped), with too little data as unknown (weak prior at the pooled mean).
 */
export function fitBetaPrior(units: readonly { successes: number; trials: number }[]): BetaPrior {
  const used = units.filter((u) => u.trials > 0);
  const trials = used.reduce((a, u) => a + u.trials, 0);
  const successes = used.reduce((a, u) => a + u.successes, 0);
  // Jeffreys-like pull keeps the mean off 0 and 1 with little data.
  const mean = (successes + 0.5) / (trials + 1);
  if (used.length < 3) return { alpha: mean * MIN_PRIOR_STRENGTH, beta: (1 - mean) * MIN_PRIOR_STRENGTH };
  let spread = 0;
  let invN = 0;
  for (const u of used) {
    spread += (u.successes / u.trials - mean) ** 2;
    invN += 1 / u.trials;
  }
  spread /= used.length - 1;
  invN /= used.length;
  const between = spread - mean * (1 - mean) * invN;
  const strength =
    between <= 0 ? MAX_PRIOR_STRENGTH : Math.min(MAX_PRIOR_STRENGTH, Math.max(MIN_PRIOR_STRENGTH, (mean * (1 - mean)) / between - 1));
  return { alpha: mean * strength, beta: (1 - mean) * strength };
}
