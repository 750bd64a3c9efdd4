import fs from 'node:fs';
import path from 'node:path';
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
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  pageErrors = watchPageErrors(page);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const count = (sql: string, ...args: unknown[]) => (app.ctx.store.db.prepare(sql).get(...args) as { n: number }).n;

describe('receipts in: the demo and an archive import, through the UI', () => {
  it('an empty data folder offers the demo; the progress bar runs to the end and the counts appear', async () => {
    await page.goto(app.shell.url);
    await page.getByRole('button', { name: 'Créer les espaces de démonstration' }).click();
    await expect.poll(() => page.getByRole('progressbar', { name: 'Progression de l’import' }).count(), { timeout: 10_000 }).toBe(1);
    await screenshot(page, 'demo-progress-fr');
    const notice = page.getByRole('status').filter({ hasText: 'Démo prête' });
    await expect.poll(() => notice.count(), { timeout: 110_000, interval: 1000 }).toBe(1);
    const text = (await notice.textContent()) ?? '';
    const restaurant = count("SELECT count(*) AS n FROM messages m JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref JOIN workspaces w ON w.id = p.workspace_id WHERE w.name = 'Le Petit Zinc (démo)'");
    const shop = count("SELECT count(*) AS n FROM messages m JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref JOIN workspaces w ON w.id = p.workspace_id WHERE w.name = 'Maple & Co. (demo)'");
    expect(restaurant).toBeGreaterThan(100_000);
    expect(shop).toBeGreaterThan(100_000);
    const fr = new Intl.NumberFormat('fr-FR');
    expect(text).toContain(`${fr.format(restaurant)} messages`);
    expect(text).toContain(`${fr.format(shop)} messages`);
    expect(await page.locator('tbody tr').count()).toBe(2);
    await screenshot(page, 'demo-done-fr');
  });

  it('the about page shows the stored rows', async () => {
    await page.getByRole('navigation').getByRole('button', { name: 'À propos et données' }).click();
    const total = count('SELECT count(*) AS n FROM messages');
    const fr = new Intl.NumberFormat('fr-FR');
    await expect.poll(() => page.getByRole('row', { name: new RegExp(`Messages ${fr.format(total).replace(/\s/g, '\\s')}`) }).count()).toBe(1);
  });

  it('imports an archive with bad lines, reports them by line number, and keeps the good ones', async () => {
    const file = path.join(app.dataDir, 'upload.ndjson');
    const page1 = '555000111';
    const body = (events: unknown[]) => JSON.stringify({ object: 'page', entry: [{ id: page1, time: 1795600000000, messaging: events }] });
    const lines = [
      body([{ sender: { id: page1 }, recipient: { id: '9001' }, timestamp: 1795600000000, message: { is_echo: true, mid: 'm_e2e_1', text: 'Bonjour' } }]),
      '{"object":"page","entry":[{"id":"555000111"',
      body([{ sender: { id: '9001' }, recipient: { id: page1 }, timestamp: 1795600005000, delivery: { watermark: 1795600000000 } }]),
      JSON.stringify({ object: 'instagram', entry: [] }),
      body([{ sender: { id: '9001' }, recipient: { id: page1 }, timestamp: 1795600009000, read: { watermark: 1795600000 } }]),
    ];
    fs.writeFileSync(file, lines.join('\n') + '\n');

    await page.getByRole('navigation').getByRole('button', { name: 'Importer des accusés' }).click();
    await page.getByLabel('Fichier d’archive sur cet ordinateur').fill(file);
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    // The Page is not in the workspace: nothing is written until the user agrees to add it.
    await expect.poll(() => page.getByRole('alert').filter({ hasText: page1 }).count(), { timeout: 20_000 }).toBe(1);
    expect(count("SELECT count(*) AS n FROM messages WHERE mid = 'm_e2e_1'")).toBe(0);
    await page.getByRole('button', { name: 'Ajouter ces Pages et importer' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Import terminé' }).count(), { timeout: 20_000 }).toBe(1);
    const report = page.getByRole('table', { name: /Lignes non importées/ });
    expect(await report.getByRole('row').count()).toBe(4);
    expect(await report.textContent()).toContain('JSON tronqué');
    expect(await report.textContent()).toContain('Watermark en secondes');
    const msg = app.ctx.store.db.prepare("SELECT sent_at, delivered_at, read_at FROM messages WHERE mid = 'm_e2e_1'").get();
    expect(msg).toEqual({ sent_at: 1795600000000, delivered_at: 1795600005000, read_at: null });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'import-report-fr');
  });

  it('a wrong path is refused at the field, with nothing started', async () => {
    await page.getByLabel('Fichier d’archive sur cet ordinateur').fill('relative/path.ndjson');
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    await expect.poll(() => page.locator('#import-path-error').textContent()).toContain('chemin complet');
  });

  it('logged no console errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
