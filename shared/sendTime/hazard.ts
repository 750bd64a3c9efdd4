import { CELLS } from '../domain/sendTime';
import { zoneOffsetMinutes } from '../time/zones';
import { lowerBound } from '../search';
import { BINS, binOfCell } from './rhythms';

/**
 * Presence classes: when is a contact around, from its organic messages and from how long
 * the Page's messages waited to be read — a latent-class piecewise-exponential model.
 *
 * A Page message not read within its first minutes (while its notification is fresh) is
 * read at the person's next look at Messenger. Its wait is a survival time whose hazard is
 * the person's presence rate by local hour: the hours it waited are exposure, the hour it
 * ends in is an event. Unlike counting late reads as presence events, this weighs each read
 * against the hours that passed without one, so reads piling up just after the usual send
 * time do not make those hours look busy and hours that messages waited through unread
 * look quiet (see `domain.md`, "Why send-time data is hard").
 *
 * Each class k has a presence rate μ_k(b) per hour for the 48 weekday/weekend × hour bins.
 * A contact's rate is a·μ_k with its level a ~ Gamma(α0, α0) (mean 1) integrated out, so a
 * class groups people with the same rhythm and different levels of use. The contact's
 * organic inbound messages are a second, scale-free view of the same rhythm: their bins
 * follow μ_k weighted by the hours each bin has in a week. The classes are fitted by EM;
 * a contact's presence is its posterior mix of them (contact → class → audience).
 */

/** What one contact's history says about when it is around. */
export interface PresenceEvidence {
  /** Bins of organic inbound messages. */
  inbound: number[];
  /** Bins in which a waiting Page message was read (events of the survival model). */
  reads: number[];
  /** Hours at risk by bin, for the bins with any: Page messages delivered, past their first minutes, not yet read. */
  exposedBins: number[];
  exposedHours: number[];
}

/** The exposure as 48 hours by bin. */
export function denseExposure(e: PresenceEvidence): Float64Array {
  const out = new Float64Array(BINS);
  e.exposedBins.forEach((b, j) => (out[b] = e.exposedHours[j] as number));
  return out;
}

/** Evidence from its parts; `exposure` is hours by bin (only the bins with hours are kept). */
export function makeEvidence(inbound: number[], reads: number[], exposure: Float64Array): PresenceEvidence {
  const exposedBins: number[] = [];
  const exposedHours: number[] = [];
  for (let b = 0; b < BINS; b++) {
    const x = exposure[b] as number;
    if (x > 0) {
      exposedBins.push(b);
      exposedHours.push(x);
    }
  }
  return { inbound, reads, exposedBins, exposedHours };
}

export interface PresenceModel {
  /** Mixing weights (sum 1). */
  weights: Float64Array;
  /** Presence rate per hour by bin, per class. */
  rates: Float64Array[];
  /** Shape α0 of the Gamma prior on a contact's level of use. */
  levelShape: number;
  iterations: number;
  /** Log-likelihood of the fitted contacts, up to a constant that depends only on the data. */
  logLikelihood: number;
}

export interface PresenceFitOptions {
  classes?: number;
  iterations?: number;
  /** Gamma shape α0 of the level of use (default 2: levels differ by a factor of a few). */
  levelShape?: number;
  /** Pseudo-hours of exposure at the audience's rates added to each class and bin (default 2). */
  smoothing?: number;
}

export interface EvidenceOptions {
  asOf: number;
  /** Reads this soon after delivery are the notification's doing, not a look at the app (default 20 min). */
  freshMinutes?: number;
  /** Waits are cut here (default 48 h). */
  maxWaitHours?: number;
  /** A wait this long with no read is most likely a message with no pull of its own, read only with a later one: left out (default 8 h). */
  dropUnreadHours?: number;
}

/** Hours each bin covers in a week (weekday bins recur 5 times, weekend bins twice). */
const HOURS_PER_WEEK = Float64Array.from({ length: BINS }, (_, b) => (b < 24 ? 5 : 2));
const HOUR_MS = 3_600_000;
const QUARTER_MS = 15 * 60_000;

// ── Evidence ────────────────────────────────────────────────────────────────

const offsetCache = new Map<string, Map<number, number>>();
/** Zone offset (ms) at an instant, cached per UTC quarter hour (offsets change only on quarter hours). */
export function zoneOffsetAt(t: number, zone: string): number {
  let m = offsetCache.get(zone);
  if (!m) {
    m = new Map();
    offsetCache.set(zone, m);
  }
  const q = Math.floor(t / QUARTER_MS);
  let o = m.get(q);
  if (o === undefined) {
    o = zoneOffsetMinutes(q * QUARTER_MS, zone) * 60_000;
    if (m.size > 500_000) m.clear();
    m.set(q, o);
  }
  return o;
}

/** Local weekday/weekend × hour bin of an instant. */
export function binAt(t: number, zone: string): number {
  return binOfLocal(t + zoneOffsetAt(t, zone));
}

/** Hour-of-week cell (Monday 00:00 = 0) of a local wall-clock instant expressed as ms since the epoch. */
export function cellOfLocal(local: number): number {
  const hourIndex = Math.floor(local / HOUR_MS);
  // 1970-01-01 was a Thursday: weekday 3 when Monday is 0.
  const weekday = (((Math.floor(hourIndex / 24) + 3) % 7) + 7) % 7;
  return weekday * 24 + (((hourIndex % 24) + 24) % 24);
}

/** Bin of a local wall-clock instant. */
function binOfLocal(local: number): number {
  return binOfCell(cellOfLocal(local));
}

/** Adds the hours of [from, to) to `exposure` by local bin, across DST changes. */
export function addExposure(exposure: Float64Array, from: number, to: number, zone: string): void {
  const off = zoneOffsetAt(from, zone);
  if (zoneOffsetAt(to, zone) !== off) {
    // An offset change inside the wait: walk quarter hours, each with its own offset.
    for (let t = from; t < to; ) {
      const next = Math.min(to, (Math.floor(t / QUARTER_MS) + 1) * QUARTER_MS);
      const b = binAt(t, zone);
      exposure[b] = (exposure[b] as number) + (next - t) / HOUR_MS;
      t = next;
    }
    return;
  }
  const end = to + off;
  for (let t = from + off; t < end; ) {
    const next = Math.min(end, (Math.floor(t / HOUR_MS) + 1) * HOUR_MS);
    const b = binOfLocal(t);
    exposure[b] = (exposure[b] as number) + (next - t) / HOUR_MS;
    t = next;
  }
}

const scratchExposure = new Float64Array(BINS);
const NO_BINS: number[] = [];

/** A read this close to one of the person's own messages came from opening the thread to write. */
const WROTE_MS = 2 * 60_000;

/**
 * One contact's presence evidence. `inboundBins` are its organic messages' bins; `inbound`
 * all its messages' times (sorted); `outbound` the Page's messages. Each delivered Page
 * message's wait starts `freshMinutes` after delivery (a read before that is left out) and
 * ends at its read, or is censored at the next Page message (whose notification may be
 * what opens the thread), at `asOf` or after `maxWaitHours`. A read within two minutes of
 * one of the person's own messages is left out: writing opens the thread and reads
 * everything, whether or not this message would have drawn the person in.
 */
export function presenceEvidence(
  zone: string,
  inboundBins: readonly number[],
  inbound: ArrayLike<number>,
  outbound: readonly { sentAt: number; deliveredAt: number | null; readAt: number | null }[],
  options: EvidenceOptions,
): PresenceEvidence {
  const freshMs = (options.freshMinutes ?? 20) * 60_000;
  const maxWaitMs = (options.maxWaitHours ?? 48) * HOUR_MS;
  const dropMs = (options.dropUnreadHours ?? 8) * HOUR_MS;
  const exposure = scratchExposure.fill(0);
  const reads: number[] = [];
  let order: number[] | null = null;
  for (let i = 1; i < outbound.length; i++) {
    if ((outbound[i] as { sentAt: number }).sentAt < (outbound[i - 1] as { sentAt: number }).sentAt) {
      order = outbound.map((_, j) => j).sort((a, b) => (outbound[a] as { sentAt: number }).sentAt - (outbound[b] as { sentAt: number }).sentAt);
      break;
    }
  }
  const at = (x: number) => outbound[order ? (order[x] as number) : x] as (typeof outbound)[number];
  const n = outbound.length;
  for (let x = 0; x < n; x++) {
    const m = at(x);
    if (m.deliveredAt === null && m.readAt === null) continue;
    const from = (m.deliveredAt ?? m.sentAt) + freshMs;
    if (m.readAt !== null && m.readAt <= from) continue;
    const nextSend = x + 1 < n ? at(x + 1).sentAt : Infinity;
    const censor = Math.min(nextSend, options.asOf, from + maxWaitMs);
    if (censor <= from) continue;
    const read = m.readAt !== null && m.readAt <= censor;
    if (read) {
      const j = lowerBound(inbound, (m.readAt as number) - WROTE_MS);
      if (j < inbound.length && (inbound[j] as number) <= (m.readAt as number) + WROTE_MS) continue;
    } else if (censor - from > dropMs) continue;
    const to = read ? (m.readAt as number) : censor;
    addExposure(exposure, from, to, zone);
    if (read) reads.push(binAt(to, zone));
  }
  return makeEvidence(inboundBins.length > 0 ? [...inboundBins] : NO_BINS, reads.length > 0 ? reads : NO_BINS, exposure);
}

// ── Model ───────────────────────────────────────────────────────────────────

interface ClassLogs {
  logWeight: number;
  logRates: Float64Array;
  /** log of the share of a week's presence falling in each bin. */
  logWeekShare: Float64Array;
  weekTotal: number;
}

function classLogs(rates: Float64Array, weight: number): ClassLogs {
  let weekTotal = 0;
  for (let b = 0; b < BINS; b++) weekTotal += (rates[b] as number) * (HOURS_PER_WEEK[b] as number);
  return {
    logWeight: Math.log(weight),
    logRates: rates.map(Math.log),
    logWeekShare: rates.map((r, b) => Math.log((r * (HOURS_PER_WEEK[b] as number)) / weekTotal)),
    weekTotal,
  };
}

function hasEvidence(e: PresenceEvidence): boolean {
  return e.inbound.length > 0 || e.reads.length > 0;
}

function expectedEvents(e: PresenceEvidence, rates: Float64Array): number {
  let s = 0;
  const bins = e.exposedBins;
  const hours = e.exposedHours;
  for (let j = 0; j < bins.length; j++) s += (hours[j] as number) * (rates[bins[j] as number] as number);
  return s;
}

/**
 * log p(evidence | class) up to terms that do not depend on the class: reads are a Poisson
 * process a·μ_k over the exposure with a ~ Gamma(α0, α0) integrated out
 * (Σ log μ_k(read bins) − (α0 + n) log(α0 + Σ_b X_b μ_k(b))), inbound bins a multinomial.
 */
function classLogLik(e: PresenceEvidence, logs: ClassLogs, shape: number, expected: number): number {
  let s = 0;
  for (const b of e.reads) s += logs.logRates[b] as number;
  s -= (shape + e.reads.length) * Math.log(shape + expected);
  for (const b of e.inbound) s += logs.logWeekShare[b] as number;
  return s;
}

const logsCache = new WeakMap<PresenceModel, ClassLogs[]>();
function logsOf(m: PresenceModel): ClassLogs[] {
  let l = logsCache.get(m);
  if (!l) {
    l = m.rates.map((r, k) => classLogs(r, m.weights[k] as number));
    logsCache.set(m, l);
  }
  return l;
}

/**
 * Fills `out` with the contact's posterior class weights and `expected` with its expected
 * number of reads under each class at level 1; returns the log of the weights' normaliser.
 */
function posteriorInto(m: PresenceModel, e: PresenceEvidence, logs: readonly ClassLogs[], out: Float64Array, expected: Float64Array): number {
  const K = m.weights.length;
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    const l = logs[k] as ClassLogs;
    const x = expectedEvents(e, m.rates[k] as Float64Array);
    expected[k] = x;
    const v = l.logWeight + classLogLik(e, l, m.levelShape, x);
    out[k] = v;
    if (v > max) max = v;
  }
  let z = 0;
  for (let k = 0; k < K; k++) {
    const v = Math.exp((out[k] as number) - max);
    out[k] = v;
    z += v;
  }
  for (let k = 0; k < K; k++) out[k] = (out[k] as number) / z;
  return max + Math.log(z);
}

/** Posterior class weights of one contact. */
export function presencePosterior(m: PresenceModel, e: PresenceEvidence): Float64Array {
  const out = new Float64Array(m.weights.length);
  posteriorInto(m, e, logsOf(m), out, new Float64Array(m.weights.length));
  return out;
}

/** The audience's rates: pooled reads over pooled exposure, averaged with the inbound messages' shape brought to that scale. */
function audienceRates(evidence: readonly PresenceEvidence[]): Float64Array {
  const ev = new Float64Array(BINS).fill(0.5);
  const ex = new Float64Array(BINS).fill(0.5);
  for (const e of evidence) {
    for (const b of e.reads) ev[b] = (ev[b] as number) + 1;
    e.exposedBins.forEach((b, j) => (ex[b] = (ex[b] as number) + (e.exposedHours[j] as number)));
  }
  const readRates = ev.map((v, b) => v / (ex[b] as number));
  const inb = new Float64Array(BINS);
  let inboundTotal = 0;
  for (const e of evidence)
    for (const b of e.inbound) {
      inb[b] = (inb[b] as number) + 1;
      inboundTotal++;
    }
  if (inboundTotal === 0) return readRates;
  let week = 0;
  for (let b = 0; b < BINS; b++) week += (readRates[b] as number) * (HOURS_PER_WEEK[b] as number);
  return readRates.map((r, b) => {
    const inboundRate = (((inb[b] as number) + 0.5) / (inboundTotal + 0.5 * BINS) / (HOURS_PER_WEEK[b] as number)) * week;
    return 0.5 * r + 0.5 * inboundRate;
  });
}

/**
 * EM from a deterministic start: class k begins as the audience's rates with a bump around
 * hour 24·k/K (morning people, lunch people, evening people, …), so the same data always
 * gives the same classes.
 */
export function fitPresence(evidence: readonly PresenceEvidence[], options: PresenceFitOptions = {}): PresenceModel {
  const K = Math.max(1, options.classes ?? 16);
  const maxIterations = options.iterations ?? 20;
  const shape = options.levelShape ?? 2;
  const smoothing = options.smoothing ?? 2;
  const used = evidence.filter(hasEvidence);
  const base = audienceRates(used);
  let rates: Float64Array[] = [];
  for (let k = 0; k < K; k++) {
    const peak = (24 * k) / K;
    rates.push(
      base.map((r, b) => {
        const d = Math.min(Math.abs((b % 24) - peak), 24 - Math.abs((b % 24) - peak));
        return r * (0.4 + 2 * Math.exp(-(d * d) / 8));
      }),
    );
  }
  let weights = new Float64Array(K).fill(1 / K);
  let lastMass = new Float64Array(K);
  let ll = 0;
  let it = 0;
  const post = new Float64Array(K);
  const expected = new Float64Array(K);
  for (; it < maxIterations; it++) {
    const model: PresenceModel = { weights, rates, levelShape: shape, iterations: it, logLikelihood: 0 };
    const logs = rates.map((r, k) => classLogs(r, weights[k] as number));
    const num = rates.map(() => new Float64Array(BINS));
    const den = rates.map(() => new Float64Array(BINS));
    const mass = new Float64Array(K);
    // Inbound exposure is n_in · hours(b) / weekly total for every bin: one scalar per class, spread after the loop.
    const inboundScale = new Float64Array(K);
    ll = 0;
    for (const e of used) {
      ll += posteriorInto(model, e, logs, post, expected);
      const n = e.reads.length;
      for (let k = 0; k < K; k++) {
        const w = post[k] as number;
        if (w < 1e-9) continue;
        mass[k] = (mass[k] as number) + w;
        const nk = num[k] as Float64Array;
        const dk = den[k] as Float64Array;
        // Reads: events over exposure scaled by the contact's expected level under this class.
        const level = (shape + n) / (shape + (expected[k] as number));
        for (const b of e.reads) nk[b] = (nk[b] as number) + w;
        const wl = w * level;
        const bins = e.exposedBins;
        const hours = e.exposedHours;
        for (let j = 0; j < bins.length; j++) {
          const b = bins[j] as number;
          dk[b] = (dk[b] as number) + wl * (hours[j] as number);
        }
        if (e.inbound.length > 0) {
          // Inbound as Poisson counts with a free level of their own.
          for (const b of e.inbound) nk[b] = (nk[b] as number) + w;
          inboundScale[k] = (inboundScale[k] as number) + (w * e.inbound.length) / (logs[k] as ClassLogs).weekTotal;
        }
      }
    }
    for (let k = 0; k < K; k++) {
      const dk = den[k] as Float64Array;
      const scale = inboundScale[k] as number;
      for (let b = 0; b < BINS; b++) dk[b] = (dk[b] as number) + scale * (HOURS_PER_WEEK[b] as number);
    }
    weights = mass.map((m) => (m + 1) / (used.length + K));
    rates = num.map((nk, k) => nk.map((v, b) => (v + smoothing * (base[b] as number)) / (((den[k] as Float64Array)[b] as number) + smoothing)));
    // Converged when no class gains or loses more than a thousandth of a contact.
    let change = 0;
    for (let k = 0; k < K; k++) change = Math.max(change, Math.abs((mass[k] as number) - (lastMass[k] as number)));
    lastMass = mass;
    if (it > 5 && change < 1e-3) break;
  }
  return { weights, rates, levelShape: shape, iterations: it, logLikelihood: ll };
}

/** A contact's expected presence rate per hour by bin: its posterior mix of the classes, each at its expected level there. */
function presenceByBin(m: PresenceModel, e: PresenceEvidence, logs: readonly ClassLogs[], post: Float64Array, expected: Float64Array, mix: Float64Array): void {
  posteriorInto(m, e, logs, post, expected);
  mix.fill(0);
  const n = e.reads.length;
  for (let k = 0; k < post.length; k++) {
    const w = post[k] as number;
    if (w < 1e-9) continue;
    const r = m.rates[k] as Float64Array;
    const wl = (w * (m.levelShape + n)) / (m.levelShape + (expected[k] as number));
    for (let b = 0; b < BINS; b++) mix[b] = (mix[b] as number) + wl * (r[b] as number);
  }
}

/** A contact's expected presence rate per hour for each hour-of-week cell. */
export function contactPresence(m: PresenceModel, e: PresenceEvidence): Float64Array {
  const mix = new Float64Array(BINS);
  presenceByBin(m, e, logsOf(m), new Float64Array(m.weights.length), new Float64Array(m.weights.length), mix);
  const out = new Float64Array(CELLS);
  for (let cell = 0; cell < CELLS; cell++) out[cell] = mix[binOfCell(cell)] as number;
  return out;
}

/**
 * Computes many contacts' reach lifts with shared buffers: for each, the chance of a look within
 * H of a send at each cell (`reachWithin` of its presence), scaled to mean 1 over the week.
 */
export class PresenceLifts {
  private readonly logs: ClassLogs[];
  private readonly post: Float64Array;
  private readonly expected: Float64Array;
  private readonly mix = new Float64Array(BINS);
  private readonly rates = new Float64Array(CELLS);
  private readonly binReach = new Float64Array(BINS);
  /** `capacity`: how many lifts will be asked for (they are allocated at once). */
  constructor(
    private readonly m: PresenceModel,
    private readonly horizonMinutes: number,
    capacity = 4096,
  ) {
    this.block = new Float64Array(CELLS * Math.max(1, capacity));
    this.logs = logsOf(m);
    this.post = new Float64Array(m.weights.length);
    this.expected = new Float64Array(m.weights.length);
  }

  private block: Float64Array;
  private used = 0;

  /** Lifts live in one block (views into it), not one small array each: far less for the garbage collector. */
  private next(): Float64Array {
    if (this.used + CELLS > this.block.length) {
      this.block = new Float64Array(CELLS * 4096);
      this.used = 0;
    }
    const out = this.block.subarray(this.used, this.used + CELLS);
    this.used += CELLS;
    return out;
  }

  lift(e: PresenceEvidence): Float64Array {
    presenceByBin(this.m, e, this.logs, this.post, this.expected, this.mix);
    const out = this.next();
    const hours = this.horizonMinutes / 60;
    if (hours <= 1) {
      // The horizon stays inside the send's hour: one value per bin.
      for (let b = 0; b < BINS; b++) this.binReach[b] = 1 - Math.exp(-(this.mix[b] as number) * hours);
      for (let cell = 0; cell < CELLS; cell++) out[cell] = this.binReach[binOfCell(cell)] as number;
    } else {
      for (let cell = 0; cell < CELLS; cell++) this.rates[cell] = this.mix[binOfCell(cell)] as number;
      out.set(reachWithin(this.rates, this.horizonMinutes));
    }
    let sum = 0;
    for (let cell = 0; cell < CELLS; cell++) sum += out[cell] as number;
    const mean = sum / CELLS;
    if (mean > 0) for (let cell = 0; cell < CELLS; cell++) out[cell] = (out[cell] as number) / mean;
    else out.fill(1);
    return out;
  }
}

/** Chance of at least one look within H of a send at the start of each cell, from presence rates per hour. */
export function reachWithin(rates: Float64Array, horizonMinutes: number): Float64Array {
  const hours = horizonMinutes / 60;
  const span = Math.min(CELLS, Math.max(1, Math.ceil(hours)));
  const out = new Float64Array(CELLS);
  for (let k = 0; k < CELLS; k++) {
    let lam = 0;
    for (let j = 0; j < span; j++) lam += (rates[(k + j) % CELLS] as number) * Math.min(1, hours - j);
    out[k] = 1 - Math.exp(-lam);
  }
  return out;
}
