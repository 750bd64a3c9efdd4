import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, httpStatusOf } from '../../../shared/api/errors';

export interface WebhookLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const defaultLog: WebhookLog = {
  info: () => undefined,
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

const BASE_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

export function sendText(res: http.ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
  res.end(text);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', ...extra });
  res.end(JSON.stringify(body));
}

/** Errors use the app's one error shape, `{ok:false, error:{code,message}}`, with the status that code maps to. */
export function sendError(res: http.ServerResponse, err: ApiError, status = httpStatusOf[err.code], extra: Record<string, string> = {}): void {
  sendJson(res, status, { ok: false, error: err.toBody() }, extra);
}

export function mediaType(req: http.IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** How much of an unwanted body we read and throw away so the client gets to see our answer. */
const LINGER_BYTES = 4 * 1024 * 1024;
const LINGER_MS = 2_000;

/**
 * After answering without reading the body: discard what the client still sends, in
 * constant memory, for a bounded amount and time, then drop the connection. Closing at
 * once would make the kernel reset the connection while the client is still writing,
 * and the client would often lose our response with it.
 */
export function discardBody(req: http.IncomingMessage): void {
  if (req.complete) return;
  let seen = 0;
  const drop = () => {
    clearTimeout(timer);
    req.socket.destroy();
  };
  const timer = setTimeout(drop, LINGER_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > LINGER_BYTES) drop();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/** The body, or null as soon as it passes `limit` bytes: nothing past the limit is kept. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onClose = () => {
      if (req.complete) return;
      cleanup();
      reject(new Error('The client closed the connection before sending the whole body.'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Host as it goes into a URL (IPv6 in brackets; the wildcard addresses as loopback, which is where a local client reaches them). */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export function createServer(handler: Handler, log: WebhookLog): http.Server {
  const server = http.createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      log.error(`webhooks: request failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) sendError(res, new ApiError('INTERNAL', 'Internal error.'));
      else res.destroy();
    });
  });
  // Slow or stalled clients must not pin connections on a public server.
  server.headersTimeout = 15_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  return server;
}

export async function listen(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A clear sentence for listen failures (port taken, no permission) instead of a bare errno. */
export function describeListenError(e: unknown, host: string, port: number): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new Error(`Port ${port} on ${host} is already in use; choose another with --port.`);
  if (code === 'EACCES') return new Error(`No permission to listen on port ${port} on ${host}; ports below 1024 need privileges — use a higher port behind a reverse proxy.`);
  if (code === 'EADDRNOTAVAIL') return new Error(`${host} is not an address of this machine.`);
  return e instanceof Error ? e : new Error(String(e));
}
