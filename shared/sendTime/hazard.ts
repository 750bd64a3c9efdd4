import { CELLS } from '../domain/sendTime';
import { zoneOffsetMinutes } from '../time/zones';
import { lowerBound } from '../search';
import { inHalves, resultMemory } from './halves';
import type { FitHelper } from './helper';
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

const DAY_MS = 86_400_000;
/** Days from 1970 to 2100: a zone's offsets for the days in this range are kept in one typed array. */
const CACHED_DAYS = 47_482;
/** A day whose offset is not known yet, and one whose offset changes during it (the quarter-hour cache answers then). */
const UNKNOWN = 0x7fff_ffff;
const CHANGES = -0x8000_0000;

interface ZoneOffsets {
  /** Offset (ms) of each UTC day when constant over it, else CHANGES or UNKNOWN. */
  days: Int32Array;
  quarters: Map<number, number>;
}

const offsetCache = new Map<string, ZoneOffsets>();
let lastZone = '';
let lastOffsets: ZoneOffsets | null = null;

function offsetsOf(zone: string): ZoneOffsets {
  if (zone === lastZone && lastOffsets) return lastOffsets;
  let z = offsetCache.get(zone);
  if (!z) {
    z = { days: new Int32Array(CACHED_DAYS).fill(UNKNOWN), quarters: new Map() };
    offsetCache.set(zone, z);
  }
  lastZone = zone;
  lastOffsets = z;
  return z;
}

/**
 * Zone offset (ms) at an instant. Offsets change only on quarter hours and at most once a
 * day, so a day whose start and next day's start share an offset has it throughout (one
 * array read); days with a change are cached per UTC quarter hour (Intl is slow).
 */
export function zoneOffsetAt(t: number, zone: string): number {
  const z = offsetsOf(zone);
  const d = Math.floor(t / DAY_MS);
  if (d >= 0 && d < CACHED_DAYS) {
    let o = z.days[d] as number;
    if (o === UNKNOWN) {
      const start = zoneOffsetMinutes(d * DAY_MS, zone);
      o = start === zoneOffsetMinutes((d + 1) * DAY_MS, zone) ? start * 60_000 : CHANGES;
      z.days[d] = o;
    }
    if (o !== CHANGES) return o;
  }
  const q = Math.floor(t / QUARTER_MS);
  let o = z.quarters.get(q);
  if (o === undefined) {
    o = zoneOffsetMinutes(q * QUARTER_MS, zone) * 60_000;
    if (z.quarters.size > 500_000) z.quarters.clear();
    z.quarters.set(q, o);
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

/** A read this close to one of the person's own messages came from opening the thread to write. */
const WROTE_MS = 2 * 60_000;

/** Many contacts' evidence in flat typed arrays, contact i's entries at [off[i], off[i + 1]). */
export interface FlatEvidence {
  size: number;
  reads: Uint8Array;
  readOff: Int32Array;
  inbound: Uint8Array;
  inOff: Int32Array;
  expBins: Uint8Array;
  expHours: Float64Array;
  expOff: Int32Array;
}

/**
 * Builds many contacts' presence evidence straight into flat lists (no objects per contact:
 * a fit on 100 000 contacts would otherwise keep half a million small arrays alive).
 *
 * A contact's evidence: `inboundBins` are its organic messages' bins; `inbound` all its
 * messages' times (sorted); `outbound` the Page's messages. Each delivered Page message's
 * wait starts `freshMinutes` after delivery (a read before that is left out) and ends at its
 * read, or is censored at the next Page message (whose notification may be what opens the
 * thread), at `asOf` or after `maxWaitHours`. A read within two minutes of one of the
 * person's own messages is left out: writing opens the thread and reads everything, whether
 * or not this message would have drawn the person in.
 */
export class EvidenceBuilder {
  private readonly reads: number[] = [];
  private readonly readOff: number[] = [0];
  private readonly inbound: number[] = [];
  private readonly inOff: number[] = [0];
  private readonly expBins: number[] = [];
  private readonly expHours: number[] = [];
  private readonly expOff: number[] = [0];
  private readonly exposure = new Float64Array(BINS);
  private readonly freshMs: number;
  private readonly maxWaitMs: number;
  private readonly dropMs: number;

  constructor(private readonly options: EvidenceOptions) {
    this.freshMs = (options.freshMinutes ?? 20) * 60_000;
    this.maxWaitMs = (options.maxWaitHours ?? 48) * HOUR_MS;
    this.dropMs = (options.dropUnreadHours ?? 8) * HOUR_MS;
  }

  /** Appends one contact's evidence. */
  add(zone: string, inboundBins: ArrayLike<number>, inbound: ArrayLike<number>, outbound: readonly { sentAt: number; deliveredAt: number | null; readAt: number | null }[]): void {
    const exposure = this.exposure.fill(0);
    let order: number[] | null = null;
    for (let i = 1; i < outbound.length; i++) {
      if ((outbound[i] as { sentAt: number }).sentAt < (outbound[i - 1] as { sentAt: number }).sentAt) {
        order = sortedBySentAt(outbound);
        break;
      }
    }
    const at = (x: number) => outbound[order ? (order[x] as number) : x] as (typeof outbound)[number];
    const n = outbound.length;
    for (let x = 0; x < n; x++) {
      const m = at(x);
      if (m.deliveredAt === null && m.readAt === null) continue;
      const from = (m.deliveredAt ?? m.sentAt) + this.freshMs;
      if (m.readAt !== null && m.readAt <= from) continue;
      const nextSend = x + 1 < n ? at(x + 1).sentAt : Infinity;
      const censor = Math.min(nextSend, this.options.asOf, from + this.maxWaitMs);
      if (censor <= from) continue;
      const read = m.readAt !== null && m.readAt <= censor;
      if (read) {
        const j = lowerBound(inbound, (m.readAt as number) - WROTE_MS);
        if (j < inbound.length && (inbound[j] as number) <= (m.readAt as number) + WROTE_MS) continue;
      } else if (censor - from > this.dropMs) continue;
      const to = read ? (m.readAt as number) : censor;
      addExposure(exposure, from, to, zone);
      if (read) this.reads.push(binAt(to, zone));
    }
    for (let j = 0; j < inboundBins.length; j++) this.inbound.push(inboundBins[j] as number);
    for (let b = 0; b < BINS; b++) {
      const x = exposure[b] as number;
      if (x > 0) {
        this.expBins.push(b);
        this.expHours.push(x);
      }
    }
    this.readOff.push(this.reads.length);
    this.inOff.push(this.inbound.length);
    this.expOff.push(this.expBins.length);
  }

  build(): FlatEvidence {
    return {
      size: this.readOff.length - 1,
      reads: Uint8Array.from(this.reads),
      readOff: Int32Array.from(this.readOff),
      inbound: Uint8Array.from(this.inbound),
      inOff: Int32Array.from(this.inOff),
      expBins: Uint8Array.from(this.expBins),
      expHours: Float64Array.from(this.expHours),
      expOff: Int32Array.from(this.expOff),
    };
  }
}

/** Indices of `outbound` by send time, ties in their order: an insertion sort for a contact's few messages. */
function sortedBySentAt(outbound: readonly { sentAt: number }[]): number[] {
  const sentAt = (j: number) => (outbound[j] as { sentAt: number }).sentAt;
  if (outbound.length > 64) return outbound.map((_, j) => j).sort((a, b) => sentAt(a) - sentAt(b));
  const order: number[] = [];
  for (let j = 0; j < outbound.length; j++) {
    let k = j;
    while (k > 0 && sentAt(order[k - 1] as number) > sentAt(j)) {
      order[k] = order[k - 1] as number;
      k--;
    }
    order[k] = j;
  }
  return order;
}

/** One contact's presence evidence (see `EvidenceBuilder`). */
export function presenceEvidence(
  zone: string,
  inboundBins: readonly number[],
  inbound: ArrayLike<number>,
  outbound: readonly { sentAt: number; deliveredAt: number | null; readAt: number | null }[],
  options: EvidenceOptions,
): PresenceEvidence {
  const builder = new EvidenceBuilder(options);
  builder.add(zone, inboundBins, inbound, outbound);
  return evidenceAt(builder.build(), 0);
}

/** Many contacts' evidence as flat arrays. */
export function flatten(evidence: readonly PresenceEvidence[]): FlatEvidence {
  let nr = 0;
  let ni = 0;
  let nx = 0;
  for (const e of evidence) {
    nr += e.reads.length;
    ni += e.inbound.length;
    nx += e.exposedBins.length;
  }
  const f: FlatEvidence = {
    size: evidence.length,
    reads: new Uint8Array(nr),
    readOff: new Int32Array(evidence.length + 1),
    inbound: new Uint8Array(ni),
    inOff: new Int32Array(evidence.length + 1),
    expBins: new Uint8Array(nx),
    expHours: new Float64Array(nx),
    expOff: new Int32Array(evidence.length + 1),
  };
  nr = ni = nx = 0;
  evidence.forEach((e, i) => {
    f.reads.set(e.reads, nr);
    f.inbound.set(e.inbound, ni);
    f.expBins.set(e.exposedBins, nx);
    f.expHours.set(e.exposedHours, nx);
    nr += e.reads.length;
    ni += e.inbound.length;
    nx += e.exposedBins.length;
    f.readOff[i + 1] = nr;
    f.inOff[i + 1] = ni;
    f.expOff[i + 1] = nx;
  });
  return f;
}

/** Contact i of flat evidence as its own object. */
export function evidenceAt(f: FlatEvidence, i: number): PresenceEvidence {
  const x0 = f.expOff[i] as number;
  const x1 = f.expOff[i + 1] as number;
  return {
    inbound: Array.from(f.inbound.subarray(f.inOff[i] as number, f.inOff[i + 1] as number)),
    reads: Array.from(f.reads.subarray(f.readOff[i] as number, f.readOff[i + 1] as number)),
    exposedBins: Array.from(f.expBins.subarray(x0, x1)),
    exposedHours: Array.from(f.expHours.subarray(x0, x1)),
  };
}

/** The contacts `indices` of flat evidence, in that order. */
export function subsetEvidence(f: FlatEvidence, indices: readonly number[]): FlatEvidence {
  return flatten(indices.map((i) => evidenceAt(f, i)));
}

/** Does contact i have reads or inbound messages (anything that tells classes apart)? */
export function hasEvidenceAt(f: FlatEvidence, i: number): boolean {
  return (f.readOff[i + 1] as number) > (f.readOff[i] as number) || (f.inOff[i + 1] as number) > (f.inOff[i] as number);
}

// ── Model ───────────────────────────────────────────────────────────────────

/** The classes' rates and their logs in K × 48 blocks (class k's bins at [48k, 48k + 48)). */
export interface ClassTables {
  K: number;
  shape: number;
  rates: Float64Array;
  logRates: Float64Array;
  /** log of the share of a week's presence falling in each bin. */
  logWeekShare: Float64Array;
  logWeight: Float64Array;
  weekTotal: Float64Array;
}

function classTables(rates: readonly Float64Array[], weights: Float64Array, shape: number, into?: ClassTables): ClassTables {
  const K = rates.length;
  const t = into ?? {
    K,
    shape,
    rates: new Float64Array(K * BINS),
    logRates: new Float64Array(K * BINS),
    logWeekShare: new Float64Array(K * BINS),
    logWeight: new Float64Array(K),
    weekTotal: new Float64Array(K),
  };
  for (let k = 0; k < K; k++) {
    const r = rates[k] as Float64Array;
    let weekTotal = 0;
    for (let b = 0; b < BINS; b++) weekTotal += (r[b] as number) * (HOURS_PER_WEEK[b] as number);
    t.rates.set(r, k * BINS);
    for (let b = 0; b < BINS; b++) {
      t.logRates[k * BINS + b] = Math.log(r[b] as number);
      t.logWeekShare[k * BINS + b] = Math.log(((r[b] as number) * (HOURS_PER_WEEK[b] as number)) / weekTotal);
    }
    t.logWeight[k] = Math.log(weights[k] as number);
    t.weekTotal[k] = weekTotal;
  }
  return t;
}

const tablesCache = new WeakMap<PresenceModel, ClassTables>();
function tablesOf(m: PresenceModel): ClassTables {
  let t = tablesCache.get(m);
  if (!t) {
    t = classTables(m.rates, m.weights, m.levelShape);
    tablesCache.set(m, t);
  }
  return t;
}

/** Where one contact's reads [r0, r1), inbound bins [i0, i1) and exposure [x0, x1) are in flat evidence (one object, refilled per contact). */
class Span {
  r0 = 0;
  r1 = 0;
  i0 = 0;
  i1 = 0;
  x0 = 0;
  x1 = 0;
  of(f: FlatEvidence, i: number): this {
    this.r0 = f.readOff[i] as number;
    this.r1 = f.readOff[i + 1] as number;
    this.i0 = f.inOff[i] as number;
    this.i1 = f.inOff[i + 1] as number;
    this.x0 = f.expOff[i] as number;
    this.x1 = f.expOff[i + 1] as number;
    return this;
  }
}

/**
 * A contact's posterior class weights into `out`, its expected number of reads under each
 * class at level 1 into `expected`; returns the log of the weights' normaliser. Per class,
 * log p(evidence | class) up to terms that do not depend on the class: reads are a Poisson
 * process a·μ_k over the exposure with a ~ Gamma(α0, α0) integrated out
 * (Σ log μ_k(read bins) − (α0 + n) log(α0 + Σ_b X_b μ_k(b))), inbound bins a multinomial.
 */
function posteriorAt(t: ClassTables, f: FlatEvidence, c: Span, out: Float64Array, expected: Float64Array): number {
  const { r0, r1, i0, i1, x0, x1 } = c;
  const n = r1 - r0;
  let max = -Infinity;
  for (let k = 0; k < t.K; k++) {
    const base = k * BINS;
    let x = 0;
    for (let j = x0; j < x1; j++) x += (f.expHours[j] as number) * (t.rates[base + (f.expBins[j] as number)] as number);
    expected[k] = x;
    let v = 0;
    for (let j = r0; j < r1; j++) v += t.logRates[base + (f.reads[j] as number)] as number;
    v -= (t.shape + n) * Math.log(t.shape + x);
    for (let j = i0; j < i1; j++) v += t.logWeekShare[base + (f.inbound[j] as number)] as number;
    v = (t.logWeight[k] as number) + v;
    out[k] = v;
    if (v > max) max = v;
  }
  let z = 0;
  for (let k = 0; k < t.K; k++) {
    const v = Math.exp((out[k] as number) - max);
    out[k] = v;
    z += v;
  }
  for (let k = 0; k < t.K; k++) out[k] = (out[k] as number) / z;
  return max + Math.log(z);
}

/** Posterior class weights of one contact. */
export function presencePosterior(m: PresenceModel, e: PresenceEvidence): Float64Array {
  const out = new Float64Array(m.weights.length);
  const f = flatten([e]);
  posteriorAt(tablesOf(m), f, new Span().of(f, 0), out, new Float64Array(m.weights.length));
  return out;
}

/** The audience's rates: pooled reads over pooled exposure, averaged with the inbound messages' shape brought to that scale. */
function audienceRates(f: FlatEvidence): Float64Array {
  const ev = new Float64Array(BINS).fill(0.5);
  const ex = new Float64Array(BINS).fill(0.5);
  for (let i = 0; i < f.size; i++) {
    for (let j = f.readOff[i] as number; j < (f.readOff[i + 1] as number); j++) ev[f.reads[j] as number] = (ev[f.reads[j] as number] as number) + 1;
    for (let j = f.expOff[i] as number; j < (f.expOff[i + 1] as number); j++) ex[f.expBins[j] as number] = (ex[f.expBins[j] as number] as number) + (f.expHours[j] as number);
  }
  const readRates = ev.map((v, b) => v / (ex[b] as number));
  const inb = new Float64Array(BINS);
  for (const b of f.inbound) inb[b] = (inb[b] as number) + 1;
  const inboundTotal = f.inbound.length;
  if (inboundTotal === 0) return readRates;
  let week = 0;
  for (let b = 0; b < BINS; b++) week += (readRates[b] as number) * (HOURS_PER_WEEK[b] as number);
  return readRates.map((r, b) => {
    const inboundRate = (((inb[b] as number) + 0.5) / (inboundTotal + 0.5 * BINS) / (HOURS_PER_WEEK[b] as number)) * week;
    return 0.5 * r + 0.5 * inboundRate;
  });
}

/** Contacts [from, to) of flat evidence (copies, so a helper thread gets only its part; all of them is the evidence itself). */
export function sliceEvidence(f: FlatEvidence, from: number, to: number): FlatEvidence {
  if (from === 0 && to === f.size) return f;
  const rebase = (off: Int32Array) => {
    const out = off.slice(from, to + 1);
    const start = out[0] as number;
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) - start;
    return out;
  };
  return {
    size: to - from,
    reads: f.reads.slice(f.readOff[from] as number, f.readOff[to] as number),
    readOff: rebase(f.readOff),
    inbound: f.inbound.slice(f.inOff[from] as number, f.inOff[to] as number),
    inOff: rebase(f.inOff),
    expBins: f.expBins.slice(f.expOff[from] as number, f.expOff[to] as number),
    expHours: f.expHours.slice(f.expOff[from] as number, f.expOff[to] as number),
    expOff: rebase(f.expOff),
  };
}

/** Length of one EM step's sums: reads and inbound by class × bin, exposure by class × bin, mass and inbound scale by class, log-likelihood. */
export function emSumsLength(K: number): number {
  return 2 * K * BINS + 2 * K + 1;
}

/**
 * One EM step's sums over some contacts (E step: each contact's posterior over the classes;
 * the M step then divides events by exposure): into `out`, laid out as `emSumsLength` says.
 */
export function emSums(t: ClassTables, f: FlatEvidence, out: Float64Array): void {
  const K = t.K;
  const shape = t.shape;
  out.fill(0);
  const den = K * BINS;
  const mass = 2 * K * BINS;
  const inboundScale = mass + K;
  const post = new Float64Array(K);
  const expected = new Float64Array(K);
  const span = new Span();
  let ll = 0;
  for (let i = 0; i < f.size; i++) {
    const { r0, r1, i0, i1, x0, x1 } = span.of(f, i);
    ll += posteriorAt(t, f, span, post, expected);
    const n = r1 - r0;
    for (let k = 0; k < K; k++) {
      const w = post[k] as number;
      if (w < 1e-9) continue;
      out[mass + k] = (out[mass + k] as number) + w;
      const base = k * BINS;
      // Reads: events over exposure scaled by the contact's expected level under this class.
      const level = (shape + n) / (shape + (expected[k] as number));
      for (let j = r0; j < r1; j++) {
        const at = base + (f.reads[j] as number);
        out[at] = (out[at] as number) + w;
      }
      const wl = w * level;
      for (let j = x0; j < x1; j++) {
        const at = den + base + (f.expBins[j] as number);
        out[at] = (out[at] as number) + wl * (f.expHours[j] as number);
      }
      if (i1 > i0) {
        // Inbound as Poisson counts with a free level of their own.
        for (let j = i0; j < i1; j++) {
          const at = base + (f.inbound[j] as number);
          out[at] = (out[at] as number) + w;
        }
        out[inboundScale + k] = (out[inboundScale + k] as number) + (w * (i1 - i0)) / (t.weekTotal[k] as number);
      }
    }
  }
  out[out.length - 1] = ll;
}

/**
 * EM from a deterministic start: class k begins as the audience's rates with a bump around
 * hour 24·k/K (morning people, lunch people, evening people, …), so the same data always
 * gives the same classes.
 */
export function fitPresence(evidence: readonly PresenceEvidence[] | FlatEvidence, options: PresenceFitOptions = {}, helper?: FitHelper): PresenceModel {
  const K = Math.max(1, options.classes ?? 16);
  const maxIterations = options.iterations ?? 20;
  const shape = options.levelShape ?? 2;
  const smoothing = options.smoothing ?? 2;
  const all = Array.isArray(evidence) ? flatten(evidence) : (evidence as FlatEvidence);
  const usedIndices: number[] = [];
  for (let i = 0; i < all.size; i++) if (hasEvidenceAt(all, i)) usedIndices.push(i);
  // The evidence in flat arrays and the classes in K × 48 tables: the loops below run 20 times over thousands of contacts.
  const flat = usedIndices.length === all.size ? all : subsetEvidence(all, usedIndices);
  const base = audienceRates(flat);
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
  let tables: ClassTables | undefined;
  // Each iteration sums two fixed halves of the contacts and adds them up: the same numbers
  // whether the second half ran here or on a helper thread.
  const half = Math.floor(flat.size / 2);
  const first = sliceEvidence(flat, 0, half);
  const second = sliceEvidence(flat, half, flat.size);
  const length = emSumsLength(K);
  const sums0 = new Float64Array(length);
  let sums1 = resultMemory(helper, length);
  let useHelper = helper !== undefined;
  const num = new Float64Array(K * BINS);
  const den = new Float64Array(K * BINS);
  for (; it < maxIterations; it++) {
    tables = classTables(rates, weights, shape, tables);
    if (useHelper) (helper as FitHelper).post({ kind: 'em', tables, evidence: second, out: sums1 });
    emSums(tables, first, sums0);
    if (useHelper && !(helper as FitHelper).wait()) {
      // The helper failed: this thread does its half, here and from now on.
      useHelper = false;
      sums1 = new Float64Array(length);
    }
    if (!useHelper) emSums(tables, second, sums1);
    for (let j = 0; j < 2 * K * BINS; j++) {
      const v = (sums0[j] as number) + (sums1[j] as number);
      if (j < K * BINS) num[j] = v;
      else den[j - K * BINS] = v;
    }
    const mass = new Float64Array(K);
    const inboundScale = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      mass[k] = (sums0[2 * K * BINS + k] as number) + (sums1[2 * K * BINS + k] as number);
      inboundScale[k] = (sums0[2 * K * BINS + K + k] as number) + (sums1[2 * K * BINS + K + k] as number);
    }
    ll = (sums0[length - 1] as number) + (sums1[length - 1] as number);
    // Inbound exposure is n_in · hours(b) / weekly total for every bin: one scalar per class, spread here.
    for (let k = 0; k < K; k++) {
      const scale = inboundScale[k] as number;
      for (let b = 0; b < BINS; b++) den[k * BINS + b] = (den[k * BINS + b] as number) + scale * (HOURS_PER_WEEK[b] as number);
    }
    weights = mass.map((m) => (m + 1) / (flat.size + K));
    rates = rates.map((_, k) => {
      const r = new Float64Array(BINS);
      for (let b = 0; b < BINS; b++) r[b] = ((num[k * BINS + b] as number) + smoothing * (base[b] as number)) / ((den[k * BINS + b] as number) + smoothing);
      return r;
    });
    // Converged when no class gains or loses more than a thousandth of a contact.
    let change = 0;
    for (let k = 0; k < K; k++) change = Math.max(change, Math.abs((mass[k] as number) - (lastMass[k] as number)));
    lastMass = mass;
    if (it > 5 && change < 1e-3) break;
  }
  return { weights, rates, levelShape: shape, iterations: it, logLikelihood: ll };
}

/** Contact i's expected presence rate per hour by bin: its posterior mix of the classes, each at its expected level there. */
function presenceAt(t: ClassTables, f: FlatEvidence, c: Span, post: Float64Array, expected: Float64Array, mix: Float64Array): void {
  posteriorAt(t, f, c, post, expected);
  mix.fill(0);
  const n = c.r1 - c.r0;
  for (let k = 0; k < t.K; k++) {
    const w = post[k] as number;
    if (w < 1e-9) continue;
    const base = k * BINS;
    const wl = (w * (t.shape + n)) / (t.shape + (expected[k] as number));
    for (let b = 0; b < BINS; b++) mix[b] = (mix[b] as number) + wl * (t.rates[base + b] as number);
  }
}

/** A contact's expected presence rate per hour for each hour-of-week cell. */
export function contactPresence(m: PresenceModel, e: PresenceEvidence): Float64Array {
  const mix = new Float64Array(BINS);
  const f = flatten([e]);
  presenceAt(tablesOf(m), f, new Span().of(f, 0), new Float64Array(m.weights.length), new Float64Array(m.weights.length), mix);
  const out = new Float64Array(CELLS);
  for (let cell = 0; cell < CELLS; cell++) out[cell] = mix[binOfCell(cell)] as number;
  return out;
}

/**
 * Lifts of many contacts in one block, row r at [r·width, (r + 1)·width): far less for the
 * garbage collector than one small array (or view) per contact. `width` is 168 (by cell), or
 * 48 (by bin) when the lift depends only on the weekday/weekend hour.
 */
export interface LiftTable {
  values: Float64Array;
  width: number;
}

/** Row `row`'s lift at an hour-of-week cell. */
export function liftOf(table: LiftTable, row: number, cell: number): number {
  return table.values[row * table.width + (table.width === CELLS ? cell : binOfCell(cell))] as number;
}

/**
 * Every contact's reach lift (row i for evidence i): the chance of a look within H of a send
 * at each cell (`reachWithin` of its presence), scaled to mean 1 over the week. With H up to
 * an hour a send's window stays inside its hour, so the lift depends only on the bin. With a
 * helper, the second half of the rows is computed on its thread (rows are independent: the
 * same numbers either way).
 */
export function presenceLifts(m: PresenceModel, evidence: readonly PresenceEvidence[] | FlatEvidence, horizonMinutes: number, helper?: FitHelper): LiftTable {
  const t = tablesOf(m);
  const f = Array.isArray(evidence) ? flatten(evidence) : (evidence as FlatEvidence);
  const width = horizonMinutes <= 60 ? BINS : CELLS;
  const values = resultMemory(helper, width * f.size);
  inHalves(
    helper,
    f.size,
    (half) => ({ kind: 'lifts', tables: t, evidence: sliceEvidence(f, half, f.size), firstRow: half, horizonMinutes, out: values }),
    (from, to) => liftRows(t, sliceEvidence(f, from, to), from, horizonMinutes, values),
  );
  return { values, width };
}

/** Lifts of the contacts of `f` into rows firstRow, firstRow + 1, … of `values` (48 or 168 values a row: see `presenceLifts`). */
export function liftRows(t: ClassTables, f: FlatEvidence, firstRow: number, horizonMinutes: number, values: Float64Array): void {
  const post = new Float64Array(t.K);
  const expected = new Float64Array(t.K);
  const mix = new Float64Array(BINS);
  const rates = new Float64Array(CELLS);
  const span = new Span();
  const width = horizonMinutes <= 60 ? BINS : CELLS;
  const hours = horizonMinutes / 60;
  for (let i = 0; i < f.size; i++) {
    presenceAt(t, f, span.of(f, i), post, expected, mix);
    const at = (firstRow + i) * width;
    let mean = 0;
    if (width === BINS) {
      for (let b = 0; b < BINS; b++) {
        const reach = 1 - Math.exp(-(mix[b] as number) * hours);
        values[at + b] = reach;
        mean += reach * (HOURS_PER_WEEK[b] as number);
      }
    } else {
      for (let cell = 0; cell < CELLS; cell++) rates[cell] = mix[binOfCell(cell)] as number;
      values.set(reachWithin(rates, horizonMinutes), at);
      for (let cell = 0; cell < CELLS; cell++) mean += values[at + cell] as number;
    }
    mean /= CELLS;
    if (mean > 0) for (let j = at; j < at + width; j++) values[j] = (values[j] as number) / mean;
    else values.fill(1, at, at + width);
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
