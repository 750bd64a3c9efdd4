import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, httpStatusOf, type ApiReply } from '../../shared/api/errors';
import { SECURITY_HEADERS } from '../main/csp';
import { dispatch } from '../services/api/dispatch';
import { tokenEquals } from '../services/webhooks/signature';
import type { AppContext } from '../services/context';
import { mimeOf, resolveStaticFile } from './staticFiles';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface BrowserShellOptions {
  ctx: AppContext;
  /** Built renderer (dist/renderer). */
  rendererDir: string;
  port?: number;
  /** Fixed secret for tests; otherwise a fresh random one per launch. */
  secret?: string;
  log?: { info(msg: string): void; error(msg: string, detail?: unknown): void };
}

export interface BrowserShell {
  url: string;
  port: number;
  secret: string;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

function sendReply(res: http.ServerResponse, reply: ApiReply<unknown>): void {
  const status = reply.ok ? 200 : httpStatusOf[reply.error.code];
  send(res, status, JSON.stringify(reply), 'application/json; charset=utf-8');
}

function sendError(res: http.ServerResponse, err: ApiError): void {
  sendReply(res, { ok: false, error: err.toBody() });
}

/**
 * The browser shell: the same renderer and the same typed API as the Electron
 * window, over HTTP on loopback. Every request must name this server's own
 * loopback Host (and Origin when present) — DNS rebinding and other sites are
 * refused — and every API call must carry the per-launch secret.
 */
export async function startBrowserShell(opts: BrowserShellOptions): Promise<BrowserShell> {
  const secret = opts.secret ?? crypto.randomBytes(32).toString('base64url');
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      opts.log?.error('browser shell request failed', e);
      if (!res.headersSent) sendError(res, new ApiError('INTERNAL', 'Internal error.'));
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (!allowedHosts().has(host)) return sendError(res, new ApiError('FORBIDDEN', 'Wrong Host for this Relais server.'));
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      return sendError(res, new ApiError('FORBIDDEN', 'Requests from other sites are refused.'));
    }
    const url = new URL(req.url ?? '/', `http://${host}`);

    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'Method not allowed', 'text/plain; charset=utf-8', { Allow: 'GET, HEAD' });
    }
    const file = resolveStaticFile(opts.rendererDir, url.pathname);
    if (!file) return send(res, 404, 'Not found', 'text/plain; charset=utf-8');
    const body = await fs.promises.readFile(file);
    send(res, 200, req.method === 'HEAD' ? Buffer.alloc(0) : body, mimeOf(file));
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!token || !tokenEquals(token, secret)) {
      req.resume();
      return sendError(res, new ApiError('UNAUTHORIZED', 'Missing or wrong access token. Open the address Relais printed when it started.'));
    }
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('Allow', 'POST');
      return sendReply(res, { ok: false, error: { code: 'BAD_INPUT', message: 'API calls use POST.' } });
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      req.resume();
      return sendError(res, new ApiError('UNSUPPORTED_MEDIA_TYPE', 'API calls send application/json.'));
    }
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > MAX_BODY_BYTES) {
      res.setHeader('Connection', 'close');
      sendError(res, new ApiError('TOO_LARGE', `Request body over ${MAX_BODY_BYTES} bytes.`));
      req.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        break;
      }
      chunks.push(chunk);
    }
    if (tooLarge) {
      res.setHeader('Connection', 'close');
      sendError(res, new ApiError('TOO_LARGE', `Request body over ${MAX_BODY_BYTES} bytes.`));
      req.destroy();
      return;
    }
    let input: unknown = {};
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim().length > 0) {
      try {
        input = JSON.parse(text);
      } catch {
        return sendError(res, new ApiError('BAD_INPUT', 'The request body is not valid JSON.'));
      }
    }
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    sendReply(res, await dispatch(opts.ctx, method, input, { log: opts.log }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?token=${secret}`;
  return {
    url,
    port,
    secret,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
