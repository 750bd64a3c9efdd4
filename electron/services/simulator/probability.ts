import { HOUR_MS } from '../../../shared/time/zones';
import type { BehaviourModel } from './behaviour';
import type { Contact } from './population';

export interface ReachProbability {
  /** P(delivered within H of sending). */
  delivered: number;
  /** P(seen — i.e. read receipt — within H of sending); seen implies delivered. */
  seen: number;
}

export interface ReachOptions {
  /** Read propensity π of this message; default: the contact's, times `seenMultiplier` (capped at 1). */
  readPropensity?: number;
  /** A variant's true effect on being seen (default 1). */
  seenMultiplier?: number;
}

export interface SendTimeChoice extends ReachProbability {
  sendAt: number;
}

/**
 * Ground-truth answers computed from the model itself (not from sampled events):
 * the probability that a message sent to contact c at t is delivered / seen within H.
 *
 * The message's stages (see `behaviour.ts`) form a small continuous-time Markov chain
 * whose rates are piecewise constant (local hour of the contact, hour of the Page,
 * outages). Within each constant piece the chain is solved in closed form (every
 * state's mass is a sum of exponentials in the exit rates), so the answer is exact up
 * to rounding, deterministic, fast (a few pieces per hour of horizon), and agrees
 * with Monte Carlo draws of the sampler (see the tests).
 *
 * States: Q at the platform, W waiting for the device, F delivered with a fresh
 * notification, S delivered (no fresh notification), U delivered with no own trigger
 * (1 − π: only the person's own messages open the thread), L opened on the lagging
 * device (report pending), R read and reported.
 */
export class GroundTruthOracle {
  constructor(private readonly model: BehaviourModel) {}

  private contactOf(c: Contact | string): Contact {
    if (typeof c !== 'string') return c;
    const found = this.model.population.byPsid.get(c);
    if (!found) throw new Error(`Unknown contact ${c}`);
    return found;
  }

  /** P(delivered within H) and P(seen within H) for a message sent at `sentAt`. */
  probability(contact: Contact | string, sentAt: number, horizonMinutes: number, options: ReachOptions = {}): ReachProbability {
    const [r] = this.probabilities(contact, sentAt, [horizonMinutes], options);
    return r as ReachProbability;
  }

  /** Same, for several horizons at once (one integration). */
  probabilities(contact: Contact | string, sentAt: number, horizonsMinutes: readonly number[], options: ReachOptions = {}): ReachProbability[] {
    const c = this.contactOf(contact);
    const order = horizonsMinutes.map((h, i) => ({ h, i })).sort((a, b) => a.h - b.h);
    const out: ReachProbability[] = horizonsMinutes.map(() => ({ delivered: 0, seen: 0 }));
    if (c.blocked || order.length === 0) return out;
    for (const o of order) if (!(o.h >= 0) || !Number.isFinite(o.h)) throw new Error(`Invalid horizon ${o.h}`);
    const pi = options.readPropensity ?? Math.min(1, c.readPropensity * (options.seenMultiplier ?? 1));
    const m = this.model;
    const clock = m.clockOf(c);
    const pageClock = m.pageClock;
    const platform = m.platform;
    const lat = platform.latencyMsByHour;
    const notif = c.notifications ? 1 : 0;
    const kFresh = c.notifications ? 1 / m.notificationFreshMs : 0;
    const qLag = m.lagShare(c);
    const lagRate = 1 / m.syncLagMs;

    // State masses: Q W F S U L (R = 1 − the rest).
    const mass = new Float64Array(6);
    mass[Q] = 1;
    const rates = new Float64Array(6);
    const coef = new Float64Array(36);
    const input = new Float64Array(6);
    const decay = new Float64Array(6);
    let t = sentAt;
    let k = 0;
    while (k < order.length) {
      const target = sentAt + (order[k] as { h: number }).h * 60_000;
      while (t < target) {
        pageClock.locate(t);
        clock.locate(t);
        platform.locate(t);
        const cell = clock.cell;
        let end = target;
        if (pageClock.end < end) end = pageClock.end;
        if (clock.end < end) end = clock.end;
        if (platform.boundary < end) end = platform.boundary;
        const dt = end - t;
        const inb = m.inboundRate(c, cell) / HOUR_MS;
        const ownF = m.ownOpenRate(c, cell, true) / HOUR_MS;
        const ownS = m.ownOpenRate(c, cell, false) / HOUR_MS;
        const gamma = platform.inIncident ? 0 : m.connectivity(c, cell) / HOUR_MS;
        // Exit rates of Q W F S U L: the exponents of every trajectory within the piece.
        rates[Q] = 1 / (lat[pageClock.cell % 24] as number);
        rates[W] = gamma;
        rates[F] = kFresh + inb + ownF;
        rates[S] = inb + ownS;
        rates[U] = inb;
        rates[L] = lagRate + inb;
        separateRates(rates, dt);
        for (let j = 0; j < 6; j++) decay[j] = Math.exp(-(rates[j] as number) * dt);
        coef.fill(0);
        // Each state's mass over the piece is a sum of exponentials in the upstream exit rates.
        coef[Q * 6 + Q] = mass[Q] as number;
        flow(coef, input, Q, W, rates[Q] as number);
        respond(coef, input, rates, W, mass[W] as number);
        flow(coef, input, W, F, gamma * pi * notif);
        respond(coef, input, rates, F, mass[F] as number);
        flow(coef, input, W, S, gamma * pi * (1 - notif));
        addFlow(coef, input, F, kFresh);
        respond(coef, input, rates, S, mass[S] as number);
        flow(coef, input, W, U, gamma * (1 - pi));
        respond(coef, input, rates, U, mass[U] as number);
        flow(coef, input, F, L, qLag * ownF);
        addFlow(coef, input, S, qLag * ownS);
        respond(coef, input, rates, L, mass[L] as number);
        for (let j = 0; j < 6; j++) {
          let v = 0;
          for (let b = 0; b <= j; b++) v += (coef[j * 6 + b] as number) * (decay[b] as number);
          mass[j] = v > 0 ? v : 0;
        }
        t = end;
      }
      // Horizons that coincide share the result.
      while (k < order.length && sentAt + (order[k] as { h: number }).h * 60_000 <= t) {
        const q = mass[Q] as number;
        const w = mass[W] as number;
        let unread = 0;
        for (let j = 0; j < 6; j++) unread += mass[j] as number;
        out[(order[k] as { i: number }).i] = { delivered: clamp01(1 - q - w), seen: clamp01(1 - unread) };
        k++;
      }
    }
    return out;
  }

  /**
   * The oracle: the send time in [windowStart, windowEnd] (every `stepMinutes`) with
   * the highest chance of being seen within H; ties go to the earliest.
   */
  optimalSendTime(
    contact: Contact | string,
    windowStart: number,
    windowEnd: number,
    horizonMinutes: number,
    options: ReachOptions & { stepMinutes?: number } = {},
  ): SendTimeChoice {
    const c = this.contactOf(contact);
    const step = (options.stepMinutes ?? 5) * 60_000;
    if (!(windowEnd >= windowStart)) throw new Error('windowEnd is before windowStart');
    let best: SendTimeChoice | null = null;
    for (let t = windowStart; t <= windowEnd; t += step) {
      const p = this.probability(c, t, horizonMinutes, options);
      if (!best || p.seen > best.seen + 1e-12) best = { sendAt: t, ...p };
    }
    return best as SendTimeChoice;
  }
}

const Q = 0;
const W = 1;
const F = 2;
const S = 3;
const U = 4;
const L = 5;

/** Starts the input of state `to`: `rate` × trajectory of state `from`. */
function flow(coef: Float64Array, input: Float64Array, from: number, _to: number, rate: number): void {
  input.fill(0);
  addFlow(coef, input, from, rate);
}

function addFlow(coef: Float64Array, input: Float64Array, from: number, rate: number): void {
  if (rate === 0) return;
  for (let b = 0; b <= from; b++) input[b] = (input[b] as number) + rate * (coef[from * 6 + b] as number);
}

/**
 * Trajectory of state j (exit rate a_j, mass p0 at the start) fed by Σ input_b e^(−a_b u):
 * p(u) = Σ_b input_b (e^(−a_b u) − e^(−a_j u)) / (a_j − a_b) + p0 e^(−a_j u).
 */
function respond(coef: Float64Array, input: Float64Array, rates: Float64Array, j: number, p0: number): void {
  const aj = rates[j] as number;
  let own = p0;
  for (let b = 0; b < j; b++) {
    const x = input[b] as number;
    if (x === 0) continue;
    const cb = x / (aj - (rates[b] as number));
    coef[j * 6 + b] = cb;
    own -= cb;
  }
  coef[j * 6 + j] = own;
}

/**
 * Equal exit rates make the closed form divide by zero (the true trajectory then has a
 * u·e^(−a u) term); moving a rate by a few 1e-5 of the piece's inverse length changes the
 * cumulative hazard by at most a few 1e-5, far below anything measurable, and keeps
 * the cancellation in the closed form harmless.
 */
function separateRates(rates: Float64Array, dt: number): void {
  const gap = 1e-5 / dt;
  for (let j = 1; j < 6; j++) {
    // Each move lands 2 gaps above a lower rate, so at most j moves are needed.
    for (let pass = 0; pass <= j; pass++) {
      let moved = false;
      for (let b = 0; b < j; b++) {
        if (Math.abs((rates[j] as number) - (rates[b] as number)) < gap) {
          rates[j] = (rates[b] as number) + 2 * gap;
          moved = true;
        }
      }
      if (!moved) break;
    }
  }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
