import { describe, expect, it } from 'vitest';
import { Rng, hash32, hashUnit } from '../../../electron/services/simulator/rng';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};
const draw = (n: number, f: () => number) => Array.from({ length: n }, f);

describe('seeded randomness', () => {
  it('the same seed gives the same sequence; another seed another one', () => {
    const a = new Rng(42, 'page', 'world');
    const b = new Rng(42, 'page', 'world');
    const c = new Rng(43, 'page', 'world');
    const xa = draw(1000, () => a.uint32());
    expect(draw(1000, () => b.uint32())).toEqual(xa);
    expect(draw(1000, () => c.uint32())).not.toEqual(xa);
    // Part boundaries matter.
    expect(hash32('ab', 'c')).not.toBe(hash32('a', 'bc'));
    expect(hash32('1')).not.toBe(hash32(1));
  });

  it('hashes are stable across versions (archives must stay reproducible)', () => {
    expect(hash32('relais')).toBe(hash32('relais'));
    expect([hash32('relais'), hash32('seed', 1, 'x'), new Rng('stable').uint32()]).toEqual([1983646992, 1975507830, 4256700989]);
    expect(hashUnit('a', 'b')).toBeGreaterThanOrEqual(0);
    expect(hashUnit('a', 'b')).toBeLessThan(1);
  });

  it('draws from the distributions the model relies on', () => {
    const r = new Rng('dist');
    const n = 40_000;
    const u = draw(n, () => r.next());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(u)).toBeCloseTo(0.5, 2);
    const e = draw(n, () => r.exp());
    expect(mean(e)).toBeCloseTo(1, 1);
    expect(variance(e)).toBeCloseTo(1, 1);
    const z = draw(n, () => r.normal());
    expect(mean(z)).toBeCloseTo(0, 1);
    expect(variance(z)).toBeCloseTo(1, 1);
    const ln = draw(n, () => r.logNormal(6, 0.8)).sort((a, b) => a - b);
    expect(ln[n / 2]! / 6).toBeCloseTo(1, 1);
    for (const [shape, scale] of [
      [0.5, 2],
      [3, 0.5],
    ] as const) {
      const g = draw(n, () => r.gamma(shape, scale));
      expect(mean(g) / (shape * scale)).toBeCloseTo(1, 1);
      expect(variance(g) / (shape * scale * scale)).toBeCloseTo(1, 0);
    }
    const b = draw(n, () => r.betaMean(0.8, 6));
    expect(mean(b)).toBeCloseTo(0.8, 2);
    expect(variance(b)).toBeCloseTo((0.8 * 0.2) / 7, 2);
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) counts[r.weighted([1, 0, 3])]!++;
    expect(counts[1]).toBe(0);
    expect(counts[0]! / n).toBeCloseTo(0.25, 1);
    const s = r.shuffle([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...s].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
