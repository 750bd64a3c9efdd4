import { describe, expect, it } from 'vitest';
import { addExposure, binAt, contactPresence, denseExposure, fitPresence, makeEvidence, presenceEvidence, presencePosterior, reachWithin, type PresenceEvidence, type PresenceModel } from '../../../shared/sendTime/hazard';
import { cellOf } from '../../../shared/sendTime/model';
import { BINS, binOfCell } from '../../../shared/sendTime/rhythms';
import { zonedTimeToUtc } from '../../../shared/time/zones';
import { mulberry32 } from '../../integration/ingest/support/scenario';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PARIS = 'Europe/Paris';
const paris = (y: number, m: number, d: number, hour: number, minute = 0) => zonedTimeToUtc({ year: y, month: m, day: d, hour, minute }, PARIS);

const rng = mulberry32;

/** Exposure the slow way: minute by minute with the zone's real cells. */
function bruteExposure(from: number, to: number, zone: string): Float64Array {
  const out = new Float64Array(BINS);
  for (let t = from; t < to; t += MINUTE) {
    const b = binOfCell(cellOf(t, zone));
    out[b] = (out[b] as number) + Math.min(MINUTE, to - t) / HOUR;
  }
  return out;
}

describe('exposure by local weekday/weekend × hour bin', () => {
  it('agrees with a minute-by-minute walk, across DST changes and half-hour zones', () => {
    const random = rng(7);
    const zones = [PARIS, 'America/St_Johns', 'Asia/Kolkata', 'America/Vancouver', 'UTC'];
    // Waits around both 2026 Paris changes (29 March, 25 October) and at random times of the year.
    const starts = [paris(2026, 3, 28, 20), paris(2026, 10, 24, 21), paris(2026, 3, 29, 1, 30), ...Array.from({ length: 40 }, () => Date.UTC(2026, 0, 1) + Math.floor(random() * 360) * 86_400_000 + Math.floor(random() * 1440) * MINUTE)];
    let worst = 0;
    for (const zone of zones) {
      for (const from of starts) {
        const to = from + Math.floor(random() * 50 * 60) * MINUTE + 17_000;
        const fast = new Float64Array(BINS);
        addExposure(fast, from, to, zone);
        const slow = bruteExposure(from, to, zone);
        for (let b = 0; b < BINS; b++) worst = Math.max(worst, Math.abs((fast[b] as number) - (slow[b] as number)));
        expect(fast.reduce((a, v) => a + v, 0)).toBeCloseTo((to - from) / HOUR, 9);
      }
    }
    // The brute walk rounds to minutes: it can be off by at most one minute per bin edge.
    expect(worst).toBeLessThan(2 / 60);
  });

  it('puts the lost spring hour nowhere and the repeated autumn hour twice in its bin', () => {
    const spring = new Float64Array(BINS);
    addExposure(spring, paris(2026, 3, 29, 1), paris(2026, 3, 29, 4), PARIS); // Sunday 01:00 → 04:00 is two real hours
    expect(spring[24 + 1]).toBeCloseTo(1, 9);
    expect(spring[24 + 2]).toBe(0);
    expect(spring[24 + 3]).toBeCloseTo(1, 9);
    const autumn = new Float64Array(BINS);
    const from = paris(2026, 10, 25, 1);
    addExposure(autumn, from, from + 3 * HOUR, PARIS); // 01:00, 02:00 (CEST), 02:00 (CET)
    expect(autumn[24 + 2]).toBeCloseTo(2, 9);
  });

  it('binAt is the bin of the local cell', () => {
    const random = rng(3);
    for (let i = 0; i < 500; i++) {
      const t = Date.UTC(2026, 0, 1) + Math.floor(random() * 365 * 24 * 4) * 15 * MINUTE;
      for (const zone of [PARIS, 'America/St_Johns', 'Asia/Kolkata']) expect(binAt(t, zone)).toBe(binOfCell(cellOf(t, zone)));
    }
  });
});

describe('presence evidence from Page messages', () => {
  const asOf = paris(2026, 6, 20, 0);
  const wed = (hour: number, minute = 0) => paris(2026, 6, 10, hour, minute); // a Wednesday
  const send = (sentAt: number, readAt: number | null, deliveredAt: number | null = sentAt + 30_000) => ({ sentAt, deliveredAt, readAt });

  it('a read soon after delivery is the notification’s doing: no wait, no event', () => {
    const e = presenceEvidence(PARIS, [], [], [send(wed(12), wed(12, 10))], { asOf });
    expect(e.reads).toEqual([]);
    expect(denseExposure(e).every((v) => v === 0)).toBe(true);
  });

  it('a read at 19:10 after a noon send: exposure from 12:20 to 19:10 by hour, an event at 19', () => {
    const e = presenceEvidence(PARIS, [], [], [send(wed(12), wed(19, 10), wed(12))], { asOf });
    expect(e.reads).toEqual([19]);
    expect(denseExposure(e)[12]).toBeCloseTo(40 / 60, 9);
    for (let h = 13; h <= 18; h++) expect(denseExposure(e)[h]).toBeCloseTo(1, 9);
    expect(denseExposure(e)[19]).toBeCloseTo(10 / 60, 9);
    expect(denseExposure(e).reduce((a, v) => a + v, 0)).toBeCloseTo(6 + 50 / 60, 9);
  });

  it('a wait is cut at the next Page message; a long unread one is left out; order of the input does not matter', () => {
    // The 12:00 message is still unread when a reply goes out at 14:00 (cut: 12:20 → 14:00, no event);
    // the 14:00 one is never read (over 8 h with no read: left out).
    const e = presenceEvidence(PARIS, [], [], [send(wed(14), null, wed(14)), send(wed(12), null, wed(12))], { asOf });
    expect(e.reads).toEqual([]);
    expect(denseExposure(e).reduce((a, v) => a + v, 0)).toBeCloseTo(1 + 40 / 60, 9);
    expect(denseExposure(e)[12]).toBeCloseTo(40 / 60, 9);
    expect(denseExposure(e)[13]).toBeCloseTo(1, 9);
  });

  it('a read made while the person wrote is left out (writing opens the thread), other reads stay', () => {
    const inbound = [wed(18, 1)];
    const e = presenceEvidence(PARIS, [18], inbound, [send(wed(12), wed(18, 0), wed(12))], { asOf });
    expect(e.reads).toEqual([]);
    expect(e.inbound).toEqual([18]);
    const f = presenceEvidence(PARIS, [18], [wed(17, 0)], [send(wed(12), wed(18, 0), wed(12))], { asOf });
    expect(f.reads).toEqual([18]);
  });

  it('waits stop at asOf and undelivered messages say nothing', () => {
    const e = presenceEvidence(PARIS, [], [], [send(wed(12), null, null), send(wed(12, 30), null, wed(12, 30))], { asOf: wed(14, 50) });
    expect(e.reads).toEqual([]);
    expect(denseExposure(e).reduce((a, v) => a + v, 0)).toBeCloseTo(2, 9); // 12:50 → 14:50
  });
});

describe('presence classes', () => {
  it('the class posterior integrates the level of use out exactly (Gamma–Poisson, checked by quadrature)', () => {
    const flat = new Float64Array(BINS).fill(0.5);
    const evening = new Float64Array(BINS).map((_, b) => ((b % 24) >= 18 && (b % 24) <= 22 ? 2 : 0.2));
    const m: PresenceModel = { weights: Float64Array.from([0.7, 0.3]), rates: [flat, evening], levelShape: 2, iterations: 0, logLikelihood: 0 };
    const exposure = new Float64Array(BINS);
    exposure[13] = 1;
    exposure[14] = 1;
    exposure[15] = 0.5;
    exposure[19] = 0.25;
    const e = makeEvidence([20, 21], [19], exposure);
    const post = presencePosterior(m, e);
    // p(e | k) = Π_inbound share_k(b) × ∫ Π_reads a μ_k(b) e^(−a Λ_k) Gamma(a; 2, rate 2) da, by the trapezoid rule.
    const lik = (rates: Float64Array) => {
      let week = 0;
      for (let b = 0; b < BINS; b++) week += (rates[b] as number) * (b < 24 ? 5 : 2);
      const share = (b: number) => ((rates[b] as number) * (b < 24 ? 5 : 2)) / week;
      const lam = exposure.reduce((s, x, b) => s + x * (rates[b] as number), 0);
      let integral = 0;
      const da = 1e-4;
      for (let a = da / 2; a < 40; a += da) integral += a * (rates[19] as number) * Math.exp(-a * lam) * 4 * a * Math.exp(-2 * a) * da;
      return share(20) * share(21) * integral;
    };
    const l0 = 0.7 * lik(flat);
    const l1 = 0.3 * lik(evening);
    expect(post[1]).toBeCloseTo(l1 / (l0 + l1), 6);
  });

  it('EM finds planted morning, lunch and evening people and places each contact among its own', () => {
    const random = rng(11);
    const bump = (peak: number) => new Float64Array(BINS).map((_, b) => 0.08 + 1.6 * Math.exp(-(((b % 24) - peak) ** 2) / 2));
    const truth = [bump(8), bump(12.5), bump(20)];
    const gamma2 = () => {
      // Gamma(2, rate 2): the sum of two exponentials of rate 2.
      return (-Math.log(1 - random()) - Math.log(1 - random())) / 2;
    };
    const evidence: PresenceEvidence[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const k = i % 3;
      const rates = truth[k] as Float64Array;
      const a = gamma2();
      const e = { inbound: [] as number[], reads: [] as number[], exposure: new Float64Array(BINS) };
      // Six organic messages from the rhythm (weekday bins only).
      const total = rates.slice(0, 24).reduce((s, v) => s + v, 0);
      for (let j = 0; j < 6; j++) {
        let u = random() * total;
        let b = 0;
        while (u > (rates[b] as number) && b < 23) u -= rates[b++] as number;
        e.inbound.push(b);
      }
      // Ten noon sends: the wait from 12:20 ends at the first event of a Poisson process a·μ.
      for (let j = 0; j < 10; j++) {
        let t = 12 + 1 / 3;
        let need = -Math.log(1 - random());
        while (t < 48) {
          const b = Math.floor(t) % 24;
          const step = Math.min(Math.floor(t) + 1, 48) - t;
          const r = a * (rates[b] as number);
          if (r * step >= need) {
            const end = t + need / r;
            e.exposure[b] = (e.exposure[b] as number) + (end - t);
            e.reads.push(b);
            break;
          }
          need -= r * step;
          e.exposure[b] = (e.exposure[b] as number) + step;
          t += step;
        }
      }
      evidence.push(makeEvidence(e.inbound, e.reads, e.exposure));
      labels.push(k);
    }
    const m = fitPresence(evidence, { classes: 6 });
    // Each true group's contacts mostly land in classes whose weekday peak is near the group's.
    const peakOf = (rates: Float64Array) => {
      let best = 0;
      for (let b = 0; b < 24; b++) if ((rates[b] as number) > (rates[best] as number)) best = b;
      return best;
    };
    let right = 0;
    evidence.forEach((e, i) => {
      const p = contactPresence(m, e);
      const weekday = p.slice(0, 24);
      const peak = peakOf(weekday);
      const want = [8, 12.5, 20][labels[i] as number] as number;
      if (Math.abs(peak - want) <= 1.5) right++;
    });
    expect(right / evidence.length).toBeGreaterThan(0.85);
    expect(m.weights.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 9);
    // Same data, same classes.
    const again = fitPresence(evidence, { classes: 6 });
    expect(Array.from(again.rates[0] as Float64Array)).toEqual(Array.from(m.rates[0] as Float64Array));
  });

  it('reach within H from rates per hour: 1 − exp(−Λ) over the hours the horizon covers', () => {
    const rates = new Float64Array(168).fill(1);
    rates[10] = 3;
    expect(reachWithin(rates, 60)[9]).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(reachWithin(rates, 30)[9]).toBeCloseTo(1 - Math.exp(-0.5), 12);
    expect(reachWithin(rates, 90)[9]).toBeCloseTo(1 - Math.exp(-(1 + 1.5)), 12);
    expect(reachWithin(rates, 120)[10]).toBeCloseTo(1 - Math.exp(-4), 12);
  });
});
