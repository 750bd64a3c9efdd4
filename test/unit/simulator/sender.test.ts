import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runSimulation } from '../../../electron/services/simulator/run';
import { WebhookSendError, WebhookSender } from '../../../electron/services/simulator/sender';
import { createSimulation } from '../../../electron/services/simulator/simulation';
import { BodyDelivery } from '../../../electron/services/simulator/webhook';
import { loadScenario, withChanges } from './support';

const SECRET = 'relay-secret';
const scenario = withChanges(loadScenario('small-test'), { days: 2, population: { size: 60, inboundPerWeek: { mean: 3, shape: 1 } }, faults: { badLineRate: 0 } });

interface Received {
  raw: string;
  signatureOk: boolean;
  contentType: string | undefined;
}

let server: http.Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** A receiver that answers each request with the status `respond` picks (by request number). */
async function receiver(respond: (n: number) => number): Promise<{ url: string; received: Received[]; requests: () => number }> {
  const received: Received[] = [];
  let n = 0;
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      n++;
      const status = respond(n);
      const raw = Buffer.concat(chunks).toString('utf8');
      if (status === 200) {
        const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw, 'utf8').digest('hex')}`);
        const got = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
        received.push({ raw, signatureOk: got.length === expected.length && timingSafeEqual(got, expected), contentType: req.headers['content-type'] });
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/webhook`, received, requests: () => n };
}

describe('signed POST sender', () => {
  it('posts every body, signed, in arrival order, retrying transient failures', async () => {
    // Request 3 fails with 503 and request 7 with 429: both are retried.
    const r = await receiver((n) => (n === 3 ? 503 : n === 7 ? 429 : 200));
    const summary = await runSimulation(scenario, { post: r.url, appSecret: SECRET, postOptions: { retryDelayMs: 5 }, expectedRates: false });
    const expected = [...createSimulation(scenario, { expectedRates: false }).bodiesSync()].map((d) => d.raw);
    expect(expected.length).toBeGreaterThan(50);
    expect(r.received.map((x) => x.raw)).toEqual(expected);
    expect(r.received.every((x) => x.signatureOk && x.contentType === 'application/json')).toBe(true);
    expect(summary.posted).toEqual({ url: r.url, posted: expected.length, retries: 2, rejected: {} });
    expect(r.requests()).toBe(expected.length + 2);
  });

  it('counts a 4xx as the receiver’s verdict without retrying it', async () => {
    const r = await receiver((n) => (n === 2 ? 403 : 200));
    const sender = new WebhookSender({ url: r.url, appSecret: SECRET, retryDelayMs: 5, concurrency: 2 });
    for (let i = 0; i < 5; i++) await sender.send(new BodyDelivery(`{"object":"page","entry":[{"id":"1","time":${i},"messaging":[]}]}`, i, false, false));
    const s = await sender.close();
    expect(s.posted).toBe(4);
    expect(s.rejected).toEqual({ '403': 1 });
    expect(r.requests()).toBe(5);
  });

  it('gives up with a clear error when the receiver keeps failing', async () => {
    const r = await receiver(() => 500);
    const sender = new WebhookSender({ url: r.url, retries: 2, retryDelayMs: 5 });
    await sender.send(new BodyDelivery('{"object":"page","entry":[]}', 0, false, false));
    await expect(sender.close()).rejects.toThrow(WebhookSendError);
    expect(r.requests()).toBe(3);
  });

  it('reports an unreachable receiver', async () => {
    const sender = new WebhookSender({ url: 'http://127.0.0.1:9/none', retries: 1, retryDelayMs: 5, timeoutMs: 2000 });
    await sender.send(new BodyDelivery('{}', 0, false, false));
    await expect(sender.close()).rejects.toThrow(/failed after 2 attempts/);
  });
});
