import { lowerBound } from '../search';
import { CELLS, type SendTimeCell, type SendTimeNote, type SendTimeReason } from '../domain/sendTime';
import { betaInterval, fitBetaPrior, type BetaPrior } from './beta';
import { EvidenceBuilder, cellOfLocal, fitPresence, hasEvidenceAt, liftOf, presenceLifts, subsetEvidence, zoneOffsetAt, type EvidenceOptions, type FlatEvidence, type LiftTable, type PresenceFitOptions, type PresenceModel } from './hazard';
import type { FitHelper } from './helper';
import { modelNotes, withNotes } from './notes';
import { binOfCell, contactDensity, fitRhythms, type RhythmMixture } from './rhythms';

/** One contact's history as the model reads it (UTC ms). */
export interface ContactHistory {
  contactId: number;
  psid: string;
  pageRef: number;
  /** Zone used for buckets: the contact's if known, else the Page's, else the workspace's. */
  zone: string;
  lastInboundAt: number | null;
  outbound: readonly { sentAt: number; deliveredAt: number | null; readAt: number | null }[];
  inbound: readonly number[];
}

export interface FitOptions {
  horizonMinutes: number;
  /** Messages sent less than H before this are pending: neither seen nor unseen. */
  asOf: number;
  /** A read or a delivery this long after the previous stage is not driven by the send (default 60 min). */
  lateMinutes?: number;
  /** A Page message this soon after an inbound one is conversation, not a send (default 60). */
  conversationMinutes?: number;
  /** Inbound within this long after a Page message was sent or read is a reply, not a sign of presence (default 20). */
  replyMinutes?: number;
  /** Count late deliveries and late reads as signs of presence (default false: their timing is censored by the send, see the assumptions). */
  lateSignals?: boolean;
  /** How a contact's reachability shape is pooled: latent audience rhythms (default) or a blend with the audience's profile. */
  shape?: 'presence' | 'rhythms' | 'blend';
  /** Presence classes and how waits are read (see `hazard.ts`). */
  presence?: PresenceFitOptions & Omit<EvidenceOptions, 'asOf'> & { fitContacts?: number };
  /** Number of latent rhythms (default 12). */
  rhythmClasses?: number;
  /** A second thread for half of the presence classes' EM sums and of the lifts (same numbers, less time). */
  helper?: FitHelper;
}

export interface ContactModel {
  contactId: number;
  psid: string;
  pageRef: number;
  zone: string;
  lastInboundAt: number | null;
  sends: number;
  seen: number;
  /** Posterior Beta of the contact's rate at the cells it was usually sent at. */
  posterior: BetaPrior;
  reason: SendTimeReason;
  /** Row of the model's `lifts` holding this contact's reachability lift for horizon H, mean 1 over the week (read it with `contactLift`). */
  liftRow: number;
  /** Mean lift over the cells this contact's rate was measured at. */
  referenceLift: number;
  /** This contact's cells with sends are entries [countsFrom, countsTo) of the model's `cellCounts`. */
  countsFrom: number;
  countsTo: number;
}

/** Sends and seen sends by (contact, cell), only where there were sends: a few entries per contact rather than 168. */
export interface CellCounts {
  cells: Int16Array;
  sends: Int32Array;
  seen: Int32Array;
}

export interface SendTimeModel {
  horizonMinutes: number;
  asOf: number;
  workspacePrior: BetaPrior;
  pagePriors: ReadonlyMap<number, BetaPrior>;
  /** Exponent applied to the reachability lift, fitted on past sends. */
  liftExponent: number;
  contacts: ReadonlyMap<number, ContactModel>;
  cellCounts: CellCounts;
  /** Every contact's reachability lift (contacts with the same lift share a row). */
  lifts: LiftTable;
  /** The audience's latent rhythms (null with the blend shape). */
  rhythms: RhythmMixture | null;
  /** The audience's presence classes (null unless the presence shape was fitted). */
  presence: PresenceModel | null;
  method: string;
  assumptions: string[];
  /** `assumptions` as keyed notes (shared/sendTime/notes.ts), for the UI's language. */
  notes: SendTimeNote[];
}

/** Pseudo-events of the workspace's activity profile a contact's own profile is blended with. */
const ACTIVITY_PRIOR_EVENTS = 10;
/** Sends at other cells count this much for a cell's evidence: they inform it only through the lift. */
const OTHER_CELL_WEIGHT = 0.5;
/** A Page needs this many contacts with sends to get its own prior rather than the workspace's. */
const MIN_CONTACTS_FOR_PAGE_PRIOR = 30;
/** Contacts sampled to fit the latent rhythms, and the presence classes. */
const RHYTHM_FIT_CONTACTS = 4000;
const PRESENCE_FIT_CONTACTS = 8000;
const MIN_CONTACTS_FOR_RHYTHMS = 1000;
/** Inbound messages this close to the previous one kept are one burst: one sign of presence. */
const BURST_MS = 10 * 60_000;
const LIFT_EXPONENTS = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2];

/**
 * Local weekday × hour of an instant, from the zone's offset (`zoneOffsetAt` in `hazard.ts`:
 * cached per UTC day, and per quarter hour on days with a change, because Intl is slow).
 */
export function cellOf(utcMs: number, zone: string): number {
  return cellOfLocal(utcMs + zoneOffsetAt(utcMs, zone));
}

/** Circular ±1 hour smoothing: sparse hour counts say "around 19:00", not "exactly 19:00". */
function smooth(counts: Float64Array): Float64Array {
  const n = counts.length;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    out[k] = 0.25 * (counts[(k + n - 1) % n] as number) + 0.5 * (counts[k] as number) + 0.25 * (counts[(k + 1) % n] as number);
  }
  return out;
}

/** Average of a weekly profile over the hours a message sent at cell k has to be seen in. */
function horizonAverage(profile: Float64Array, horizonMinutes: number): Float64Array {
  const span = Math.min(CELLS, Math.max(1, Math.ceil(horizonMinutes / 60)));
  const out = new Float64Array(CELLS);
  for (let k = 0; k < CELLS; k++) {
    let s = 0;
    for (let j = 0; j < span; j++) s += profile[(k + j) % CELLS] as number;
    out[k] = s / span;
  }
  return out;
}

function normalizeMeanOne(v: Float64Array): Float64Array {
  let s = 0;
  for (const x of v) s += x;
  const mean = s / v.length;
  return mean > 0 ? v.map((x) => x / mean) : v.map(() => 1);
}

const logit = (p: number) => Math.log(p / (1 - p));
const clampP = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));

/** Per-contact lists kept in one list (contact i's entries are [from(i), to(i))): no small arrays per contact. */
class Ragged {
  readonly values: number[] = [];
  private readonly off: number[] = [0];
  /** Ends the current contact's list. */
  close(): void {
    this.off.push(this.values.length);
  }
  from(i: number): number {
    return this.off[i] as number;
  }
  to(i: number): number {
    return this.off[i + 1] as number;
  }
  slice(i: number): number[] {
    return this.values.slice(this.from(i), this.to(i));
  }
}

/** A reusable buffer for sorting one contact's instants (a typed-array sort: numeric, no comparator calls). */
class TimeScratch {
  private buf = new Float64Array(64);
  sorted(fill: (buf: Float64Array) => number, most: number): Float64Array {
    if (this.buf.length < most) this.buf = new Float64Array(Math.max(most, 2 * this.buf.length));
    return this.buf.subarray(0, fill(this.buf)).sort();
  }
}

/**
 * Fits the send-time model: per contact, P(seen within H | sent at local weekday × hour).
 * Level: Beta-binomial empirical Bayes (contact → Page → workspace). Shape: reachability
 * from signals the send schedule does not cause, blended with the workspace's, moved to
 * the odds scale with an exponent fitted on past sends.
 */
export function fitSendTimeModel(histories: readonly ContactHistory[], options: FitOptions): SendTimeModel {
  const H = options.horizonMinutes;
  if (!(H > 0)) throw new RangeError(`The horizon must be positive, got ${H} minutes.`);
  const lateMs = (options.lateMinutes ?? 60) * 60_000;
  const Hms = H * 60_000;

  const conversationMinutes = options.conversationMinutes ?? 60;
  const replyMinutes = options.replyMinutes ?? 20;
  const conversationMs = conversationMinutes * 60_000;
  const replyMs = replyMinutes * 60_000;
  const useLate = options.lateSignals ?? false;
  const shape = options.shape ?? 'presence';
  const evidenceOptions: EvidenceOptions = { ...options.presence, asOf: options.asOf };
  const inboundScratch = new TimeScratch();
  const promptedScratch = new TimeScratch();
  // Per contact: cells of signs of presence, cells of past sends and whether each was seen within H, presence evidence.
  const activity = new Ragged();
  const sendCells = new Ragged();
  let outboundCount = 0;
  for (const h of histories) outboundCount += h.outbound.length;
  /** 1 where the send at the same index of `sendCells.values` was seen within H. */
  const sendSeen = new Uint8Array(outboundCount);
  const seenCounts = new Int32Array(histories.length);
  const evidence = shape === 'presence' ? new EvidenceBuilder(evidenceOptions) : null;
  const activityBins: number[] = [];
  histories.forEach((h, i) => {
    const inbound = inboundScratch.sorted((buf) => {
      for (let k = 0; k < h.inbound.length; k++) buf[k] = h.inbound[k] as number;
      return h.inbound.length;
    }, h.inbound.length);
    // Moments the Page's own messages made the person look: a message seen then, and anything written soon after, is caused by the send.
    const prompted = promptedScratch.sorted((buf) => {
      let np = 0;
      for (const m of h.outbound) {
        buf[np++] = m.sentAt;
        if (m.readAt !== null) buf[np++] = m.readAt;
      }
      return np;
    }, h.outbound.length * 2);
    let seenCount = 0;
    let j = 0;
    let lastKept = -Infinity;
    for (const t of inbound) {
      while (j < prompted.length && (prompted[j] as number) <= t) j++;
      const lastPrompt = j > 0 ? (prompted[j - 1] as number) : -Infinity;
      // A reply to the Page, or the next line of the same burst, says nothing new about when the person is around.
      if (t - lastPrompt <= replyMs || t - lastKept <= BURST_MS) continue;
      activity.values.push(cellOf(t, h.zone));
      lastKept = t;
    }
    for (const m of h.outbound) {
      if (useLate) {
        if (m.deliveredAt !== null && m.deliveredAt - m.sentAt > lateMs) activity.values.push(cellOf(m.deliveredAt, h.zone));
        const after = m.deliveredAt ?? m.sentAt;
        if (m.readAt !== null && m.readAt - after > lateMs) activity.values.push(cellOf(m.readAt, h.zone));
      }
      if (m.sentAt + Hms > options.asOf) continue;
      // The Page answering someone mid-conversation is read because they are in the thread, not because of the hour.
      const k = lowerBound(inbound, m.sentAt);
      const previousInbound = k > 0 ? (inbound[k - 1] as number) : -Infinity;
      if (m.sentAt - previousInbound <= conversationMs) continue;
      const seen = m.readAt !== null && m.readAt - m.sentAt <= Hms;
      if (seen) {
        sendSeen[sendCells.values.length] = 1;
        seenCount++;
      }
      sendCells.values.push(cellOf(m.sentAt, h.zone));
    }
    activity.close();
    sendCells.close();
    seenCounts[i] = seenCount;
    if (evidence) {
      activityBins.length = 0;
      for (let k = activity.from(i); k < activity.to(i); k++) activityBins.push(binOfCell(activity.values[k] as number));
      evidence.add(h.zone, activityBins, inbound, h.outbound);
    }
  });
  const sendsOf = (i: number) => sendCells.to(i) - sendCells.from(i);

  // Workspace activity profile (hour of week), Laplace-smoothed so no hour is impossible.
  const wsCounts = new Float64Array(CELLS).fill(0.5);
  for (const c of activity.values) wsCounts[c] = (wsCounts[c] as number) + 1;
  const wsShare = smooth(wsCounts);
  const wsTotal = wsShare.reduce((a, b) => a + b, 0);
  for (let k = 0; k < CELLS; k++) wsShare[k] = (wsShare[k] as number) / wsTotal;

  const units = histories.map((h, i) => ({ successes: seenCounts[i] as number, trials: sendsOf(i), page: h.pageRef }));
  const workspacePrior = fitBetaPrior(units);
  const pagePriors = new Map<number, BetaPrior>();
  const byPage = new Map<number, typeof units>();
  for (const u of units) {
    if (u.trials === 0) continue;
    const list = byPage.get(u.page) ?? [];
    list.push(u);
    byPage.set(u.page, list);
  }
  for (const [page, list] of byPage) if (list.length >= MIN_CONTACTS_FOR_PAGE_PRIOR) pagePriors.set(page, fitBetaPrior(list));

  let presenceModel: PresenceModel | null = null;
  const flatEvidence = evidence ? evidence.build() : null;
  if (flatEvidence) {
    const ev: number[] = [];
    for (let i = 0; i < flatEvidence.size; i++) if (hasEvidenceAt(flatEvidence, i)) ev.push(i);
    // Too few contacts with evidence cannot tell classes apart: the audience rhythms' fallback below is safer.
    if (ev.length >= MIN_CONTACTS_FOR_RHYTHMS) {
      // The classes are audience-level: evenly spaced contacts with evidence are enough to fit them.
      const most = options.presence?.fitContacts ?? PRESENCE_FIT_CONTACTS;
      const sample = ev.length <= most ? ev : Array.from({ length: most }, (_, i) => ev[Math.floor((i * ev.length) / most)] as number);
      presenceModel = fitPresence(subsetEvidence(flatEvidence, sample), options.presence ?? {}, options.helper);
    }
  }
  let rhythms: RhythmMixture | null = null;
  const events = shape === 'rhythms' || (shape === 'presence' && !presenceModel) ? histories.map((_, i) => activity.slice(i).map(binOfCell)) : [];
  const withEvents = events.filter((e) => e.length > 0);
  // Too few contacts with events cannot tell rhythms apart: the blend with the audience's profile is safer.
  if (withEvents.length >= MIN_CONTACTS_FOR_RHYTHMS) {
    // The rhythms are audience-level: a deterministic sample of contacts with events is enough to fit them.
    const stride = Math.max(1, Math.floor(withEvents.length / RHYTHM_FIT_CONTACTS));
    rhythms = fitRhythms(
      withEvents.filter((_, i) => i % stride === 0),
      { classes: options.rhythmClasses ?? 12 },
    );
  }
  // Each contact's lift: its posterior mix of the presence classes or of the audience's rhythms, or its own hour-of-day activity blended with the workspace's week.
  let lifts: LiftTable;
  let liftRows: Int32Array;
  if (presenceModel) {
    lifts = presenceLifts(presenceModel, flatEvidence as FlatEvidence, H, options.helper);
    liftRows = Int32Array.from(histories, (_, i) => i);
  } else {
    const rows: Float64Array[] = [];
    const rowByBins = new Map<string, number>();
    liftRows = Int32Array.from(histories, (_, i) => {
      const cells = activity.slice(i);
      if (rhythms) {
        // Contacts with the same presence bins (often none) share one lift.
        const bins = cells.map(binOfCell).sort((a, b) => a - b);
        const key = bins.join(',');
        let row = rowByBins.get(key);
        if (row === undefined) {
          row = rows.push(normalizeMeanOne(horizonAverage(smooth(contactDensity(rhythms, bins)), H))) - 1;
          rowByBins.set(key, row);
        }
        return row;
      }
      const n = cells.length;
      const own = new Float64Array(24);
      for (const c of cells) own[c % 24] = (own[c % 24] as number) + 1;
      const ownShare = smooth(own);
      const density = new Float64Array(CELLS);
      for (let k = 0; k < CELLS; k++) {
        const ownPart = n > 0 ? (ownShare[k % 24] as number) / n / 7 : 0;
        density[k] = (ACTIVITY_PRIOR_EVENTS * (wsShare[k] as number) + n * ownPart) / (ACTIVITY_PRIOR_EVENTS + n);
      }
      return rows.push(normalizeMeanOne(horizonAverage(density, H))) - 1;
    });
    lifts = { values: new Float64Array(CELLS * rows.length), width: CELLS };
    rows.forEach((r, i) => lifts.values.set(r, i * CELLS));
  }
  const wsLift = normalizeMeanOne(horizonAverage(wsShare, H));
  let wsRefSum = 0;
  let wsRefN = 0;
  for (const c of sendCells.values) {
    wsRefSum += wsLift[c] as number;
    wsRefN++;
  }
  const wsRef = wsRefN > 0 ? wsRefSum / wsRefN : 1;

  // Exponent by likelihood on past sends: 0 when the activity signals do not predict outcomes.
  const wsMean = workspacePrior.alpha / (workspacePrior.alpha + workspacePrior.beta);
  let liftExponent = 0;
  let bestLl = -Infinity;
  // The odds-scale extrapolation of `baseAt` from wsMean at wsRef, its exponent-free part computed once per send; sends
  // with the same lift ratio (contacts share lifts) are one term weighted by their seen/unseen counts.
  // Term of each key + KEY_RANGE, plus one (0: none yet); keys are within ±19 000 (lifts are
  // between 1e-6 and 168), a Map takes any other.
  const KEY_RANGE = 20_000;
  const termOf = new Int32Array(2 * KEY_RANGE + 1);
  const otherKeys = new Map<number, number>();
  const logRatio: number[] = [];
  const seenAt: number[] = [];
  const unseenAt: number[] = [];
  {
    const ref = Math.max(1e-6, wsRef);
    histories.forEach((_, i) => {
      const row = liftRows[i] as number;
      for (let s = sendCells.from(i); s < sendCells.to(i); s++) {
        // Ratios within 0.1 % of each other are one term: the exponent grid is far coarser than that.
        const key = Math.round(Math.log(Math.max(1e-6, liftOf(lifts, row, sendCells.values[s] as number)) / ref) * 1000);
        const inRange = key >= -KEY_RANGE && key <= KEY_RANGE;
        let j = inRange ? (termOf[key + KEY_RANGE] as number) - 1 : (otherKeys.get(key) ?? -1);
        if (j < 0) {
          j = logRatio.length;
          if (inRange) termOf[key + KEY_RANGE] = j + 1;
          else otherKeys.set(key, j);
          logRatio.push(key / 1000);
          seenAt.push(0);
          unseenAt.push(0);
        }
        if (sendSeen[s]) seenAt[j] = (seenAt[j] as number) + 1;
        else unseenAt[j] = (unseenAt[j] as number) + 1;
      }
    });
  }
  const baseLogit = logit(clampP(wsMean));
  for (const e of LIFT_EXPONENTS) {
    let ll = 0;
    for (let j = 0; j < logRatio.length; j++) {
      const q = clampP(1 / (1 + Math.exp(-(baseLogit + e * (logRatio[j] as number)))));
      ll += (seenAt[j] as number) * Math.log(q) + (unseenAt[j] as number) * Math.log(1 - q);
    }
    if (ll > bestLl + 1e-9) {
      bestLl = ll;
      liftExponent = e;
    }
  }

  const contacts = new Map<number, ContactModel>();
  // Per-cell counts of every contact in three shared arrays, not 2 × 168 numbers per contact;
  // a contact has at most one entry per send, so the sends' count bounds their length.
  const countCells = new Int16Array(sendCells.values.length);
  const countSends = new Int32Array(sendCells.values.length);
  const countSeen = new Int32Array(sendCells.values.length);
  let counted = 0;
  const slot = new Int32Array(CELLS).fill(-1);
  histories.forEach((h, i) => {
    const liftRow = liftRows[i] as number;
    const prior = pagePriors.get(h.pageRef) ?? workspacePrior;
    const sends = sendsOf(i);
    const seen = seenCounts[i] as number;
    const countsFrom = counted;
    let refSum = 0;
    for (let j = sendCells.from(i); j < sendCells.to(i); j++) {
      const c = sendCells.values[j] as number;
      let k = slot[c] as number;
      if (k < 0) {
        k = counted++;
        slot[c] = k;
        countCells[k] = c;
      }
      countSends[k] = (countSends[k] as number) + 1;
      if (sendSeen[j]) countSeen[k] = (countSeen[k] as number) + 1;
      refSum += liftOf(lifts, liftRow, c);
    }
    const countsTo = counted;
    for (let k = countsFrom; k < countsTo; k++) slot[countCells[k] as number] = -1;
    const strength = prior.alpha + prior.beta;
    // Contacts with no sends inherit the workspace's reference cells for their prior rate.
    const referenceLift = sends > 0 ? refSum / sends : wsRef;
    contacts.set(h.contactId, {
      contactId: h.contactId,
      psid: h.psid,
      pageRef: h.pageRef,
      zone: h.zone,
      lastInboundAt: h.lastInboundAt,
      sends,
      seen,
      posterior: { alpha: prior.alpha + seen, beta: prior.beta + sends - seen },
      reason: sends > strength ? 'own_history' : pagePriors.has(h.pageRef) ? 'page' : 'workspace',
      liftRow,
      referenceLift,
      countsFrom,
      countsTo,
    });
  });
  const cellCounts: CellCounts = { cells: countCells.slice(0, counted), sends: countSends.slice(0, counted), seen: countSeen.slice(0, counted) };

  return {
    horizonMinutes: H,
    asOf: options.asOf,
    workspacePrior,
    pagePriors,
    liftExponent,
    contacts,
    cellCounts,
    lifts,
    rhythms,
    presence: presenceModel,
    method: presenceModel ? 'beta-binomial-empirical-bayes+presence-classes' : rhythms ? 'beta-binomial-empirical-bayes+latent-rhythms' : 'beta-binomial-empirical-bayes+reachability-lift',
    ...withNotes(
      modelNotes({
        horizonMinutes: H,
        asOf: options.asOf,
        conversationMinutes,
        replyMinutes,
        presence: presenceModel
          ? {
              classes: presenceModel.rates.length,
              iterations: presenceModel.iterations,
              fitContacts: options.presence?.fitContacts ?? PRESENCE_FIT_CONTACTS,
              freshMinutes: options.presence?.freshMinutes ?? 20,
              maxWaitHours: options.presence?.maxWaitHours ?? 48,
              dropUnreadHours: options.presence?.dropUnreadHours ?? 8,
            }
          : null,
        lateSignals: useLate,
        rhythms: rhythms ? { count: rhythms.weights.length, fitContacts: RHYTHM_FIT_CONTACTS } : null,
        minContactsForRhythms: MIN_CONTACTS_FOR_RHYTHMS,
        liftExponent,
      }),
    ),
  };
}

/** A contact's reachability lift at an hour-of-week cell. */
export function contactLift(model: SendTimeModel, c: ContactModel, cell: number): number {
  return liftOf(model.lifts, c.liftRow, cell);
}

/** The lift of a send `fraction` of the way into a cell: its H-window covers that much of the next hour instead. */
function liftAt(model: SendTimeModel, c: ContactModel, cell: number, fraction: number): number {
  const here = liftOf(model.lifts, c.liftRow, cell);
  return fraction > 0 ? (1 - fraction) * here + fraction * liftOf(model.lifts, c.liftRow, (cell + 1) % CELLS) : here;
}

/** Index of the contact's counts at a cell in `model.cellCounts`, −1 when it had no send there. */
function countIndex(model: SendTimeModel, c: ContactModel, cell: number): number {
  const cells = model.cellCounts.cells;
  for (let k = c.countsFrom; k < c.countsTo; k++) if (cells[k] === cell) return k;
  return -1;
}

/** The contact's sends at a cell. */
export function cellSends(model: SendTimeModel, c: ContactModel, cell: number): number {
  const k = countIndex(model, c, cell);
  return k < 0 ? 0 : (model.cellCounts.sends[k] as number);
}

/** What a contact's estimates at every cell share: computed once per contact by `contactRater`. */
interface ContactConstants {
  /** logit of the contact's posterior rate at its reference cells. */
  baseLogit: number;
  referenceLift: number;
  /** Strength of the prior the contact borrows (its Page's or the workspace's). */
  borrowed: number;
}

function constantsOf(model: SendTimeModel, c: ContactModel): ContactConstants {
  const prior = model.pagePriors.get(c.pageRef) ?? model.workspacePrior;
  return {
    baseLogit: logit(clampP(c.posterior.alpha / (c.posterior.alpha + c.posterior.beta))),
    referenceLift: Math.max(1e-6, c.referenceLift),
    borrowed: prior.alpha + prior.beta,
  };
}

/**
 * The contact's rate moved from its reference cells to a send `fraction` of the way into a cell
 * on the odds scale: logit(rate) + exponent · log(lift / reference lift).
 */
function baseAt(model: SendTimeModel, c: ContactModel, k: ContactConstants, cell: number, fraction: number): number {
  const z = k.baseLogit + model.liftExponent * Math.log(Math.max(1e-6, liftAt(model, c, cell, fraction)) / k.referenceLift);
  return 1 / (1 + Math.exp(-z));
}

/** The contact's posterior Beta at a cell (what its estimate and interval there come from). */
export interface CellPosterior {
  rate: number;
  /** Beta parameters of the interval (kept above 1e-3). */
  alpha: number;
  beta: number;
  /** Evidence: borrowed strength plus own sends at the cell. */
  n: number;
  sends: number;
}

/** What an estimate at a cell is made of; one object, refilled by `cellParts` (the planner asks millions of times). */
const parts = { base: 0, own: 0, ownSeen: 0, kappa: 0 };

/** The contact's extrapolated rate at the cell, its own sends and seen sends there, and the evidence it borrows. */
function cellParts(model: SendTimeModel, c: ContactModel, k: ContactConstants, cell: number, fraction: number): typeof parts {
  const at = countIndex(model, c, cell);
  parts.base = baseAt(model, c, k, cell, fraction);
  parts.own = at < 0 ? 0 : (model.cellCounts.sends[at] as number);
  parts.ownSeen = at < 0 ? 0 : (model.cellCounts.seen[at] as number);
  parts.kappa = k.borrowed + OTHER_CELL_WEIGHT * (c.sends - parts.own);
  return parts;
}

function cellPosterior(model: SendTimeModel, c: ContactModel, k: ContactConstants, cell: number, fraction: number): CellPosterior {
  const { base, own, ownSeen, kappa } = cellParts(model, c, k, cell, fraction);
  const a = kappa * base + ownSeen;
  const b = kappa * (1 - base) + own - ownSeen;
  return { rate: a / (a + b), alpha: Math.max(a, 1e-3), beta: Math.max(b, 1e-3), n: kappa + own, sends: own };
}

function cellEstimate(model: SendTimeModel, c: ContactModel, k: ContactConstants, cell: number, fraction: number): SendTimeCell {
  const p = cellPosterior(model, c, k, cell, fraction);
  const interval = betaInterval(p.alpha, p.beta);
  return { weekday: Math.floor(cell / 24), hour: cell % 24, rate: p.rate, n: p.n, sends: p.sends, low: interval.low, high: interval.high };
}

function cellRate(model: SendTimeModel, c: ContactModel, k: ContactConstants, cell: number, fraction: number): number {
  const { base, own, ownSeen, kappa } = cellParts(model, c, k, cell, fraction);
  return (kappa * base + ownSeen) / (kappa + own);
}

/** Posterior estimate for one contact at one cell (hour of week in the contact's zone). */
export function contactCell(model: SendTimeModel, c: ContactModel, cell: number, fraction = 0): SendTimeCell {
  return cellEstimate(model, c, constantsOf(model, c), cell, fraction);
}

/** Posterior mean only (no interval). */
export function contactRate(model: SendTimeModel, c: ContactModel, cell: number, fraction = 0): number {
  return cellRate(model, c, constantsOf(model, c), cell, fraction);
}

/** One contact's estimates with what they share computed once: the planner asks each contact for many cells. */
export function contactRater(
  model: SendTimeModel,
  c: ContactModel,
): { rate(cell: number, fraction?: number): number; estimate(cell: number, fraction?: number): SendTimeCell; posterior(cell: number, fraction?: number): CellPosterior } {
  const k = constantsOf(model, c);
  return {
    rate: (cell, fraction = 0) => cellRate(model, c, k, cell, fraction),
    estimate: (cell, fraction = 0) => cellEstimate(model, c, k, cell, fraction),
    posterior: (cell, fraction = 0) => cellPosterior(model, c, k, cell, fraction),
  };
}

/**
 * Audience heatmap: each cell averages the contacts' posterior rates; its evidence is the
 * sum of theirs, its interval the Beta with that mean and evidence (contacts treated as
 * independent draws, which overstates precision when they share a prior).
 */
export function audienceHeatmapCells(model: SendTimeModel, contactIds: readonly number[] | null): SendTimeCell[] {
  const list = contactIds ? contactIds.map((id) => model.contacts.get(id)).filter((c): c is ContactModel => !!c) : [...model.contacts.values()];
  const cells: SendTimeCell[] = [];
  for (let k = 0; k < CELLS; k++) {
    if (list.length === 1) {
      cells.push(contactCell(model, list[0] as ContactModel, k));
      continue;
    }
    let sum = 0;
    let sends = 0;
    let n = 0;
    for (const c of list) {
      sum += contactRate(model, c, k);
      const own = cellSends(model, c, k);
      sends += own;
      n += own;
    }
    const prior = model.workspacePrior;
    const mean = list.length > 0 ? sum / list.length : prior.alpha / (prior.alpha + prior.beta);
    // Evidence: own sends in the cell plus one prior's worth; borrowed strength is not multiplied by the audience size.
    const ev = n + prior.alpha + prior.beta;
    const iv = betaInterval(Math.max(mean * ev, 1e-3), Math.max((1 - mean) * ev, 1e-3));
    cells.push({ weekday: Math.floor(k / 24), hour: k % 24, rate: mean, n: ev, sends, low: iv.low, high: iv.high });
  }
  return cells;
}
