import { CELLS } from '../domain/sendTime';

/**
 * Latent weekly rhythms: a mixture of multinomials over local weekday/weekend × hour
 * bins, fitted by EM on the activity events the send schedule does not cause. A contact
 * with three events learns little on its own, but enough to say which of a handful of
 * audience rhythms it follows; its profile is the posterior-weighted mix of those
 * rhythms (contact → rhythm group → audience pooling).
 */
export const BINS = 48;

/** Weekday hours are bins 0–23, Saturday and Sunday hours 24–47. */
export function binOfCell(cell: number): number {
  const weekday = Math.floor(cell / 24);
  return (weekday >= 5 ? 24 : 0) + (cell % 24);
}

export interface RhythmMixture {
  /** Mixing weights (sum 1). */
  weights: Float64Array;
  /** K × BINS event shares per rhythm (each row sums to 1). */
  profiles: Float64Array[];
  iterations: number;
  logLikelihood: number;
}

export interface RhythmOptions {
  classes?: number;
  iterations?: number;
  /** Dirichlet pseudo-events (spread like the audience's profile) added to each rhythm's counts. */
  smoothing?: number;
}

function audienceShares(events: readonly (readonly number[])[]): Float64Array {
  const counts = new Float64Array(BINS).fill(0.5);
  for (const list of events) for (const b of list) counts[b] = (counts[b] as number) + 1;
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((v) => v / total);
}

const logCache = new WeakMap<RhythmMixture, { logWeights: Float64Array; logProfiles: Float64Array[] }>();

function logsOf(m: RhythmMixture): { logWeights: Float64Array; logProfiles: Float64Array[] } {
  let l = logCache.get(m);
  if (!l) {
    l = { logWeights: m.weights.map(Math.log), logProfiles: m.profiles.map((p) => p.map(Math.log)) };
    logCache.set(m, l);
  }
  return l;
}

/** Posterior class weights of one contact's events (log-sum-exp). */
export function rhythmPosterior(m: RhythmMixture, bins: readonly number[]): Float64Array {
  const K = m.weights.length;
  const { logWeights, logProfiles } = logsOf(m);
  const logp = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = logWeights[k] as number;
    const prof = logProfiles[k] as Float64Array;
    for (const b of bins) s += prof[b] as number;
    logp[k] = s;
  }
  let max = -Infinity;
  for (const v of logp) if (v > max) max = v;
  let z = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp((logp[k] as number) - max);
    logp[k] = e;
    z += e;
  }
  return logp.map((v) => v / z);
}

/** A starting rhythm from one contact's events: its own counts, smoothed ±1 hour, mixed with the audience's. */
function seedProfile(bins: readonly number[], base: Float64Array): Float64Array {
  const own = new Float64Array(BINS);
  for (const b of bins) {
    const day = b < 24 ? 0 : 24;
    own[b] = (own[b] as number) + 0.5;
    own[day + (((b % 24) + 1) % 24)] = (own[day + (((b % 24) + 1) % 24)] as number) + 0.25;
    own[day + (((b % 24) + 23) % 24)] = (own[day + (((b % 24) + 23) % 24)] as number) + 0.25;
  }
  const n = bins.length;
  return own.map((v, b) => (0.7 * v) / n + 0.3 * (base[b] as number));
}

function meanLogLik(profile: Float64Array, bins: readonly number[]): number {
  let s = 0;
  for (const b of bins) s += Math.log(profile[b] as number);
  return s / bins.length;
}

/**
 * EM from a deterministic farthest-point start (the contact with the most events, then
 * repeatedly the contact the rhythms so far explain worst), so the same data always gives
 * the same rhythms. Contacts without events do not move the fit.
 */
export function fitRhythms(events: readonly (readonly number[])[], options: RhythmOptions = {}): RhythmMixture {
  const K = Math.max(1, options.classes ?? 8);
  const iterations = options.iterations ?? 30;
  const smoothing = options.smoothing ?? 4;
  const base = audienceShares(events);
  const candidates = events.filter((e) => e.length >= 2);
  const stride = Math.max(1, Math.floor(candidates.length / 2000));
  const pool = candidates.filter((_, i) => i % stride === 0);
  const profiles: Float64Array[] = [];
  if (pool.length > 0) {
    let first = pool[0] as readonly number[];
    for (const e of pool) if (e.length > first.length) first = e;
    profiles.push(seedProfile(first, base));
    while (profiles.length < K) {
      let worst: readonly number[] | null = null;
      let worstScore = Infinity;
      for (const e of pool) {
        let best = -Infinity;
        for (const p of profiles) best = Math.max(best, meanLogLik(p, e));
        if (best < worstScore) {
          worstScore = best;
          worst = e;
        }
      }
      if (!worst) break;
      profiles.push(seedProfile(worst, base));
    }
  }
  while (profiles.length < K) profiles.push(base.slice());
  let weights = new Float64Array(K).fill(1 / K);
  const used = events.filter((e) => e.length > 0);
  let ll = 0;
  let it = 0;
  for (; it < iterations; it++) {
    const counts = profiles.map(() => new Float64Array(BINS));
    const mass = new Float64Array(K);
    let nextLl = 0;
    const current: RhythmMixture = { weights, profiles: [...profiles], iterations: 0, logLikelihood: 0 };
    for (const bins of used) {
      const post = rhythmPosterior(current, bins);
      for (let k = 0; k < K; k++) {
        const w = post[k] as number;
        if (w < 1e-9) continue;
        mass[k] = (mass[k] as number) + w;
        const c = counts[k] as Float64Array;
        for (const b of bins) c[b] = (c[b] as number) + w;
      }
      // Log-likelihood of this contact under the current fit (for the stopping rule).
      let s = 0;
      for (let k = 0; k < K; k++) {
        let l = weights[k] as number;
        const prof = profiles[k] as Float64Array;
        for (const b of bins) l *= (prof[b] as number) * BINS;
        s += l;
      }
      nextLl += Math.log(s) - bins.length * Math.log(BINS);
    }
    const total = used.length;
    weights = mass.map((m) => (m + 1) / (total + K));
    for (let k = 0; k < K; k++) {
      const c = counts[k] as Float64Array;
      let z = 0;
      for (let b = 0; b < BINS; b++) {
        c[b] = (c[b] as number) + smoothing * BINS * (base[b] as number) / BINS;
        z += c[b] as number;
      }
      profiles[k] = c.map((v) => v / z);
    }
    const converged = it > 0 && Math.abs(nextLl - ll) < 1e-6 * Math.max(1, Math.abs(ll));
    ll = nextLl;
    if (converged) break;
  }
  return { weights, profiles, iterations: it, logLikelihood: ll };
}

/** A contact's expected activity density per hour-of-week cell (mean 1 over the week). */
export function contactDensity(m: RhythmMixture, bins: readonly number[]): Float64Array {
  const post = rhythmPosterior(m, bins);
  const byBin = new Float64Array(BINS);
  for (let k = 0; k < post.length; k++) {
    const w = post[k] as number;
    if (w < 1e-12) continue;
    const prof = m.profiles[k] as Float64Array;
    for (let b = 0; b < BINS; b++) byBin[b] = (byBin[b] as number) + w * (prof[b] as number);
  }
  const out = new Float64Array(CELLS);
  for (let cell = 0; cell < CELLS; cell++) {
    const b = binOfCell(cell);
    // A weekday bin is spread over five days, a weekend bin over two.
    out[cell] = ((byBin[b] as number) / (b < 24 ? 5 : 2)) * 7 * 24;
  }
  return out;
}
