import { describe, expect, it } from 'vitest';
import { planContacts } from '../../../electron/services/sendTime/plan';
import { fitSendTimeModel } from '../../../shared/sendTime/model';
import { buildSendPlan } from '../../../shared/sendTime/plan';
import golden from './planGolden.json';
import { GOLDEN_NOW, goldenHistories } from './planGolden.data';

/**
 * The fast fit and planner (typed arrays, one ln B per quantile search, precomputed orders)
 * must give the plan the straightforward version gave: planGolden.json was written by the
 * code at commit 1afab6f on these two deterministic workspaces (latent rhythms with a
 * per-minute cap, quiet hours, holdout and exploration; the blended shape without a cap).
 */
const HOUR = 3_600_000;
const cases = [
  { name: 'rhythms', n: 1200, opts: { start: GOLDEN_NOW + 4 * HOUR, end: GOLDEN_NOW + 7 * HOUR, perMinuteCap: 2, quietHours: { startHour: 22, endHour: 8 }, holdoutShare: 0.1, explorationShare: 0.05 } },
  { name: 'blend', n: 300, opts: { start: GOLDEN_NOW + 2 * HOUR, end: GOLDEN_NOW + 20 * HOUR, perMinuteCap: null, quietHours: null, holdoutShare: 0.2, explorationShare: 0 } },
] as const;

type Row = [number, number, number, number, number, string, number, number, number];
interface Golden {
  liftExponent: number;
  predictedRate: number;
  usualTimeRate: number;
  warnings: string[];
  sends: Row[];
  leftOut: [number, string][];
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-10 * Math.max(1, Math.abs(b));

describe('send plan golden (fast path = previous results)', () => {
  for (const c of cases) {
    it(`${c.name}: same sends, minutes, rates, intervals and left-out contacts`, () => {
      const want = (golden as unknown as Record<string, Golden>)[c.name] as Golden;
      const h = goldenHistories(c.n);
      const model = fitSendTimeModel(h, { horizonMinutes: 60, asOf: GOLDEN_NOW });
      expect(model.liftExponent).toBe(want.liftExponent);
      const { contacts } = planContacts(model, h.map((x) => x.contactId), new Map([[1, 5], [2, 1]]));
      const plan = buildSendPlan(contacts, { ...c.opts, horizonMinutes: 60, workspaceZone: 'Europe/Paris', usualHour: 9, frequencyCapMax: 3, holdoutSeed: 'golden' });
      expect(plan.warnings).toEqual(want.warnings);
      expect(plan.leftOut.map((l) => [l.contactId, l.reason])).toEqual(want.leftOut);
      expect(plan.sends.length).toBe(want.sends.length);
      const got = plan.sends.map((s) => [s.contactId, s.sendAt, s.reason, s.cutByWindow ? 1 : 0, s.holdout ? 1 : 0, s.explore ? 1 : 0]);
      expect(got).toEqual(want.sends.map((r) => [r[0], r[1], r[5], r[6], r[7], r[8]]));
      const bad = plan.sends.filter((s, i) => {
        const r = want.sends[i] as Row;
        return !close(s.predicted, r[2]) || !close(s.low, r[3]) || !close(s.high, r[4]);
      });
      expect(bad).toEqual([]);
      expect(close(plan.predictedRate, want.predictedRate)).toBe(true);
      expect(close(plan.usualTimeRate, want.usualTimeRate)).toBe(true);
    });
  }
});
