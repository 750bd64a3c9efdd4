import type { LeftOutContact, PlannedSend, SendPlan, SendTimeReason } from '../domain/sendTime';
import { windowClosesAt } from '../time/window';
import { zonedParts } from '../time/zones';

const MINUTE_MS = 60_000;

export interface PlanContact {
  contactId: number;
  psid: string;
  zone: string;
  lastInboundAt: number | null;
  /** Outbound messages to this contact within the frequency cap's period. */
  recentSends: number;
  reason: SendTimeReason;
  /** Predicted chance of seen within H for a send in the contact's local hour-of-week cell. */
  estimate: (cell: number) => { rate: number; low: number; high: number };
}

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
  method?: string;
  assumptions?: readonly string[];
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

export function isQuietHour(hour: number, quiet: QuietHours | null | undefined): boolean {
  if (!quiet || quiet.startHour === quiet.endHour) return false;
  return quiet.startHour < quiet.endHour ? hour >= quiet.startHour && hour < quiet.endHour : hour >= quiet.startHour || hour < quiet.endHour;
}

interface ZoneGrid {
  cells: Int16Array;
  quiet: Uint8Array;
}

export class SendPlanError extends Error {}

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
      g = { cells: new Int16Array(minutes), quiet: new Uint8Array(minutes) };
      for (let i = 0; i < minutes; i++) {
        const p = zonedParts(first + i * MINUTE_MS, zone);
        g.cells[i] = p.weekday * 24 + p.hour;
        g.quiet[i] = isQuietHour(p.hour, options.quietHours) ? 1 : 0;
      }
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
    closes: number;
    cut: boolean;
    fixedIndex: number;
  }
  const candidates: Candidate[] = [];
  for (const c of contacts) {
    if (options.frequencyCapMax != null && c.recentSends >= options.frequencyCapMax) {
      leftOut.push({ contactId: c.contactId, psid: c.psid, reason: 'frequency_cap', detail: `${c.recentSends} messages already sent in the cap's period (max ${options.frequencyCapMax}).` });
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
      });
      continue;
    }
    const grid = gridOf(c.zone);
    let allowed = 0;
    let bestIn = -1;
    let fixedIndex = -1;
    for (let i = lo; i < hi; i++) {
      if (grid.quiet[i]) continue;
      allowed++;
      const r = c.estimate(grid.cells[i] as number).rate;
      if (r > bestIn) bestIn = r;
      if (fixedIndex < 0 || Math.abs(i - usualIndex) < Math.abs(fixedIndex - usualIndex)) fixedIndex = i;
    }
    if (allowed === 0) {
      leftOut.push({ contactId: c.contactId, psid: c.psid, reason: 'quiet_hours', detail: 'Every open minute falls in the contact’s local quiet hours.' });
      continue;
    }
    // Would the contact have done better after its window closes? Then the plan was cut by it.
    let cut = false;
    for (let i = hi; i < minutes && !cut; i++) {
      if (!grid.quiet[i] && c.estimate(grid.cells[i] as number).rate > bestIn + 1e-9) cut = true;
    }
    const holdout = holdoutShare > 0 && hashUnit(options.holdoutSeed ?? 'holdout', c.psid) < holdoutShare;
    candidates.push({ c, grid, lo, hi, allowed, holdout, closes, cut, fixedIndex });
  }

  candidates.sort((a, b) => a.allowed - b.allowed || a.hi - b.hi || hashUnit('order', a.c.psid) - hashUnit('order', b.c.psid));
  const used = new Int32Array(minutes);
  const sends: PlannedSend[] = [];
  let planSum = 0;
  let usualSum = 0;
  for (const k of candidates) {
    const order: number[] = [];
    for (let i = k.lo; i < k.hi; i++) if (!k.grid.quiet[i]) order.push(i);
    const rateAt = new Map<number, number>();
    const rate = (i: number): number => {
      const cell = k.grid.cells[i] as number;
      let r = rateAt.get(cell);
      if (r === undefined) {
        r = k.c.estimate(cell).rate;
        rateAt.set(cell, r);
      }
      return r;
    };
    if (k.holdout) order.sort((a, b) => Math.abs(a - k.fixedIndex) - Math.abs(b - k.fixedIndex) || a - b);
    else order.sort((a, b) => rate(b) - rate(a) || a - b);
    const pick = order.find((i) => cap === null || (used[i] as number) < cap);
    if (pick === undefined) {
      leftOut.push({
        contactId: k.c.contactId,
        psid: k.c.psid,
        reason: 'send_cap',
        detail: `All ${k.allowed} allowed minutes already hold ${cap} sends (the per-minute cap).`,
      });
      continue;
    }
    used[pick] = (used[pick] as number) + 1;
    const est = k.c.estimate(k.grid.cells[pick] as number);
    planSum += est.rate;
    usualSum += rate(k.fixedIndex);
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
    });
  }
  sends.sort((a, b) => a.sendAt - b.sendAt || a.contactId - b.contactId);
  leftOut.sort((a, b) => a.reason.localeCompare(b.reason) || a.contactId - b.contactId);
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
    method: options.method ?? 'best-cell-per-contact',
    assumptions: [
      ...(options.assumptions ?? []),
      'A send is allowed at T only if T is before last_inbound_at + 24 h; contacts with no such minute in the validity window are listed apart, never scheduled.',
      'Contacts with the fewest allowed minutes are placed first under the per-minute cap; within a contact’s best hour the earliest free minute is taken.',
      `Holdout: ${Math.round(holdoutShare * 100)} % of scheduled contacts (seeded hash of the PSID) go at the usual time, ${String(options.usualHour).padStart(2, '0')}:00 in ${options.workspaceZone}, or the nearest allowed minute.`,
    ],
  };
}
