import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planContacts } from '../../../electron/services/sendTime/plan';
import { fitSendTimeModel } from '../../../shared/sendTime/model';
import { buildSendPlan } from '../../../shared/sendTime/plan';
import golden from './planGolden.json';
import { GOLDEN_NOW, goldenHistories } from './planGolden.data';

/**
 * Pins the plan on three deterministic workspaces (presence classes and latent rhythms with a
 * per-minute cap, quiet hours, holdout and exploration; the blended shape without a cap), so
 * a speed-up or refactoring cannot change a plan unnoticed. The fast path was checked against
 * the straightforward code of commit 1afab6f this way. When the model or the planner changes
 * on purpose, regenerate with `REGEN_GOLDEN=1 npx vitest run test/unit/sendTime/planGolden.test.ts`
 * and say why in the commit.
 */
const HOUR = 3_600_000;
const cases = [
  { name: 'presence', shape: 'presence', n: 1200, opts: { start: GOLDEN_NOW + 4 * HOUR, end: GOLDEN_NOW + 7 * HOUR, perMinuteCap: 2, quietHours: { startHour: 22, endHour: 8 }, holdoutShare: 0.1, explorationShare: 0.05 } },
  { name: 'rhythms', shape: 'rhythms', n: 1200, opts: { start: GOLDEN_NOW + 4 * HOUR, end: GOLDEN_NOW + 7 * HOUR, perMinuteCap: 2, quietHours: { startHour: 22, endHour: 8 }, holdoutShare: 0.1, explorationShare: 0.05 } },
  { name: 'blend', shape: 'blend', n: 300, opts: { start: GOLDEN_NOW + 2 * HOUR, end: GOLDEN_NOW + 20 * HOUR, perMinuteCap: null, quietHours: null, holdoutShare: 0.2, explorationShare: 0 } },
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
      const h = goldenHistories(c.n);
      const model = fitSendTimeModel(h, { horizonMinutes: 60, asOf: GOLDEN_NOW, shape: c.shape });
      const { contacts } = planContacts(model, h.map((x) => x.contactId), new Map([[1, 5], [2, 1]]));
      const plan = buildSendPlan(contacts, { ...c.opts, horizonMinutes: 60, workspaceZone: 'Europe/Paris', usualHour: 9, frequencyCapMax: 3, holdoutSeed: 'golden' });
      if (process.env.REGEN_GOLDEN) {
        const file = path.join(import.meta.dirname, 'planGolden.json');
        const all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Golden>;
        all[c.name] = {
          liftExponent: model.liftExponent,
          predictedRate: plan.predictedRate,
          usualTimeRate: plan.usualTimeRate,
          warnings: plan.warnings ?? [],
          sends: plan.sends.map((s) => [s.contactId, s.sendAt, s.predicted, s.low, s.high, s.reason, s.cutByWindow ? 1 : 0, s.holdout ? 1 : 0, s.explore ? 1 : 0]),
          leftOut: plan.leftOut.map((l) => [l.contactId, l.reason]),
        };
        fs.writeFileSync(file, `${JSON.stringify(all)}\n`);
        return;
      }
      const want = (golden as unknown as Record<string, Golden>)[c.name] as Golden;
      expect(model.method).toContain(c.shape === 'presence' ? 'presence' : c.shape === 'rhythms' ? 'rhythms' : 'reachability');
      expect(model.liftExponent).toBe(want.liftExponent);
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
