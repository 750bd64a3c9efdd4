import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../../shared/domain/scenario';
import { runSimulation, type SimulationProgress } from '../../../electron/services/simulator/run';
import { createSimulation } from '../../../electron/services/simulator/simulation';
import type { TruthMessage } from '../../../electron/services/simulator/truth';
import type { WebhookBody } from '../../../electron/services/simulator/webhook';
import { makeTempDir } from '../../support/tempDir';
import { loadScenario, withChanges } from './support';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('relais-sim-');
});
afterEach(() => tmp.cleanup());

const SECRET = 'test-app-secret';
const base = loadScenario('small-test');
const short = withChanges(base, { days: 4, faults: { badLineRate: 0 } });

function verifies(raw: string, signature: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw, 'utf8').digest('hex')}`);
  const got = Buffer.from(signature);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

describe('NDJSON archive', () => {
  it('signed lines verify with the app secret; every injected bad line is listed at its line number', async () => {
    const file = path.join(tmp.dir, 'archive.ndjson');
    const truthDir = path.join(tmp.dir, 'truth');
    const progress: SimulationProgress[] = [];
    const summary = await runSimulation(withChanges(short, { faults: { badLineRate: 0.05 } }), {
      archive: file,
      appSecret: SECRET,
      truthDir,
      onProgress: (p) => progress.push(p),
    });
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBe(summary.archive!.lines);
    expect(lines.length).toBe(summary.bodies.total + summary.badLines.length);
    expect(summary.archive!.bytes).toBe(fs.statSync(file).size);
    const kinds = new Set(summary.badLines.map((b) => b.kind));
    expect([...kinds].sort()).toEqual(['bad_signature', 'truncated_json', 'watermark_seconds', 'wrong_object']);
    const bad = new Map(summary.badLines.map((b) => [b.line, b]));
    let good = 0;
    lines.forEach((line, i) => {
      const b = bad.get(i + 1);
      if (b?.kind === 'truncated_json') {
        expect(() => JSON.parse(line)).toThrow();
        return;
      }
      const wrapper = JSON.parse(line) as { raw: string; signature: string; received_at: number };
      expect(Object.keys(wrapper)).toEqual(['raw', 'signature', 'received_at']);
      const body = JSON.parse(wrapper.raw) as WebhookBody;
      if (b?.kind === 'bad_signature') {
        expect(verifies(wrapper.raw, wrapper.signature)).toBe(false);
        return;
      }
      expect(verifies(wrapper.raw, wrapper.signature), `line ${i + 1}`).toBe(true);
      if (b?.kind === 'wrong_object') {
        expect(body.object).not.toBe('page');
        return;
      }
      expect(body.object).toBe('page');
      const watermarks = body.entry.flatMap((e) => e.messaging.flatMap((m) => ('delivery' in m ? [m.delivery.watermark] : 'read' in m ? [m.read.watermark] : [])));
      if (b?.kind === 'watermark_seconds') {
        expect(watermarks.length).toBeGreaterThan(0);
        for (const w of watermarks) expect(String(w)).toMatch(/^\d{10}$/);
        return;
      }
      for (const w of watermarks) expect(String(w)).toMatch(/^\d{13}$/);
      expect(Number.isInteger(wrapper.received_at)).toBe(true);
      good++;
    });
    expect(good).toBe(summary.bodies.total);

    // Ground truth alongside.
    const messages = fs.readFileSync(path.join(truthDir, 'messages.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TruthMessage);
    expect(messages.length).toBe(summary.messages.total);
    expect(Object.keys(messages[0]!)).toEqual(['mid', 'pageId', 'psid', 'direction', 'sentAt', 'deliveredAt', 'readAt', 'campaignRef', 'variantRef']);
    expect(fs.readFileSync(path.join(truthDir, 'population.ndjson'), 'utf8').trim().split('\n')).toHaveLength(summary.contacts);
    const campaigns = JSON.parse(fs.readFileSync(path.join(truthDir, 'campaigns.json'), 'utf8')) as unknown[];
    expect(campaigns).toHaveLength(summary.campaigns.occurrences);
    expect(JSON.parse(fs.readFileSync(path.join(truthDir, 'scenario.json'), 'utf8'))).toMatchObject({ name: 'Small test', days: 4 });

    expect(progress.map((p) => p.day)).toEqual([1, 2, 3, 4]);
    expect(progress[3]!.events).toBe(summary.events.total);
    expect(summary.events.total).toBe(summary.events.echoes + summary.events.inbound + summary.events.deliveries + summary.events.reads);
    expect(summary.messages.total).toBe(summary.events.echoes + summary.events.inbound);
  });

  it('without a secret each line is the webhook body itself, identical to the streamed bodies', async () => {
    const file = path.join(tmp.dir, 'plain.ndjson');
    const summary = await runSimulation(short, { archive: file, expectedRates: false });
    expect(summary.badLines).toEqual([]);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const streamed = [...createSimulation(short, { expectedRates: false }).bodiesSync()].map((d) => d.raw);
    expect(lines).toEqual(streamed);
  });

  it('same seed, same bytes; another seed, another archive', async () => {
    const sha = async (input: ScenarioInput, name: string) => {
      const file = path.join(tmp.dir, name);
      await runSimulation(input, { archive: file, appSecret: SECRET, expectedRates: false });
      return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    };
    const faulty = withChanges(short, { faults: { badLineRate: 0.02 } });
    const a = await sha(faulty, 'a.ndjson');
    expect(await sha(faulty, 'b.ndjson')).toBe(a);
    expect(await sha(withChanges(faulty, { seed: 777 }), 'c.ndjson')).not.toBe(a);
  });

  it('a bigger population keeps the first contacts as they were', () => {
    const small = createSimulation(withChanges(base, { population: { ...(base.population as object), size: 100 } as ScenarioInput['population'] }));
    const big = createSimulation(withChanges(base, { population: { ...(base.population as object), size: 300 } as ScenarioInput['population'] }));
    for (let i = 0; i < 100; i++) {
      const a = small.population.contacts[i]!;
      const b = big.population.contacts[i]!;
      expect({ ...b, sessions: [...b.sessions] }).toEqual({ ...a, sessions: [...a.sessions] });
    }
  });

  it('the async stream equals the synchronous one and a simulation runs once', async () => {
    const a = createSimulation(short, { expectedRates: false });
    const fromAsync: string[] = [];
    for await (const d of a.bodies()) fromAsync.push(`${d.receivedAt} ${d.raw}`);
    const b = createSimulation(short, { expectedRates: false });
    expect([...b.bodiesSync()].map((d) => `${d.receivedAt} ${d.raw}`)).toEqual(fromAsync);
    expect(() => [...b.bodiesSync()]).toThrow(/already run/);
  });
});
