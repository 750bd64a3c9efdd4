import { buildSync } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFitHelper } from '../../../electron/services/sendTime/fitHelper';
import { fitSendTimeModel } from '../../../shared/sendTime/model';
import { NOW, histories } from '../../unit/sendTime/fixtures';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-fit-helper-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A bundle as the app ships them: its entry serves a fit helper when started as one. */
function bundle(name: string, source: string): string {
  const entry = path.join(dir, `${name}.ts`);
  fs.writeFileSync(entry, source);
  const outfile = path.join(dir, `${name}.cjs`);
  buildSync({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  return outfile;
}

const helperModule = JSON.stringify(path.resolve('electron/services/sendTime/fitHelper.ts'));

describe.skipIf(os.availableParallelism() < 2)('fit helper thread', () => {
  const data = histories(2000, 11);
  const alone = fitSendTimeModel(data, { horizonMinutes: 60, asOf: NOW });

  it('a real second thread gives the same model as one thread', () => {
    const helper = startFitHelper(bundle('serving', `import { serveFitHelperIfAsked } from ${helperModule};\nserveFitHelperIfAsked();\n`));
    expect(helper).not.toBeNull();
    try {
      const model = fitSendTimeModel(data, { horizonMinutes: 60, asOf: NOW, ...(helper ? { helper } : {}) });
      expect(model.presence?.rates).toEqual(alone.presence?.rates);
      expect(model.presence?.logLikelihood).toBe(alone.presence?.logLikelihood);
      expect(Array.from(model.lifts.values)).toEqual(Array.from(alone.lifts.values));
      // The lifts live in memory the helper wrote into.
      expect(model.lifts.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    } finally {
      helper?.close();
    }
  });

  it('the job worker bundle the app ships serves as a helper (the fit in the worker really uses a second thread)', () => {
    // Needs the build, like the off-thread tests: `node electron/tools/build.mjs`.
    const jobWorker = path.resolve('dist/electron/jobWorker.cjs');
    expect(fs.readFileSync(jobWorker, 'utf8')).toContain('relais-fit-helper');
    const helper = startFitHelper(jobWorker, { timeoutMs: 20_000 });
    try {
      const out = helper?.shared(4);
      expect(out).toBeDefined();
      if (!helper || !out) return;
      helper.post({ kind: 'intervals', alpha: Float64Array.of(2.5, 40), beta: Float64Array.of(7.5, 60), first: 0, out });
      expect(helper.wait()).toBe(true);
      // scipy.stats.beta.ppf(0.05 / 0.95, 2.5, 7.5), as in the shrinkage tests.
      expect(out[0]).toBeCloseTo(0.06731161356870272, 9);
      expect(out[1]).toBeCloseTo(0.4916369651474135, 9);
      expect(out[2]).toBeGreaterThan(0.3);
    } finally {
      helper?.close();
    }
  });

  it('a helper that never answers is given up on after its timeout: the fit finishes alone, same model', () => {
    const helper = startFitHelper(bundle('silent', 'export {};\n'), { timeoutMs: 300 });
    try {
      const t0 = performance.now();
      const model = fitSendTimeModel(data, { horizonMinutes: 60, asOf: NOW, ...(helper ? { helper } : {}) });
      // One timeout, not one per EM iteration (20 of them would take 6 s).
      expect(performance.now() - t0).toBeLessThan(4000);
      expect(model.presence?.rates).toEqual(alone.presence?.rates);
      expect(Array.from(model.lifts.values)).toEqual(Array.from(alone.lifts.values));
    } finally {
      helper?.close();
    }
  });
});
