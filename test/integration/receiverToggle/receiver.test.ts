import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import { startLocalReceiver, stopLocalReceiver } from '../../../electron/services/receiver/localReceiver';
import { latestSyncStateForKey } from '../../../electron/services/relay/syncState';
import type { JobView } from '../../../shared/domain/jobs';
import type { ReceiverImportResult, ReceiverStatus } from '../../../shared/domain/relay';
import { makeTempDir } from '../../support/tempDir';

// The local receiver switched on and off through the API (as the Settings toggle does),
// fed signed webhook POSTs, and its events imported into the current workspace.
// Needs the built worker (dist/electron/jobWorker.cjs): `node electron/tools/build.mjs`.

const APP_SECRET = 'receiver-toggle-app-secret-31b7';
const VERIFY_TOKEN = 'receiver-toggle-verify-token-c4d2';
const PAGE = '888000222';
const T0 = 1_790_500_000_000;

const sign = (raw: string, secret = APP_SECRET) => 'sha256=' + crypto.createHmac('sha256', secret).update(raw).digest('hex');
const body = (events: unknown[]) => JSON.stringify({ object: 'page', entry: [{ id: PAGE, time: T0, messaging: events }] });
const echo = (i: number) => body([{ sender: { id: PAGE }, recipient: { id: `70${i}` }, timestamp: T0 + i * 1000, message: { is_echo: true, mid: `m_rcv_${i}`, text: 'Salut' } }]);
const read = (i: number, at: number) => body([{ sender: { id: `70${i}` }, recipient: { id: PAGE }, timestamp: at, read: { watermark: at } }]);

async function post(url: string, raw: string, signature = sign(raw)): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body: raw });
  await res.text();
  return res.status;
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

const saved = { app: process.env.RELAIS_APP_SECRET, verify: process.env.RELAIS_VERIFY_TOKEN };
let dir: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let workspaceId: number;

beforeEach(() => {
  process.env.RELAIS_APP_SECRET = APP_SECRET;
  process.env.RELAIS_VERIFY_TOKEN = VERIFY_TOKEN;
  dir = makeTempDir('relais-receiver-');
  ctx = createContext({ dataDir: dir.dir });
  workspaceId = ctx.workspaces.create({ name: 'Bistro', timeZone: 'Europe/Paris', locale: 'fr-FR' }).id;
});
afterEach(async () => {
  await stopLocalReceiver(ctx);
  ctx.store.close();
  dir.cleanup();
  for (const [key, value] of [
    ['RELAIS_APP_SECRET', saved.app],
    ['RELAIS_VERIFY_TOKEN', saved.verify],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

async function ok<T>(method: string, input: unknown): Promise<T> {
  const reply = await dispatch(ctx, method, input);
  if (!reply.ok) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}

const messages = () => ctx.store.db.prepare('SELECT mid, sent_at, delivered_at, read_at FROM messages ORDER BY mid').all();

describe('local webhook receiver toggle', () => {
  it('is off by default, and switching it on without secrets is refused with what to set', async () => {
    delete process.env.RELAIS_APP_SECRET;
    const status = await ok<ReceiverStatus>('receiver:status', {});
    expect(status).toMatchObject({ running: false, url: null, port: null, host: '127.0.0.1', secretsConfigured: false, spoolDir: path.join(dir.dir, 'webhooks') });
    const reply = await dispatch(ctx, 'receiver:set', { enabled: true, port: 0 });
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('CONFLICT');
      expect(reply.error.issues).toEqual([{ path: 'enabled', message: 'receiver.secretsMissing' }]);
      expect(reply.error.message).toContain('RELAIS_APP_SECRET');
      expect(reply.error.message).toContain('RELAIS_VERIFY_TOKEN');
      expect(reply.error.message).not.toContain(VERIFY_TOKEN);
    }
    expect((await ok<ReceiverStatus>('receiver:status', {})).running).toBe(false);
    expect(ctx.receiver).toBeUndefined();
  });

  it('on: listens on 127.0.0.1, stores signed events, rejects bad ones; "import now" brings them into the workspace; off: stops listening', async () => {
    const port = await freePort();
    const on = await ok<ReceiverStatus>('receiver:set', { enabled: true, port });
    expect(on).toMatchObject({ running: true, url: `http://127.0.0.1:${port}/webhook`, port, host: '127.0.0.1', accepted: 0, rejected: 0, secretsConfigured: true });
    const url = on.url!;

    // Meta's handshake with the verify token from the environment.
    const hub = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=c-123`);
    expect(await hub.text()).toBe('c-123');

    for (let i = 0; i < 3; i++) expect(await post(url, echo(i))).toBe(200);
    expect(await post(url, read(0, T0 + 30_000))).toBe(200);
    expect(await post(url, echo(9), sign(echo(9), 'another-app-secret'))).toBe(403);
    expect(await ok<ReceiverStatus>('receiver:status', {})).toMatchObject({ accepted: 4, rejected: 1 });

    const job = await ctx.jobs.wait((await ok<JobView>('receiver:importNow', { workspaceId })).id);
    expect(job.state).toBe('done');
    const result = job.result as ReceiverImportResult;
    expect(result).toMatchObject({ workspaceId, drained: 4, recovered: null, imported: { status: 'completed', echoes: 3, reads: 1, unverified: 0, pagesAdded: [PAGE] } });
    expect(messages()).toEqual([
      { mid: 'm_rcv_0', sent_at: T0, delivered_at: T0 + 30_000, read_at: T0 + 30_000 },
      { mid: 'm_rcv_1', sent_at: T0 + 1000, delivered_at: null, read_at: null },
      { mid: 'm_rcv_2', sent_at: T0 + 2000, delivered_at: null, read_at: null },
    ]);
    // The drain cursor is saved per receiver store, once the import has the events.
    const storeId = JSON.parse(fs.readFileSync(path.join(dir.dir, 'webhooks', 'spool.json'), 'utf8')).id as string;
    expect(latestSyncStateForKey(ctx.store.db, 'receiver', storeId)).toMatchObject({ workspaceId, cursor: expect.any(String), progress: { lastEvents: 4 } });
    expect((await ok<ReceiverStatus>('receiver:status', {})).lastImport).toMatchObject({ workspaceId, events: 4 });

    // Only what arrived since is taken the next time.
    expect(await post(url, read(1, T0 + 61_000))).toBe(200);
    const next = await ctx.jobs.wait((await ok<JobView>('receiver:importNow', { workspaceId })).id);
    expect(next.result).toMatchObject({ drained: 1, imported: { reads: 1 } });
    expect(messages()[1]).toEqual({ mid: 'm_rcv_1', sent_at: T0 + 1000, delivered_at: T0 + 61_000, read_at: T0 + 61_000 });
    const nothing = await ctx.jobs.wait((await ok<JobView>('receiver:importNow', { workspaceId })).id);
    expect(nothing.result).toMatchObject({ drained: 0, imported: null });

    const off = await ok<ReceiverStatus>('receiver:set', { enabled: false });
    expect(off).toMatchObject({ running: false, url: null, port: null });
    await expect(fetch(url, { method: 'POST', body: '{}' })).rejects.toThrow();
    const refused = await dispatch(ctx, 'receiver:importNow', { workspaceId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', issues: [{ message: 'receiver.notRunning' }] } });
  });

  it('imports into the current workspace on its own, every interval, while it runs', async () => {
    const other = ctx.workspaces.create({ name: 'Shop', timeZone: 'America/Toronto', locale: 'en-CA' }).id;
    ctx.settings.set({ currentWorkspaceId: other });
    ctx.receiver = await startLocalReceiver(ctx, { port: 0, importIntervalMs: 150 });
    expect(await post(ctx.receiver.url, echo(5))).toBe(200);
    await expect.poll(() => ctx.store.db.prepare("SELECT p.workspace_id AS ws FROM messages m JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref WHERE m.mid = 'm_rcv_5'").get(), { timeout: 15_000 }).toEqual({ ws: other });
    await expect.poll(() => ctx.receiver?.lastImport?.events, { timeout: 5_000 }).toBe(1);
  });

  it('a port in use is refused with a clear error; changing the port restarts it; a restarted app starts with it off', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      const reply = await dispatch(ctx, 'receiver:set', { enabled: true, port: busy });
      expect(reply).toMatchObject({ ok: false, error: { code: 'CONFLICT', issues: [{ path: 'port', message: 'receiver.portInUse' }] } });
    } finally {
      blocker.close();
    }
    const first = await ok<ReceiverStatus>('receiver:set', { enabled: true, port: 0 });
    const again = await ok<ReceiverStatus>('receiver:set', { enabled: true });
    expect(again.port).toBe(first.port);
    const wanted = await freePort();
    const moved = await ok<ReceiverStatus>('receiver:set', { enabled: true, port: wanted });
    expect(moved).toMatchObject({ running: true, port: wanted });
    expect(await post(moved.url!, echo(1))).toBe(200);

    await stopLocalReceiver(ctx);
    ctx.store.close();
    ctx = createContext({ dataDir: dir.dir });
    expect((await ok<ReceiverStatus>('receiver:status', {})).running).toBe(false);
  });
});
