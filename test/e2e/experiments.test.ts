import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, seriousA11yViolations, startApp, watchPageErrors, type AppUnderTest } from '../support/browser';
import { applyExperimentsSchema, insertCampaign, insertMessages, insertPage, MINUTE, DAY, type MessagePlan } from '../integration/experiments/support';

let browser: Browser;
let app: AppUnderTest;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  browser = await launchChromium();
  app = await startApp();
  // Migration 005 is not registered yet: bring this test's store up to it.
  applyExperimentsSchema(app.ctx.store.db);
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
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

const h1 = () => page.getByRole('heading', { level: 1 }).textContent();
const h2 = () => page.getByRole('heading', { level: 2 }).first().textContent();
const verdict = () => page.locator('.verdict-sentence').textContent();

describe('experiments: plan, lock, read the comparison (browser shell)', () => {
  it('starts from a demo shop whose campaign has two variants, B truly better', async () => {
    await page.goto(app.shell.url);
    await expect.poll(h1).toBe('Workspaces');
    await page.getByLabel('Name').fill('Demo Shop');
    await page.getByLabel('Time zone').selectOption('Europe/Paris');
    await page.getByLabel('Language and formats').selectOption('en-US');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Workspace “Demo Shop” created.');

    const db = app.ctx.store.db;
    const { id: workspaceId } = db.prepare("SELECT id FROM workspaces WHERE name = 'Demo Shop'").get() as { id: number };
    const pageRef = insertPage(db, workspaceId, 'demo-page');
    const { campaignId, variantIds } = insertCampaign(db, workspaceId, 'lunch-week', ['A', 'B']);
    // 400 contacts per variant, sent two days ago; 30 % of A and 45 % of B read within 40 minutes.
    const sentAt = Date.now() - 2 * DAY;
    const plans: MessagePlan[] = [];
    for (let i = 0; i < 400; i++) {
      plans.push({ psid: `a-${i}`, campaignId, variantId: variantIds[0]!, sentAt, deliveredAt: sentAt + MINUTE, readAt: i % 10 < 3 ? sentAt + (5 + (i % 35)) * MINUTE : null });
      plans.push({ psid: `b-${i}`, campaignId, variantId: variantIds[1]!, sentAt: sentAt + 1000, deliveredAt: sentAt + MINUTE, readAt: i % 20 < 9 ? sentAt + (3 + (i % 37)) * MINUTE : null });
    }
    insertMessages(db, pageRef, plans);
  });

  it('creates an experiment on that campaign', async () => {
    await nav(/Experiments/);
    await expect.poll(h1).toBe('Experiments');
    await expect.poll(() => page.getByRole('heading', { name: 'No experiment yet' }).count()).toBe(1);
    await page.getByLabel('Experiment name').fill('Lunch wording');
    await page.getByLabel('What differs between the variants').selectOption('wording');
    await page.getByRole('radio', { name: 'A campaign already in Relais' }).check();
    await page.getByRole('combobox', { name: 'Campaign', exact: true }).selectOption({ label: 'Campaign lunch-week (variants: A, B)' });
    expect(await page.getByLabel('Variant 1 (control)').inputValue()).toBe('A');
    expect(await page.getByLabel('Variant 2').inputValue()).toBe('B');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create experiment' }).click();
    await expect.poll(h2).toBe('Plan: Lunch wording');
    // The view change moved focus to its heading.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Plan: Lunch wording');
  });

  it('refuses to lock an unwritten plan, then writes it with the planner and locks it', async () => {
    await page.getByRole('button', { name: 'Lock the plan…' }).click();
    await page.getByRole('button', { name: 'Yes, lock the plan' }).click();
    await expect.poll(() => page.locator('.field-error').allTextContents()).toEqual(
      expect.arrayContaining(['Write the hypothesis before locking the plan.', 'Set the planned sample before locking the plan.']),
    );

    await page.getByLabel('Hypothesis').fill('Naming the dish in the first line gets the message seen by more people within the hour.');
    expect(await page.getByLabel('Hypothesis').getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('radio', { name: 'Seen' }).check();
    await page.getByLabel('Horizon H').fill('1');
    await page.getByLabel('Unit').selectOption('hours');
    await page.getByLabel('What A says or does').fill('Today’s lunch is ready');
    await page.getByLabel('What B says or does').fill('Duck confit today at noon');
    await page.getByLabel('Usual rate of the control (%)').fill('30');
    await page.getByLabel('Smallest change worth detecting (points)').fill('10');
    await page.getByRole('button', { name: 'Compute the sample size' }).click();
    await expect.poll(() => page.locator('.planner-result').textContent()).toBe('356 contacts per variant, 712 in total for 2 variants.');
    await page.getByRole('button', { name: 'Use 356 per variant' }).click();
    expect(await page.getByLabel('Contacts per variant (planned sample)').inputValue()).toBe('356');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'experiments-plan-en');

    await page.getByRole('button', { name: 'Lock the plan…' }).click();
    await page.getByRole('button', { name: 'Yes, lock the plan' }).click();
    await expect.poll(() => page.getByText(/Plan locked on /).count()).toBe(1);
    const row = app.ctx.store.db.prepare('SELECT hypothesis, horizon_minutes, planned_per_variant, locked_at FROM experiments').get() as Record<string, unknown>;
    expect(row).toMatchObject({ horizon_minutes: 60, planned_per_variant: 356 });
    expect(row.locked_at).toEqual(expect.any(Number));
    // Locked: the plan is shown, not editable.
    expect(await page.getByLabel('Hypothesis').count()).toBe(0);
  });

  it('opens the comparison view: verdict, interval, chart with its table, plan check', async () => {
    await page.getByRole('button', { name: 'See the results' }).click();
    await expect.poll(h2).toBe('Results: Lunch wording');
    await expect.poll(verdict).toMatch(/^B is better: \+15\.0 points, 95% interval \+\d+\.\d to \+\d+\.\d; over 99% chance B beats A\.$/);
    const table = page.getByRole('table', { name: 'Seen within 1 hour, per variant' });
    expect(await table.getByRole('row', { name: /^A Control 400 120 30\.0%/ }).count()).toBe(1);
    expect(await table.getByRole('row', { name: /^B 400 180 45\.0%/ }).count()).toBe(1);
    expect(await page.getByRole('img', { name: /Bar chart of Seen within 1 hour per variant with intervals\. A: 30\.0%, 95% interval/ }).count()).toBe(1);
    const checks = await page.locator('.checklist li').allTextContents();
    expect(checks).toEqual(expect.arrayContaining(['OKThe planned sample is reached: 356 contacts per variant.', 'Check800 contacts were messaged before the plan was locked: the plan may have been written after seeing results.']));
    expect(await page.getByRole('heading', { name: 'Sample-ratio mismatch' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'How this was computed' }).count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'experiments-en');
  });

  it('reads the same comparison in French, numbers formatted for fr-FR', async () => {
    const { id } = app.ctx.store.db.prepare("SELECT id FROM workspaces WHERE name = 'Demo Shop'").get() as { id: number };
    app.ctx.workspaces.update({ id, locale: 'fr-FR' });
    await page.getByLabel('Language', { exact: true }).selectOption('fr');
    await page.reload();
    await nav(/Expériences/);
    await page.getByRole('button', { name: 'Ouvrir les résultats de Lunch wording' }).click();
    await expect.poll(h2).toBe('Résultats : Lunch wording');
    await expect.poll(verdict).toMatch(/^B fait mieux : \+15,0 points, intervalle à 95\s%\sde \+\d+,\d à \+\d+,\d ; plus de 99\s% de chances que B batte A\.$/);
    expect(await page.getByRole('heading', { name: 'Méthode de calcul' }).count()).toBe(1);
    const method = await page.locator('.methodology').textContent();
    expect(method).toContain('intervalle de score de Wilson');
    expect(method).not.toMatch(/Each contact|score interval|Prior Beta|uniform prior|Holm step-down/);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'experiments-fr');
  });

  it('reads numbers typed by hand, says how many contacts are missing, and names a bad field', async () => {
    const { id } = app.ctx.store.db.prepare("SELECT id FROM workspaces WHERE name = 'Demo Shop'").get() as { id: number };
    app.ctx.workspaces.update({ id, locale: 'en-US' });
    await page.getByLabel('Langue', { exact: true }).selectOption('en');
    await page.reload();
    await nav(/Experiments/);
    await page.getByRole('button', { name: 'Analyse numbers typed by hand' }).click();
    await expect.poll(h2).toBe('Numbers typed by hand');
    await page.getByLabel('Contacts who received A').fill('1000');
    await page.getByLabel('Contacts who converted on A').fill('120');
    await page.getByLabel('Contacts who received B').fill('1000');
    await page.getByLabel('Contacts who converted on B').fill('1200');
    await page.getByRole('button', { name: 'Analyse', exact: true }).click();
    await expect.poll(() => page.locator('.field-error').first().textContent()).toBe('Cannot be more than the contacts who received the variant.');
    expect(await page.getByLabel('Contacts who converted on B').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Contacts who converted on B').fill('160');
    await page.getByLabel('Planned contacts per variant (optional)').fill('1500');
    await page.getByRole('button', { name: 'Analyse', exact: true }).click();
    await expect.poll(verdict).toBe('Not enough data yet — about 1,000 more contacts needed.');
    // Focus moves to the verdict after the answer renders: wait for it rather than race it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Verdict');

    await page.getByLabel('Planned contacts per variant (optional)').fill('');
    await page.getByRole('button', { name: 'Analyse', exact: true }).click();
    await expect.poll(verdict).toMatch(/^B is better: \+4\.0 points, 95% interval \+1\.\d to \+\d\.\d; over 99% chance B beats A\.$/);
    expect(await page.getByRole('heading', { name: 'Sample-ratio mismatch' }).count()).toBe(0);

    // 1 000 against 700 on a 50/50 plan: the sample-ratio check fires and lists what to look at.
    await page.getByLabel('Contacts who received B').fill('700');
    await page.getByLabel('Contacts who converted on B').fill('112');
    await page.getByRole('button', { name: 'Analyse', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Sample-ratio mismatch' }).count()).toBe(1);
    expect(await page.locator('.banner.warning li').allTextContents()).toEqual([
      'Were the variants sent at different hours? Different people are active and reachable at different times.',
      'Did one variant hit more people whose 24-hour messaging window had closed, so fewer messages could be sent?',
      'Was a send interrupted by Messenger rate limits, leaving one variant short?',
    ]);
    expect(await page.locator('.verdict-caveat').textContent()).toBe('Do not act on this verdict before the sample-ratio mismatch below is explained.');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'experiments-manual-en');
  });

  it('logged no console errors and no CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
