import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookLine } from '../../../electron/services/webhooks/line';
import { pullFromRelay, RelayPullError } from '../../../electron/services/webhooks/pullClient';
import { openPullFile } from '../../../electron/services/webhooks/pullFile';
import { startRelay } from '../../../electron/services/webhooks/relay';
import { openSpool, type Spool } from '../../../electron/services/webhooks/spool';
import { makeTempDir } from '../../support/tempDir';
import { APP_SECRET, captureLog, inParallel, postWebhook, PULL_TOKEN, VERIFY_TOKEN, webhookBody } from '../../unit/webhooks/helpers';

type Message = { ready?: boolean; port?: number; batch?: number; done?: boolean; discardedBytes?: number };

interface Child {
  proc: ChildProcess;
  messages: Message[];
  waitFor(pred: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill9(): Promise<void>;
  stderr(): string;
}

let bundleDir: ReturnType<typeof makeTempDir>;
let bundle: string;
const children: Child[] = [];

beforeAll(async () => {
  bundleDir = makeTempDir('relais-child-bundle-');
  bundle = path.join(bundleDir.dir, 'child.cjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./child/entry.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    logLevel: 'silent',
  });
});
afterAll(() => bundleDir.cleanup());

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('relais-crash-');
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.proc.exitCode === null && c.proc.signalCode === null) await c.kill9();
  tmp.cleanup();
});

function startChild(mode: 'receiver' | 'relay' | 'pull' | 'relay-command', cfg: Record<string, unknown>, env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, [bundle, mode], {
    env: { ...process.env, ...env, RELAIS_TEST_CHILD: JSON.stringify({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, pullToken: PULL_TOKEN, ...cfg }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const messages: Message[] = [];
  const waiters: { pred: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  let stderr = '';
  const stderrText = () => stderr;
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  readline.createInterface({ input: proc.stdout! }).on('line', (text) => {
    const msg = JSON.parse(text) as Message;
    messages.push(msg);
    for (const w of waiters.splice(0)) {
      if (w.pred(msg)) w.resolve(msg);
      else waiters.push(w);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const child: Child = {
    proc,
    messages,
    exited,
    waitFor: (pred, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const found = messages.find(pred);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`child ${mode} did not report in time; stderr: ${stderr}`)), timeoutMs);
        waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
        void exited.then(({ code }) => reject(new Error(`child ${mode} exited (${code}); stderr: ${stderr}`)));
      }),
    kill9: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
    stderr: stderrText,
  };
  children.push(child);
  return child;
}

async function readAll(spool: Spool): Promise<WebhookLine[]> {
  const out: WebhookLine[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await spool.read(cursor, 1000);
    out.push(...page.lines);
    cursor = page.next;
    if (!page.more) return out;
  }
}

const fileRaws = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as WebhookLine).raw);

describe('relay process lifecycle', () => {
  it('`relais relay` reads its secrets from the environment and stops cleanly on SIGTERM (systemd stop)', async () => {
    const dir = path.join(tmp.dir, 'store');
    const relay = startChild('relay-command', { dir }, { RELAIS_APP_SECRET: APP_SECRET, RELAIS_VERIFY_TOKEN: VERIFY_TOKEN, RELAIS_PULL_TOKEN: PULL_TOKEN });
    const { port } = await relay.waitFor((m) => m.ready === true);
    expect((await postWebhook(port!, webhookBody(1))).status).toBe(200);
    relay.proc.kill('SIGTERM');
    expect(await relay.exited).toEqual({ code: 0, signal: null });
    expect(relay.stderr()).toMatch(/Stopped \(SIGTERM\)\. 1 event\(s\) received, 0 served\./);
    for (const secret of [APP_SECRET, VERIFY_TOKEN, PULL_TOKEN]) expect(relay.stderr()).not.toContain(secret);
    // The lock went with it: the store opens again at once.
    const spool = await openSpool(dir);
    expect((await readAll(spool)).map((l) => l.raw)).toEqual([webhookBody(1)]);
    await spool.close();
  });
});

describe('crash safety (kill -9)', () => {
  it('every acknowledged delivery survives a receiver killed mid-stream, exactly once; a torn last line is repaired', async () => {
    const dir = path.join(tmp.dir, 'spool');
    const child = startChild('receiver', { dir, segmentMaxBytes: 16 * 1024 });
    const { port } = await child.waitFor((m) => m.ready === true);
    const sent = [...Array(400).keys()].map((i) => webhookBody(i));
    const acked = new Set<string>();
    let killed = false;
    await inParallel(sent, 16, async (body) => {
      if (killed) return;
      const res = await postWebhook(port!, body);
      if (res.status === 200) acked.add(body);
      if (acked.size >= 150 && !killed) {
        // Other requests are still in flight: some are half written when the process dies.
        killed = true;
        child.proc.kill('SIGKILL');
      }
    });
    expect((await child.exited).signal).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(150);

    const spool = await openSpool(dir);
    const stored = (await readAll(spool)).map((l) => l.raw);
    expect(new Set(stored).size).toBe(stored.length);
    for (const body of acked) expect(stored).toContain(body);
    for (const body of stored) expect(sent).toContain(body);
    const active = path.join(dir, spool.stats().activeSegment);
    await spool.close();

    // A write cut short by the crash: half a line at the end of the active segment.
    fs.appendFileSync(active, JSON.stringify({ raw: webhookBody(999), signature: 'sha256=00', received_at: 1 }).slice(0, 57));
    const repaired = await openSpool(dir);
    expect(repaired.repaired).toMatchObject({ droppedBytes: 57 });
    expect((await readAll(repaired)).map((l) => l.raw)).toEqual(stored);
    await repaired.close();
  });

  it('a relay killed mid-pull: the pull stops with a typed error, resumes after restart, nothing lost or repeated', async () => {
    const dir = path.join(tmp.dir, 'store');
    const file = path.join(tmp.dir, 'app', 'relay.ndjson');
    const relay1 = startChild('relay', { dir, segmentMaxBytes: 4 * 1024 * 1024 });
    const { port } = await relay1.waitFor((m) => m.ready === true);
    const url = `http://127.0.0.1:${port}`;
    // Big events: a page is ~8 MB, more than the socket buffers hold, so the relay dies with most of it unsent.
    const first = [...Array(240).keys()].map((i) => webhookBody(i, 100_000));
    for (const body of first) expect((await postWebhook(port!, body)).status).toBe(200);

    const sink = await openPullFile({ file });
    let fetches = 0;
    const dyingRelay: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (++fetches === 2) await relay1.kill9();
      return res;
    };
    const retries: string[] = [];
    const err = await pullFromRelay({
      url,
      pullToken: PULL_TOKEN,
      cursor: sink.cursor,
      limit: 80,
      onBatch: sink.onBatch,
      fetch: dyingRelay,
      retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
      onRetry: (r) => retries.push(r.reason),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelayPullError);
    expect(err).toMatchObject({ code: 'RELAY_UNAVAILABLE' });
    expect((err as RelayPullError).cursor).toBe(sink.cursor);
    expect((err as Error).message).toMatch(/relay is unavailable/);
    // The page being read when the relay died was dropped whole; the one before it was kept.
    expect(retries[0]).toMatch(/connection (closed in the middle|reset)/);
    expect(fileRaws(file)).toEqual(first.slice(0, 80));
    await sink.close();

    const relay2 = startChild('relay', { dir, port, segmentMaxBytes: 4 * 1024 * 1024 });
    await relay2.waitFor((m) => m.ready === true);
    const second = [...Array(60).keys()].map((i) => webhookBody(1000 + i));
    await inParallel(second, 8, async (body) => expect((await postWebhook(port!, body)).status).toBe(200));

    const resumed = await openPullFile({ file });
    const result = await pullFromRelay({ url, pullToken: PULL_TOKEN, cursor: resumed.cursor, limit: 80, onBatch: resumed.onBatch });
    await resumed.close();
    expect(result.complete).toBe(true);
    const all = fileRaws(file);
    expect(all).toHaveLength(300);
    expect(new Set(all)).toEqual(new Set([...first, ...second]));
  });

  it('the app killed mid-pull resumes from its committed cursor: the file holds every event once', async () => {
    const relay = await startRelay({ storeDir: path.join(tmp.dir, 'store'), verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, pullToken: PULL_TOKEN, log: captureLog().log });
    try {
      const sent = [...Array(300).keys()].map((i) => webhookBody(i, 2_000));
      await inParallel(sent, 8, async (body) => expect((await postWebhook(relay.port, body)).status).toBe(200));
      const file = path.join(tmp.dir, 'app', 'relay.ndjson');

      for (const killAfter of [4, 9]) {
        const app = startChild('pull', { url: relay.url, file, limit: 10, delayMs: 5 });
        await app.waitFor((m) => (m.batch ?? 0) > 0 && app.messages.filter((x) => x.batch !== undefined).length >= killAfter);
        await app.kill9();
      }
      const partial = fileRaws(file);
      expect(partial.length).toBeGreaterThan(0);
      expect(partial.length).toBeLessThan(300);

      const app = startChild('pull', { url: relay.url, file, limit: 10 });
      await app.waitFor((m) => m.done === true, 30_000);
      const all = fileRaws(file);
      expect(all).toHaveLength(300);
      expect(new Set(all)).toEqual(new Set(sent));
    } finally {
      await relay.close();
    }
  });
});
