import { describe, expect, it } from 'vitest';
import { analyzeExperiment, historicalPrior } from '../../../shared/stats';
import { buildReading, moreContactsNeeded } from '../../../electron/services/experiments/reading';

const base = { alpha: 0.05, stoppingRule: 'fixedHorizon' as const, plannedPerVariant: null, ended: false };

describe('the verdict', () => {
  it('names the variant, with the numbers of its comparison', () => {
    const variants = [
      { name: 'A', exposures: 2000, conversions: 400 },
      { name: 'B', exposures: 2000, conversions: 480 },
    ];
    const reading = buildReading({ ...base, variants, control: 'A' });
    const direct = analyzeExperiment({ variants, control: 'A' }).comparisons[0]!;
    expect(reading.verdict).toEqual({
      kind: 'variantBetter',
      variant: 'B',
      control: 'A',
      absoluteLift: direct.absoluteLift,
      diffCiLow: direct.diffCiLow,
      diffCiHigh: direct.diffCiHigh,
      level: 0.95,
      probabilityToBeatControl: direct.probabilityToBeatControl,
    });
  });

  it('names the best of several significant variants, Holm-corrected', () => {
    const reading = buildReading({
      ...base,
      control: 'A',
      variants: [
        { name: 'A', exposures: 3000, conversions: 600 },
        { name: 'B', exposures: 3000, conversions: 700 },
        { name: 'C', exposures: 3000, conversions: 760 },
        { name: 'D', exposures: 3000, conversions: 610 },
      ],
    });
    expect(reading.verdict).toMatchObject({ kind: 'variantBetter', variant: 'C' });
    expect(reading.comparisons.map((c) => c.significant)).toEqual([true, true, false]);
    expect(reading.comparisons.every((c) => c.adjustedPValue! >= c.pValue!)).toBe(true);
  });

  it('says the control is better only when it beats every variant', () => {
    const worse = buildReading({
      ...base,
      control: 'A',
      variants: [
        { name: 'A', exposures: 2000, conversions: 500 },
        { name: 'B', exposures: 2000, conversions: 400 },
      ],
    });
    expect(worse.verdict).toMatchObject({ kind: 'controlBetter', variant: 'B', control: 'A' });
    expect((worse.verdict as { absoluteLift: number }).absoluteLift).toBeCloseTo(-0.05, 12);
    const mixed = buildReading({
      ...base,
      control: 'A',
      variants: [
        { name: 'A', exposures: 2000, conversions: 500 },
        { name: 'B', exposures: 2000, conversions: 400 },
        { name: 'C', exposures: 2000, conversions: 505 },
      ],
    });
    expect(mixed.verdict).toMatchObject({ kind: 'noClearDifference', variant: 'C' });
  });

  it('says "no clear winner" once the planned sample is reached without a significant difference', () => {
    const reading = buildReading({
      ...base,
      plannedPerVariant: 1000,
      control: 'A',
      variants: [
        { name: 'A', exposures: 1000, conversions: 200 },
        { name: 'B', exposures: 1010, conversions: 210 },
      ],
    });
    expect(reading.sampleReached).toBe(true);
    expect(reading.verdict.kind).toBe('noClearDifference');
  });

  it('fixed horizon: a significant difference before the planned sample is not a verdict', () => {
    const input = {
      ...base,
      plannedPerVariant: 3000,
      control: 'A',
      variants: [
        { name: 'A', exposures: 1000, conversions: 200 },
        { name: 'B', exposures: 1000, conversions: 300 },
      ],
    };
    const running = buildReading(input);
    expect(running.comparisons[0]!.significant).toBe(true);
    expect(running.verdict).toEqual({ kind: 'notEnoughData', moreContactsNeeded: 4000 });
    // Once the test has ended the data speaks, and the results flag the early stop.
    expect(buildReading({ ...input, ended: true }).verdict.kind).toBe('variantBetter');
  });

  it('sequential: may call a winner early, and keeps going when nothing is clear yet', () => {
    const early = buildReading({
      ...base,
      stoppingRule: 'sequential',
      plannedPerVariant: 3000,
      mde: 0.05,
      control: 'A',
      variants: [
        { name: 'A', exposures: 1000, conversions: 200 },
        { name: 'B', exposures: 1000, conversions: 300 },
      ],
      looks: [
        { counts: [{ exposures: 500, conversions: 100 }, { exposures: 500, conversions: 150 }] },
        { counts: [{ exposures: 1000, conversions: 200 }, { exposures: 1000, conversions: 300 }] },
      ],
    });
    expect(early.verdict.kind).toBe('variantBetter');
    expect(early.sequential).toEqual({ tau: 0.05, looks: 2 });
    expect(early.comparisons[0]!.sequentialPValue).toBeLessThan(0.05);
    const unclear = buildReading({
      ...base,
      stoppingRule: 'sequential',
      plannedPerVariant: 3000,
      control: 'A',
      variants: [
        { name: 'A', exposures: 1000, conversions: 200 },
        { name: 'B', exposures: 1000, conversions: 205 },
      ],
    });
    expect(unclear.verdict).toEqual({ kind: 'notEnoughData', moreContactsNeeded: 4000 });
  });

  it('no data, and an empty arm', () => {
    const empty = buildReading({ ...base, control: 'A', variants: [{ name: 'A', exposures: 0, conversions: 0 }, { name: 'B', exposures: 0, conversions: 0 }] });
    expect(empty.verdict).toEqual({ kind: 'noData' });
    const oneArm = buildReading({ ...base, plannedPerVariant: 100, control: 'A', variants: [{ name: 'A', exposures: 50, conversions: 5 }, { name: 'B', exposures: 0, conversions: 0 }] });
    expect(oneArm.verdict).toEqual({ kind: 'notEnoughData', moreContactsNeeded: 200 });
  });

  it('carries the prior into the Bayesian numbers', () => {
    const prior = historicalPrior({ exposures: 1000, conversions: 200 }, 300);
    const variants = [
      { name: 'A', exposures: 40, conversions: 4 },
      { name: 'B', exposures: 40, conversions: 12 },
    ];
    const reading = buildReading({ ...base, control: 'A', variants, prior: { source: 'history', alpha: prior.alpha, beta: prior.beta, weight: 300, historyExposures: 1000 } });
    expect(reading.comparisons[0]!.probabilityToBeatControl).toBe(analyzeExperiment({ variants, control: 'A', prior }).comparisons[0]!.probabilityToBeatControl);
    expect(reading.comparisons[0]!.probabilityToBeatControl).toBeLessThan(analyzeExperiment({ variants, control: 'A' }).comparisons[0]!.probabilityToBeatControl);
  });
});

describe('contacts still needed', () => {
  it('is decided by the slowest arm, given the split', () => {
    expect(moreContactsNeeded([100, 100], [0.5, 0.5], 500)).toBe(800);
    // The 20 % arm needs 400 more, which takes 2 000 contacts at a 20 % share.
    expect(moreContactsNeeded([400, 100], [0.8, 0.2], 500)).toBe(2000);
    expect(moreContactsNeeded([600, 500], [0.5, 0.5], 500)).toBe(0);
  });
});
