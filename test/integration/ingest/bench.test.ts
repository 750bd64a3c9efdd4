import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { benchIngest } from '../../../electron/services/ingest/bench';
import { makeTempDir } from '../../support/tempDir';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('relais-bench-');
});
afterEach(() => tmp.cleanup());

describe('ingest benchmark', () => {
  it('imports a synthetic archive and measures the raw insert ceiling on the same rows', async () => {
    const r = await benchIngest({ events: 20_000, dataDir: path.join(tmp.dir, 'bench') });
    expect(r.events).toBe(20_000);
    expect(r.rows.messages + r.rows.receiptEvents).toBe(20_000);
    expect(r.rows.contacts).toBeGreaterThan(100);
    for (const side of [r.import, r.ceiling]) {
      expect(side.seconds).toBeGreaterThan(0);
      expect(side.eventsPerSecond).toBeGreaterThan(0);
    }
    expect(r.ratio).toBeCloseTo(r.import.eventsPerSecond / r.ceiling.eventsPerSecond, 2);
    expect(r.ratio).toBeGreaterThan(0);
  }, 120_000);
});
