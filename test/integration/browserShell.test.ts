import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserShell, type BrowserShell } from '../../electron/server/browserShell';
import { createContext, type AppContext } from '../../electron/services/context';
import { makeTempDir } from '../support/tempDir';

let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let shell: BrowserShell;
let rendererDir: string;

/** Raw HTTP so tests control Host, Origin and body size exactly (fetch would not let us). */
function request(opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: shell.port, method: opts.method ?? 'GET', path: opts.path, headers: { Host: `127.0.0.1:${shell.port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve({ status: -1, headers: {}, body: '' }) : reject(e)));
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const api = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  request({
    method: 'POST',
    path: `/api/${method}`,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${shell.secret}`, ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  tmp = makeTempDir();
  rendererDir = path.join(tmp.dir, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Relais</title>');
  fs.writeFileSync(path.join(tmp.dir, 'secret.txt'), 'outside the renderer folder');
  ctx = createContext({ dataDir: path.join(tmp.dir, 'data') });
  shell = await startBrowserShell({ ctx, rendererDir });
});
afterAll(async () => {
  await shell.close();
  ctx.store.close();
  tmp.cleanup();
});

describe('browser shell', () => {
  it('listens on loopback only and prints its URL with a per-launch secret', async () => {
    expect(shell.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
    const other = await startBrowserShell({ ctx, rendererDir });
    expect(other.secret).not.toBe(shell.secret);
    await other.close();
  });

  it('serves the renderer with a strict CSP', async () => {
    const res = await request({ path: '/' });
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'.*script-src 'self'/);
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a valid API call', async () => {
    const res = await api('workspace:create', { name: 'Bistro', timeZone: 'Europe/Paris', locale: 'fr-FR' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, data: { name: 'Bistro' } });
  });

  it('401 without the secret or with a wrong one', async () => {
    for (const auth of [undefined, 'Bearer wrong', `Bearer ${shell.secret}x`, shell.secret, 'Basic abc']) {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (auth) headers.Authorization = auth;
      const res = await request({ method: 'POST', path: '/api/workspace:list', headers, body: '{}' });
      expect(res.status, String(auth)).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      expect(res.body).not.toContain(shell.secret);
    }
  });

  it('403 for a Host or Origin that is not its own loopback address (DNS rebinding, other sites)', async () => {
    for (const host of ['evil.example', `evil.example:${shell.port}`, '127.0.0.1', `127.0.0.1:${shell.port + 1}`, `[::1]:${shell.port}`]) {
      const res = await api('workspace:list', {}, { Host: host });
      expect(res.status, host).toBe(403);
    }
    const page = await request({ path: '/', headers: { Host: 'attacker.test' } });
    expect(page.status).toBe(403);
    for (const origin of ['http://evil.example', `http://127.0.0.1:${shell.port + 1}`, 'null', `https://127.0.0.1:${shell.port}`]) {
      const res = await api('workspace:list', {}, { Origin: origin });
      expect(res.status, origin).toBe(403);
    }
    expect((await api('workspace:list', {}, { Origin: `http://127.0.0.1:${shell.port}` })).status).toBe(200);
    expect((await api('workspace:list', {}, { Host: `localhost:${shell.port}` })).status).toBe(200);
  });

  it('413 for bodies over 1 MB, declared or streamed', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
    const res = await api('workspace:create', JSON.parse(big));
    expect([413, -1]).toContain(res.status);
    if (res.status === 413) expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'TOO_LARGE' } });
    // The server is still up afterwards.
    expect((await api('workspace:list', {})).status).toBe(200);
  });

  it('typed 4xx errors for unknown calls, bad JSON, wrong types and content types, never a crash', async () => {
    expect((await api('nope:nothing', {})).status).toBe(404);
    const badJson = await request({ method: 'POST', path: '/api/workspace:list', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${shell.secret}` }, body: '{"a":' });
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body)).toMatchObject({ error: { code: 'BAD_INPUT' } });
    const wrong = await api('workspace:create', { name: ['a'], timeZone: 1 });
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.body).error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['name', 'timeZone', 'locale']));
    const text = await request({ method: 'POST', path: '/api/workspace:list', headers: { 'Content-Type': 'text/plain', Authorization: `Bearer ${shell.secret}` }, body: '{}' });
    expect(text.status).toBe(415);
    const get = await request({ method: 'GET', path: '/api/workspace:list', headers: { Authorization: `Bearer ${shell.secret}` } });
    expect(get.status).toBe(400);
    expect((await api('workspace:list', {})).status).toBe(200);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/....//secret.txt', '/%00']) {
      const res = await request({ path: p });
      expect(res.body, p).not.toContain('outside the renderer folder');
    }
  });
});
