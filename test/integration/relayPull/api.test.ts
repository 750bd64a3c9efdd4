import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import type { Relay } from '../../../electron/services/webhooks';
import type { JobView } from '../../../shared/domain/jobs';
import type { RelayPullResult } from '../../../shared/domain/relay';
import { makeTempDir } from '../../support/tempDir';
import { expectNoFileContains, openRelay, PULL_TOKEN, sign } from './support';

// relay:pull and relay:status through the API, the way both shells call them: input
// checks, the job in the worker thread, typed failures, and the token kept out of sight.
// Needs the built worker (dist/electron/jobWorker.cjs): `node electron/tools/build.mjs`.

const PAGE = '777000111';
const T0 = 1_790_000_000_000;

function body(events: unknown[]): string {
  return JSON.stringify({ object: 'page', entry: [{ id: PAGE, time: T0, messaging: events }] });
}

/** One outbound message, delivered 4 s later and read 9 s later, as three webhook bodies. */
function conversation(i: number): string[] {
  const sent = T0 + i * 60_000;
  const psid = `90${i}`;
  return [
    body([{ sender: { id: PAGE }, recipient: { id: psid }, timestamp: sent, message: { is_echo: true, mid: `m_api_${i}`, text: `Bonjour ${i}` } }]),
    body([{ sender: { id: psid }, recipient: { id: PAGE }, timestamp: sent + 4_000, delivery: { mids: [`m_api_${i}`], watermark: sent + 4_000 } }]),
    body([{ sender: { id: psid }, recipient: { id: PAGE }, timestamp: sent + 9_000, read: { watermark: sent + 9_000 } }]),
  ];
}

async function post(relay: Relay, raw: string): Promise<void> {
  const res = await fetch(relay.url + '/webhook', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) }, body: raw });
  expect(res.status).toBe(200);
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function app(): { ctx: AppContext; dataDir: string; workspaceId: number } {
  const dir = makeTempDir('relais-relayapi-');
  const ctx = createContext({ dataDir: dir.dir });
  cleanups.push(() => {
    ctx.store.close();
    dir.cleanup();
  });
  return { ctx, dataDir: dir.dir, workspaceId: ctx.workspaces.create({ name: 'Shop', timeZone: 'America/Toronto', locale: 'en-CA' }).id };
}

async function relayWith(conversations: number): Promise<Relay> {
  const dir = makeTempDir('relais-relayapi-store-');
  const relay = await openRelay(dir.dir);
  cleanups.push(async () => {
    await relay.close();
    dir.cleanup();
  });
  for (let i = 0; i < conversations; i++) for (const raw of conversation(i)) await post(relay, raw);
  return relay;
}

async function call(ctx: AppContext, method: string, input: unknown) {
  return dispatch(ctx, method, input);
}

async function runJob(ctx: AppContext, input: unknown): Promise<JobView> {
  const reply = await call(ctx, 'relay:pull', input);
  if (!reply.ok) throw new Error(`relay:pull refused: ${JSON.stringify(reply.error)}`);
  return ctx.jobs.wait((reply.data as JobView).id);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe('relay:pull and relay:status', () => {
  it('refuses addresses that are not https (except to this machine), carry credentials or a query, and short tokens', async () => {
    const { ctx, workspaceId } = app();
    const cases: [string, string, string][] = [
      ['http://relay.example.com', PULL_TOKEN, 'relay.url.insecure'],
      ['https://user:pw@relay.example.com', PULL_TOKEN, 'relay.url.invalid'],
      ['https://relay.example.com/?token=abc', PULL_TOKEN, 'relay.url.invalid'],
      ['ftp://relay.example.com', PULL_TOKEN, 'relay.url.invalid'],
      ['', PULL_TOKEN, 'relay.url.required'],
      ['https://relay.example.com', 'short', 'relay.token.short'],
      ['https://relay.example.com', 'has a space in it 1234', 'relay.token.invalid'],
    ];
    for (const [url, pullToken, key] of cases) {
      const reply = await call(ctx, 'relay:pull', { workspaceId, url, pullToken });
      expect(reply.ok, url).toBe(false);
      if (!reply.ok) {
        expect(reply.error.code).toBe('BAD_INPUT');
        expect(reply.error.issues?.map((i) => i.message)).toContain(key);
        expect(JSON.stringify(reply.error)).not.toContain(PULL_TOKEN);
      }
    }
    expect(ctx.jobs.list()).toEqual([]);
  });

  it('pulls in the worker: exact receipt times, the status line, and the token nowhere in jobs, rows or files', async () => {
    const relay = await relayWith(5);
    const { ctx, dataDir, workspaceId } = app();
    // A pasted /events address with a trailing slash is the same relay.
    const job = await runJob(ctx, { workspaceId, url: `${relay.url}/events/`, pullToken: PULL_TOKEN, addPages: true });
    expect(job.state).toBe('done');
    expect(job.kind).toBe('relayPull');
    expect(job.label).toBe(relay.url);
    const result = job.result as RelayPullResult;
    expect(result.pulled).toBe(15);
    expect(result.imported).toMatchObject({ status: 'completed', echoes: 5, deliveries: 5, reads: 5, badLines: 0, pagesAdded: [PAGE] });
    const rows = ctx.store.db.prepare('SELECT mid, sent_at, delivered_at, read_at FROM messages ORDER BY sent_at').all();
    expect(rows).toEqual([0, 1, 2, 3, 4].map((i) => ({ mid: `m_api_${i}`, sent_at: T0 + i * 60_000, delivered_at: T0 + i * 60_000 + 4_000, read_at: T0 + i * 60_000 + 9_000 })));

    const status = await call(ctx, 'relay:status', { workspaceId });
    expect(status).toEqual({ ok: true, data: { url: relay.url, hasCursor: true, lastPullAt: expect.any(Number), lastEvents: 15, lastGap: false } });

    // Nothing new on the relay: the next pull imports nothing.
    const again = await runJob(ctx, { workspaceId, url: relay.url, pullToken: PULL_TOKEN });
    expect(again.result).toMatchObject({ pulled: 0, imported: null });

    const views = JSON.stringify([await call(ctx, 'jobs:list', {}), job, again, status]);
    expect(views).not.toContain(PULL_TOKEN);
    ctx.store.db.pragma('wal_checkpoint(TRUNCATE)');
    expectNoFileContains(dataDir, PULL_TOKEN);
  });

  it('a missing Page stops before writing, like a file import, and lists it', async () => {
    const relay = await relayWith(1);
    const { ctx, workspaceId } = app();
    const job = await runJob(ctx, { workspaceId, url: relay.url, pullToken: PULL_TOKEN });
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'pages_not_in_workspace', details: [PAGE] });
    expect(ctx.store.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    // Agreeing to add the Page imports what the first pull already fetched.
    const retry = await runJob(ctx, { workspaceId, url: relay.url, pullToken: PULL_TOKEN, addPages: true });
    expect(retry.state).toBe('done');
    expect(retry.result).toMatchObject({ pulled: 0, recovered: { status: 'completed', echoes: 1 } });
  });

  it('typed failures: RELAY_UNAUTHORIZED for a wrong token, RELAY_UNAVAILABLE when nothing answers', async () => {
    const relay = await relayWith(1);
    const { ctx, workspaceId } = app();
    const wrong = 'this-is-not-the-right-token-42';
    const refused = await runJob(ctx, { workspaceId, url: relay.url, pullToken: wrong, addPages: true });
    expect(refused.state).toBe('failed');
    expect(refused.error?.code).toBe('RELAY_UNAUTHORIZED');
    expect(JSON.stringify(refused)).not.toContain(wrong);

    const nobody = `http://127.0.0.1:${await freePort()}`;
    const down = await runJob(ctx, { workspaceId, url: nobody, pullToken: PULL_TOKEN, addPages: true });
    expect(down.state).toBe('failed');
    expect(down.error?.code).toBe('RELAY_UNAVAILABLE');
    expect(down.error?.message).toMatch(/connection refused/);
    expect(JSON.stringify(down)).not.toContain(PULL_TOKEN);
  });

  it('one pull at a time per workspace', async () => {
    const relay = await relayWith(3);
    const { ctx, workspaceId } = app();
    const first = await call(ctx, 'relay:pull', { workspaceId, url: relay.url, pullToken: PULL_TOKEN, addPages: true });
    const second = await call(ctx, 'relay:pull', { workspaceId, url: relay.url, pullToken: PULL_TOKEN, addPages: true });
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    if (first.ok) await ctx.jobs.wait((first.data as JobView).id);
  });
});
