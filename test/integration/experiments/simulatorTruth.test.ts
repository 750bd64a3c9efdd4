import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import { importArchive } from '../../../electron/services/ingest/importArchive';
import { runSimulation } from '../../../electron/services/simulator';
import { makeTempDir } from '../../support/tempDir';

// Issue 8's trust checks on the simulator, through the product's own API: an
// experiment whose variant B truly has a higher seen rate is called for B, and
// an SRM injected by one variant's sends failing (a rate-limit storm) is flagged.

const tmp = makeTempDir('relais-ab-truth-');
afterAll(() => tmp.cleanup());

function scenario(variantB: Record<string, unknown>) {
  return {
    version: 1,
    name: 'A/B trust check',
    seed: 8080,
    startDate: '2026-04-06',
    days: 14,
    page: { id: '100000000008080', name: 'Trust check', timeZone: 'Europe/Paris', locale: 'fr-FR' },
    population: { size: 6000, inboundPerWeek: { mean: 4, shape: 1 }, blocked: 0.02 },
    campaigns: [
      {
        ref: 'promo',
        name: 'Promo',
        kind: 'newsletter',
        horizonMinutes: 240,
        times: ['18:00'],
        dates: ['2026-04-17'],
        variants: [
          { ref: 'A', name: 'A', text: 'Nouveautés de la semaine' },
          { ref: 'B', name: 'B', text: 'Nouveautés : -20 % ce soir', ...variantB },
        ],
      },
    ],
  };
}

async function call<T>(ctx: AppContext, method: string, input: unknown): Promise<T> {
  const reply = await dispatch(ctx, method, input);
  if (!reply.ok) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}

async function resultsFor(name: string, variantB: Record<string, unknown>) {
  const archive = path.join(tmp.dir, `${name}.ndjson`);
  const sim = await runSimulation(scenario(variantB), { archive, expectedRates: false });
  const ctx = createContext({ dataDir: path.join(tmp.dir, name) });
  try {
    const ws = ctx.workspaces.create({ name, timeZone: 'Europe/Paris', locale: 'fr-FR' });
    await importArchive(ctx.store.db, { file: archive, workspaceId: ws.id, addPages: true });
    const campaign = ctx.store.db.prepare('SELECT id FROM campaigns WHERE workspace_id = ? ORDER BY id LIMIT 1').get(ws.id) as { id: number };
    const exp = await call<{ id: number; variants: { variantId: number; name: string }[] }>(ctx, 'experiments:create', {
      workspaceId: ws.id,
      name: 'Wording',
      dimension: 'wording',
      campaign: { kind: 'existing', campaignId: campaign.id },
      variants: ['A', 'B'],
    });
    await call(ctx, 'experiments:updatePlan', {
      id: exp.id,
      hypothesis: 'B is seen more within 4 hours',
      primaryMetric: 'seenWithin',
      horizonMinutes: 240,
      stoppingRule: 'fixedHorizon',
      alpha: 0.05,
      priorWeight: 0,
      plannedPerVariant: 300,
      planner: null,
      variants: exp.variants.map((v) => ({ variantId: v.variantId, share: 0.5, description: v.name })),
    });
    await call(ctx, 'experiments:lock', { id: exp.id });
    const results = await call<{ verdict: { kind: string; variant?: string }; srm: { mismatch: boolean; causesToCheck: string[] }; exposures: { variant: string; exposures: number }[] }>(
      ctx,
      'experiments:results',
      { id: exp.id },
    );
    return { results, sim };
  } finally {
    ctx.store.close();
  }
}

describe('A/B verdicts on the simulator', () => {
  it('calls B when B truly gets seen more', async () => {
    const { results, sim } = await resultsFor('better-b', { seenMultiplier: 1.6 });
    expect(sim.campaigns.sent).toBeGreaterThan(600);
    expect(results.srm.mismatch).toBe(false);
    expect(results.verdict).toMatchObject({ kind: 'variantBetter', variant: 'B' });
  }, 120_000);

  it('flags a sample-ratio mismatch when one variant’s sends fail in a rate-limit storm', async () => {
    const { results } = await resultsFor('srm', { sendFailureShare: 0.3 });
    const [a, b] = results.exposures;
    expect(b!.exposures).toBeLessThan(a!.exposures * 0.85);
    expect(results.srm.mismatch).toBe(true);
    expect(results.srm.causesToCheck).toContain('srm.cause.rateLimit');
  }, 120_000);
});
