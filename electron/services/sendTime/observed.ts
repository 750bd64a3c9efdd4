import type { Database } from 'better-sqlite3';
import { CELLS, type SendTimeCell, type SendTimeNote } from '../../../shared/domain/sendTime';
import { betaInterval } from '../../../shared/sendTime/beta';
import { cellOf } from '../../../shared/sendTime/model';
import { note, withNotes } from '../../../shared/sendTime/notes';
import { isValidTimeZone } from '../../../shared/time/zones';

/** Pseudo-messages at the workspace's overall rate each cell's observed rate is shrunk towards. */
const PRIOR_STRENGTH = 2;

export interface ObservedRequest {
  workspaceId: number;
  workspaceZone: string;
  horizonMinutes: number;
  metric: 'seen' | 'delivered';
  /** 'local': each message in its contact's zone (else its Page's, else the workspace's); 'workspace': all in the workspace's. */
  clock: 'local' | 'workspace';
  contactId: number | null;
  /** A group of the workspace's contacts; null: every contact. */
  contactIds: readonly number[] | null;
  asOf: number;
}

export interface ObservedHeatmap {
  horizonMinutes: number;
  metric: 'seen' | 'delivered';
  zone: string;
  contactId: number | null;
  contacts: number;
  cells: SendTimeCell[];
  method: string;
  assumptions: string[];
  notes: SendTimeNote[];
}

interface ObservedRow {
  contact_ref: number;
  sent_at: number;
  delivered_at: number | null;
  read_at: number | null;
  contact_zone: string | null;
  page_zone: string | null;
}

/**
 * Observed, not modelled: per weekday × hour cell, the share of outbound messages delivered (or
 * seen) within H, shrunk towards the overall rate. Reads the workspace's whole outbound history
 * (the caller has checked the contacts belong to it).
 */
export function observedHeatmap(db: Database, req: ObservedRequest): ObservedHeatmap {
  const hMs = req.horizonMinutes * 60_000;
  const rows = db
    .prepare(
      `SELECT m.contact_ref, m.sent_at, m.delivered_at, m.read_at, c.time_zone AS contact_zone, p.time_zone AS page_zone
         FROM messages m JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref
        WHERE p.workspace_id = ? AND m.direction = 'out' AND m.sent_at <= ? AND (? IS NULL OR m.contact_ref = ?)`,
    )
    .iterate(req.workspaceId, req.asOf - hMs, req.contactId, req.contactId) as IterableIterator<ObservedRow>;
  const group = req.contactIds ? new Set(req.contactIds) : null;
  const sends = new Float64Array(CELLS);
  const hits = new Float64Array(CELLS);
  const contacts = new Set<number>();
  const zones = new Set<string>();
  const valid = new Map<string, boolean>();
  const usable = (z: string | null): z is string => {
    if (!z) return false;
    let ok = valid.get(z);
    if (ok === undefined) valid.set(z, (ok = isValidTimeZone(z)));
    return ok;
  };
  for (const m of rows) {
    if (group && !group.has(m.contact_ref)) continue;
    const zone = req.clock === 'workspace' ? req.workspaceZone : usable(m.contact_zone) ? m.contact_zone : usable(m.page_zone) ? m.page_zone : req.workspaceZone;
    zones.add(zone);
    contacts.add(m.contact_ref);
    const cell = cellOf(m.sent_at, zone);
    sends[cell] = (sends[cell] as number) + 1;
    const at = req.metric === 'seen' ? m.read_at : m.delivered_at;
    if (at !== null && at - m.sent_at <= hMs) hits[cell] = (hits[cell] as number) + 1;
  }
  const totalSends = sends.reduce((a, b) => a + b, 0);
  const totalHits = hits.reduce((a, b) => a + b, 0);
  const overall = totalSends > 0 ? totalHits / totalSends : 0.5;
  const prior = Math.min(0.999, Math.max(0.001, overall));
  const cells: SendTimeCell[] = [];
  for (let k = 0; k < CELLS; k++) {
    const n = sends[k] as number;
    const a = PRIOR_STRENGTH * prior + (hits[k] as number);
    const b = PRIOR_STRENGTH * (1 - prior) + n - (hits[k] as number);
    const iv = betaInterval(a, b);
    cells.push({ weekday: Math.floor(k / 24), hour: k % 24, rate: a / (a + b), n, sends: n, low: iv.low, high: iv.high });
  }
  const zone = zones.size === 1 ? ([...zones][0] as string) : zones.size === 0 ? req.workspaceZone : 'local';
  const what = req.metric === 'seen' ? 'read_at − sent_at' : 'delivered_at − sent_at';
  return {
    horizonMinutes: req.horizonMinutes,
    metric: req.metric,
    zone,
    contactId: req.contactId,
    contacts: contacts.size,
    cells,
    method: 'observed-rate-per-cell+beta-shrinkage',
    ...withNotes([
      note('sendtime.note.observed.success', { what, horizon: req.horizonMinutes }),
      note('sendtime.note.observed.pending', { fittedAt: req.asOf }),
      note('sendtime.note.observed.shrink', { overallPercent1: overall * 100, strength: PRIOR_STRENGTH }),
      req.clock === 'workspace' ? note('sendtime.note.observed.workspaceClock', { zone: req.workspaceZone }) : note('sendtime.note.observed.localClock'),
      note('sendtime.note.observed.pastTimes'),
    ]),
  };
}
