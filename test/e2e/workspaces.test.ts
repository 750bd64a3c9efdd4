import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, seriousA11yViolations, startApp, watchPageErrors, type AppUnderTest } from '../support/browser';

let browser: Browser;
let app: AppUnderTest;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  browser = await launchChromium();
  app = await startApp();
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  pageErrors = watchPageErrors(page);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function nav(name: RegExp) {
  await page.getByRole('navigation').getByRole('button', { name }).click();
}

describe('workspaces, language and memory across reloads (browser shell)', () => {
  it('opens on an empty state that says what to do', async () => {
    await page.goto(app.shell.url);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Workspaces');
    expect(await page.getByRole('heading', { name: 'No workspace yet' }).isVisible()).toBe(true);
    // The secret left the address bar but the page keeps working.
    expect(page.url()).not.toContain('token=');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('creates a workspace and switches to it', async () => {
    await page.getByLabel('Name').fill('Bistro Léon');
    await page.getByLabel('Time zone').selectOption('Europe/Paris');
    await page.getByLabel('Language and formats').selectOption('fr-FR');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Workspace “Bistro Léon” created.');
    expect(await page.getByLabel('Workspace', { exact: true }).inputValue()).not.toBe('');
    const rows = await app.ctx.store.db.prepare('SELECT name, time_zone, locale FROM workspaces').all();
    expect(rows).toEqual([{ name: 'Bistro Léon', time_zone: 'Europe/Paris', locale: 'fr-FR' }]);
  });

  it('shows field errors and keeps what the user typed', async () => {
    await page.getByLabel('Name').fill('bistro léon');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await expect.poll(() => page.locator('.field-error').first().textContent()).toBe('Another workspace already has this name.');
    expect(await page.getByLabel('Name').inputValue()).toBe('bistro léon');
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Name').fill('Maple Shop');
    await page.getByLabel('Time zone').selectOption('America/Toronto');
    await page.getByLabel('Language and formats').selectOption('en-CA');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
  });

  it('switches to French, and both language and workspace survive a reload', async () => {
    await page.getByLabel('Workspace', { exact: true }).selectOption({ label: 'Bistro Léon' });
    await page.getByLabel('Language', { exact: true }).selectOption('fr');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Espaces de travail');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    await page.reload();
    // With a workspace, Relais opens on its dashboard; the language and the workspace are remembered.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).count()).toBe(1);
    expect(await page.getByLabel('Langue', { exact: true }).inputValue()).toBe('fr');
    await nav(/Espaces de travail/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Espaces de travail');
    expect(await page.getByLabel('Espace de travail', { exact: true }).locator('option:checked').textContent()).toBe('Bistro Léon');
    // Dates go through Intl in the workspace's locale and zone.
    expect(await page.locator('tbody tr').first().locator('td').nth(2).textContent()).toMatch(/\d{1,2} \S+ \d{4}/);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'workspaces-fr');
  });

  it('workspace settings: rename, change zone, a11y in both languages', async () => {
    await nav(/Réglages de l’espace/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Réglages de l’espace');
    await page.getByLabel('Nom', { exact: true }).fill('Bistro Léon Lyon');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Modifications enregistrées.');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'settings-fr');
    await page.getByLabel('Langue', { exact: true }).selectOption('en');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Workspace settings');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('uploads a logo and shows it', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    await page.locator('#logo-file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png });
    await expect.poll(() => page.getByRole('img', { name: 'Logo of Bistro Léon Lyon' }).count()).toBe(1);
  });

  it('about page shows the database facts; a11y clean', async () => {
    await nav(/About & data/);
    await expect.poll(() => page.getByText('Schema version').count()).toBe(1);
    expect(await page.getByRole('table', { name: 'Rows stored' }).getByRole('row', { name: /Workspaces 2/ }).count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'about-en');
  });

  it('deletes a workspace only after its name is typed', async () => {
    await page.getByLabel('Workspace', { exact: true }).selectOption({ label: 'Maple Shop' });
    await nav(/Workspace settings/);
    await page.getByRole('button', { name: 'Delete workspace' }).click();
    await expect.poll(() => page.getByText('The name you typed does not match.').count()).toBe(1);
    expect(app.ctx.store.db.prepare('SELECT count(*) AS n FROM workspaces').get()).toEqual({ n: 2 });
    await page.getByLabel('Type “Maple Shop” to confirm').fill('Maple Shop');
    await page.getByRole('button', { name: 'Delete workspace' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Workspaces');
    expect(app.ctx.store.db.prepare('SELECT name FROM workspaces').all()).toEqual([{ name: 'Bistro Léon Lyon' }]);
  });

  it('is usable with the keyboard alone: skip link, then navigation', async () => {
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).count()).toBe(1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('logged no console errors and no CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
