import type { Scenario } from '../../../shared/domain/scenario';
import { DAY_MS } from '../../../shared/time/zones';
import { Rng } from './rng';

/** A platform outage: no device receives anything from start (inclusive) to end (exclusive). */
export interface Incident {
  readonly start: number;
  readonly end: number;
  readonly source: 'random' | 'scenario';
}

// Random outages are drawn a little past the run so that questions asked about the
// days right after it (planning the next campaign) see the same platform.
const INCIDENT_TAIL_MS = 14 * DAY_MS;

export function generateIncidents(scenario: Scenario, startAt: number, endAt: number): Incident[] {
  const rng = new Rng(String(scenario.seed), scenario.page.id, 'incidents');
  const spec = scenario.platform.incidents;
  const raw: Incident[] = [];
  const perMs = spec.perMonth / (30 * DAY_MS);
  if (perMs > 0) {
    let t = startAt;
    const stop = endAt + INCIDENT_TAIL_MS;
    for (;;) {
      t += rng.exp() / perMs;
      if (t >= stop) break;
      const minutes = rng.logNormal(spec.durationMinutes.median, spec.durationMinutes.sigma);
      const start = Math.round(t);
      raw.push({ start, end: start + Math.max(60_000, Math.round(minutes * 60_000)), source: 'random' });
    }
  }
  for (const i of scenario.platform.incidentList) {
    const start = Date.parse(i.start);
    raw.push({ start, end: start + Math.round(i.minutes * 60_000), source: 'scenario' });
  }
  raw.sort((a, b) => a.start - b.start || a.end - b.end);
  // Overlapping outages are one outage as far as devices can tell.
  const merged: Incident[] = [];
  for (const i of raw) {
    const last = merged[merged.length - 1];
    if (last && i.start <= last.end) {
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, i.end), source: last.source === 'scenario' || i.source === 'scenario' ? 'scenario' : 'random' };
    } else merged.push(i);
  }
  return merged;
}

/**
 * The platform's side of delivery: outages, and hand-off latency that grows at the
 * Page's busy hours (peak-hour congestion).
 */
export class Platform {
  /** Set by `locate`: whether the instant is inside an outage, and when that changes next. */
  inIncident = false;
  boundary = Infinity;
  /** Mean hand-off latency (ms) by hour of day in the Page's zone. */
  readonly latencyMsByHour: Float64Array;
  private idx = 0;

  constructor(
    readonly incidents: readonly Incident[],
    scenario: Scenario,
  ) {
    this.latencyMsByHour = new Float64Array(24);
    for (let h = 0; h < 24; h++) {
      const extra = scenario.platform.peakHours[String(h)] ?? 0;
      this.latencyMsByHour[h] = (scenario.platform.baseLatencySeconds + extra) * 1000;
    }
  }

  locate(t: number): void {
    const list = this.incidents;
    if (list.length === 0) {
      this.inIncident = false;
      this.boundary = Infinity;
      return;
    }
    // idx = number of incidents that start at or before t; moved from the last position.
    let i = this.idx;
    while (i < list.length && (list[i] as Incident).start <= t) i++;
    while (i > 0 && (list[i - 1] as Incident).start > t) i--;
    this.idx = i;
    const prev = i > 0 ? (list[i - 1] as Incident) : undefined;
    if (prev && t < prev.end) {
      this.inIncident = true;
      this.boundary = prev.end;
    } else {
      this.inIncident = false;
      this.boundary = i < list.length ? (list[i] as Incident).start : Infinity;
    }
  }
}
