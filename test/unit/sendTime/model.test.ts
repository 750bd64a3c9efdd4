import { describe, expect, it } from 'vitest';
import { betaQuantile, fitBetaPrior, MAX_PRIOR_STRENGTH } from '../../../shared/sendTime/beta';
import { cellOf, contactCell, fitSendTimeModel, type ContactHistory } from '../../../shared/sendTime/model';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Monday 2026-03-02 12:00 Paris (11:00 UTC).
const MONDAY_NOON = Date.parse('2026-03-02T11:00:00Z');

function contact(id: number, sends: number, seen: number): ContactHistory {
  const outbound = [];
  for (let i = 0; i < sends; i++) {
    const sentAt = MONDAY_NOON + (i % 7) * 24 * HOUR + Math.floor(i / 7) * 7 * 24 * HOUR;
    outbound.push({ sentAt, deliveredAt: sentAt + MINUTE, readAt: i < seen ? sentAt + 10 * MINUTE : null });
  }
  return { contactId: id, psid: `p${id}`, pageRef: 1, zone: 'Europe/Paris', lastInboundAt: null, outbound, inbound: [] };
}

describe('Beta helpers', () => {
  it('quantiles match closed forms', () => {
    // Beta(1,1) is uniform; Beta(2,1) has CDF x², so its 0.25 quantile is 0.5.
    expect(betaQuantile(0.3, 1, 1)).toBeCloseTo(0.3, 9);
    expect(betaQuantile(0.25, 2, 1)).toBeCloseTo(0.5, 9);
  });

  it('method-of-moments prior matches a hand computation', () => {
    // mean = (15 + 0.5) / (30 + 1) = 0.5; spread = (0.09 + 0.09 + 0) / 2 = 0.09; noise = 0.25 · 0.1;
    // between = 0.065; strength = 0.25 / 0.065 − 1 = 2.84615…
    const p = fitBetaPrior([
      { successes: 2, trials: 10 },
      { successes: 8, trials: 10 },
      { successes: 5, trials: 10 },
    ]);
    expect(p.alpha + p.beta).toBeCloseTo(0.25 / 0.065 - 1, 9);
    expect(p.alpha / (p.alpha + p.beta)).toBeCloseTo(0.5, 12);
  });

  it('contacts that all behave alike get the strongest prior', () => {
    const p = fitBetaPrior(Array.from({ length: 20 }, () => ({ successes: 4, trials: 10 })));
    expect(p.alpha + p.beta).toBe(MAX_PRIOR_STRENGTH);
  });
});

describe('shrinkage', () => {
  // 60 contacts of 20 sends with rates spread from 0.2 to 0.6 set a moderate prior near 0.4.
  const population = Array.from({ length: 60 }, (_, i) => contact(i + 1, 20, 4 + (i % 9)));
  const few = contact(1001, 2, 2);
  const many = contact(1002, 200, 180);
  const model = fitSendTimeModel([...population, few, many], { horizonMinutes: 60, asOf: MONDAY_NOON + 400 * 24 * HOUR });
  // 62 contacts with sends on one Page: the Page has enough to get its own prior.
  const prior = model.pagePriors.get(1) ?? model.workspacePrior;
  const priorMean = prior.alpha / (prior.alpha + prior.beta);
  const mean = (id: number) => {
    const c = model.contacts.get(id);
    if (!c) throw new Error('missing');
    return c.posterior.alpha / (c.posterior.alpha + c.posterior.beta);
  };

  it('a contact with 2 messages stays close to the prior', () => {
    expect(priorMean).toBeGreaterThan(0.3);
    expect(priorMean).toBeLessThan(0.5);
    expect(Math.abs(mean(1001) - priorMean)).toBeLessThan(0.1);
    expect(model.contacts.get(1001)?.reason).toBe('page');
  });

  it('a contact with 200 messages gets close to its own rate', () => {
    expect(Math.abs(mean(1002) - 0.9)).toBeLessThan(0.05);
    expect(model.contacts.get(1002)?.reason).toBe('own_history');
  });

  it('cells carry honest uncertainty: fewer messages, wider interval', () => {
    const cell = cellOf(MONDAY_NOON, 'Europe/Paris');
    const a = contactCell(model, model.contacts.get(1001) as never, cell);
    const b = contactCell(model, model.contacts.get(1002) as never, cell);
    expect(a.high - a.low).toBeGreaterThan(b.high - b.low);
    expect(b.n).toBeGreaterThan(a.n);
    expect(model.method).toBeTruthy();
    expect(model.assumptions.length).toBeGreaterThan(3);
  });

  it('pending messages (sent less than H ago) are not counted as unseen', () => {
    const m = fitSendTimeModel([contact(1, 3, 0)], { horizonMinutes: 60, asOf: MONDAY_NOON + 30 * MINUTE });
    expect(m.contacts.get(1)?.sends).toBe(0);
  });
});

describe('local buckets across DST (Europe/Paris)', () => {
  it('spring forward 2026-03-29: 01:30 UTC is Sunday 03:30 local', () => {
    expect(cellOf(Date.parse('2026-03-29T00:30:00Z'), 'Europe/Paris')).toBe(6 * 24 + 1);
    expect(cellOf(Date.parse('2026-03-29T01:30:00Z'), 'Europe/Paris')).toBe(6 * 24 + 3);
  });

  it('fall back 2026-10-25: both 02:xx hours land in the Sunday 02:00 cell', () => {
    expect(cellOf(Date.parse('2026-10-25T00:30:00Z'), 'Europe/Paris')).toBe(6 * 24 + 2);
    expect(cellOf(Date.parse('2026-10-25T01:30:00Z'), 'Europe/Paris')).toBe(6 * 24 + 2);
  });
});
