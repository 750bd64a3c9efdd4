import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/services/api/dispatch';
import { launchChromium, screenshot, seriousA11yViolations, startApp, watchPageErrors, type AppUnderTest } from '../support/browser';

// Issue 8, "done when": a two-variant experiment on the demo shop's own data —
// created, planned and locked in the UI, then read in the comparison view.

let browser: Browser;
let app: AppUnderTest;
let page: Page;
let pageErrors: string[];
let campaignName: string;

beforeAll(async () => {
  browser = await launchChromium();
  app = await startApp();
  const started = await dispatch(app.ctx, 'demo:create', {});
  if (!started.ok) throw new Error(started.error.message);
  const job = await app.ctx.jobs.wait((started.data as { id: string }).id, 250);
  if (job.state !== 'done') throw new Error(`demo: ${job.state} ${job.error?.message ?? ''}`);
  const shop = app.ctx.workspaces.findByName('Maple & Co. (demo)')!;
  app.ctx.settings.set({ currentWorkspaceId: shop.id, uiLanguage: 'en' });
  // The Saturday flash sale with the most messages: variants A and B.
  campaignName = (
    app.ctx.store.db
      .prepare(
        `SELECT c.name FROM campaigns c WHERE c.workspace_id = ? AND c.external_ref LIKE 'flash-sale-%'
         ORDER BY (SELECT count(*) FROM messages m WHERE m.campaign_id = c.id) DESC, c.id LIMIT 1`,
      )
      .get(shop.id) as { name: string }
  ).name;
  const context = await browser.newContext({ locale: 'en-CA', timezoneId: 'America/Toronto', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  pageErrors = watchPageErrors(page);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const h2 = () => page.getByRole('heading', { level: 2 }).first().textContent();

describe('an experiment on the demo shop', () => {
  it('creates a two-variant experiment on a demo campaign, writes and locks its plan', async () => {
    await page.goto(app.shell.url);
    await page.getByRole('navigation').getByRole('button', { name: /Experiments/ }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Experiments');
    await page.getByLabel('Experiment name').fill('Flash sale wording');
    await page.getByLabel('What differs between the variants').selectOption('wording');
    await page.getByRole('radio', { name: 'A campaign already in Relais' }).check();
    const combo = page.getByRole('combobox', { name: 'Campaign', exact: true });
    // Variant names are listed in the order the import met them.
    const label = (await combo.locator('option').allTextContents()).find((o) => o.startsWith(`${campaignName} (variants: `));
    expect(label).toBeDefined();
    await combo.selectOption({ label: label! });
    await page.getByLabel('Variant 1 (control)').fill('A');
    await page.getByLabel('Variant 2').fill('B');
    await page.getByRole('button', { name: 'Create experiment' }).click();
    await expect.poll(h2).toBe('Plan: Flash sale wording');
    await page.getByLabel('Hypothesis').fill('Wording B gets the Saturday flash sale seen by more people within the hour.');
    await page.getByRole('radio', { name: 'Seen' }).check();
    await page.getByLabel('Horizon H').fill('1');
    await page.getByLabel('Unit').selectOption('hours');
    await page.getByLabel('Contacts per variant (planned sample)').fill('100');
    await page.getByRole('button', { name: 'Lock the plan…' }).click();
    await page.getByRole('button', { name: 'Yes, lock the plan' }).click();
    await expect.poll(() => page.getByText(/Plan locked on /).count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('reads the comparison view: a verdict with its interval, and the per-variant table', async () => {
    await page.getByRole('button', { name: 'See the results' }).click();
    await expect.poll(h2).toBe('Results: Flash sale wording');
    const verdict = (await page.locator('.verdict-sentence').textContent()) ?? '';
    expect(verdict).toMatch(/^(B is better|A is better|No clear winner)/);
    expect(verdict).toMatch(/95% interval [+−-]?\d+\.\d to [+−-]?\d+\.\d/);
    const table = page.getByRole('table', { name: 'Seen within 1 hour, per variant' });
    expect(await table.getByRole('row', { name: /^A Control \d+ \d+/ }).count()).toBe(1);
    expect(await table.getByRole('row', { name: /^B \d+ \d+/ }).count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'experiments-demo-shop-en');
  });

  it('logged no console errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
