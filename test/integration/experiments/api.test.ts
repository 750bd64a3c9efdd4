import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contract } from '../../../shared/api/contract';
import { analyzeExperiment, sampleSizePerVariant } from '../../../shared/stats';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import { makeTempDir } from '../../support/tempDir';
import { DAY, MINUTE, applyExperimentsSchema, insertCampaign, insertMessages, insertPage, type MessagePlan } from './support';

let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
beforeEach(() => {
  tmp = makeTempDir();
  ctx = createContext({ dataDir: tmp.dir });
  applyExperimentsSchema(ctx.store.db);
});
afterEach(() => {
  ctx.store.close();
  tmp.cleanup();
});

async function ok<T = unknown>(method: string, input: unknown): Promise<T> {
  const reply = await dispatch(ctx, method, input);
  if (!reply.ok) throw new Error(`${method} failed: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}

describe('experiments API through dispatch', () => {
  it('registers experiments:* and ab:* entries in the one contract', () => {
    for (const m of ['experiments:list', 'experiments:create', 'experiments:get', 'experiments:updatePlan', 'experiments:lock', 'experiments:results', 'experiments:assignments', 'ab:analyze', 'ab:plan']) {
      expect(Object.keys(contract)).toContain(m);
    }
  });

  it('ab:plan answers the planner formula and names the field it rejects', async () => {
    const plan = await ok<{ perVariant: number; total: number }>('ab:plan', { baseline: 0.2, mde: 0.02 });
    const direct = sampleSizePerVariant({ baseline: 0.2, mde: 0.02 });
    expect(plan).toEqual({ perVariant: direct.perVariant, total: direct.total, alphaPerComparison: 0.05 });
    const four = await ok<{ perVariant: number; alphaPerComparison: number }>('ab:plan', { baseline: 0.2, mde: 0.02, variants: 4, power: 0.9 });
    expect(four.perVariant).toBe(sampleSizePerVariant({ baseline: 0.2, mde: 0.02, variants: 4, power: 0.9 }).perVariant);
    expect(four.alphaPerComparison).toBeCloseTo(0.05 / 3, 15);
    expect(await dispatch(ctx, 'ab:plan', { baseline: 0.9, mde: 0.2 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ path: 'mde', message: 'experiments.error.mde' }] } });
    expect(await dispatch(ctx, 'ab:plan', { baseline: 1.2, mde: 0.02 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: expect.arrayContaining([expect.objectContaining({ path: 'baseline' })]) } });
  });

  it('ab:analyze reads numbers typed by hand and refuses impossible ones field by field', async () => {
    const input = {
      variants: [
        { name: 'A', exposures: 1000, conversions: 120 },
        { name: 'B', exposures: 1000, conversions: 160 },
      ],
      control: 'A',
    };
    const reading = await ok<{ comparisons: { pValue: number; adjustedPValue: number }[]; verdict: { kind: string }; variants: { ciLow: number }[] }>('ab:analyze', input);
    const direct = analyzeExperiment(input);
    expect(reading.comparisons[0]!.pValue).toBe(direct.comparisons[0]!.pValue);
    expect(reading.variants[1]!.ciLow).toBe(direct.variants[1]!.interval!.low);
    expect(reading.verdict.kind).toBe('variantBetter');

    const short = await ok<{ verdict: unknown }>('ab:analyze', { ...input, plannedPerVariant: 1500 });
    expect(short.verdict).toEqual({ kind: 'notEnoughData', moreContactsNeeded: 1000 });

    const tooMany = await dispatch(ctx, 'ab:analyze', { ...input, variants: [input.variants[0], { name: 'B', exposures: 10, conversions: 11 }] });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ path: 'variants.1.conversions', message: 'experiments.error.conversionsAboveExposures' }] } });
    const unknownControl = await dispatch(ctx, 'ab:analyze', { ...input, control: 'Z' });
    expect(unknownControl).toMatchObject({ ok: false, error: { issues: [{ path: 'control', message: 'experiments.error.control' }] } });
    const one = await dispatch(ctx, 'ab:analyze', { ...input, variants: [input.variants[0]] });
    expect(one).toMatchObject({ ok: false, error: { issues: [{ path: 'variants', message: 'experiments.error.variantCount' }] } });
  });

  it('create → plan → lock → results, and CONFLICT for a plan edit after the lock', async () => {
    const ws = await ok<{ id: number }>('workspace:create', { name: 'Bistro', timeZone: 'Europe/Paris', locale: 'fr-FR' });
    const { campaignId, variantIds } = insertCampaign(ctx.store.db, ws.id, 'lunch', ['A', 'B']);
    const page = insertPage(ctx.store.db, ws.id);
    const sentAt = Date.now() - 2 * DAY;
    const plans: MessagePlan[] = [];
    for (let i = 0; i < 200; i++) plans.push({ psid: `a${i}`, campaignId, variantId: variantIds[0]!, sentAt, readAt: i < 50 ? sentAt + 10 * MINUTE : null });
    for (let i = 0; i < 200; i++) plans.push({ psid: `b${i}`, campaignId, variantId: variantIds[1]!, sentAt, readAt: i < 90 ? sentAt + 10 * MINUTE : null });
    insertMessages(ctx.store.db, page, plans);

    const created = await ok<{ id: number; variants: { variantId: number }[] }>('experiments:create', { workspaceId: ws.id, name: 'Lunch', dimension: 'wording', campaign: { kind: 'existing', campaignId }, variants: ['A', 'B'] });
    const plan = {
      id: created.id,
      hypothesis: 'B gets seen more',
      primaryMetric: 'seenWithin',
      horizonMinutes: 60,
      stoppingRule: 'fixedHorizon',
      alpha: 0.05,
      priorWeight: 0,
      plannedPerVariant: 150,
      planner: null,
      variants: created.variants.map((v) => ({ variantId: v.variantId, share: 0.5, description: '' })),
    };
    const badSplit = await dispatch(ctx, 'experiments:updatePlan', { ...plan, variants: plan.variants.map((v) => ({ ...v, share: 0.4 })) });
    expect(badSplit).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ path: 'variants', message: 'experiments.error.splitSum' }] } });
    await ok('experiments:updatePlan', plan);
    await ok('experiments:lock', { id: created.id });
    expect(await dispatch(ctx, 'experiments:updatePlan', { ...plan, plannedPerVariant: 100 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const results = await ok<{ verdict: { kind: string; variant: string }; reading: { variants: { conversions: number }[] }; adherence: { sentBeforeLock: number } }>('experiments:results', { id: created.id });
    expect(results.reading.variants.map((v) => v.conversions)).toEqual([50, 90]);
    expect(results.verdict).toMatchObject({ kind: 'variantBetter', variant: 'B' });
    expect(results.adherence.sentBeforeLock).toBe(400);

    const list = await ok<{ name: string; status: string }[]>('experiments:list', { workspaceId: ws.id });
    expect(list).toEqual([expect.objectContaining({ name: 'Lunch', status: 'running' })]);
    const exported = await ok<{ count: number; fileName: string }>('experiments:assignments', { id: created.id, format: 'json' });
    expect(exported).toMatchObject({ count: 400, fileName: `experiment-${created.id}-assignments.json` });
    expect(await dispatch(ctx, 'experiments:get', { id: 999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
