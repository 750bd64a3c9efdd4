import { describe, expect, it } from 'vitest';
import { evaluateIncidentWindow, windowStartsAround, windowStartsCovering, type IncidentParams, type IncidentSamples } from '../../../electron/services/monitoring/incidents';
import { createRandom } from '../../../shared/stats/random';

const MIN = 60_000;
const H = 60 * MIN;
const P: IncidentParams = { windowMs: 30 * MIN, stepMs: 10 * MIN, baselineMs: 24 * H, factor: 4, minJumpMs: 15 * MIN, minContacts: 20 };
const START = Date.UTC(2025, 5, 1, 12);

function samples(rows: { sentAt: number; latency: number; contact: number }[]): IncidentSamples {
  rows.sort((a, b) => a.sentAt - b.sentAt);
  return {
    n: rows.length,
    sentAt: Float64Array.from(rows, (r) => r.sentAt),
    latency: Float64Array.from(rows, (r) => r.latency),
    contact: Float64Array.from(rows, (r) => r.contact),
  };
}

function world(lateContacts: number, lateBy: number) {
  const rnd = createRandom(11);
  const rows: { sentAt: number; latency: number; contact: number }[] = [];
  for (let i = 0; i < 400; i++) rows.push({ sentAt: START - 24 * H + Math.floor(rnd() * 24 * H), latency: 2000 + Math.floor(rnd() * 8000), contact: i });
  for (let i = 0; i < 40; i++) {
    const late = i < lateContacts;
    rows.push({ sentAt: START + Math.floor(rnd() * 30 * MIN), latency: late ? lateBy + Math.floor(rnd() * H) : 3000, contact: 1000 + i });
  }
  return samples(rows);
}

describe('platform incident detector', () => {
  it('fires when most of the window’s contacts are late together', () => {
    const e = evaluateIncidentWindow(world(30, 2 * H), START, P);
    expect(e).not.toBeNull();
    expect(e).toMatchObject({ windowStart: START, windowEnd: START + 30 * MIN, contactsAffected: 30, contactsInWindow: 40, messagesInWindow: 40, baselineMessages: 400 });
    expect(e!.baselineMedianMs).toBeLessThan(10_000);
    expect(e!.thresholdMs).toBe(e!.baselineMedianMs + 15 * MIN);
    expect(e!.windowMedianMs).toBeGreaterThanOrEqual(2 * H);
  });

  it('stays quiet without the jump, with too few late contacts, or without a baseline', () => {
    expect(evaluateIncidentWindow(world(0, 0), START, P)).toBeNull();
    // The median jumps (21 of 40 late) but only 21 contacts: fires at minContacts 20, not at 25.
    expect(evaluateIncidentWindow(world(21, 2 * H), START, P)).not.toBeNull();
    expect(evaluateIncidentWindow(world(21, 2 * H), START, { ...P, minContacts: 25 })).toBeNull();
    // A few minutes late is not an incident when the jump is under minJumpMs.
    expect(evaluateIncidentWindow(world(30, 5 * MIN), START, { ...P, minJumpMs: 2 * H })).toBeNull();
    const noBaseline = samples(Array.from({ length: 40 }, (_, i) => ({ sentAt: START + i * 1000, latency: 3 * H, contact: i })));
    expect(evaluateIncidentWindow(noBaseline, START, P)).toBeNull();
  });

  it('lays windows on a fixed grid', () => {
    expect(windowStartsAround(START + 25 * MIN, P)).toEqual([START, START + 10 * MIN, START + 20 * MIN]);
    expect(windowStartsCovering(START + 1, START + 60 * MIN, P)).toEqual([START + 10 * MIN, START + 20 * MIN, START + 30 * MIN]);
  });
});
