import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeExperiment, sampleSizePerVariant } from '../../../shared/stats';
import { runAbCommand } from '../../../electron/services/experiments/cli';
import { makeTempDir } from '../../support/tempDir';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.cleanup());

function ab(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runAbCommand(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function file(content: unknown, name = 'test.json'): string {
  const target = path.join(tmp.dir, name);
  fs.writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  return target;
}

const example = {
  variants: [
    { name: 'A', exposures: 1000, conversions: 120 },
    { name: 'B', exposures: 1000, conversions: 150 },
    { name: 'C', exposures: 980, conversions: 118 },
  ],
  control: 'A',
  alpha: 0.05,
  expectedSplit: [0.34, 0.33, 0.33],
};

describe('relais ab analyze FILE --json', () => {
  it('prints exactly the documented shape, with the engine’s numbers', () => {
    const res = ab('analyze', file(example), '--json');
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    const json = JSON.parse(res.stdout);
    expect(Object.keys(json)).toEqual(['srm', 'variants', 'comparisons']);
    expect(Object.keys(json.srm)).toEqual(['pValue', 'mismatch']);
    for (const v of json.variants) expect(Object.keys(v)).toEqual(['name', 'exposures', 'conversions', 'rate', 'ciLow', 'ciHigh']);
    for (const c of json.comparisons) {
      expect(Object.keys(c)).toEqual(['variant', 'control', 'absoluteLift', 'relativeLift', 'diffCiLow', 'diffCiHigh', 'pValue', 'method', 'adjustedPValue', 'probabilityToBeatControl', 'expectedLoss', 'significant']);
    }
    const direct = analyzeExperiment(example);
    expect(json.srm).toEqual({ pValue: direct.srm.pValue, mismatch: direct.srm.mismatch });
    expect(json.variants[1]).toEqual({ name: 'B', exposures: 1000, conversions: 150, rate: 0.15, ciLow: direct.variants[1]!.interval!.low, ciHigh: direct.variants[1]!.interval!.high });
    const b = direct.comparisons[0]!;
    expect(json.comparisons[0]).toEqual({
      variant: 'B',
      control: 'A',
      absoluteLift: b.absoluteLift,
      relativeLift: b.relativeLift,
      diffCiLow: b.diffCiLow,
      diffCiHigh: b.diffCiHigh,
      pValue: b.pValue,
      method: 'pooled-z-test',
      adjustedPValue: b.adjustedPValue,
      probabilityToBeatControl: b.probabilityToBeatControl,
      expectedLoss: b.expectedLoss,
      significant: b.significant,
    });
  });

  it('defaults alpha to 0.05 and the split to equal; tiny samples fall back to Fisher', () => {
    const res = ab('analyze', file({ variants: [{ name: 'A', exposures: 5, conversions: 0 }, { name: 'B', exposures: 5, conversions: 5 }], control: 'A' }), '--json');
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout);
    expect(json.comparisons[0].method).toBe('fisher-exact-test');
    expect(json.srm.pValue).toBe(1);
    expect(json.variants[0]).toMatchObject({ rate: 0, ciLow: 0 });
  });

  it('without --json prints a readable summary', () => {
    const res = ab('ab', 'analyze', file(example));
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/B vs A: \+3\.0 points \(95 % interval/);
    expect(res.stdout).toMatch(/Sample ratio: consistent/);
  });

  const bad: [string, unknown, RegExp][] = [
    ['a negative count', { ...example, variants: [{ name: 'A', exposures: -5, conversions: 0 }, example.variants[1]] }, /variants\[0\]\.exposures: must be a whole number, 0 or more \(got -5\)/],
    ['a fractional count', { ...example, variants: [example.variants[0], { name: 'B', exposures: 100, conversions: 2.5 }], expectedSplit: undefined }, /variants\[1\]\.conversions: must be a whole number/],
    ['conversions above exposures', { ...example, variants: [example.variants[0], { name: 'B', exposures: 100, conversions: 101 }], expectedSplit: undefined }, /variants\[1\]\.conversions: cannot exceed exposures \(got 101\)/],
    ['a single variant', { variants: [example.variants[0]], control: 'A' }, /variants: needs between 2 and 8 variants/],
    ['no variants at all', { control: 'A' }, /variants: /],
    ['an unknown control', { ...example, control: 'Z' }, /control: must be the name of one of the variants \(got "Z"\)/],
    ['alpha of 1.5', { ...example, alpha: 1.5 }, /alpha: must be strictly between 0 and 1 \(got 1\.5\)/],
    ['alpha of 0', { ...example, alpha: 0 }, /alpha: must be strictly between 0 and 1/],
    ['a split of the wrong length', { ...example, expectedSplit: [0.5, 0.5] }, /expectedSplit: needs one weight per variant/],
    ['a zero weight in the split', { ...example, expectedSplit: [1, 0, 1] }, /expectedSplit\[1\]: must be a positive number/],
    ['two variants with one name', { variants: [example.variants[0], example.variants[0]], control: 'A' }, /variants\[1\]\.name: is the name of another variant too/],
    ['a misspelt key', { ...example, expected_split: [0.5, 0.5] }, /expected_split/],
    ['not JSON', 'variants: A, B', /FILE: .* is not valid JSON/],
  ];
  for (const [label, content, message] of bad) {
    it(`exits 2 naming the field for ${label}`, () => {
      const res = ab('analyze', file(content), '--json');
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(res.stdout).toBe('');
    });
  }

  it('exits 2 for a missing file or a missing argument', () => {
    const missing = ab('analyze', path.join(tmp.dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/FILE: cannot read .*nope\.json \(ENOENT\)/);
    expect(ab('analyze').code).toBe(2);
    expect(ab('analyze', file(example), '--colour').code).toBe(2);
    expect(ab('compare').stderr).toMatch(/unknown command "ab compare"/);
  });
});

describe('relais ab plan --json', () => {
  it('prints {perVariant, total} from the planner', () => {
    const res = ab('plan', '--baseline', '0.2', '--mde', '0.02', '--json');
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout);
    const direct = sampleSizePerVariant({ baseline: 0.2, mde: 0.02 });
    expect(json).toEqual({ perVariant: direct.perVariant, total: direct.total });
    // By hand with the formula: p̄ = 0.21, (1.959964·√(2·0.21·0.79) + 0.841621·√(0.16 + 0.1716))² / 0.02² = 6509.5 → 6510.
    expect(json.perVariant).toBe(6510);
  });

  it('takes alpha, power and the number of variants', () => {
    const res = ab('plan', '--baseline', '0.3', '--mde', '-0.05', '--alpha', '0.01', '--power', '0.9', '--variants', '3', '--json');
    expect(res.code).toBe(0);
    const direct = sampleSizePerVariant({ baseline: 0.3, mde: -0.05, alpha: 0.01, power: 0.9, variants: 3 });
    expect(JSON.parse(res.stdout)).toEqual({ perVariant: direct.perVariant, total: direct.perVariant * 3 });
    expect(ab('plan', '--baseline', '0.2', '--mde', '0.02').stdout).toMatch(/^6510 contacts per variant, 13020 in total/);
  });

  const bad: [string, string[], RegExp][] = [
    ['a missing baseline', ['--mde', '0.02'], /--baseline: required/],
    ['a missing mde', ['--baseline', '0.2'], /--mde: required/],
    ['a baseline above 1', ['--baseline', '2', '--mde', '0.02'], /--baseline: must be a rate strictly between 0 and 1/],
    ['a zero mde', ['--baseline', '0.2', '--mde', '0'], /--mde: must be a non-zero change/],
    ['an mde past 100 %', ['--baseline', '0.9', '--mde', '0.2'], /--mde: must be a non-zero change/],
    ['a word for a number', ['--baseline', 'twenty', '--mde', '0.02'], /--baseline: "twenty" is not a number/],
    ['alpha of 1', ['--baseline', '0.2', '--mde', '0.02', '--alpha', '1'], /--alpha: must be strictly between 0 and 1/],
    ['power of 0', ['--baseline', '0.2', '--mde', '0.02', '--power', '0'], /--power: must be strictly between 0 and 1/],
    ['one variant', ['--baseline', '0.2', '--mde', '0.02', '--variants', '1'], /--variants: needs between 2 and 8 variants/],
    ['an unknown option', ['--baseline', '0.2', '--mde', '0.02', '--seed', '3'], /Unknown option '--seed'/],
  ];
  for (const [label, args, message] of bad) {
    it(`exits 2 naming the field for ${label}`, () => {
      const res = ab('plan', ...args, '--json');
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(res.stdout).toBe('');
    });
  }
});
