import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { Experiment, UpdatePlanInput } from '../../../shared/domain/experiments';
import { analyzeExperiment, historicalPrior, mannWhitneyU, median, sequentialTest } from '../../../shared/stats';
import { assignVariant } from '../../../electron/services/experiments/assignment';
import { experimentResults } from '../../../electron/services/experiments/results';
import { ExperimentService } from '../../../electron/services/experiments/service';
import { DAY, HOUR, MINUTE, insertCampaign, insertMessages, insertPage, insertWorkspace, openExperimentsDb, type MessagePlan } from './support';

const T = Date.UTC(2025, 5, 20, 12, 0, 0);
const SEED = 'c0ffee00c0ffee00c0ffee00c0ffee00';

let db: Database.Database;
let clock: number;
let service: ExperimentService;
let workspaceId: number;
let pageRef: number;

beforeEach(() => {
  db = openExperimentsDb();
  clock = T - 5 * DAY;
  service = new ExperimentService(db, { now: () => clock, seed: () => SEED });
  workspaceId = insertWorkspace(db);
  pageRef = insertPage(db, workspaceId);
});
afterEach(() => db.close());

function apiError(run: () => unknown): ApiError {
  try {
    run();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

function planOf(experiment: Experiment, patch: Partial<UpdatePlanInput> = {}): UpdatePlanInput {
  return {
    id: experiment.id,
    hypothesis: 'A shorter message gets seen more within the hour.',
    primaryMetric: 'seenWithin',
    horizonMinutes: 60,
    stoppingRule: 'fixedHorizon',
    alpha: 0.05,
    priorWeight: 0,
    plannedPerVariant: 80,
    planner: { baseline: 0.3, mde: 0.2, alpha: 0.05, power: 0.8 },
    variants: experiment.variants.map((v) => ({ variantId: v.variantId, share: 1 / experiment.variants.length, description: `${v.name} wording` })),
    ...patch,
  };
}

/** PSIDs whose seeded hash lands in the wanted variant (index into shares). */
function psidsAssignedTo(index: number, count: number, shares: readonly number[], prefix: string): string[] {
  const found: string[] = [];
  for (let i = 0; found.length < count; i++) {
    const psid = `${prefix}${i}`;
    if (assignVariant(SEED, psid, shares) === index) found.push(psid);
  }
  return found;
}

describe('experiments: creation and the plan', () => {
  it('creates the campaign and its variants when starting from scratch', () => {
    const experiment = service.create({
      workspaceId,
      name: 'Lunch wording',
      dimension: 'wording',
      campaign: { kind: 'new', name: 'Menu du jour — juin', campaignKind: 'flash_promo' },
      variants: ['A', 'B'],
    });
    expect(experiment).toMatchObject({
      name: 'Lunch wording',
      dimension: 'wording',
      status: 'draft',
      primaryMetric: 'seenWithin',
      horizonMinutes: 1440,
      stoppingRule: 'fixedHorizon',
      alpha: 0.05,
      plannedPerVariant: null,
      seed: SEED,
      lockedAt: null,
      campaign: { name: 'Menu du jour — juin', ref: 'menu-du-jour-juin-c0ffee00' },
    });
    expect(experiment.variants.map((v) => [v.name, v.share, v.isControl])).toEqual([
      ['A', 0.5, true],
      ['B', 0.5, false],
    ]);
    expect(db.prepare('SELECT name, external_ref FROM variants WHERE campaign_id = ? ORDER BY id').all(experiment.campaign.id)).toEqual([
      { name: 'A', external_ref: 'A' },
      { name: 'B', external_ref: 'B' },
    ]);
    expect(service.list(workspaceId)).toEqual([expect.objectContaining({ id: experiment.id, campaignName: 'Menu du jour — juin', variantCount: 2, status: 'draft' })]);
  });

  it('attaches to an imported campaign, reusing its variants; one experiment per campaign, names unique', () => {
    const { campaignId, variantIds } = insertCampaign(db, workspaceId, 'lunch-week', ['A', 'B']);
    const experiment = service.create({ workspaceId, name: 'Lunch', dimension: 'format', campaign: { kind: 'existing', campaignId }, variants: ['A', 'B', 'C'] });
    expect(experiment.variants.slice(0, 2).map((v) => v.variantId)).toEqual(variantIds);
    expect(experiment.variants.map((v) => v.share)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(service.campaigns(workspaceId)).toEqual([{ id: campaignId, name: 'Campaign lunch-week', ref: 'lunch-week', variants: ['A', 'B', 'C'], experimentName: 'Lunch' }]);

    const taken = apiError(() => service.create({ workspaceId, name: 'Other', dimension: 'format', campaign: { kind: 'existing', campaignId }, variants: ['A', 'B'] }));
    expect(taken.code).toBe('CONFLICT');
    expect(taken.issues).toEqual([{ path: 'campaign', message: 'experiments.error.campaignTaken' }]);
    const sameName = apiError(() => service.create({ workspaceId, name: 'LUNCH', dimension: 'format', campaign: { kind: 'new', name: 'X', campaignKind: 'other' }, variants: ['A', 'B'] }));
    expect(sameName.issues).toEqual([{ path: 'name', message: 'experiments.error.nameTaken' }]);
    // The refused creation left no orphan campaign behind.
    expect(db.prepare("SELECT count(*) AS n FROM campaigns WHERE name = 'X'").get()).toEqual({ n: 0 });

    const elsewhere = insertWorkspace(db, 'Maple Shop');
    expect(apiError(() => service.create({ workspaceId: elsewhere, name: 'Steal', dimension: 'format', campaign: { kind: 'existing', campaignId }, variants: ['A', 'B'] })).code).toBe('NOT_FOUND');
    expect(apiError(() => service.list(9999)).code).toBe('NOT_FOUND');
  });

  it('updates the plan before the lock: shares normalised, control reordered, every variant required', () => {
    const experiment = service.create({ workspaceId, name: 'Send time', dimension: 'sendTime', campaign: { kind: 'new', name: 'News', campaignKind: 'newsletter' }, variants: ['Morning', 'Evening'] });
    const [morning, evening] = experiment.variants;
    const updated = service.updatePlan(
      planOf(experiment, {
        primaryMetric: 'replied',
        stoppingRule: 'sequential',
        variants: [
          { variantId: evening!.variantId, share: 0.7, description: '19:00' },
          { variantId: morning!.variantId, share: 0.3005, description: '09:00' },
        ],
      }),
    );
    expect(updated.variants.map((v) => [v.name, v.isControl, v.description])).toEqual([
      ['Evening', true, '19:00'],
      ['Morning', false, '09:00'],
    ]);
    expect(updated.variants.reduce((sum, v) => sum + v.share, 0)).toBeCloseTo(1, 12);
    expect(updated).toMatchObject({ primaryMetric: 'replied', stoppingRule: 'sequential', plannedPerVariant: 80, planner: { baseline: 0.3, mde: 0.2 } });

    const missing = apiError(() => service.updatePlan(planOf(experiment, { variants: [{ variantId: morning!.variantId, share: 1, description: '' }, { variantId: morning!.variantId, share: 0, description: '' }] })));
    expect(missing.issues).toEqual([{ path: 'variants', message: 'experiments.error.variantsMismatch' }]);
  });

  it('locks only a complete plan, then refuses every change with CONFLICT (also at the storage layer)', () => {
    const experiment = service.create({ workspaceId, name: 'Lock me', dimension: 'wording', campaign: { kind: 'new', name: 'Promo', campaignKind: 'flash_promo' }, variants: ['A', 'B'] });
    const incomplete = apiError(() => service.lock(experiment.id));
    expect(incomplete.code).toBe('BAD_INPUT');
    expect(incomplete.issues).toEqual([
      { path: 'hypothesis', message: 'experiments.error.hypothesisRequired' },
      { path: 'plannedPerVariant', message: 'experiments.error.plannedRequired' },
    ]);
    service.updatePlan(planOf(experiment));
    clock += HOUR;
    const locked = service.lock(experiment.id);
    expect(locked).toMatchObject({ status: 'running', lockedAt: clock });

    const edit = apiError(() => service.updatePlan(planOf(experiment, { hypothesis: 'Changed my mind after seeing the data' })));
    expect(edit.code).toBe('CONFLICT');
    expect(edit.issues).toEqual([{ path: 'id', message: 'experiments.error.locked' }]);
    expect(apiError(() => service.lock(experiment.id)).code).toBe('CONFLICT');
    expect(service.get(experiment.id).hypothesis).toBe('A shorter message gets seen more within the hour.');

    expect(() => db.prepare('UPDATE experiments SET hypothesis = ? WHERE id = ?').run('sneaky', experiment.id)).toThrow(/locked/);
    expect(() => db.prepare('UPDATE experiments SET locked_at = NULL WHERE id = ?').run(experiment.id)).toThrow(/locked/);
    expect(() => db.prepare('UPDATE experiment_variants SET planned_share = 0.9 WHERE experiment_id = ?').run(experiment.id)).toThrow(/locked/);

    // Deleting the workspace still removes everything, locked plan included.
    db.prepare('DELETE FROM workspaces WHERE id = ?').run(workspaceId);
    expect(db.prepare('SELECT count(*) AS n FROM experiments').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM experiment_variants').get()).toEqual({ n: 0 });
  });

  it('stops only a locked test, once', () => {
    const experiment = service.create({ workspaceId, name: 'Stop', dimension: 'channel', campaign: { kind: 'new', name: 'Notice', campaignKind: 'notice' }, variants: ['A', 'B'] });
    expect(apiError(() => service.stop(experiment.id)).issues).toEqual([{ path: 'id', message: 'experiments.error.notLocked' }]);
    service.updatePlan(planOf(experiment));
    service.lock(experiment.id);
    expect(service.stop(experiment.id)).toMatchObject({ status: 'stopped', stoppedAt: clock });
    expect(apiError(() => service.stop(experiment.id)).code).toBe('CONFLICT');
  });
});

/**
 * A hand-made campaign. Every contact's variant follows its seeded assignment
 * except where said; the counts each test expects are written out below.
 *   A (control): 100 contacts sent two days before T, 6 of them before the lock.
 *     30 read within the hour (at 1..30 min), 5 read after 2 h, 65 never;
 *     delivered: all but 10; 12 replied within the hour, 3 replied after a day.
 *     3 of them later also received B (crossovers, still counted in A).
 *   B: 100 contacts sent two days before T: 50 read within the hour (at 2, 4 … 100 min → only ≤ 60 count),
 *     so read at 2..60 step 2 → 30 within H; the other 20 at 62..100 are late; plus 20 more read at 1..20 min.
 *   Off-assignment: 4 contacts assigned to A but sent B (after the lock), never read.
 *   Pending: 10 contacts assigned to B, sent 10 minutes before T.
 *   Untagged: 5 contacts messaged without a variant.
 */
function handMadeCampaign(experiment: Experiment, lockAt: number): void {
  const [a, b] = experiment.variants;
  const shares = experiment.variants.map((v) => v.share);
  const aPsids = psidsAssignedTo(0, 104, shares, 'pa');
  const bPsids = psidsAssignedTo(1, 110, shares, 'pb');
  const sent = T - 2 * DAY;
  const plans: MessagePlan[] = [];
  aPsids.slice(0, 100).forEach((psid, i) => {
    const sentAt = i < 6 ? lockAt - HOUR : sent;
    const readAt = i < 30 ? sentAt + (i + 1) * MINUTE : i < 35 ? sentAt + 2 * HOUR + i * MINUTE : null;
    const replyAt = i >= 40 && i < 52 ? sentAt + 20 * MINUTE : i >= 52 && i < 55 ? sentAt + DAY : null;
    plans.push({ psid, campaignId: experiment.campaign.id, variantId: a!.variantId, sentAt, deliveredAt: i < 90 ? sentAt + MINUTE : null, readAt, replyAt });
  });
  bPsids.slice(0, 100).forEach((psid, i) => {
    const readAt = i < 50 ? sent + (i + 1) * 2 * MINUTE : i < 70 ? sent + (i - 49) * MINUTE : null;
    plans.push({ psid, campaignId: experiment.campaign.id, variantId: b!.variantId, sentAt: sent, deliveredAt: sent + MINUTE, readAt });
  });
  aPsids.slice(100, 104).forEach((psid) => plans.push({ psid, campaignId: experiment.campaign.id, variantId: b!.variantId, sentAt: sent }));
  bPsids.slice(100, 110).forEach((psid) => plans.push({ psid, campaignId: experiment.campaign.id, variantId: b!.variantId, sentAt: T - 10 * MINUTE, readAt: T - 5 * MINUTE }));
  for (let i = 0; i < 5; i++) plans.push({ psid: `untagged-${i}`, campaignId: experiment.campaign.id, variantId: null, sentAt: sent });
  // Crossovers: three A contacts get B a day later.
  aPsids.slice(10, 13).forEach((psid) => plans.push({ psid, campaignId: experiment.campaign.id, variantId: b!.variantId, sentAt: sent + DAY }));
  insertMessages(db, pageRef, plans);
}

describe('experiments: results from the messages table', () => {
  function lockedExperiment(patch: Partial<UpdatePlanInput> = {}): Experiment {
    const experiment = service.create({ workspaceId, name: `Test ${Math.random()}`, dimension: 'wording', campaign: { kind: 'new', name: `Campaign ${Math.random()}`, campaignKind: 'flash_promo' }, variants: ['A', 'B'] });
    service.updatePlan(planOf(experiment, patch));
    clock = T - 3 * DAY;
    return service.lock(experiment.id);
  }

  it('counts exposures and conversions by hand and matches analyzeExperiment exactly', () => {
    const experiment = lockedExperiment();
    handMadeCampaign(experiment, experiment.lockedAt!);
    const results = experimentResults(db, experiment, T);

    expect(results.pending).toBe(10);
    expect(results.excluded).toBe(5);
    expect(results.exposures.map((e) => e.exposures)).toEqual([100, 104]);
    expect(results.adherence).toEqual({ locked: true, sentBeforeLock: 6, offAssignment: 4, crossovers: 3, stoppedEarly: false, interimLook: false });

    // A: 30 seen within the hour. B: 30 (2..60 min) + 20 (1..20 min) = 50; the 4 off-assignment contacts were never read.
    const reading = results.reading!;
    expect(reading.variants.map((v) => [v.name, v.exposures, v.conversions])).toEqual([
      ['A', 100, 30],
      ['B', 104, 50],
    ]);
    const direct = analyzeExperiment({
      variants: [
        { name: 'A', exposures: 100, conversions: 30 },
        { name: 'B', exposures: 104, conversions: 50 },
      ],
      control: 'A',
      alpha: 0.05,
      expectedSplit: [0.5, 0.5],
    });
    reading.variants.forEach((v, i) => {
      expect(v.rate).toBe(direct.variants[i]!.rate);
      expect(v.ciLow).toBe(direct.variants[i]!.interval!.low);
      expect(v.ciHigh).toBe(direct.variants[i]!.interval!.high);
    });
    const [c] = reading.comparisons;
    const [d] = direct.comparisons;
    expect(c).toMatchObject({
      variant: 'B',
      control: 'A',
      absoluteLift: d!.absoluteLift,
      relativeLift: d!.relativeLift,
      diffCiLow: d!.diffCiLow,
      diffCiHigh: d!.diffCiHigh,
      pValue: d!.pValue,
      method: d!.method,
      adjustedPValue: d!.adjustedPValue,
      probabilityToBeatControl: d!.probabilityToBeatControl,
      expectedLoss: d!.expectedLoss,
      significant: d!.significant,
      sequentialPValue: null,
    });
    expect(reading.srm.pValue).toBe(direct.srm.pValue);
    expect(reading.srm.mismatch).toBe(false);
    expect(d!.significant).toBe(true);
    expect(results.verdict).toEqual({
      kind: 'variantBetter',
      variant: 'B',
      control: 'A',
      absoluteLift: d!.absoluteLift,
      diffCiLow: d!.diffCiLow,
      diffCiHigh: d!.diffCiHigh,
      level: 0.95,
      probabilityToBeatControl: d!.probabilityToBeatControl,
    });
    expect(reading.sampleReached).toBe(true);
    expect(reading.methods).toEqual(expect.arrayContaining(['wilson-score', 'newcombe-hybrid-score', 'pooled-z-test', 'holm', 'beta-binomial', 'chi-square-goodness-of-fit', 'fixed-horizon', 'percentile-bootstrap', 'mann-whitney']));
  });

  it('reports the other metrics and time to seen as secondary metrics, counted by hand', () => {
    const experiment = lockedExperiment();
    handMadeCampaign(experiment, experiment.lockedAt!);
    const { secondary } = experimentResults(db, experiment, T);
    const [a, b] = secondary.rates;
    expect(a).toMatchObject({ variant: 'A', delivered: { exposures: 100, conversions: 90 }, seenWithin: { conversions: 30 }, replied: { conversions: 12 } });
    expect(b).toMatchObject({ variant: 'B', delivered: { exposures: 104, conversions: 100 }, seenWithin: { conversions: 50 }, replied: { conversions: 0 } });

    const aTimes = Array.from({ length: 30 }, (_, i) => i + 1);
    const bTimes = [...Array.from({ length: 30 }, (_, i) => (i + 1) * 2), ...Array.from({ length: 20 }, (_, i) => i + 1)];
    expect(secondary.timeToSeen).toEqual([
      { variant: 'A', seen: 30, medianMinutes: median(aTimes) },
      { variant: 'B', seen: 50, medianMinutes: median(bTimes) },
    ]);
    const [comparison] = secondary.timeToSeenComparisons;
    expect(comparison!.differenceMinutes).toBeCloseTo(median(bTimes)! - median(aTimes)!, 12);
    expect(comparison!.mannWhitneyPValue).toBe(mannWhitneyU(bTimes, aTimes).pValue);
    expect(comparison!.ciLowMinutes).toBeLessThanOrEqual(comparison!.differenceMinutes!);
    expect(comparison!.ciHighMinutes).toBeGreaterThanOrEqual(comparison!.differenceMinutes!);
  });

  it('leaves out messages younger than the horizon, and counts them back once judged', () => {
    const experiment = lockedExperiment({ plannedPerVariant: 5 });
    const [a, b] = experiment.variants;
    insertMessages(db, pageRef, [
      { psid: 'old-a', campaignId: experiment.campaign.id, variantId: a!.variantId, sentAt: T - 2 * HOUR, readAt: T - 2 * HOUR + 5 * MINUTE },
      { psid: 'old-b', campaignId: experiment.campaign.id, variantId: b!.variantId, sentAt: T - 61 * MINUTE },
      { psid: 'new-a', campaignId: experiment.campaign.id, variantId: a!.variantId, sentAt: T - 59 * MINUTE, readAt: T - 58 * MINUTE },
      { psid: 'new-b', campaignId: experiment.campaign.id, variantId: b!.variantId, sentAt: T - MINUTE },
    ]);
    const now = experimentResults(db, experiment, T);
    expect(now.pending).toBe(2);
    expect(now.reading!.variants.map((v) => [v.exposures, v.conversions])).toEqual([
      [1, 1],
      [1, 0],
    ]);
    expect(now.verdict).toEqual({ kind: 'notEnoughData', moreContactsNeeded: 8 });
    const later = experimentResults(db, experiment, T + HOUR);
    expect(later.pending).toBe(0);
    expect(later.reading!.variants.map((v) => [v.exposures, v.conversions])).toEqual([
      [2, 2],
      [2, 0],
    ]);
  });

  it('fixed horizon: no winner before the planned sample, "stopped early" when stopped short', () => {
    const experiment = lockedExperiment({ plannedPerVariant: 500 });
    handMadeCampaign(experiment, experiment.lockedAt!);
    const running = experimentResults(db, experiment, T);
    // Slowest arm: A has 100 of 500 at a 50 % share → (500 − 100) / 0.5 = 800 more contacts.
    expect(running.verdict).toEqual({ kind: 'notEnoughData', moreContactsNeeded: 800 });
    expect(running.adherence).toMatchObject({ interimLook: true, stoppedEarly: false });

    clock = T;
    const stopped = service.stop(experiment.id);
    const after = experimentResults(db, stopped, T);
    expect(after.adherence).toMatchObject({ interimLook: false, stoppedEarly: true });
    expect(after.verdict.kind).toBe('variantBetter');
  });

  it('sequential rule: always-valid p-values from one look per day, Holm-adjusted', () => {
    const experiment = lockedExperiment({ stoppingRule: 'sequential', plannedPerVariant: 500 });
    const [a, b] = experiment.variants;
    const day1 = T - 3 * DAY + HOUR;
    const day2 = T - 2 * DAY + HOUR;
    const plans: MessagePlan[] = [];
    for (let i = 0; i < 60; i++) plans.push({ psid: `s1a${i}`, campaignId: experiment.campaign.id, variantId: a!.variantId, sentAt: day1, readAt: i < 15 ? day1 + MINUTE : null });
    for (let i = 0; i < 60; i++) plans.push({ psid: `s1b${i}`, campaignId: experiment.campaign.id, variantId: b!.variantId, sentAt: day1, readAt: i < 30 ? day1 + MINUTE : null });
    for (let i = 0; i < 40; i++) plans.push({ psid: `s2a${i}`, campaignId: experiment.campaign.id, variantId: a!.variantId, sentAt: day2, readAt: i < 10 ? day2 + MINUTE : null });
    for (let i = 0; i < 40; i++) plans.push({ psid: `s2b${i}`, campaignId: experiment.campaign.id, variantId: b!.variantId, sentAt: day2, readAt: i < 22 ? day2 + MINUTE : null });
    insertMessages(db, pageRef, plans);

    const reading = experimentResults(db, experiment, T).reading!;
    const expected = sequentialTest(
      [
        { variant: { exposures: 60, conversions: 30 }, control: { exposures: 60, conversions: 15 } },
        { variant: { exposures: 100, conversions: 52 }, control: { exposures: 100, conversions: 25 } },
      ],
      { mixingVariance: 0.2 ** 2, alpha: 0.05 },
    );
    expect(reading.sequential).toEqual({ tau: 0.2, looks: 2 });
    expect(reading.comparisons[0]!.sequentialPValue).toBeCloseTo(expected.pValue, 15);
    expect(reading.comparisons[0]!.sequentialAdjustedPValue).toBeCloseTo(expected.pValue, 15);
    expect(reading.comparisons[0]!.significant).toBe(expected.pValue < 0.05);
    expect(reading.methods).toContain('msprt-normal-mixture');
    // Sample not reached, yet the sequential rule may call it.
    expect(reading.verdict.kind).toBe(expected.pValue < 0.05 ? 'variantBetter' : 'notEnoughData');
    expect(expected.pValue).toBeLessThan(0.05);
  });

  it('clicked: no click data, said honestly, with exposures and the SRM check still shown', () => {
    const experiment = lockedExperiment({ primaryMetric: 'clicked' });
    handMadeCampaign(experiment, experiment.lockedAt!);
    const results = experimentResults(db, experiment, T);
    expect(results.reading).toBeNull();
    expect(results.verdict).toEqual({ kind: 'noClickData' });
    expect(results.exposures.map((e) => e.exposures)).toEqual([100, 104]);
    expect(results.srm.pValue).toBeGreaterThan(0.001);
  });

  it('flags a sample-ratio mismatch with the causes to check', () => {
    const experiment = lockedExperiment({ plannedPerVariant: 50 });
    const [a, b] = experiment.variants;
    const plans: MessagePlan[] = [];
    for (let i = 0; i < 300; i++) plans.push({ psid: `ra${i}`, campaignId: experiment.campaign.id, variantId: a!.variantId, sentAt: T - DAY, readAt: i % 3 === 0 ? T - DAY + MINUTE : null });
    for (let i = 0; i < 200; i++) plans.push({ psid: `rb${i}`, campaignId: experiment.campaign.id, variantId: b!.variantId, sentAt: T - DAY, readAt: i % 3 === 0 ? T - DAY + MINUTE : null });
    insertMessages(db, pageRef, plans);
    const { srm } = experimentResults(db, experiment, T);
    expect(srm.mismatch).toBe(true);
    expect(srm.causesToCheck).toEqual(['srm.cause.sendHours', 'srm.cause.closedWindows', 'srm.cause.rateLimit']);
  });

  it('builds the prior from the workspace’s other campaigns on the same metric and horizon', () => {
    const history = insertCampaign(db, workspaceId, 'past', ['only']);
    const pastSent = T - 30 * DAY;
    insertMessages(
      db,
      pageRef,
      Array.from({ length: 400 }, (_, i) => ({ psid: `h${i}`, campaignId: history.campaignId, variantId: history.variantIds[0]!, sentAt: pastSent, readAt: i < 100 ? pastSent + 30 * MINUTE : i < 150 ? pastSent + 3 * HOUR : null })),
    );
    const experiment = lockedExperiment({ priorWeight: 200 });
    handMadeCampaign(experiment, experiment.lockedAt!);
    const reading = experimentResults(db, experiment, T).reading!;
    const prior = historicalPrior({ exposures: 400, conversions: 100 }, 200);
    expect(reading.prior).toEqual({ source: 'history', alpha: prior.alpha, beta: prior.beta, weight: 200, historyExposures: 400 });
    const direct = analyzeExperiment({
      variants: [
        { name: 'A', exposures: 100, conversions: 30 },
        { name: 'B', exposures: 104, conversions: 50 },
      ],
      control: 'A',
      prior,
    });
    expect(reading.comparisons[0]!.probabilityToBeatControl).toBe(direct.comparisons[0]!.probabilityToBeatControl);
  });
});

describe('experiments: seeded assignment', () => {
  function lockedThreeWay(): Experiment {
    const experiment = service.create({ workspaceId, name: 'Three', dimension: 'wording', campaign: { kind: 'new', name: 'Three-way', campaignKind: 'other' }, variants: ['A', 'B', '=C'] });
    const [a, b, c] = experiment.variants;
    service.updatePlan(
      planOf(experiment, {
        variants: [
          { variantId: a!.variantId, share: 0.5, description: '' },
          { variantId: b!.variantId, share: 0.3, description: '' },
          { variantId: c!.variantId, share: 0.2, description: '' },
        ],
      }),
    );
    return service.lock(experiment.id);
  }

  it('is deterministic and follows the split within tolerance over 10 000 PSIDs', () => {
    const experiment = lockedThreeWay();
    const psids = Array.from({ length: 10_000 }, (_, i) => String(7_000_000_000_000_000 + i * 7919));
    const first = service.assignments({ id: experiment.id, format: 'json', psids });
    const again = service.assignments({ id: experiment.id, format: 'json', psids: [...psids].reverse() });
    const byPsid = (content: string) => new Map((JSON.parse(content) as { assignments: { psid: string; variant: string }[] }).assignments.map((r) => [r.psid, r.variant]));
    expect(byPsid(again.content)).toEqual(byPsid(first.content));
    expect(first.count).toBe(10_000);
    // Binomial standard deviations: √(n·p·(1−p)) = 50, 45.8, 40; four of them is a generous, still meaningful, band.
    const expectedShares = [0.5, 0.3, 0.2];
    first.perVariant.forEach(({ count }, i) => {
      const p = expectedShares[i]!;
      expect(Math.abs(count - 10_000 * p)).toBeLessThan(4 * Math.sqrt(10_000 * p * (1 - p)));
    });
    expect(first.perVariant.map((v) => v.variant)).toEqual(['A', 'B', '=C']);
    // Another seed reshuffles about as many contacts as chance would (1 − Σp² = 62 % change variant).
    const changed = psids.filter((psid) => assignVariant('another-seed', psid, expectedShares) !== assignVariant(experiment.seed, psid, expectedShares)).length;
    expect(changed / psids.length).toBeGreaterThan(0.55);
    expect(changed / psids.length).toBeLessThan(0.69);
  });

  it('exports every reachable contact as CSV with the metadata to send, formulas neutralised', () => {
    const experiment = lockedThreeWay();
    insertMessages(db, pageRef, [{ psid: '111', campaignId: experiment.campaign.id, variantId: null, sentAt: T }]);
    insertMessages(db, pageRef, [{ psid: '222', campaignId: experiment.campaign.id, variantId: null, sentAt: T }]);
    db.prepare("UPDATE contacts SET opted_out_at = 1 WHERE psid = '222'").run();
    const csv = service.assignments({ id: experiment.id, format: 'csv' });
    expect(csv).toMatchObject({ fileName: `experiment-${experiment.id}-assignments.csv`, mimeType: 'text/csv', count: 1 });
    const [header, row] = csv.content.trim().split('\r\n');
    expect(header).toBe('psid,page_id,variant,metadata');
    const variant = experiment.variants[assignVariant(experiment.seed, '111', [0.5, 0.3, 0.2])]!.name;
    const cell = variant === '=C' ? "'=C" : variant;
    expect(row).toBe(`111,page-1,${cell},"{""relais"":{""campaign"":""${experiment.campaign.ref}"",""campaignName"":""Three-way"",""variant"":""${variant}""}}"`);
  });

  it('refuses to export before the plan is locked', () => {
    const experiment = service.create({ workspaceId, name: 'Draft', dimension: 'wording', campaign: { kind: 'new', name: 'Draft', campaignKind: 'other' }, variants: ['A', 'B'] });
    expect(apiError(() => service.assignments({ id: experiment.id, format: 'csv' })).code).toBe('CONFLICT');
  });
});
