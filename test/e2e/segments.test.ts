import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/services/api/dispatch';
import type { SegmentDetail, CountOutput } from '../../shared/domain/segments';
import { SCREENSHOT_DIR, launchChromium, screenshot, seriousA11yViolations, startApp, watchPageErrors, type AppUnderTest } from '../support/browser';

// Issue 9, "done when": on the demo shop, with the keyboard only, a nested rule is built and
// counted live, saved, edited into a second version, the first restored, the change read in
// plain words, and the members exported as a CSV whose rows match what the page said.

let browser: Browser;
let app: AppUnderTest;
let page: Page;
let pageErrors: string[];
let workspaceId: number;

async function call<T>(method: string, input: unknown): Promise<T> {
  const reply = await dispatch(app.ctx, method, input);
  if (!reply.ok) throw new Error(`${method} failed: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}

beforeAll(async () => {
  browser = await launchChromium();
  app = await startApp();
  const started = await dispatch(app.ctx, 'demo:create', {});
  if (!started.ok) throw new Error(started.error.message);
  const job = await app.ctx.jobs.wait((started.data as { id: string }).id, 250);
  if (job.state !== 'done') throw new Error(`demo: ${job.state} ${job.error?.message ?? ''}`);
  workspaceId = app.ctx.workspaces.findByName('Maple & Co. (demo)')!.id;
  app.ctx.settings.set({ currentWorkspaceId: workspaceId, uiLanguage: 'en' });
  const context = await browser.newContext({ locale: 'en-CA', timezoneId: 'America/Toronto', viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
  pageErrors = watchPageErrors(page);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** The focused element's accessible name as the builder sets it: aria-label, else its label, else its text. */
const focusedName = () =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '';
    const labelled = el.getAttribute('aria-label');
    if (labelled) return labelled;
    const labels = (el as HTMLInputElement).labels;
    if (labels && labels.length > 0) return labels[0]!.textContent ?? '';
    return el.textContent ?? '';
  });

/** Presses Tab (or Shift+Tab) until the focused control has this name; fails after `max` presses. */
async function tabTo(name: string | RegExp, opts: { back?: boolean; max?: number } = {}): Promise<void> {
  const matches = (s: string) => (typeof name === 'string' ? s.trim() === name : name.test(s));
  for (let i = 0; i < (opts.max ?? 120); i++) {
    if (matches(await focusedName())) return;
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached “${String(name)}” (last: “${await focusedName()}”)`);
}

const focusedValue = () => page.evaluate(() => (document.activeElement as HTMLInputElement | HTMLSelectElement | null)?.value ?? null);
const live = () => page.locator('.count-live');
const settled = () => page.locator('section.count-panel').getAttribute('aria-busy');
const liveCount = async () => {
  const v = await live().getAttribute('data-count');
  return v === null ? null : Number(v);
};
const heading2 = () => page.getByRole('heading', { level: 2 }).first().textContent();

/** Chooses an option of the focused select by typing its first letters (type-ahead), as a keyboard user does. */
async function typeAhead(text: string, expected: string) {
  await page.keyboard.type(text, { delay: 20 });
  await expect.poll(focusedValue).toBe(expected);
}

let firstCount = 0;
let secondCount = 0;
let segmentId = 0;

describe('segment builder on the demo shop, keyboard only', () => {
  it('builds a nested rule with the keyboard and counts it live', async () => {
    await page.goto(app.shell.url);
    await tabTo('Segments');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Segments');
    await tabTo('New empty segment');
    await page.keyboard.press('Enter');
    await expect.poll(heading2).toBe('New segment');
    // The new rule's only condition (inside the window now) is valid at once: it is counted.
    await expect.poll(liveCount, { timeout: 20_000 }).not.toBeNull();
    const windowCount = (await liveCount())!;

    // 1.1: seen rate of at least 20 % over the last 30 days.
    await tabTo('Condition 1.1: what to test');
    await typeAhead('Seen rate', 'seenRate');
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('Condition 1.1: comparison');
    expect(await focusedValue()).toBe('gte');
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('Condition 1.1: value');
    // Empty value: the rule is incomplete, and the live region says where.
    await expect.poll(() => live().textContent()).toMatch(/condition 1\.1 — Enter a value/);
    await page.keyboard.type('20');
    await expect.poll(liveCount, { timeout: 20_000 }).not.toBeNull();

    // 1.2: a group inside the outer group, OR of two consents and a NOT group (1.2.3).
    await tabTo('Add a group inside group 1');
    await page.keyboard.press('Enter');
    await expect.poll(focusedName).toBe('Group 1.2 matches');
    expect(await focusedValue()).toBe('or');
    expect(await page.getByRole('group', { name: 'Group 1.2, level 2: any of these (OR)' }).count()).toBe(1);
    await tabTo('Condition 1.2.1: what to test');
    await typeAhead('Consent', 'consent');
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('Condition 1.2.1: channel');
    await typeAhead('SMS', 'sms');

    await tabTo('Add a condition to group 1.2');
    await page.keyboard.press('Enter');
    await expect.poll(focusedName).toBe('Condition 1.2.2: what to test');
    await typeAhead('Consent', 'consent');
    await page.keyboard.press('Tab');
    await typeAhead('E-mail', 'email');

    await tabTo('Add a group inside group 1.2');
    await page.keyboard.press('Enter');
    await expect.poll(focusedName).toBe('Group 1.2.3 matches');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focusedValue).toBe('not');
    expect(await page.getByRole('group', { name: 'Group 1.2.3, level 3: not all of these (NOT)' }).count()).toBe(1);
    await tabTo('Condition 1.2.3.1: what to test');
    await typeAhead('Recurring', 'recurringProblem');

    // A condition added by mistake and removed: focus lands on its neighbour, not on the page top.
    await tabTo('Add a condition to group 1');
    await page.keyboard.press('Enter');
    await expect.poll(focusedName).toBe('Condition 1.3: what to test');
    await tabTo('Remove condition 1.3');
    await page.keyboard.press('Enter');
    await expect.poll(focusedName).toBe('Group 1.2 matches');

    const sentence = (await page.locator('.rule-sentence').first().textContent()) ?? '';
    expect(sentence).toMatch(/^Contacts whose seen rate is at least 20 % .* and \(who consent to SMS or who consent to email or not \(with recurring reception problems\)\)\.$/);
    await expect.poll(settled, { timeout: 20_000 }).toBe('false');
    await expect.poll(liveCount).not.toBeNull();
    firstCount = (await liveCount())!;
    expect(await live().textContent()).toBe(`${firstCount.toLocaleString('en-CA')} contacts match; ${(await live().getAttribute('data-messageable'))!.replace(/\B(?=(\d{3})+$)/g, ',')} can be messaged now.`);
    expect(firstCount).not.toBe(windowCount);
    expect(await live().getAttribute('aria-live')).toBe('polite');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'segments-builder-en');
  });

  it('saves the rule, edits it into version 2, restores version 1 and reads the difference', async () => {
    await tabTo('Segment name');
    await page.keyboard.type('Fallback candidates');
    await page.keyboard.press('Tab');
    await page.keyboard.type('First cut');
    await tabTo('Save segment');
    await page.keyboard.press('Enter');
    await expect.poll(heading2).toBe('Fallback candidates (version 1)');
    segmentId = (await call<{ segments: { id: number; name: string }[] }>('segments:list', { workspaceId })).segments.find((s) => s.name === 'Fallback candidates')!.id;

    // The count shown is the server's count of the saved rule.
    const saved = await call<SegmentDetail>('segments:get', { workspaceId, segmentId });
    const v1 = saved.versions[0]!;
    expect(v1.note).toBe('First cut');
    const counted = await call<CountOutput>('segments:count', { workspaceId, rule: v1.rule });
    expect(counted.count).toBe(firstCount);

    await tabTo('Condition 1.1: value', { back: true });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('60');
    await expect.poll(liveCount, { timeout: 20_000 }).not.toBe(firstCount);
    await expect.poll(settled).toBe('false');
    secondCount = (await liveCount())!;
    expect(secondCount).toBeLessThan(firstCount);
    await tabTo('Note (optional)');
    await page.keyboard.type('Stricter seen rate');
    await tabTo('Save as version 2');
    await page.keyboard.press('Enter');
    await expect.poll(heading2).toBe('Fallback candidates (version 2)');

    await tabTo('Restore version 1');
    await page.keyboard.press('Enter');
    await expect.poll(heading2).toBe('Fallback candidates (version 3)');
    await expect.poll(() => page.getByLabel('Condition 1.1: value').inputValue()).toBe('20');
    await expect.poll(liveCount, { timeout: 20_000 }).toBe(firstCount);

    // Versions 2 → 3: the seen-rate condition went back from 60 % to 20 %.
    await tabTo('Compare');
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('2');
    expect(await page.getByLabel('to', { exact: true }).inputValue()).toBe('3');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.diff-sentence').count()).toBe(1);
    const diff = (await page.locator('.diff-sentence').textContent()) ?? '';
    expect(diff).toMatch(/^Restored version 1\. /);
    expect(diff).toMatch(/60 %.*20 %/);
    const history = page.locator('.version-list > li');
    expect(await history.count()).toBe(3);
    expect(await history.nth(1).textContent()).toMatch(/Version 2.*saved by .* on .*Note: Stricter seen rate/);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('exports the members as a CSV whose rows match the numbers shown', async () => {
    await tabTo('Messenger');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).checked)).toBe(true);
    await tabTo('Phone');
    await page.keyboard.press('Space');
    await tabTo('Export CSV');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const file = await download.path();
    const bytes = fs.readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split(/\r\n/).filter((l) => l !== '');
    expect(lines[0]).toBe('psid,name,phone');
    const rows = lines.length - 1;
    const status = page.locator('.export-result');
    await expect.poll(() => status.getAttribute('data-rows')).toBe(String(rows));
    const text = (await status.textContent()) ?? '';
    const m = /: ([\d,\s]+) rows written out of ([\d,\s]+) members; ([\d,\s]+) left out/.exec(text);
    expect(m).not.toBeNull();
    const num = (s: string) => Number(s.replace(/[^\d]/g, ''));
    expect(num(m![1]!)).toBe(rows);
    expect(num(m![2]!)).toBe(firstCount);
    expect(num(m![1]!) + num(m![3]!)).toBe(firstCount);
    expect(rows).toBeGreaterThan(0);
  });

  it('shows the history in French', async () => {
    await page.locator('#language-switcher').selectOption('fr');
    await expect.poll(heading2).toBe('Fallback candidates (version 3)');
    await page.getByRole('button', { name: 'Voir la version 2' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Version 2', level: 4 }).count()).toBe(1);
    expect(await page.locator('.rule-sentence').first().textContent()).toMatch(/^Les contacts dont le taux de lecture est au moins 20 %/);
    // The old version also reads in the builder's layout, every control disabled.
    const old = page.getByRole('region', { name: 'Version 2' });
    expect(await old.locator('.rule-sentence').textContent()).toMatch(/^Les contacts dont le taux de lecture est au moins 60 %/);
    expect(await old.getByLabel('Condition v2.1 : valeur').inputValue()).toBe('60');
    expect(await old.getByLabel('Condition v2.1 : valeur').isDisabled()).toBe(true);
    expect(await old.getByRole('group', { name: 'Groupe v2.2.3, niveau 3 : pas toutes ces conditions à la fois (NON)' }).count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('heading', { name: 'Historique' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'segments-history-fr');
    // Narrow window: everything reflows, nothing scrolls sideways.
    await page.setViewportSize({ width: 420, height: 900 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.locator('.builder-card').screenshot({ path: path.join(SCREENSHOT_DIR, 'segments-narrow-builder-fr.png') });
  });

  it('lists the saved segment, starts from a ready-made rule, and imports a fixed list showing the unmatched rows', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Retour aux segments' }).click();
    await expect.poll(() => page.getByRole('row', { name: /^Fallback candidates Règle 3 / }).count()).toBe(1);

    await page.getByRole('button', { name: 'Dans la fenêtre maintenant' }).click();
    await expect.poll(heading2).toBe('Nouveau segment');
    expect(await page.getByLabel('Nom du segment').inputValue()).toBe('Dans la fenêtre maintenant');
    await expect.poll(liveCount, { timeout: 20_000 }).not.toBeNull();
    expect(await page.locator('.rule-sentence').first().textContent()).toMatch(/^Les contacts dans la fenêtre de 24 heures maintenant et qui ne se sont pas désinscrits\.$/);
    await page.getByRole('button', { name: 'Retour aux segments' }).click();

    const psids = (
      app.ctx.store.db
        .prepare('SELECT c.psid FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ? ORDER BY c.id LIMIT 3')
        .all(workspaceId) as { psid: string }[]
    ).map((r) => r.psid);
    await page.getByText('Importer une liste fixe depuis un CSV de PSID').click();
    await page.getByLabel('Nom du segment').fill('Liste du salon');
    await page.getByLabel('Ou collez le CSV').fill(['psid', ...psids, '999000111', psids[0], ''].join('\n'));
    await page.getByRole('button', { name: 'Importer la liste' }).click();
    await expect.poll(() => page.getByText('3 lignes correspondent à un contact ; 2 non.').count()).toBe(1);
    const unmatched = page.getByRole('table', { name: 'Lignes sans contact correspondant (2)' });
    expect(await unmatched.getByRole('row').allTextContents()).toEqual(['LignePSIDPourquoi', '5999000111Aucun contact avec ce PSID', `6${psids[0]}En double`]);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Ouvrir le segment Liste du salon' }).first().click();
    await expect.poll(heading2).toBe('Liste du salon (version 1)');
    await expect.poll(() => live().textContent()).toBe('Une liste fixe de 3 contacts.');
    await screenshot(page, 'segments-static-fr');
  });

  it('shows the server’s refusal on the condition it concerns (a cycle between segments), without crashing', async () => {
    // "Around the fallback" includes Fallback candidates; then Fallback candidates tries to include it back.
    await page.getByRole('button', { name: 'Retour aux segments' }).click();
    await page.getByRole('button', { name: 'Nouveau segment vide' }).click();
    await page.getByLabel('Condition 1.1 : critère').selectOption('segment');
    await page.getByLabel('Condition 1.1 : segment').selectOption({ label: 'Fallback candidates' });
    await page.getByLabel('Nom du segment').fill('Around the fallback');
    await page.getByRole('button', { name: 'Enregistrer le segment' }).click();
    await expect.poll(heading2).toBe('Around the fallback (version 1)');

    await page.getByRole('button', { name: 'Retour aux segments' }).click();
    await expect.poll(() => page.getByRole('row', { name: /^Around the fallback / }).count()).toBe(1);
    await screenshot(page, 'segments-list-fr');
    await page.getByRole('button', { name: 'Ouvrir le segment Fallback candidates' }).click();
    await expect.poll(heading2).toBe('Fallback candidates (version 3)');
    await page.getByRole('button', { name: 'Ajouter une condition au groupe 1', exact: true }).click();
    await expect.poll(focusedName).toBe('Condition 1.3 : critère');
    await page.getByLabel('Condition 1.3 : critère').selectOption('segment');
    await page.getByLabel('Condition 1.3 : segment').selectOption({ label: 'Around the fallback' });
    await expect.poll(() => live().textContent(), { timeout: 20_000 }).toBe(
      'La règle ne peut pas être comptée : condition 1.3 — Ceci renvoie au segment lui-même par d’autres segments.',
    );
    const condition = page.getByRole('group', { name: 'Condition 1.3', exact: true });
    expect(await condition.getAttribute('class')).toContain('has-problem');
    expect(await page.getByLabel('Condition 1.3 : critère').getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Aller à 1.3' }).click();
    await expect.poll(focusedName).toBe('Condition 1.3 : critère');
    // Removing the condition brings the count back.
    await page.getByRole('button', { name: 'Retirer la condition 1.3' }).click();
    await expect.poll(liveCount, { timeout: 20_000 }).toBe(firstCount);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('refuses to delete a segment another one refers to, and deletes the other', async () => {
    await page.getByRole('button', { name: 'Retour aux segments' }).click();
    await page.getByRole('button', { name: 'Supprimer le segment Fallback candidates' }).click();
    await page.getByRole('button', { name: 'Oui, supprimer Fallback candidates' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Un autre segment inclut ou exclut « Fallback candidates » : modifiez d’abord ce segment.');
    await page.getByRole('button', { name: 'Annuler' }).click();
    await page.getByRole('button', { name: 'Supprimer le segment Around the fallback' }).click();
    await page.getByRole('button', { name: 'Oui, supprimer Around the fallback' }).click();
    await expect.poll(() => page.getByRole('row', { name: /^Around the fallback / }).count()).toBe(0);
    expect(await page.getByRole('row', { name: /^Fallback candidates / }).count()).toBe(1);
  });

  it('shows which campaign and experiment used a version, and the audience on the experiment and the saved plan', async () => {
    // Issue 9: campaigns and experiments record the version they used.
    const seg = (await call<{ segments: { id: number; name: string; version: number }[] }>('segments:list', { workspaceId })).segments.find((s) => s.name === 'Fallback candidates')!;
    const experiment = await call<{ id: number; name: string }>('experiments:create', {
      workspaceId,
      name: 'Fallback wording',
      dimension: 'wording',
      campaign: { kind: 'new', name: 'Fallback wording campaign', campaignKind: 'other' },
      variants: ['A', 'B'],
      segmentId: seg.id,
      segmentVersion: seg.version,
    });
    // A send-time plan for the segment's members, as the Send-time page builds it, saved on a new campaign.
    const exported = await call<{ csv: string }>('segments:export', { workspaceId, segmentId: seg.id, channel: 'messenger', fields: ['psid'] });
    const psids = exported.csv.replace(/^\uFEFF/, '').split(/\r\n/).slice(1).filter((l) => l !== '');
    const resolved = await call<{ contacts: { contactId: number }[] }>('sendtime:resolvePsids', { workspaceId, psids });
    const now = Date.now();
    await call('sendtime:save', {
      workspaceId,
      contactIds: resolved.contacts.map((c) => c.contactId),
      horizonMinutes: 60,
      start: now + 3_600_000,
      end: now + 30 * 3_600_000,
      campaign: { name: 'Fallback plan' },
      segment: { segmentId: seg.id, version: seg.version },
    });
    await page.getByRole('button', { name: 'Ouvrir le segment Fallback candidates' }).click();
    await expect.poll(heading2).toBe(`Fallback candidates (version ${seg.version})`);
    await expect
      .poll(() => page.locator('.version-list > li').first().locator('.version-used').textContent())
      .toBe('Utilisée par campagne « Fallback plan », expérience « Fallback wording »');
    await page.locator('.version-list > li').first().scrollIntoViewIfNeeded();
    await screenshot(page, 'segments-history-used-fr');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Expériences' }).click();
    await page.getByRole('button', { name: 'Ouvrir le plan de Fallback wording' }).click();
    await expect.poll(() => page.locator('.experiment-audience').textContent()).toBe(`Audience : segment « Fallback candidates », version ${seg.version}`);
    await screenshot(page, 'experiments-audience-fr');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Meilleure heure d’envoi' }).click();
    await page.getByRole('button', { name: 'Plans enregistrés et résultats' }).click();
    const row = page.getByRole('row', { name: /Fallback plan/ });
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain(`Audience : segment « Fallback candidates », version ${seg.version}`);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'sendtime-saved-audience-fr');
    expect(experiment.name).toBe('Fallback wording');
  });

  it('logged no console errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
