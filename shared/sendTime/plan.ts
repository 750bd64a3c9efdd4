import type { LeftOutContact, PlannedSend, SendPlan, SendTimeNote, SendTimeReason } from '../domain/sendTime';
import { windowClosesAt } from '../time/window';
import { zonedParts } from '../time/zones';
import { betaIntervals } from './beta';
import { inHalves, resultMemory } from './halves';
import type { FitHelper } from './helper';
import { note, noteEnglish, planNotes, withWarnings } from './notes';

const MINUTE_MS = 60_000;

export interface PlanContact {
  contactId: number;
  psid: string;
  zone: string;
  lastInboundAt: number | null;
  /** Outbound messages to this contact within the frequency cap's period. */
  recentSends: number;
  reason: SendTimeReason;
  /**
   * Predicted chance of seen within H for a send at `fraction` (0–1) of the way through the
   * contact's local hour-of-week cell: a send at 19:45 is judged over 19:45–20:45, mostly the next hour.
   */
  estimate: (cell: number, fraction?: number) => { rate: number; low: number; high: number };
  /** The same rate without its interval (cheaper); the planner compares minutes with it. */
  rate?: (cell: number, fraction?: number) => number;
  /**
   * The estimate's rate and the Beta its interval is the central 90 % of: with it, the planner
   * computes all the intervals at the end, half of them on the helper thread when there is one.
   */
  posterior?: (cell: number, fraction?: number) => { rate: number; alpha: number; beta: number };
}

const rateOf = (c: PlanContact, cell: number, fraction = 0): number => (c.rate ? c.rate(cell, fraction) : c.estimate(cell, fraction).rate);

export interface QuietHours {
  /** Local hour quiet time starts (inclusive) and ends (exclusive); start > end wraps past midnight. */
  startHour: number;
  endHour: number;
}

export interface PlanOptions {
  start: number;
  end: number;
  horizonMinutes: number;
  workspaceZone: string;
  /** The workspace's most common send hour, in its zone: "the usual time". */
  usualHour: number;
  quietHours?: QuietHours | null;
  /** Most sends in any one minute; null: no cap. */
  perMinuteCap?: number | null;
  /** Most messages per contact in the period the caller counted `recentSends` over. */
  frequencyCapMax?: number | null;
  /** Share of scheduled contacts held out at the usual time (default 0.1). */
  holdoutShare?: number;
  holdoutSeed?: string;
  /** Share of the non-holdout contacts sent at a random allowed minute, to keep learning (default 0). */
  explorationShare?: number;
  method?: string;
  assumptions?: readonly string[];
  /** `assumptions` as keyed notes (the model's); the plan's notes are given only when these cover the assumptions. */
  notes?: readonly SendTimeNote[];
  /** A second thread for half of the credible intervals (the same numbers either way). */
  helper?: FitHelper;
}

/** FNV-1a: a stable hash so the same PSID lands in the same holdout for a given seed. */
export function hashUnit(seed: string, key: string): number {
  let h = 0x811c9dc5;
  const text = `${seed}\u0000${key}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x1_0000_0000;
}

/** FNV-1a followed by MurmurHash3's finaliser: sequential keys (psid-1, psid-2, …) spread evenly, independently of `hashUnit`. */
export function mixedUnit(seed: string, key: string): number {
  let h = Math.round(hashUnit(seed, key) * 0x1_0000_0000) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

export function isQuietHour(hour: number, quiet: QuietHours | null | undefined): boolean {
  if (!quiet || quiet.startHour === quiet.endHour) return false;
  return quiet.startHour < quiet.endHour ? hour >= quiet.startHour && hour < quiet.endHour : hour >= quiet.startHour || hour < quiet.endHour;
}

interface ZoneGrid {
  cells: Int16Array;
  /** How far into its local hour each minute is (0–59/60). */
  fractions: Float64Array;
  quiet: Uint8Array;
  /** For each minute, the first later minute in another cell (cell and quiet flag are constant in between). */
  nextChange: Int32Array;
}

export class SendPlanError extends Error {}

/** Central 90 % intervals of many Betas ([low, high] pairs), the second half on the helper's thread when there is one. */
function intervalsOf(alpha: Float64Array, beta: Float64Array, helper: FitHelper | undefined): Float64Array {
  const out = resultMemory(helper, 2 * alpha.length);
  inHalves(
    helper,
    alpha.length,
    (half) => ({ kind: 'intervals', alpha: alpha.slice(half), beta: beta.slice(half), first: half, out }),
    (from, to) => betaIntervals(alpha.subarray(from, to), beta.subarray(from, to), from, out),
  );
  return out;
}

/** The first minute of the validity window at the usual hour in the workspace's zone, else the window's start. */
export function usualSendTime(start: number, end: number, workspaceZone: string, usualHour: number): number {
  for (let t = Math.ceil(start / MINUTE_MS) * MINUTE_MS; t < end; t += MINUTE_MS) {
    const p = zonedParts(t, workspaceZone);
    if (p.hour === usualHour && p.minute === 0) return t;
  }
  return start;
}

/**
 * Plans one send per contact inside the validity window: the best minute by predicted
 * chance, never at or after the contact's 24-hour window closes, never in local quiet
 * hours, with at most `perMinuteCap` sends a minute. Contacts with the fewest allowed
 * minutes choose first, so a cap pushes the flexible ones aside rather than the
 * constrained ones out.
 */
export function buildSendPlan(contacts: readonly PlanContact[], options: PlanOptions): SendPlan {
  const { start, end, horizonMinutes } = options;
  if (!(end > start)) throw new SendPlanError('The validity window is empty: its end must be after its start.');
  if (contacts.length === 0) throw new SendPlanError('The audience is empty.');
  const holdoutShare = options.holdoutShare ?? 0.1;
  if (!(holdoutShare >= 0 && holdoutShare <= 1)) throw new SendPlanError('The holdout share must be between 0 and 1.');
  const explorationShare = options.explorationShare ?? 0;
  if (!(explorationShare >= 0 && explorationShare <= 1)) throw new SendPlanError('The exploration share must be between 0 and 1.');
  const cap = options.perMinuteCap ?? null;
  if (cap !== null && !(Number.isInteger(cap) && cap > 0)) throw new SendPlanError('The per-minute cap must be a positive whole number.');
  const first = Math.ceil(start / MINUTE_MS) * MINUTE_MS;
  const minutes = Math.max(0, Math.ceil((end - first) / MINUTE_MS));
  const usualAt = usualSendTime(start, end, options.workspaceZone, options.usualHour);
  const usualIndex = Math.round((usualAt - first) / MINUTE_MS);

  const grids = new Map<string, ZoneGrid>();
  const gridOf = (zone: string): ZoneGrid => {
    let g = grids.get(zone);
    if (!g) {
      g = { cells: new Int16Array(minutes), fractions: new Float64Array(minutes), quiet: new Uint8Array(minutes), nextChange: new Int32Array(minutes) };
      for (let i = 0; i < minutes; i++) {
        const p = zonedParts(first + i * MINUTE_MS, zone);
        g.cells[i] = p.weekday * 24 + p.hour;
        g.fractions[i] = p.minute / 60;
        g.quiet[i] = isQuietHour(p.hour, options.quietHours) ? 1 : 0;
      }
      for (let i = minutes - 1; i >= 0; i--) g.nextChange[i] = i + 1 < minutes && g.cells[i + 1] === g.cells[i] ? (g.nextChange[i + 1] as number) : i + 1;
      grids.set(zone, g);
    }
    return g;
  };

  const leftOut: LeftOutContact[] = [];
  interface Candidate {
    c: PlanContact;
    grid: ZoneGrid;
    lo: number;
    hi: number;
    allowed: number;
    holdout: boolean;
    explore: boolean;
    closes: number;
    cut: boolean;
    fixedIndex: number;
    fixedRate: number;
    /** The allowed runs of one cell, [first, end) minutes, as offsets into runStarts/runEnds/runRates/runEndRates. */
    runFrom: number;
    runTo: number;
    order: number;
  }
  const candidates: Candidate[] = [];
  const runStarts: number[] = [];
  const runEnds: number[] = [];
  const runRates: number[] = [];
  const runEndRates: number[] = [];
  for (const c of contacts) {
    if (options.frequencyCapMax != null && c.recentSends >= options.frequencyCapMax) {
      leftOut.push({
        contactId: c.contactId,
        psid: c.psid,
        reason: 'frequency_cap',
        detail: `${c.recentSends} messages already sent in the cap's period (max ${options.frequencyCapMax}).`,
        recentSends: c.recentSends,
        limit: options.frequencyCapMax,
      });
      continue;
    }
    const closes = windowClosesAt(c.lastInboundAt);
    const openFrom = c.lastInboundAt === null ? end : Math.max(first, c.lastInboundAt);
    const openTo = closes === null ? start : Math.min(end, closes);
    // Minute indices whose send instant is inside both the validity window and the 24-hour window.
    const lo = Math.max(0, Math.ceil((openFrom - first) / MINUTE_MS));
    const hi = Math.min(minutes, Math.ceil((openTo - first) / MINUTE_MS));
    if (closes === null || hi <= lo) {
      leftOut.push({
        contactId: c.contactId,
        psid: c.psid,
        reason: 'outside_window',
        detail: closes === null ? 'No inbound message: no 24-hour window is open.' : `The 24-hour window closes at ${new Date(closes).toISOString()}, outside the validity window.`,
        windowClosesAt: closes,
      });
      continue;
    }
    const grid = gridOf(c.zone);
    let allowed = 0;
    let bestIn = -1;
    let fixedIndex = -1;
    let fixedRate = 0;
    const runFrom = runStarts.length;
    // Walk runs of one cell: rate and quiet flag are constant inside each.
    for (let i = lo; i < hi; ) {
      const stop = Math.min(hi, grid.nextChange[i] as number);
      if (!grid.quiet[i]) {
        allowed += stop - i;
        const cell = grid.cells[i] as number;
        // The rate moves linearly across a run (the H-window slides into the next hour): its best minute is one of its ends.
        const r = rateOf(c, cell, grid.fractions[i] as number);
        // When the next hour follows in the open window, its own first minute is at least as good as this run's end.
        const nextOpen = stop < hi && !grid.quiet[stop];
        const rEnd = stop - 1 > i && !nextOpen ? rateOf(c, cell, grid.fractions[stop - 1] as number) : r;
        if (r > bestIn) bestIn = r;
        if (rEnd > bestIn) bestIn = rEnd;
        runStarts.push(i);
        runEnds.push(stop);
        runRates.push(r);
        runEndRates.push(rEnd);
        const near = Math.min(stop - 1, Math.max(i, usualIndex));
        if (fixedIndex < 0 || Math.abs(near - usualIndex) < Math.abs(fixedIndex - usualIndex)) {
          fixedIndex = near;
          fixedRate = rateOf(c, cell, grid.fractions[near] as number);
        }
      }
      i = stop;
    }
    const runTo = runStarts.length;
    if (allowed === 0) {
      leftOut.push({ contactId: c.contactId, psid: c.psid, reason: 'quiet_hours', detail: 'Every open minute falls in the contact’s local quiet hours.' });
      continue;
    }
    // Would the contact have done better after its window closes? Then the plan was cut by it.
    let cut = false;
    for (let i = hi; i < minutes && !cut; i = grid.nextChange[i] as number) {
      if (!grid.quiet[i] && rateOf(c, grid.cells[i] as number, grid.fractions[i] as number) > bestIn + 1e-9) cut = true;
    }
    const holdout = holdoutShare > 0 && hashUnit(options.holdoutSeed ?? 'holdout', c.psid) < holdoutShare;
    const explore = !holdout && explorationShare > 0 && mixedUnit(`${options.holdoutSeed ?? 'holdout'}/explore`, c.psid) < explorationShare;
    candidates.push({ c, grid, lo, hi, allowed, holdout, explore, closes, cut, fixedIndex, fixedRate, runFrom, runTo, order: hashUnit('order', c.psid) });
  }

  candidates.sort((a, b) => a.allowed - b.allowed || a.hi - b.hi || a.order - b.order);
  const used = new Int32Array(minutes);
  const sends: PlannedSend[] = [];
  let planSum = 0;
  let usualSum = 0;
  const runOrder: number[] = [];
  // Sends whose interval is still to compute, and their Beta parameters.
  const pending: number[] = [];
  const pendingAlpha: number[] = [];
  const pendingBeta: number[] = [];
  const free = (i: number) => cap === null || (used[i] as number) < cap;
  for (const k of candidates) {
    let pick: number | undefined;
    if (k.holdout) {
      // The allowed minute nearest the usual one, the earlier of two at the same distance.
      const allowedAt = (i: number) => i >= k.lo && i < k.hi && !k.grid.quiet[i];
      const reach = Math.max(k.fixedIndex - k.lo, k.hi - 1 - k.fixedIndex);
      for (let d = 0; d <= reach && pick === undefined; d++) {
        if (allowedAt(k.fixedIndex - d) && free(k.fixedIndex - d)) pick = k.fixedIndex - d;
        else if (d > 0 && allowedAt(k.fixedIndex + d) && free(k.fixedIndex + d)) pick = k.fixedIndex + d;
      }
    } else if (k.explore) {
      const order: number[] = [];
      for (let i = k.lo; i < k.hi; i++) if (!k.grid.quiet[i]) order.push(i);
      {
        // A seeded shuffle: the contact's first choice is a uniformly random allowed minute.
        const keys = new Map(order.map((i) => [i, mixedUnit(`explore/${k.c.psid}`, String(i))]));
        order.sort((a, b) => (keys.get(a) as number) - (keys.get(b) as number));
      }
      pick = order.find(free);
    } else {
      // Best rate first, earliest minute first among equals: each run of one cell is tried from
      // its better end (its start, or its end when the hour after it is better), walking inwards.
      // A contact has a handful of runs: insertion sort, no comparator calls.
      runOrder.length = 0;
      for (let r = k.runFrom; r < k.runTo; r++) {
        const value = Math.max(runRates[r] as number, runEndRates[r] as number);
        let j = runOrder.length;
        // Runs come in time order, so among equal rates the earlier one stays first.
        while (j > 0 && Math.max(runRates[runOrder[j - 1] as number] as number, runEndRates[runOrder[j - 1] as number] as number) < value) {
          runOrder[j] = runOrder[j - 1] as number;
          j--;
        }
        runOrder[j] = r;
      }
      outer: for (const r of runOrder) {
        const fromEnd = (runEndRates[r] as number) > (runRates[r] as number) + 1e-12;
        const lo = runStarts[r] as number;
        const hi = runEnds[r] as number;
        for (let j = 0; j < hi - lo; j++) {
          const i = fromEnd ? hi - 1 - j : lo + j;
          if (free(i)) {
            pick = i;
            break outer;
          }
        }
      }
    }
    if (pick === undefined) {
      leftOut.push({
        contactId: k.c.contactId,
        psid: k.c.psid,
        reason: 'send_cap',
        detail: `All ${k.allowed} allowed minutes already hold ${cap} sends (the per-minute cap).`,
        allowedMinutes: k.allowed,
        limit: cap ?? 0,
      });
      continue;
    }
    used[pick] = (used[pick] as number) + 1;
    const cell = k.grid.cells[pick] as number;
    const fraction = k.grid.fractions[pick] as number;
    let est: { rate: number; low: number; high: number };
    if (k.c.posterior) {
      // The interval comes later, with the others.
      const p = k.c.posterior(cell, fraction);
      pending.push(sends.length);
      pendingAlpha.push(p.alpha);
      pendingBeta.push(p.beta);
      est = { rate: p.rate, low: NaN, high: NaN };
    } else est = k.c.estimate(cell, fraction);
    planSum += est.rate;
    usualSum += k.fixedRate;
    sends.push({
      contactId: k.c.contactId,
      psid: k.c.psid,
      zone: k.c.zone,
      sendAt: first + pick * MINUTE_MS,
      predicted: est.rate,
      low: est.low,
      high: est.high,
      reason: k.c.reason,
      cutByWindow: k.cut && !k.holdout,
      windowClosesAt: k.closes,
      holdout: k.holdout,
      explore: k.explore,
    });
  }
  if (pending.length > 0) {
    const bounds = intervalsOf(Float64Array.from(pendingAlpha), Float64Array.from(pendingBeta), options.helper);
    pending.forEach((s, i) => {
      const send = sends[s] as PlannedSend;
      send.low = bounds[2 * i] as number;
      send.high = bounds[2 * i + 1] as number;
    });
  }
  sends.sort((a, b) => a.sendAt - b.sendAt || a.contactId - b.contactId);
  const warningNotes: SendTimeNote[] = [];
  const capped = leftOut.filter((l) => l.reason === 'send_cap').length;
  if (capped > 0) warningNotes.push(note('sendtime.note.warning.sendCap', { capped, cap: cap ?? 0, minutes, capacity: (cap ?? 0) * minutes }));
  leftOut.sort((a, b) => a.reason.localeCompare(b.reason) || a.contactId - b.contactId);
  const ownNotes = planNotes({ explorationShare, holdoutShare, usualHour: options.usualHour, workspaceZone: options.workspaceZone });
  const givenAssumptions = options.assumptions ?? [];
  // Keyed notes only when they cover every English assumption (a caller may pass assumptions alone).
  const givenNotes = options.notes ?? (givenAssumptions.length === 0 ? [] : null);
  return {
    horizonMinutes,
    start,
    end,
    usualHour: options.usualHour,
    workspaceZone: options.workspaceZone,
    sends,
    leftOut,
    predictedRate: sends.length > 0 ? planSum / sends.length : 0,
    usualTimeRate: sends.length > 0 ? usualSum / sends.length : 0,
    holdoutShare,
    explorationShare,
    ...withWarnings(warningNotes),
    method: options.method ?? 'best-cell-per-contact',
    assumptions: [...givenAssumptions, ...ownNotes.map(noteEnglish)],
    ...(givenNotes && givenNotes.length === givenAssumptions.length ? { notes: [...givenNotes, ...ownNotes] } : {}),
  };
}
