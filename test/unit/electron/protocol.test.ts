import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Protocol } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../../electron/main/csp';
import { APP_SCHEME_PRIVILEGES, appProtocolResponse, handleAppProtocol, registerAppScheme } from '../../../electron/main/protocol';

let base: string;
let root: string;

beforeAll(() => {
  // base/secret.txt sits right next to the renderer folder: the first thing a traversal would reach.
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-protocol-'));
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Relais</title>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'secret');
});

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function insideRoot(file: string | null): boolean {
  if (file === null) return true;
  const rel = path.relative(root, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

describe('app scheme registration', () => {
  it('is standard, secure and fetchable, and neither CORS-open nor CSP-exempt', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledExactlyOnceWith([APP_SCHEME_PRIVILEGES]);
  });
});

describe('appProtocolResponse', () => {
  it('serves the renderer entry with the CSP and security headers', () => {
    const answer = appProtocolResponse('app://relais/index.html', root);
    expect(answer.status).toBe(200);
    expect(answer.bodyPath).toBe(path.join(root, 'index.html'));
    expect(answer.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(answer.headers['Content-Type']).toBe('text/html; charset=utf-8');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(answer.headers[name]).toBe(value);
  });

  it('serves assets with their type, and client-side routes with index.html', () => {
    expect(appProtocolResponse('app://relais/assets/app.js', root)).toMatchObject({ status: 200, bodyPath: path.join(root, 'assets', 'app.js') });
    expect(appProtocolResponse('app://relais/assets/app.js', root).headers['Content-Type']).toMatch(/^text\/javascript/);
    expect(appProtocolResponse('app://relais/', root).bodyPath).toBe(path.join(root, 'index.html'));
    expect(appProtocolResponse('app://relais/workspaces', root).bodyPath).toBe(path.join(root, 'index.html'));
  });

  it.each([
    'app://relais/../secret.txt',
    'app://relais/../../secret.txt',
    'app://relais/assets/../../secret.txt',
    'app://relais/%2e%2e/secret.txt',
    'app://relais/%2E%2E/secret.txt',
    'app://relais/.%2e/secret.txt',
    'app://relais/..%2fsecret.txt',
    'app://relais/..%2Fsecret.txt',
    'app://relais/assets/..%2f..%2fsecret.txt',
    'app://relais/%2e%2e%2fsecret.txt',
    'app://relais/%252e%252e/secret.txt',
    'app://relais/..%5csecret.txt',
    'app://relais/..\\secret.txt',
    'app://relais//secret.txt',
    'app://relais/index.html%00.txt',
    'app://relais/%E0%A4%A.txt',
  ])('refuses to leave the renderer folder: %s', (url) => {
    const answer = appProtocolResponse(url, root);
    expect(answer.status).toBe(404);
    expect(answer.bodyPath).toBeNull();
    expect(answer.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it.each(['app://relais/../../etc/passwd', 'app://relais/%2e%2e/%2e%2e/etc/passwd', 'app://relais/..%2f..%2f..%2fetc%2fpasswd', 'app://relais//etc/passwd'])(
    'never maps %s to a file outside the renderer folder',
    (url) => {
      const answer = appProtocolResponse(url, root);
      expect(answer.bodyPath).not.toBe('/etc/passwd');
      expect(insideRoot(answer.bodyPath)).toBe(true);
    },
  );

  it.each(['app://other/index.html', 'app://relais:99/index.html', 'file:///etc/passwd', `file://${root}/index.html`, 'http://127.0.0.1/index.html'])(
    'answers 404 for anything but app://relais: %s',
    (url) => {
      expect(appProtocolResponse(url, root)).toMatchObject({ status: 404, bodyPath: null });
    },
  );

  it('answers 404 for a missing file and 405 for other methods', () => {
    expect(appProtocolResponse('app://relais/assets/missing.js', root)).toMatchObject({ status: 404, bodyPath: null });
    const post = appProtocolResponse('app://relais/index.html', root, 'POST');
    expect(post).toMatchObject({ status: 405, bodyPath: null });
    expect(post.headers.Allow).toBe('GET, HEAD');
  });
});

describe('handleAppProtocol', () => {
  type AppHandler = (request: Request) => Promise<Response>;
  function install(): AppHandler {
    let handler: AppHandler | undefined;
    const protocol = {
      handle(scheme: string, fn: AppHandler) {
        expect(scheme).toBe('app');
        handler = fn;
      },
    };
    handleAppProtocol(protocol as unknown as Pick<Protocol, 'handle'>, root);
    if (!handler) throw new Error('no handler registered');
    return handler;
  }

  it('answers with the file and the CSP header', async () => {
    const res = await install()(new Request('app://relais/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).toBe('<!doctype html><title>Relais</title>');
  });

  it('answers a traversal with 404 and no file content', async () => {
    const res = await install()(new Request('app://relais/..%2fsecret.txt'));
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('secret');
  });
});
