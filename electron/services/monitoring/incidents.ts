import type { Database } from 'better-sqlite3';
import type { IncidentDetector, IncidentEvidence } from '../../../shared/domain/monitoring';
import { nearestRank, selectKth } from './numbers';
import { SENDS } from './scope';
import { effectiveDelivered } from './sql';
import { lowerBound } from '../../../shared/search';

/**
 * The platform-incident detector: in a window of sends, the median delivery latency jumps
 * well above the median of the period just before, and many distinct contacts are each
 * that late. Medians make it robust to a few slow phones; the distinct-contact count keeps
 * one contact's backlog or a tiny send from looking like an outage. A message still
 * undelivered counts as "at least its age", so an outage in progress shows before the
 * deliveries arrive, and a window too young to tell cannot fire.
 */
export type IncidentParams = Omit<IncidentDetector, 'kind' | 'lookbackMs'>;

/** Below this many baseline sends the "usual" latency is not known well enough to compare with. */
export const MIN_BASELINE_MESSAGES = 30;

/** Sends ordered by time, with their censored delivery latency and contact. */
export interface IncidentSamples {
  n: number;
  sentAt: Float64Array;
  latency: Float64Array;
  contact: Float64Array;
}

function medianOf(latency: Float64Array, start: number, end: number): number {
  const copy = latency.slice(start, end);
  return selectKth(copy, copy.length, nearestRank(copy.length, 50));
}

/** Evidence when the window [start, start + windowMs) is an incident, null otherwise. */
export function evaluateIncidentWindow(s: IncidentSamples, start: number, p: IncidentParams): IncidentEvidence | null {
  const b0 = lowerBound(s.sentAt, start - p.baselineMs, 0, s.n);
  const w0 = lowerBound(s.sentAt, start, 0, s.n);
  const w1 = lowerBound(s.sentAt, start + p.windowMs, 0, s.n);
  const baselineMessages = w0 - b0;
  if (baselineMessages < MIN_BASELINE_MESSAGES || w1 - w0 < p.minContacts) return null;
  const baseline = medianOf(s.latency, b0, w0);
  const threshold = Math.max(p.factor * baseline, baseline + p.minJumpMs);
  const windowMedian = medianOf(s.latency, w0, w1);
  if (windowMedian < threshold) return null;
  const all = new Set<number>();
  const late = new Set<number>();
  for (let i = w0; i < w1; i++) {
    all.add(s.contact[i]!);
    if (s.latency[i]! >= threshold) late.add(s.contact[i]!);
  }
  if (late.size < p.minContacts) return null;
  return {
    windowStart: start,
    windowEnd: start + p.windowMs,
    windowMedianMs: Math.round(windowMedian),
    baselineMedianMs: Math.round(baseline),
    baselineMessages,
    thresholdMs: Math.ceil(threshold),
    contactsAffected: late.size,
    contactsInWindow: all.size,
    messagesInWindow: w1 - w0,
  };
}

/** Window starts on a fixed grid (multiples of stepMs), so evaluations at different times agree. */
export function windowStartsCovering(from: number, to: number, p: Pick<IncidentParams, 'stepMs' | 'windowMs'>): number[] {
  const starts: number[] = [];
  for (let t = Math.ceil(from / p.stepMs) * p.stepMs; t + p.windowMs <= to; t += p.stepMs) starts.push(t);
  return starts;
}

/** Grid windows that contain the instant t. */
export function windowStartsAround(t: number, p: Pick<IncidentParams, 'stepMs' | 'windowMs'>): number[] {
  const starts: number[] = [];
  for (let s = Math.floor(t / p.stepMs) * p.stepMs; s > t - p.windowMs; s -= p.stepMs) starts.push(s);
  return starts.reverse();
}

/**
 * Every outbound send of the workspace (all Pages: an incident is the platform's, not a
 * Page's) in [lo, hi), with the latency known at `now`.
 */
export function incidentSamples(db: Database, workspaceId: number, lo: number, hi: number, now: number): IncidentSamples {
  const ED = effectiveDelivered('m');
  const rows = db
    .prepare(
      `SELECT m.sent_at, CASE WHEN ${ED} <= @now THEN max(0, ${ED} - m.sent_at) ELSE @now - m.sent_at END, m.contact_ref
       FROM ${SENDS}
       WHERE m.direction = 'out' AND c.page_ref IN (SELECT id FROM pages WHERE workspace_id = @workspaceId)
         AND m.sent_at >= @lo AND m.sent_at < @hi AND m.sent_at <= @now
       ORDER BY m.sent_at`,
    )
    .raw()
    .all({ workspaceId, lo, hi, now }) as [number, number, number][];
  const n = rows.length;
  const s: IncidentSamples = { n, sentAt: new Float64Array(n), latency: new Float64Array(n), contact: new Float64Array(n) };
  rows.forEach((r, i) => {
    s.sentAt[i] = r[0];
    s.latency[i] = r[1];
    s.contact[i] = r[2];
  });
  return s;
}
