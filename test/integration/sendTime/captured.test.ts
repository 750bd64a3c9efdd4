import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../../../electron/services/context';
import { importArchive } from '../../../electron/services/ingest/importArchive';
import { createSimulation, runSimulation } from '../../../electron/services/simulator';
import { sendPlanCsv, sendTimePlan } from '../../../electron/services/sendTime/plan';
import { usualSendTime } from '../../../shared/sendTime/plan';
import { windowClosesAt } from '../../../shared/time/window';
import { makeTempDir } from '../../support/tempDir';

// Issue 7's proof: train on the simulator's history, plan a lunch promo on the day after,
// and score fixed / plan / oracle with the simulator's true probabilities.

const scenarioFile = path.join(process.cwd(), 'resources', 'scenarios', 'small-test.json');
const scenario = JSON.parse(fs.readFileSync(scenarioFile, 'utf8')) as Record<string, unknown>;
const tmp = makeTempDir('relais-sendtime-');
afterAll(() => tmp.cleanup());

const H = 60;
const MINUTE = 60_000;

describe('send-time plan against the simulator’s ground truth', () => {
  it('captures part of the oracle’s gain over the usual time, and never loses to it', async () => {
    const archive = path.join(tmp.dir, 'small.ndjson');
    const run = await runSimulation(scenario, { archive, expectedRates: false });
    const sim = createSimulation(scenario);
    const ctx = createContext({ dataDir: path.join(tmp.dir, 'data') });
    try {
      const ws = ctx.workspaces.create({ name: 'Bistro', timeZone: 'Europe/Paris', locale: 'fr-FR' });
      await importArchive(ctx.store.db, { file: archive, workspaceId: ws.id, addPages: true });
      // The day after the history ends (2026-04-02, a Thursday), 11:00–14:00 Paris.
      const start = run.endAt + 11 * 60 * MINUTE;
      const end = run.endAt + 14 * 60 * MINUTE;
      const { plan, history } = sendTimePlan(ctx.store.db, {
        workspaceId: ws.id,
        contactIds: null,
        horizonMinutes: H,
        start,
        end,
        holdoutShare: 0,
        asOf: run.endAt,
      });
      expect(history.usualHour).toBe(12);
      expect(plan.sends.length).toBeGreaterThan(50);
      expect(plan.leftOut.some((l) => l.reason === 'outside_window')).toBe(true);
      for (const s of plan.sends) expect(s.sendAt).toBeLessThan(s.windowClosesAt);

      const usual = usualSendTime(start, end, history.workspaceZone, history.usualHour);
      let fixed = 0;
      let planned = 0;
      let oracle = 0;
      for (const s of plan.sends) {
        const lastInbound = history.contacts.find((c) => c.contactId === s.contactId)?.lastInboundAt ?? null;
        const closes = windowClosesAt(lastInbound) as number;
        const lastMinute = Math.min(end, closes) - MINUTE;
        // The same constraints for all three: inside the validity window and the contact's 24-hour window.
        const fixedAt = Math.min(Math.max(usual, start), Math.floor(lastMinute / MINUTE) * MINUTE);
        fixed += sim.oracle.probability(s.psid, fixedAt, H).seen;
        planned += sim.oracle.probability(s.psid, s.sendAt, H).seen;
        oracle += sim.oracle.optimalSendTime(s.psid, start, Math.max(start, lastMinute), H, { stepMinutes: 5 }).seen;
      }
      const n = plan.sends.length;
      fixed /= n;
      planned /= n;
      oracle /= n;
      const captured = (planned - fixed) / (oracle - fixed);
      console.log(
        `send-time evaluation (small-test, H=${H} min, ${n} contacts in a window, ${plan.leftOut.length} left out): ` +
          `fixed=${fixed.toFixed(4)} plan=${planned.toFixed(4)} oracle=${oracle.toFixed(4)} captured=${captured.toFixed(3)} ` +
          `(model predicted plan=${plan.predictedRate.toFixed(4)} usual=${plan.usualTimeRate.toFixed(4)})`,
      );
      expect(planned).toBeGreaterThanOrEqual(fixed);
      expect(oracle).toBeGreaterThanOrEqual(planned - 1e-9);

      const csv = sendPlanCsv(plan);
      expect(csv.split('\r\n')[0]).toContain('status,contact_id,psid');
      expect(csv.split('\r\n').length).toBe(plan.sends.length + plan.leftOut.length + 2);
    } finally {
      ctx.store.close();
    }
  }, 120_000);
});
