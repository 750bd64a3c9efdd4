import crypto from 'node:crypto';
import http from 'node:http';

// Test-only secrets: long enough for the relay's checks, recognisable if they ever leak into output.
export const APP_SECRET = 'test-app-secret-7f3a9c1d5e';
export const VERIFY_TOKEN = 'test-verify-token-2b8e4f';
export const PULL_TOKEN = 'test-pull-token-9d1c6a0b4e7f';
export const SECRETS = [APP_SECRET, VERIFY_TOKEN, PULL_TOKEN];

export function sign(body: string | Buffer, secret = APP_SECRET): string {
  return 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * A Page webhook body as Meta sends it, with non-ASCII text (raw and \u-escaped) so
 * tests notice any re-encoding of the bytes. `pad` makes bodies bigger on demand.
 */
export function webhookBody(i: number, pad = 0): string {
  const time = 1_700_000_000_000 + i * 1000;
  const body = {
    object: 'page',
    entry: [
      {
        id: '1234567890',
        time,
        messaging: [
          {
            sender: { id: `psid-${i}` },
            recipient: { id: '1234567890' },
            timestamp: time,
            message: { mid: `m_${i}`, text: `Café n°${i} 🍕 \u00e9${'x'.repeat(pad)}` },
          },
        ],
      },
    ],
  };
  // Meta sends non-ASCII as \u escapes: keep one such escape literally in the raw bytes.
  return JSON.stringify(body).replace('n°', 'n\\u00b0');
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw HTTP so tests control headers and body bytes exactly. Status -1: the server dropped the connection. */
export function request(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; host?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: opts.host ?? '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: -1, headers: {}, body: '' }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.code === 'ECONNREFUSED' ? resolve({ status: -1, headers: {}, body: '' }) : reject(e)));
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export function postWebhook(port: number, body: string | Buffer, opts: { signature?: string | null; contentType?: string; path?: string } = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { 'Content-Type': opts.contentType ?? 'application/json' };
  const signature = opts.signature === undefined ? sign(body) : opts.signature;
  if (signature !== null) headers['X-Hub-Signature-256'] = signature;
  return request(port, { method: 'POST', path: opts.path ?? '/webhook', headers, body });
}

export function pullEvents(port: number, query: string, token: string | null = PULL_TOKEN): Promise<RawResponse> {
  return request(port, { path: `/events${query}`, headers: token === null ? {} : { Authorization: `Bearer ${token}` } });
}

/** Runs `tasks` with at most `width` in flight. */
export async function inParallel<T>(items: T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

export function captureLog() {
  const lines: string[] = [];
  return { lines, log: { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) } };
}
