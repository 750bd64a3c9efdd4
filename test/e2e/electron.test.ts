import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/csp';
import { electronNativeBindingPath } from '../../electron/services/db/nativeBinding';
import type { RelaisBridge } from '../../shared/api/client';

/**
 * Smoke test of the real desktop window, for machines that have Electron's binary.
 * Elsewhere (as in CI with ELECTRON_SKIP_BINARY_DOWNLOAD=1) it is skipped and says why.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const mainBundle = path.join(root, 'dist', 'electron', 'main.cjs');

/**
 * The binary the electron package points to, found the way its index.js does but
 * without require('electron'), which would try to download it.
 */
function electronBinary(): string | null {
  const pkg = path.join(root, 'node_modules', 'electron');
  let relative: string | undefined;
  try {
    relative = fs.readFileSync(path.join(pkg, 'path.txt'), 'utf8').trim();
  } catch {
    relative = undefined;
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? path.join(override, relative || 'electron') : relative ? path.join(pkg, 'dist', relative) : null;
  return binary && fs.existsSync(binary) ? binary : null;
}

function whyNotRunnable(): string | null {
  if (!electronBinary()) {
    return 'no Electron binary (node_modules/electron/path.txt, or the file it names, is missing: installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or without access to the download host)';
  }
  const sqlite = electronNativeBindingPath({ isPackaged: false, resourcesPath: '', appRoot: root });
  if (!fs.existsSync(sqlite)) return `no better-sqlite3 build for Electron at ${sqlite} (run "npm run native:electron")`;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (run it under xvfb-run)';
  return null;
}

const skipReason = whyNotRunnable();
if (skipReason) console.warn(`Electron smoke test skipped: ${skipReason}`);

type PageWindow = Window & { relais?: RelaisBridge; __inlineRan?: boolean };

describe.skipIf(skipReason !== null)('Electron window (smoke)', () => {
  let dataDir: string;
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    expect(fs.existsSync(mainBundle), `${mainBundle} is missing: run "npm run build" first`).toBe(true);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-electron-e2e-'));
    const args = [mainBundle, `--data-dir=${dataDir}`];
    // Chromium refuses to start its OS sandbox as root (containers); the page's own
    // sandbox and isolation (webPreferences) are unchanged by this switch.
    if (process.getuid?.() === 0) args.unshift('--no-sandbox');
    app = await electron.launch({ executablePath: electronBinary()!, args, cwd: root, timeout: 60_000 });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens one window titled Relais, showing app://relais', async () => {
    expect(page.url()).toMatch(/^app:\/\/relais\//);
    const titles = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.getTitle()));
    expect(titles).toHaveLength(1);
    expect(titles[0]).toMatch(/Relais/);
  });

  it('exposes window.relais.call only, and it reaches the API', async () => {
    expect(await page.evaluate(() => Object.keys((window as PageWindow).relais ?? {}))).toEqual(['call']);
    const info = await page.evaluate(() => (window as PageWindow).relais!.call('app:info', {}));
    expect(info).toMatchObject({ ok: true, data: { dataDir: path.resolve(dataDir) } });
    const unknown = await page.evaluate(() => (window as PageWindow).relais!.call('fs:readFile', { path: '/etc/passwd' }));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('gives the page no Node', async () => {
    const kinds = await page.evaluate(() => {
      const g = globalThis as Record<string, unknown>;
      return ['require', 'process', 'module', 'Buffer', 'global'].map((name) => typeof g[name]);
    });
    expect(kinds).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
  });

  it('serves the CSP header and blocks inline script', async () => {
    const header = await page.evaluate(async () => (await fetch('app://relais/index.html')).headers.get('content-security-policy'));
    expect(header).toBe(CONTENT_SECURITY_POLICY);
    const outcome = await page.evaluate(
      () =>
        new Promise<{ ran: boolean; violated: string | null }>((resolve) => {
          let violated: string | null = null;
          document.addEventListener('securitypolicyviolation', (e) => (violated = e.effectiveDirective), { once: true });
          const script = document.createElement('script');
          script.textContent = 'window.__inlineRan = true;';
          document.head.append(script);
          setTimeout(() => resolve({ ran: (window as PageWindow).__inlineRan === true, violated }), 200);
        }),
    );
    expect(outcome).toEqual({ ran: false, violated: 'script-src-elem' });
  });

  it('stays on its own origin and opens no other window', async () => {
    // No http(s) URL in window.open here: it would start the machine's real browser.
    await page.evaluate(() => {
      window.open('file:///etc/passwd');
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^app:\/\/relais\//);
    expect(app.windows()).toHaveLength(1);
  });
});
