import { describe, expect, it } from 'vitest';
import { betaInterval, betaQuantile, fitBetaPrior } from '../../../shared/sendTime/beta';
import { cellOf, contactLift, contactRate, fitSendTimeModel, type ContactHistory } from '../../../shared/sendTime/model';
import { buildSendPlan, type PlanContact } from '../../../shared/sendTime/plan';
import { binOfCell, contactDensity, fitRhythms, rhythmPosterior } from '../../../shared/sendTime/rhythms';
import { zonedParts } from '../../../shared/time/zones';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('empirical-Bayes prior, against scipy', () => {
  // Drawn with scipy.stats.betabinom.rvs(n, 2.0, 6.0, random_state=numpy.random.default_rng(7)).
  const n = [5, 8, 12, 20, 3, 15, 10, 6, 9, 25, 4, 11, 7, 14, 18, 2, 30, 16, 5, 9];
  const trials = [...n, ...n, ...n];
  const x = [
    0, 2, 3, 4, 0, 1, 2, 1, 0, 5, 0, 2, 0, 3, 1, 0, 11, 0, 1, 2, 3, 0, 2, 8, 0, 11, 3, 3, 1, 9, 0, 4, 3, 8, 3, 0, 3, 3, 2, 0, 0, 3, 5, 4, 0, 1, 5, 3, 3, 16, 2, 2,
    3, 3, 2, 0, 7, 3, 1, 0,
  ];
  const units = trials.map((t, i) => ({ trials: t, successes: x[i] as number }));

  it('method of moments, corrected for binomial noise, matches the same formula in numpy', () => {
    // mean = (Σx + 0.5) / (Σn + 1); between = s²(x/n) − m(1−m)·mean(1/n); strength = m(1−m)/between − 1.
    // numpy: mean 0.24345930232558138, strength 13.616360591810698.
    const p = fitBetaPrior(units);
    expect(p.alpha / (p.alpha + p.beta)).toBeCloseTo(0.24345930232558138, 12);
    expect(p.alpha + p.beta).toBeCloseTo(13.616360591810698, 9);
  });

  it('lands near the marginal-likelihood fit (scipy.optimize on betabinom.logpmf)', () => {
    // scipy.optimize.minimize(Nelder-Mead) of −Σ betabinom.logpmf(x, n, a, b): a = 2.147267, b = 7.014632
    // (mean 0.234369, strength 9.1619). Moments are less efficient but in the same place.
    const p = fitBetaPrior(units);
    expect(Math.abs(p.alpha / (p.alpha + p.beta) - 0.23436922517849512)).toBeLessThan(0.015);
    expect((p.alpha + p.beta) / 9.16189937398791).toBeGreaterThan(0.67);
    expect((p.alpha + p.beta) / 9.16189937398791).toBeLessThan(1.5);
  });

  it('Beta quantiles match scipy.stats.beta.ppf', () => {
    const cases: [number, number, number, number][] = [
      [0.05, 2.5, 7.5, 0.06731161356870272],
      [0.95, 2.5, 7.5, 0.4916369651474135],
      [0.05, 0.3, 40, 8.098249590658519e-7],
      [0.95, 400, 3, 0.9979629417430615],
      [0.5, 1, 1, 0.5],
    ];
    for (const [q, a, b, ref] of cases) expect(Math.abs(betaQuantile(q, a, b) - ref)).toBeLessThan(1e-9 * Math.max(1e-3, ref));
    const iv = betaInterval(2.5, 7.5);
    expect(iv.low).toBeCloseTo(0.06731161356870272, 9);
    expect(iv.high).toBeCloseTo(0.4916369651474135, 9);
  });

  it('Beta quantiles match scipy over a grid of shapes from 0.2 to 900 (the plan asks for 200 000 of them)', () => {
    // [a, b, ppf(0.05), ppf(0.5), ppf(0.95)] from scipy.stats.beta.ppf (scipy 1.x, Boost's ibeta_inv).
    const grid: [number, number, number, number, number][] = [
      [0.2, 0.2, 7.743885786452429e-06, 0.5, 0.9999922561142135],
      [0.2, 0.7, 5.392551946533834e-07, 0.05320030290127817, 0.9073912559543731],
      [0.2, 1, 3.125000000000001e-07, 0.031250000000000014, 0.7737809374999999],
      [0.2, 3.5, 6.551247182467439e-08, 0.0066424121254114385, 0.28101982814226256],
      [0.2, 25, 8.288936406532714e-09, 0.0008429349627772888, 0.04102104401127519],
      [0.2, 180, 1.1354179177039208e-09, 0.0001155073208387136, 0.005721450782334985],
      [0.2, 900, 2.266799698855351e-10, 2.3061470573835237e-05, 0.0011448818111041662],
      [0.7, 0.2, 0.09260874404562688, 0.9467996970987218, 0.9999994607448054],
      [0.7, 0.7, 0.020720623154333876, 0.5, 0.9792793768456661],
      [0.7, 1, 0.013847957451526881, 0.3714985722842371, 0.9293441702879051],
      [0.7, 3.5, 0.0036174113124000378, 0.11426494171856705, 0.5074054059854226],
      [0.7, 25, 0.0004893280461181884, 0.016260962251460155, 0.09141983938777835],
      [0.7, 180, 6.762735667321151e-05, 0.0022627872470172066, 0.013160430995143073],
      [0.7, 900, 1.3516827145420662e-05, 0.00045266601636233646, 0.002644294387001113],
      [1, 0.2, 0.2262190625, 0.96875, 0.9999996875],
      [1, 0.7, 0.07065582971209483, 0.6285014277157629, 0.9861520425484731],
      [1, 1, 0.05, 0.5, 0.95],
      [1, 3.5, 0.014548361810443599, 0.17966464399236204, 0.5751093795080316],
      [1, 25, 0.0020496284126207917, 0.027345052587714483, 0.1129281450068432],
      [1, 180, 0.0002849221485704288, 0.003843412779424782, 0.016505228195662733],
      [1, 900, 5.699092527501459e-05, 0.0007698670341436434, 0.0033230577960773364],
      [3.5, 0.2, 0.7189801718577373, 0.9933575878745886, 0.9999999344875282],
      [3.5, 0.7, 0.4925945940145773, 0.885735058281433, 0.9963825886876],
      [3.5, 1, 0.42489062049196824, 0.820335356007638, 0.9854516381895564],
      [3.5, 3.5, 0.20889720171941992, 0.5000000000000001, 0.79110279828058],
      [3.5, 25, 0.04047581469345063, 0.1139776212583418, 0.23540870732910804],
      [3.5, 180, 0.005961163497423979, 0.017353770265405508, 0.03806396665328013],
      [3.5, 900, 0.001201691515329269, 0.0035143745394657917, 0.007773876255514151],
      [25, 0.2, 0.9589789559887247, 0.9991570650372227, 0.9999999917110636],
      [25, 0.7, 0.9085801606122216, 0.9837390377485399, 0.9995106719538818],
      [25, 1, 0.8870718549931568, 0.9726549474122855, 0.9979503715873792],
      [25, 3.5, 0.764591292670892, 0.8860223787416582, 0.9595241853065494],
      [25, 25, 0.3846900341847389, 0.5, 0.6153099658152611],
      [25, 180, 0.0866523385711554, 0.12072134592250769, 0.16144868872374923],
      [25, 900, 0.018879842988680902, 0.026686754250952495, 0.03633530648666886],
      [180, 0.2, 0.994278549217665, 0.9998844926791612, 0.9999999988645821],
      [180, 0.7, 0.9868395690048569, 0.9977372127529828, 0.9999323726433268],
      [180, 1, 0.9834947718043373, 0.9961565872205752, 0.9997150778514295],
      [180, 3.5, 0.9619360333467198, 0.9826462297345945, 0.9940388365025761],
      [180, 25, 0.8385513112762508, 0.8792786540774923, 0.9133476614288446],
      [180, 180, 0.45670569030884267, 0.5, 0.5432943096911573],
      [180, 900, 0.14837865513280596, 0.16646086544903188, 0.18565678564264992],
      [900, 0.2, 0.9988551181888958, 0.9999769385294262, 0.99999999977332],
      [900, 0.7, 0.9973557056129989, 0.9995473339836377, 0.9999864831728545],
      [900, 1, 0.9966769422039227, 0.9992301329658564, 0.999943009074725],
      [900, 3.5, 0.9922261237444858, 0.9964856254605342, 0.9987983084846708],
      [900, 25, 0.9636646935133312, 0.9733132457490475, 0.981120157011319],
      [900, 180, 0.81434321435735, 0.8335391345509682, 0.8516213448671941],
      [900, 900, 0.4806198068974506, 0.5, 0.5193801931025493],
    ];
    for (const [a, b, q05, q50, q95] of grid) {
      for (const [p, ref] of [[0.05, q05], [0.5, q50], [0.95, q95]] as const) {
        expect(Math.abs(betaQuantile(p, a, b) - ref), `ppf(${p}, ${a}, ${b})`).toBeLessThan(1e-9 * Math.max(1e-6, Math.min(ref, 1 - ref)));
      }
      const iv = betaInterval(a, b);
      expect(Math.abs(iv.low - q05)).toBeLessThan(1e-9 * Math.max(1e-6, q05));
      expect(Math.abs(iv.high - q95)).toBeLessThan(1e-9 * Math.max(1e-6, 1 - q95));
    }
  });
});

describe('latent rhythms (contact → rhythm → audience)', () => {
  // 300 morning people (events at 08–09 weekdays), 300 evening people (20–21).
  const events: number[][] = [];
  for (let i = 0; i < 600; i++) {
    const base = i < 300 ? 8 : 20;
    events.push([0, 1, 2, 3].map((d) => binOfCell(d * 24 + base + ((i + d) % 2))));
  }
  const m = fitRhythms(events, { classes: 4 });

  it('separates the two groups and gives a new contact with two evening events an evening profile', () => {
    const evening = contactDensity(m, [binOfCell(20), binOfCell(24 + 21)]);
    expect(evening[2 * 24 + 20] as number).toBeGreaterThan(10 * (evening[2 * 24 + 8] as number));
    const morning = rhythmPosterior(m, [binOfCell(8), binOfCell(9)]);
    const eveningPost = rhythmPosterior(m, [binOfCell(20), binOfCell(21)]);
    // The two contacts put their weight on different rhythms.
    const top = (p: Float64Array) => p.indexOf(Math.max(...p));
    expect(top(morning)).not.toBe(top(eveningPost));
  });

  it('a contact without events gets the audience’s mix (weights sum to one)', () => {
    const none = rhythmPosterior(m, []);
    none.forEach((v, k) => expect(v).toBeCloseTo(m.weights[k] as number, 9));
  });
});

describe('the model ignores what the send schedule causes', () => {
  // Sends every day at 12:00 UTC; the contact replies 5 minutes after reading; it also writes on its own at 20:00.
  const t0 = Date.UTC(2026, 2, 2);
  function history(id: number): ContactHistory {
    const outbound = [];
    const inbound = [];
    for (let d = 0; d < 20; d++) {
      const sentAt = t0 + d * DAY + 12 * HOUR;
      outbound.push({ sentAt, deliveredAt: sentAt + MINUTE, readAt: sentAt + 10 * MINUTE });
      inbound.push(sentAt + 15 * MINUTE, t0 + d * DAY + 20 * HOUR, t0 + d * DAY + 20 * HOUR + MINUTE);
    }
    return { contactId: id, psid: `p${id}`, pageRef: 1, zone: 'UTC', lastInboundAt: null, outbound, inbound };
  }
  const model = fitSendTimeModel(
    Array.from({ length: 120 }, (_, i) => history(i + 1)),
    { horizonMinutes: 60, asOf: t0 + 30 * DAY },
  );

  it('replies and bursts are not presence: the evening is the contact’s active time, not lunch', () => {
    const c = model.contacts.get(1);
    if (!c) throw new Error('missing');
    // Lift is the activity profile: only the 20:00 messages (one per burst) count.
    expect(contactLift(model, c, 2 * 24 + 20)).toBeGreaterThan(5 * contactLift(model, c, 2 * 24 + 12));
    expect(contactRate(model, c, 2 * 24 + 20)).toBeGreaterThan(0);
  });
});

describe('local time across DST edges (reference: Python zoneinfo)', () => {
  const cases: [string, string, number][] = [
    ['Europe/Paris', '2026-03-29T00:59:00Z', 145], // 01:59 CET, Sunday
    ['Europe/Paris', '2026-03-29T01:00:00Z', 147], // 03:00 CEST: 02:xx does not exist
    ['Europe/Paris', '2026-10-25T00:30:00Z', 146], // 02:30 CEST
    ['Europe/Paris', '2026-10-25T01:30:00Z', 146], // 02:30 CET: the same local hour twice
    ['America/St_Johns', '2026-03-08T05:29:00Z', 145], // 01:59 NST (−3:30)
    ['America/St_Johns', '2026-03-08T05:30:00Z', 147], // 03:00 NDT (−2:30)
    ['America/St_Johns', '2026-11-01T04:29:00Z', 145], // 01:59 NDT
    ['America/St_Johns', '2026-11-01T04:30:00Z', 145], // 01:00 NST again
    ['America/St_Johns', '2026-11-01T05:30:00Z', 146], // 02:00 NST
  ];
  it.each(cases)('%s at %s is cell %i', (zone, iso, cell) => {
    expect(cellOf(Date.parse(iso), zone)).toBe(cell);
  });

  it('the quarter-hour cache agrees with Intl minute by minute around both St John’s transitions', () => {
    for (const start of [Date.parse('2026-03-08T03:00:00Z'), Date.parse('2026-11-01T02:00:00Z')]) {
      for (let t = start; t < start + 6 * HOUR; t += 7 * MINUTE) {
        const p = zonedParts(t, 'America/St_Johns');
        expect(cellOf(t, 'America/St_Johns')).toBe(p.weekday * 24 + p.hour);
      }
    }
  });

  it('a St John’s contact’s plan never lands in the missing 02:xx hour', () => {
    const start = Date.parse('2026-03-08T04:30:00Z'); // 01:00 NST
    const end = Date.parse('2026-03-08T08:30:00Z'); // 06:00 NDT
    const contact: PlanContact = {
      contactId: 1,
      psid: 'nl',
      zone: 'America/St_Johns',
      lastInboundAt: start - HOUR,
      recentSends: 0,
      reason: 'workspace',
      // Best at local 02:00 (which is skipped), then 03:00.
      estimate: (cell) => ({ rate: cell % 24 === 2 ? 0.9 : cell % 24 === 3 ? 0.6 : 0.1, low: 0, high: 1 }),
    };
    const plan = buildSendPlan([contact], { start, end, horizonMinutes: 60, workspaceZone: 'America/St_Johns', usualHour: 1, holdoutShare: 0 });
    const s = plan.sends[0];
    expect(s?.sendAt).toBe(Date.parse('2026-03-08T05:30:00Z'));
    expect(zonedParts(s?.sendAt as number, 'America/St_Johns').hour).toBe(3);
  });
});

describe('planner: the 24-hour window cut, the cap and exploration', () => {
  const start = Date.parse('2026-06-01T08:00:00Z');
  const mk = (id: number, lastInboundAt: number, best = 15): PlanContact => ({
    contactId: id,
    psid: `c${id}`,
    zone: 'UTC',
    lastInboundAt,
    recentSends: 0,
    reason: 'workspace',
    estimate: (cell) => ({ rate: cell % 24 === best ? 0.8 : 0.3, low: 0, high: 1 }),
  });

  it('a send is never at or after last_inbound + 24 h, even when the best hour is later', () => {
    // Window closes at 10:30; the best hour is 15:00.
    const c = mk(1, Date.parse('2026-05-31T10:30:00Z'));
    const plan = buildSendPlan([c], { start, end: start + 10 * HOUR, horizonMinutes: 60, workspaceZone: 'UTC', usualHour: 12, holdoutShare: 0 });
    expect(plan.sends[0]?.sendAt).toBeLessThan(Date.parse('2026-06-01T10:30:00Z'));
    expect(plan.sends[0]?.cutByWindow).toBe(true);
    // One minute before the close is allowed, the close itself is not.
    const edge = buildSendPlan([mk(2, Date.parse('2026-05-31T08:01:00Z'))], { start, end: start + HOUR, horizonMinutes: 60, workspaceZone: 'UTC', usualHour: 12, holdoutShare: 0 });
    expect(edge.sends[0]?.sendAt).toBe(start);
  });

  it('the per-minute cap is kept and the warning says how many are left out and why', () => {
    const contacts = Array.from({ length: 7 }, (_, i) => mk(i + 1, start - HOUR));
    const plan = buildSendPlan(contacts, { start, end: start + 3 * MINUTE, horizonMinutes: 1, workspaceZone: 'UTC', usualHour: 8, perMinuteCap: 2, holdoutShare: 0 });
    expect(plan.sends).toHaveLength(6);
    const perMinute = new Map<number, number>();
    for (const s of plan.sends) perMinute.set(s.sendAt, (perMinute.get(s.sendAt) ?? 0) + 1);
    expect(Math.max(...perMinute.values())).toBe(2);
    // The figures behind the detail travel with it, for the UI's language.
    expect(plan.leftOut).toEqual([expect.objectContaining({ reason: 'send_cap', allowedMinutes: 3, limit: 2, detail: 'All 3 allowed minutes already hold 2 sends (the per-minute cap).' })]);
    expect(plan.warnings?.[0]).toContain('Contacts left out by the per-minute cap: 1. A cap of 2 a minute over the 3 minutes of the validity window holds at most 6 sends');
  });

  it('an exploration share sends about that share at random allowed minutes, never the holdout', () => {
    const contacts = Array.from({ length: 2000 }, (_, i) => mk(i + 1, start - HOUR));
    const plan = buildSendPlan(contacts, { start, end: start + 12 * HOUR, horizonMinutes: 60, workspaceZone: 'UTC', usualHour: 12, holdoutShare: 0.1, explorationShare: 0.1 });
    const explore = plan.sends.filter((s) => s.explore);
    expect(explore.length).toBeGreaterThan(120);
    expect(explore.length).toBeLessThan(240);
    expect(explore.some((s) => s.holdout)).toBe(false);
    // Exploration spreads over the window; the others all go at their best hour, 15:00.
    expect(new Set(explore.map((s) => new Date(s.sendAt).getUTCHours())).size).toBeGreaterThan(8);
    expect(plan.sends.filter((s) => !s.explore && !s.holdout).every((s) => new Date(s.sendAt).getUTCHours() === 15)).toBe(true);
  });
});
