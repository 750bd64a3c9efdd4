import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../electron/cli/output';
import { relayCommand, serveWebhooksCommand } from '../../../electron/services/webhooks/commands';
import { makeTempDir } from '../../support/tempDir';
import { APP_SECRET, postWebhook, PULL_TOKEN, pullEvents, request, SECRETS, VERIFY_TOKEN, webhookBody } from '../../unit/webhooks/helpers';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('relais-cmd-');
});
afterEach(() => tmp.cleanup());

const env = { RELAIS_APP_SECRET: APP_SECRET, RELAIS_VERIFY_TOKEN: VERIFY_TOKEN, RELAIS_PULL_TOKEN: PULL_TOKEN };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, all: () => [...out, ...err].join('\n') };
}

/** Starts a command, waits until it listens, and hands back its port, its output and a way to stop it. */
async function launch<T extends { onReady?: (i: { url: string; port: number }) => void; signal?: AbortSignal }>(command: (o: T) => Promise<number>, opts: T) {
  const controller = new AbortController();
  const ready = new Promise<{ url: string; port: number }>((resolve) => (opts.onReady = resolve));
  const done = command({ ...opts, signal: controller.signal });
  const info = await Promise.race([ready, done.then(() => Promise.reject(new Error('command ended early')))]);
  return { ...info, stop: async () => (controller.abort(), done) };
}

describe('serve-webhooks and relay commands', () => {
  it('serve-webhooks prints its address and the set-up steps, receives events, stops cleanly', async () => {
    const cap = capture();
    const cmd = await launch(serveWebhooksCommand, { spoolDir: path.join(tmp.dir, 'webhooks'), env, io: cap.io });
    expect(cap.out).toEqual([`http://127.0.0.1:${cmd.port}/webhook`]);
    const help = cap.err.join('\n');
    expect(help).toMatch(/Callback URL: https:\/\/<your-tunnel-host>\/webhook/);
    expect(help).toMatch(/messages, message_echoes, message_deliveries, message_reads/);
    expect(help).toMatch(/RELAIS_VERIFY_TOKEN/);
    expect((await request(cmd.port, { path: `/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=7` })).body).toBe('7');
    expect((await postWebhook(cmd.port, webhookBody(1))).status).toBe(200);
    expect(await cmd.stop()).toBe(0);
    expect(cap.err.at(-1)).toMatch(/Stopped \(stop requested\)\. 1 event\(s\) received\./);
    for (const s of SECRETS) expect(cap.all()).not.toContain(s);
    // Stopped means stopped: the port is closed and the store's lock released.
    expect((await request(cmd.port, { path: '/webhook' })).status).toBe(-1);
    const again = await launch(serveWebhooksCommand, { spoolDir: path.join(tmp.dir, 'webhooks'), env, io: capture().io });
    await again.stop();
  });

  it('relay prints its endpoints and the Facebook set-up, and serves pulls', async () => {
    const cap = capture();
    const cmd = await launch(relayCommand, { storeDir: path.join(tmp.dir, 'store'), env, io: cap.io });
    expect(cap.out).toEqual([`http://127.0.0.1:${cmd.port}`]);
    expect(cap.err.join('\n')).toMatch(/Pull \(the app\):\s+http:\/\/127\.0\.0\.1:\d+\/events/);
    expect(cap.err.join('\n')).toMatch(/Meta app dashboard → Webhooks → Page/);
    await postWebhook(cmd.port, webhookBody(1));
    expect(JSON.parse((await pullEvents(cmd.port, '')).body).events).toHaveLength(1);
    expect(await cmd.stop()).toBe(0);
    for (const s of SECRETS) expect(cap.all()).not.toContain(s);
  });

  it('says which environment variable is missing (exit code 2), without printing any value', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ RELAIS_VERIFY_TOKEN: VERIFY_TOKEN, RELAIS_PULL_TOKEN: PULL_TOKEN }, /RELAIS_APP_SECRET is not set/],
      [{ RELAIS_APP_SECRET: APP_SECRET, RELAIS_PULL_TOKEN: PULL_TOKEN }, /RELAIS_VERIFY_TOKEN is not set/],
      [{ RELAIS_APP_SECRET: APP_SECRET, RELAIS_VERIFY_TOKEN: VERIFY_TOKEN }, /RELAIS_PULL_TOKEN is not set/],
    ];
    for (const [partial, message] of cases) {
      const err = await relayCommand({ storeDir: path.join(tmp.dir, 's'), env: partial, io: capture().io }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect(err).toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
      for (const s of SECRETS) expect((err as Error).message).not.toContain(s);
    }
    const weak = await relayCommand({ storeDir: path.join(tmp.dir, 's'), env: { ...env, RELAIS_PULL_TOKEN: 'short' }, io: capture().io }).catch((e: unknown) => e);
    expect(weak).toMatchObject({ exitCode: 2, message: expect.stringMatching(/at least 16 characters/) });
    expect((weak as Error).message).not.toContain('short');
  });

  it('refuses a second relay on the same store and a port in use, with clear messages', async () => {
    const storeDir = path.join(tmp.dir, 'store');
    const first = await launch(relayCommand, { storeDir, env, io: capture().io });
    try {
      await expect(relayCommand({ storeDir, env, io: capture().io })).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/already in use by another Relais process/) });
      await expect(relayCommand({ storeDir: path.join(tmp.dir, 'other'), port: first.port, env, io: capture().io })).rejects.toMatchObject({
        exitCode: 1,
        message: `Port ${first.port} on 127.0.0.1 is already in use; choose another with --port.`,
      });
    } finally {
      await first.stop();
    }
  });
});
