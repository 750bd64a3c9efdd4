import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphServer } from '../../electron/services/simulator/graph';
import { launchChromium, screenshot, seriousA11yViolations, startApp, watchPageErrors, type AppUnderTest } from '../support/browser';
import { expectedHistory, startSim, storedHistory } from '../integration/sync/support';

// Page history through the Graph API, in the browser shell pointed at the simulator's Graph
// face: connect, sync with a visible progress bar, then lose Graph and see the offline state.
// Run `npm run build` first.

const ENV = { RELAIS_GRAPH_MINUTE_MS: '50', RELAIS_GRAPH_MAX_RPS: '3' } as const;
const saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
let browser: Browser;
let app: AppUnderTest;
let page: Page;
let pageErrors: string[];
let sim: GraphServer;
let secrets: string[];
const apiBodies: string[] = [];

beforeAll(async () => {
  // The browser shell runs in this process: the sync reads its pace from here.
  Object.assign(process.env, ENV);
  sim = await startSim();
  secrets = [sim.tokens.user, ...Object.values(sim.tokens.pages)];
  browser = await launchChromium();
  app = await startApp();
  const ws = app.ctx.workspaces.create({ name: 'Bistro Test', timeZone: 'Europe/Paris', locale: 'en-GB' });
  app.ctx.settings.set({ currentWorkspaceId: ws.id });
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  pageErrors = watchPageErrors(page);
  page.on('response', (r) => {
    if (r.url().includes('/api/')) void r.text().then((t) => apiBodies.push(t), () => undefined);
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await sim?.close().catch(() => undefined);
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** Any 16-character piece of a token in the text. */
function tokenPieces(text: string): string[] {
  const found: string[] = [];
  for (const t of secrets) for (let i = 0; i + 16 <= t.length; i += 8) if (text.includes(t.slice(i, i + 16))) found.push(t.slice(i, i + 16));
  return found;
}

describe('Page history sync in the browser shell', () => {
  it('connects the simulator’s Page and syncs it with a visible progress bar', async () => {
    await page.goto(app.shell.url);
    await page.getByRole('navigation').getByRole('button', { name: 'Page history' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Connect your Pages' }).count()).toBe(1);
    expect(await page.getByText('Only the 20 most recent messages per conversation').count()).toBe(1);

    await page.getByLabel('User access token').fill(sim.tokens.user);
    await page.getByLabel('Graph API address').fill(sim.url);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => page.getByText('Connected. Pages found: 1.').count()).toBe(1);
    expect(await page.getByLabel('User access token').inputValue()).toBe('');
    const checkbox = page.getByRole('checkbox', { name: 'Sync Bistro Test' });
    expect(await checkbox.isChecked()).toBe(true);

    await page.getByRole('button', { name: 'Sync selected Pages' }).click();
    const bar = page.getByRole('progressbar', { name: 'Sync progress of Bistro Test' });
    await expect.poll(() => page.getByText('Syncing…').count()).toBe(1);
    // Visible and moving while it runs: conversations and messages counted as they come in (Graph
    // gives no total for a first sync, so the bar is indeterminate until the end).
    await expect.poll(async () => Number(/(\d+) conversations/.exec((await page.locator('.sync-progress .hint').first().textContent()) ?? '')?.[1] ?? 0), { timeout: 20_000 }).toBeGreaterThan(25);
    expect(await bar.isVisible()).toBe(true);
    expect(await page.getByText('Syncing…').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Stop' }).count()).toBe(1);
    await expect.poll(() => page.locator('.sync-progress .hint').first().textContent()).toMatch(/\d+ conversations · [\d,]+ messages · [\d,]+ messages\/s/);
    await screenshot(page, 'sync-progress-en');

    await expect.poll(() => page.getByText('Up to date').count(), { timeout: 60_000 }).toBe(1);
    expect(Number(await bar.getAttribute('value'))).toBe(1);
    expect(storedHistory(app.ctx.store.db)).toEqual(expectedHistory(sim));
    const exp = sim.expected()[0]!;
    await expect.poll(() => page.getByText(`Bistro Test: ${exp.unretrievableMessages.toLocaleString('en-US')} older messages`, { exact: false }).count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 90_000);

  it('goes offline when Graph cannot be reached and says from when the data dates (in French)', async () => {
    await sim.close();
    await page.getByLabel('Language', { exact: true }).selectOption('fr');
    await page.getByRole('button', { name: 'Synchroniser les Pages choisies' }).click();
    await expect.poll(() => page.getByRole('heading', { name: /^Hors ligne — données du / }).count(), { timeout: 60_000 }).toBe(1);
    expect(await page.getByText('Facebook est injoignable.').count()).toBe(1);
    expect(await page.getByText(/Que faire : Vérifiez votre connexion Internet/).count()).toBe(1);
    // The history synced before is still here.
    expect(storedHistory(app.ctx.store.db).messages.length).toBe(expectedHistory(sim).messages.length);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'sync-offline-fr');
  }, 90_000);

  it('no token reached the renderer: page, storage, API answers', async () => {
    const state = await page.evaluate(() => JSON.stringify({ html: document.documentElement.outerHTML, local: { ...localStorage }, session: { ...sessionStorage } }));
    expect(tokenPieces(state)).toEqual([]);
    expect(apiBodies.length).toBeGreaterThan(5);
    expect(tokenPieces(apiBodies.join('\n'))).toEqual([]);
  });

  it('logged no console errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
