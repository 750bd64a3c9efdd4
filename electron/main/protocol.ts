import fs from 'node:fs';
import type { CustomScheme, Protocol } from 'electron';
import { mimeOf, resolveStaticFile } from '../server/staticFiles';
import { SECURITY_HEADERS } from './csp';
import { APP_SCHEME, isAppUrl } from './security';

/**
 * `app://relais/` serves the built renderer (dist/renderer) and nothing else:
 * never file:// (which would give the page the whole disk's origin) and never a
 * dev server. `standard` gives it a real origin and relative URLs, `secure` makes
 * it a secure context, `supportFetchAPI` lets the page fetch its own assets.
 * `corsEnabled` is deliberately left off: it would let other origins read it.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** Must run before the app's 'ready' event. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

export interface AppProtocolAnswer {
  status: 200 | 404 | 405;
  headers: Record<string, string>;
  /** The file to send, always inside the renderer folder; null when there is none. */
  bodyPath: string | null;
}

/** Request → response, without Electron: which file (if any) an app:// URL maps to, and its headers. */
export function appProtocolResponse(url: string, rendererDir: string, method = 'GET'): AppProtocolAnswer {
  const plain = { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { ...plain, Allow: 'GET, HEAD' }, bodyPath: null };
  if (!isAppUrl(url)) return { status: 404, headers: plain, bodyPath: null };
  const file = resolveStaticFile(rendererDir, new URL(url).pathname);
  if (!file) return { status: 404, headers: plain, bodyPath: null };
  return { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': mimeOf(file), 'Cache-Control': 'no-cache' }, bodyPath: file };
}

const STATUS_TEXT: Record<AppProtocolAnswer['status'], string> = { 200: 'OK', 404: 'Not found', 405: 'Method not allowed' };

export interface ProtocolLog {
  error(message: string, detail?: unknown): void;
}

export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string, log?: ProtocolLog): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const answer = appProtocolResponse(request.url, rendererDir, request.method);
    if (!answer.bodyPath) return new Response(STATUS_TEXT[answer.status], { status: answer.status, headers: answer.headers });
    try {
      const body = request.method === 'HEAD' ? null : new Uint8Array(await fs.promises.readFile(answer.bodyPath));
      return new Response(body, { status: 200, headers: answer.headers });
    } catch (e) {
      // The file vanished or became unreadable between the check and the read (e.g. a rebuild).
      log?.error(`app:// could not read ${answer.bodyPath}`, e);
      return new Response('Could not read this file.', { status: 500, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
    }
  });
}
