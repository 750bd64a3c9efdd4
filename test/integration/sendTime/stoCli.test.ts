import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/relais';
import type { SendTimeEvaluation } from '../../../electron/services/sendTime/evaluate';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('relais sto evaluate', () => {
  it('scores every policy with the simulator’s truth and prints captured', async () => {
    const c = capture();
    const code = await runCli(['sto', 'evaluate', '--scenario', 'resources/scenarios/small-test.json', '--seed', '5', '--eval-days', '3', '--horizon', '60', '--json'], { io: c.io });
    expect(code).toBe(0);
    const e = JSON.parse(c.out.join('')) as SendTimeEvaluation;
    expect(e.seed).toBe(5);
    expect(e.perDay).toHaveLength(3);
    expect(e.evaluated).toBeGreaterThan(100);
    // The oracle is never beaten, and the plan is never worse than the usual time.
    for (const p of ['fixed', 'random', 'heatmapBestHour', 'audienceBestHour', 'relais'] as const) expect(e.rates[p]).toBeLessThanOrEqual(e.rates.oracle + 1e-12);
    expect(e.rates.relais).toBeGreaterThan(e.rates.fixed);
    expect(e.captured).toBeCloseTo((e.rates.relais - e.rates.fixed) / (e.rates.oracle - e.rates.fixed), 12);
    expect(e.assumptions.join(' ')).toContain('real importer');
    expect(c.err.some((l) => l.includes('simulating'))).toBe(true);

    const human = capture();
    expect(await runCli(['sto', 'evaluate', '--scenario', 'resources/scenarios/small-test.json', '--eval-days', '1', '--contacts', '150'], { io: human.io })).toBe(0);
    expect(human.out.join('')).toMatch(/captured = \(relais − fixed\) \/ \(oracle − fixed\) = -?\d\.\d{3}/);
  }, 120_000);

  it('refuses bad usage (2) and unreadable scenarios (3) with a message', async () => {
    const a = capture();
    expect(await runCli(['sto', 'evaluate'], { io: a.io })).toBe(2);
    expect(a.err.join('')).toContain('Usage: relais sto evaluate');
    const b = capture();
    expect(await runCli(['sto', 'evaluate', '--scenario', 'resources/scenarios/small-test.json', '--horizon', '0'], { io: b.io })).toBe(2);
    expect(b.err.join('')).toContain('--horizon takes a whole number between 1 and 1440');
    const d = capture();
    expect(await runCli(['sto', 'evaluate', '--scenario', 'no/such/file.json'], { io: d.io })).toBe(3);
    const e = capture();
    expect(await runCli(['sto', 'evaluate', '--scenario', 'resources/scenarios/small-test.json', '--quiet', 'night'], { io: e.io })).toBe(2);
  });
});
