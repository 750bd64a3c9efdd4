import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookLine } from '../../../electron/services/webhooks/line';
import { startWebhookReceiver, type WebhookReceiver } from '../../../electron/services/webhooks/receiver';
import { openSpool, type Spool } from '../../../electron/services/webhooks/spool';
import { makeTempDir } from '../../support/tempDir';
import { APP_SECRET, captureLog, postWebhook, request, SECRETS, sign, VERIFY_TOKEN, webhookBody } from '../../unit/webhooks/helpers';

let tmp: ReturnType<typeof makeTempDir>;
let spool: Spool;
let receiver: WebhookReceiver;
const logged = captureLog();
const seen: WebhookLine[] = [];

beforeAll(async () => {
  tmp = makeTempDir('relais-receiver-');
  spool = await openSpool(tmp.dir);
  receiver = await startWebhookReceiver({ port: 0, verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, spool, log: logged.log, onEvent: (l) => seen.push(l) });
});
afterAll(async () => {
  await receiver.close();
  await spool.close();
  tmp.cleanup();
});

let storedBefore = 0;
beforeEach(async () => {
  storedBefore = await storedCount();
});

async function stored(): Promise<WebhookLine[]> {
  const out: WebhookLine[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await spool.read(cursor, 1000);
    out.push(...page.lines);
    cursor = page.next;
    if (!page.more) return out;
  }
}
const storedCount = async () => (await stored()).length;

const handshake = (query: string) => request(receiver.port, { path: `/webhook?${query}` });

describe('local webhook receiver', () => {
  it('binds to 127.0.0.1 by default and reports its callback URL', () => {
    expect(receiver.address).toBe('127.0.0.1');
    expect(receiver.url).toBe(`http://127.0.0.1:${receiver.port}/webhook`);
  });

  it('answers the subscription handshake with the challenge when the verify token matches', async () => {
    const res = await handshake(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('1158201444');
    expect(receiver.counters.handshakes).toBeGreaterThanOrEqual(1);
  });

  it('refuses the handshake with a wrong or missing token, another mode or no challenge', async () => {
    for (const q of [
      'hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1',
      `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}x&hub.challenge=1`,
      'hub.mode=subscribe&hub.challenge=1',
      `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
      `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`,
    ]) {
      const res = await handshake(q);
      expect(res.status, q).toBe(403);
      expect(res.body).not.toContain('1158201444');
    }
  });

  it('stores a correctly signed delivery durably, then answers 200 EVENT_RECEIVED', async () => {
    const body = webhookBody(1);
    const res = await postWebhook(receiver.port, body);
    expect(res.status).toBe(200);
    expect(res.body).toBe('EVENT_RECEIVED');
    const last = (await stored()).at(-1)!;
    // Exactly the received bytes, with a signature the importer can check again.
    expect(last.raw).toBe(body);
    expect(last.signature).toBe(sign(Buffer.from(last.raw, 'utf8')));
    expect(Math.abs(last.received_at - Date.now())).toBeLessThan(10_000);
    expect(seen.at(-1)).toEqual(last);
  });

  it('accepts the content type with a charset parameter', async () => {
    const res = await postWebhook(receiver.port, webhookBody(2), { contentType: 'application/json; charset=utf-8' });
    expect(res.status).toBe(200);
  });

  it('rejects missing (401), bad (403) and tampered-body (403) signatures and stores nothing', async () => {
    const body = webhookBody(3);
    const before = { ...receiver.counters.rejected };
    expect((await postWebhook(receiver.port, body, { signature: null })).status).toBe(401);
    expect((await postWebhook(receiver.port, body, { signature: 'sha256=' + '0'.repeat(64) })).status).toBe(403);
    expect((await postWebhook(receiver.port, body, { signature: sign(body, 'not-the-app-secret') })).status).toBe(403);
    expect((await postWebhook(receiver.port, body, { signature: 'sha1=abc' })).status).toBe(403);
    const tampered = body.replace('psid-3', 'psid-4');
    expect((await postWebhook(receiver.port, tampered, { signature: sign(body) })).status).toBe(403);
    expect(receiver.counters.rejected.missing_signature - before.missing_signature).toBe(1);
    expect(receiver.counters.rejected.bad_signature - before.bad_signature).toBe(4);
    expect(await storedCount()).toBe(storedBefore);
  });

  it('415 for another content type, 400 for invalid JSON or a non-Page object', async () => {
    const body = webhookBody(5);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', '']) {
      const res = await postWebhook(receiver.port, body, { contentType: type });
      expect(res.status, type).toBe(415);
    }
    const notJson = '{"object":"page",';
    expect((await postWebhook(receiver.port, notJson)).status).toBe(400);
    const instagram = JSON.stringify({ object: 'instagram', entry: [] });
    const res = await postWebhook(receiver.port, instagram);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringMatching(/"page"/) } });
    // Signed but not UTF-8: storing it as a string would change the signed bytes.
    const latin1 = Buffer.concat([Buffer.from('{"object":"page","x":"'), Buffer.from([0xe9]), Buffer.from('"}')]);
    expect((await postWebhook(receiver.port, latin1)).status).toBe(400);
    expect(await storedCount()).toBe(storedBefore);
  });

  it('413 for a declared oversize body, answered before the client has sent it', async () => {
    const res = await streamBody({ total: 40 * 1024 * 1024, declare: true });
    expect(res.status).toBe(413);
    expect(res.sentWhenAnswered).toBeLessThan(8 * 1024 * 1024);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'TOO_LARGE' } });
  });

  it('413 for a streamed (chunked) oversize body, without buffering the whole of it', async () => {
    const res = await streamBody({ total: 40 * 1024 * 1024, declare: false });
    expect(res.status).toBe(413);
    // It answered after ~1 MB, long before the 40 MB were sent, and then cut the connection.
    expect(res.sentWhenAnswered).toBeLessThan(8 * 1024 * 1024);
    expect(res.sentTotal).toBeLessThan(40 * 1024 * 1024);
    expect(await storedCount()).toBe(storedBefore);
  });

  it('accepts a body of exactly the limit and refuses one byte more', async () => {
    const small = await startWebhookReceiver({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, spool, maxBodyBytes: 600, log: logged.log });
    try {
      const base = webhookBody(6);
      const exact = base.slice(0, -1) + ',"pad":"' + 'p'.repeat(600 - Buffer.byteLength(base) - 9) + '"}';
      expect(Buffer.byteLength(exact)).toBe(600);
      expect((await postWebhook(small.port, exact)).status).toBe(200);
      const over = exact.replace('"pad":"', '"pad":"p');
      expect((await postWebhook(small.port, over)).status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('shrugs off a sender that disconnects mid-body: counted, nothing stored, no error logged', async () => {
    const before = receiver.counters.rejected.client_aborted;
    const errorsBefore = logged.lines.filter((l) => /request failed/.test(l)).length;
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: receiver.port, method: 'POST', path: '/webhook', headers: { 'Content-Type': 'application/json', 'Content-Length': 5000 } });
      req.on('error', () => resolve());
      req.write('{"object":"page"', () => setTimeout(() => (req.destroy(), resolve()), 50));
    });
    await expect.poll(() => receiver.counters.rejected.client_aborted).toBe(before + 1);
    expect(logged.lines.filter((l) => /request failed/.test(l)).length).toBe(errorsBefore);
    expect(await storedCount()).toBe(storedBefore);
  });

  it('never says 200 for an event it could not store (Meta then retries it)', async () => {
    const dir = makeTempDir('relais-receiver-broken-');
    const broken = await openSpool(dir.dir);
    const log = captureLog();
    const r = await startWebhookReceiver({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, spool: broken, log: log.log });
    try {
      await broken.close();
      const res = await postWebhook(r.port, webhookBody(8));
      expect(res.status).toBe(507);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'STORAGE' } });
      expect(r.counters).toMatchObject({ accepted: 0, rejected: { storage_failed: 1 } });
      expect(log.lines.join('\n')).toMatch(/could not store a delivery/);
    } finally {
      await r.close();
      dir.cleanup();
    }
  });

  it('405 for other methods and 404 elsewhere', async () => {
    expect((await request(receiver.port, { method: 'PUT', path: '/webhook', body: '{}' })).status).toBe(405);
    expect((await request(receiver.port, { path: '/' })).status).toBe(404);
    expect((await request(receiver.port, { path: '/events' })).status).toBe(404);
  });

  it('never puts a secret in a response or a log line', async () => {
    const responses = [
      await handshake(`hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`),
      await postWebhook(receiver.port, webhookBody(7), { signature: 'sha256=' + '1'.repeat(64) }),
      await postWebhook(receiver.port, webhookBody(7), { signature: null }),
    ];
    const text = [...responses.map((r) => r.body + JSON.stringify(r.headers)), ...logged.lines].join('\n');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(logged.lines.some((l) => /rejected a request \(bad_signature\)/.test(l))).toBe(true);
  });

  it('warns clearly when bound to a non-loopback address', async () => {
    const log = captureLog();
    const exposed = await startWebhookReceiver({ host: '0.0.0.0', verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, spool, log: log.log });
    try {
      expect(exposed.address).toBe('0.0.0.0');
      expect(log.lines.join('\n')).toMatch(/WARNING: the webhook receiver listens on 0\.0\.0\.0/);
    } finally {
      await exposed.close();
    }
    const quiet = captureLog();
    const local = await startWebhookReceiver({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, spool, log: quiet.log });
    await local.close();
    expect(quiet.lines.join('\n')).not.toMatch(/WARNING/);
  });

  it('refuses to start without a verify token or App Secret', async () => {
    await expect(startWebhookReceiver({ verifyToken: '', appSecret: APP_SECRET, spool })).rejects.toThrow(/verify token is required/);
    await expect(startWebhookReceiver({ verifyToken: VERIFY_TOKEN, appSecret: '', spool })).rejects.toThrow(/App Secret is required/);
  });
});

/**
 * Sends `total` bytes of JSON-looking body in 64 KiB chunks, honouring back-pressure,
 * and records how much had been sent when the answer arrived.
 */
function streamBody(opts: { total: number; declare: boolean }): Promise<{ status: number; body: string; sentWhenAnswered: number; sentTotal: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered: { status: number; body: string; at: number } | null = null;
    let finished = false;
    const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'X-Hub-Signature-256': 'sha256=' + '0'.repeat(64) };
    if (opts.declare) headers['Content-Length'] = opts.total;
    const req = http.request({ host: '127.0.0.1', port: receiver.port, method: 'POST', path: '/webhook', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      answered = { status: res.statusCode ?? 0, body: '', at: sent };
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        answered!.body = Buffer.concat(chunks).toString('utf8');
        done();
      });
      res.on('error', () => done());
    });
    const done = () => {
      if (finished || !answered) return;
      finished = true;
      req.destroy();
      resolve({ status: answered.status, body: answered.body, sentWhenAnswered: answered.at, sentTotal: sent });
    };
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (answered) return done();
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return resolve({ status: -1, body: '', sentWhenAnswered: sent, sentTotal: sent });
      reject(e);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!answered && !req.destroyed && sent < opts.total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered && sent >= opts.total) req.end();
    };
    pump();
  });
}
