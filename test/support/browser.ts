import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startBrowserShell, type BrowserShell } from '../../electron/server/browserShell';
import { createContext, type AppContext } from '../../electron/services/context';
import { makeTempDir } from './tempDir';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(process.cwd(), 'test-results', 'screenshots');
export const RENDERER_DIR = path.join(process.cwd(), 'dist', 'renderer');
export const WORKER_SCRIPT = path.join(process.cwd(), 'dist', 'electron', 'jobWorker.cjs');

/** Debian's Chromium, headless, with the flags this closed network needs. Never downloads a browser. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run "apt-get install -y chromium" (the CI script does).`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface AppUnderTest {
  shell: BrowserShell;
  ctx: AppContext;
  dataDir: string;
  close(): Promise<void>;
}

/** The real browser shell over a fresh data folder, serving the built renderer. */
export async function startApp(): Promise<AppUnderTest> {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) throw new Error('dist/renderer is missing: run "npm run build" first (npm test does).');
  if (!fs.existsSync(WORKER_SCRIPT)) throw new Error('dist/electron/jobWorker.cjs is missing: run "npm run build" first (npm test does).');
  const tmp = makeTempDir('relais-e2e-');
  const ctx = createContext({ dataDir: tmp.dir });
  // The built job worker, as the app uses it: imports, the demo and the send-time model fits run there.
  ctx.workerScript = WORKER_SCRIPT;
  const shell = await startBrowserShell({ ctx, rendererDir: RENDERER_DIR });
  return {
    shell,
    ctx,
    dataDir: tmp.dir,
    close: async () => {
      await shell.close();
      ctx.store.close();
      tmp.cleanup();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** axe-core scan: returns serious and critical violations only, in a readable form. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} — ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Collects console errors and CSP violations, which must stay empty. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    // A 4xx answer to a refused form (e.g. 409 for a duplicate name) is expected and shown to the user.
    if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) errors.push(msg.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}
