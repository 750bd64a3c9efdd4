import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookLine } from '../../../electron/services/webhooks/line';
import { pullFromRelay } from '../../../electron/services/webhooks/pullClient';
import { pullToFile } from '../../../electron/services/webhooks/pullFile';
import { startRelay, type Relay, type RelayOptions } from '../../../electron/services/webhooks/relay';
import { openSpool, segmentName, SpoolLockedError } from '../../../electron/services/webhooks/spool';
import { makeTempDir } from '../../support/tempDir';
import { APP_SECRET, captureLog, inParallel, postWebhook, PULL_TOKEN, pullEvents, request, SECRETS, sign, VERIFY_TOKEN, webhookBody } from '../../unit/webhooks/helpers';

let tmp: ReturnType<typeof makeTempDir>;
let storeDir: string;
let running: Relay[] = [];
beforeEach(() => {
  tmp = makeTempDir('relais-relay-');
  storeDir = path.join(tmp.dir, 'store');
  running = [];
});
afterEach(async () => {
  for (const r of running) await r.close();
  tmp.cleanup();
});

async function relay(extra: Partial<RelayOptions> = {}): Promise<Relay> {
  const r = await startRelay({ storeDir, verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, pullToken: PULL_TOKEN, log: captureLog().log, ...extra });
  running.push(r);
  return r;
}

async function stop(r: Relay): Promise<void> {
  await r.close();
  running = running.filter((x) => x !== r);
}

async function post(r: Relay, from: number, to: number): Promise<void> {
  await inParallel([...Array(to - from).keys()], 8, async (k) => {
    const res = await postWebhook(r.port, webhookBody(from + k));
    expect(res.status).toBe(200);
  });
}

const raws = (from: number, to: number) => new Set([...Array(to - from).keys()].map((k) => webhookBody(from + k)));

describe('relay', () => {
  it('serves stored events in pages that follow the cursor, across segments', async () => {
    const r = await relay({ segmentMaxBytes: 2048 });
    await post(r, 0, 45);
    expect(r.spool.stats().segments).toBeGreaterThan(3);
    const got: WebhookLine[] = [];
    let after = '';
    let pages = 0;
    for (;;) {
      const res = await pullEvents(r.port, `?limit=10${after ? `&after=${after}` : ''}`);
      expect(res.status).toBe(200);
      const page = JSON.parse(res.body) as { events: WebhookLine[]; next: string; more: boolean; gap: boolean };
      expect(page.events.length).toBeLessThanOrEqual(10);
      got.push(...page.events);
      after = page.next;
      pages++;
      if (!page.more) break;
    }
    expect(pages).toBe(5);
    expect(got).toHaveLength(45);
    expect(new Set(got.map((e) => e.raw))).toEqual(raws(0, 45));
    // Every event carries what the importer needs to verify it on its own.
    for (const e of got) expect(e.signature).toBe(sign(Buffer.from(e.raw, 'utf8')));
    const empty = JSON.parse((await pullEvents(r.port, `?after=${after}`)).body);
    expect(empty).toEqual({ events: [], next: after, more: false, gap: false });
  });

  it('uses the configured page size by default and caps what clients ask for', async () => {
    const r = await relay({ pageSize: 4, maxPageSize: 6 });
    await post(r, 0, 10);
    expect(JSON.parse((await pullEvents(r.port, '')).body).events).toHaveLength(4);
    expect(JSON.parse((await pullEvents(r.port, '?limit=1000')).body).events).toHaveLength(6);
    for (const bad of ['0', '-1', 'ten', '1.5']) {
      const res = await pullEvents(r.port, `?limit=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(JSON.parse(res.body).error.message).toMatch(/limit must be a whole number between 1 and 6/);
    }
  });

  it('requires the pull token (401, nothing leaked)', async () => {
    const r = await relay();
    await post(r, 0, 3);
    for (const token of [null, 'wrong-token-wrong-token', `${PULL_TOKEN}x`, PULL_TOKEN.slice(0, -1)]) {
      const res = await pullEvents(r.port, '', token);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body).not.toContain('psid-');
    }
    const basic = await request(r.port, { path: '/events', headers: { Authorization: `Basic ${Buffer.from(`x:${PULL_TOKEN}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
    const inQuery = await request(r.port, { path: `/events?token=${PULL_TOKEN}` });
    expect(inQuery.status).toBe(401);
    expect(r.counters.unauthorizedPulls).toBe(6);
  });

  it('answers 400 with a clear message for a cursor it cannot honour', async () => {
    const r = await relay();
    await post(r, 0, 3);
    for (const cursor of ['garbage!', 'AAAA', Buffer.from('1:0123456789abcdef:1:0').toString('base64url')]) {
      const res = await pullEvents(r.port, `?after=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringMatching(/^Invalid cursor: /) } });
    }
  });

  it('also receives webhooks (handshake and signed POSTs) on /webhook', async () => {
    const r = await relay();
    const hs = await request(r.port, { path: `/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42` });
    expect(hs).toMatchObject({ status: 200, body: '42' });
    expect((await postWebhook(r.port, webhookBody(1), { signature: sign(webhookBody(1), 'wrong') })).status).toBe(403);
    expect((await postWebhook(r.port, webhookBody(1))).status).toBe(200);
    expect(r.counters).toMatchObject({ accepted: 1, handshakes: 1 });
  });

  it('health: up for anyone, details only with the token, never a secret', async () => {
    const r = await relay();
    await post(r, 0, 2);
    expect(JSON.parse((await request(r.port, { path: '/health' })).body)).toEqual({ ok: true });
    const detailed = await request(r.port, { path: '/health', headers: { Authorization: `Bearer ${PULL_TOKEN}` } });
    expect(JSON.parse(detailed.body)).toMatchObject({ ok: true, retentionDays: 14, store: { segments: 1 }, counters: { accepted: 2 } });
    for (const s of SECRETS) expect(detailed.body).not.toContain(s);
  });

  it('binds to loopback by default and refuses a weak pull token or a second relay on the same store', async () => {
    const r = await relay();
    expect(r.address).toBe('127.0.0.1');
    const second = await startRelay({ storeDir, verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, pullToken: PULL_TOKEN }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(SpoolLockedError);
    expect((second as Error).message).toMatch(/already in use by another Relais process/);
    await expect(startRelay({ storeDir: path.join(tmp.dir, 'other'), verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, pullToken: 'short' })).rejects.toThrow(/at least 16 characters/);
  });

  it('exactly once across a relay restart: the app resumes from its cursor', async () => {
    const file = path.join(tmp.dir, 'app', 'relay.ndjson');
    const first = await relay({ segmentMaxBytes: 4096 });
    await post(first, 0, 30);
    const partial = await pullToFile({ url: first.url, pullToken: PULL_TOKEN, file, limit: 7, maxPages: 2 });
    expect(partial).toMatchObject({ events: 14, complete: false });
    await stop(first);

    const second = await relay({ segmentMaxBytes: 4096 });
    await post(second, 30, 50);
    const rest = await pullToFile({ url: second.url, pullToken: PULL_TOKEN, file, limit: 7 });
    expect(rest).toMatchObject({ events: 36, complete: true });

    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(50);
    expect(new Set(lines.map((l) => (JSON.parse(l) as WebhookLine).raw))).toEqual(raws(0, 50));
    // Nothing new: the next pull is empty and keeps the cursor.
    expect(await pullToFile({ url: second.url, pullToken: PULL_TOKEN, file })).toMatchObject({ events: 0, complete: true });
  });

  it('retention deletes only segments past the limit, at start and on demand, and flags what a reader missed', async () => {
    const DAY = 86_400_000;
    const seed = await openSpool(storeDir, { segmentMaxBytes: 1024 });
    // Bodies over half a segment: one line per segment, so the age boundary falls between segments.
    const old = (i: number, days: number): WebhookLine => ({ raw: webhookBody(i, 600), signature: sign(webhookBody(i, 600)), received_at: Date.now() - days * DAY });
    for (let i = 0; i < 6; i++) await seed.append(old(i, 30));
    for (let i = 6; i < 12; i++) await seed.append(old(i, 3));
    const staleCursor = (await seed.read(null, 1)).next;
    const segmentsBefore = seed.stats().segments;
    await seed.close();
    expect(segmentsBefore).toBe(12);

    const r = await relay({ segmentMaxBytes: 1024, retentionDays: 14 });
    await r.runRetention();
    const files = fs.readdirSync(storeDir).filter((f) => f.startsWith('events-'));
    expect(files).toEqual([7, 8, 9, 10, 11, 12].map(segmentName));
    expect(files).toContain(r.spool.stats().activeSegment);

    const pulled: WebhookLine[] = [];
    const result = await pullFromRelay({ url: r.url, pullToken: PULL_TOKEN, onBatch: (lines) => void pulled.push(...lines) });
    expect(pulled.map((l) => l.raw)).toEqual([6, 7, 8, 9, 10, 11].map((i) => webhookBody(i, 600)));
    expect(result.gap).toBe(false);
    const resumed = await pullFromRelay({ url: r.url, pullToken: PULL_TOKEN, cursor: staleCursor, onBatch: () => undefined });
    expect(resumed.gap).toBe(true);
  });
});
