import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../shared/domain/jobs';
import { dispatch } from '../../electron/services/api/dispatch';
import { launchChromium, SCREENSHOT_DIR, screenshot, seriousA11yViolations, startApp, watchPageErrors, type AppUnderTest } from '../support/browser';

// Issue 7, send-time optimisation, on the demo restaurant: the heatmap (chart and table),
// then a lunch flash-promo plan with its predicted gain, the outside-the-window list and the CSV.

let browser: Browser;
let app: AppUnderTest;
let page: Page;
let pageErrors: string[];
let workspaceId: number;
let contacts: number;
let wroteRecently: number;
let segmentMembers: number;

async function call<T>(method: string, input: unknown): Promise<T> {
  const reply = await dispatch(app.ctx, method, input);
  if (!reply.ok) throw new Error(`${method} failed: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}

beforeAll(async () => {
  browser = await launchChromium();
  app = await startApp();
  const job = await call<JobView>('demo:create', {});
  const done = await app.ctx.jobs.wait(job.id, 250);
  if (done.state !== 'done') throw new Error(`demo failed: ${JSON.stringify(done.error)}`);
  const db = app.ctx.store.db;
  workspaceId = (db.prepare("SELECT id FROM workspaces WHERE name = 'Le Petit Zinc (démo)'").get() as { id: number }).id;
  contacts = (db.prepare('SELECT count(*) AS n FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ?').get(workspaceId) as { n: number }).n;
  // The demo's six months end at midnight today, so which windows are still open depends on the hour
  // the test runs. Make it deterministic: one contact in five wrote to the Page an hour ago (their
  // window covers the next 11:00–14:00 lunch window whenever the test runs); everyone else last wrote
  // at least two days ago.
  const now = Date.now();
  db.prepare(
    `UPDATE contacts SET last_inbound_at = min(last_inbound_at, ?) WHERE last_inbound_at IS NOT NULL AND id IN (
       SELECT c.id FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ? AND c.id % 5 <> 0)`,
  ).run(now - 2 * 86_400_000, workspaceId);
  wroteRecently = db
    .prepare(
      `UPDATE contacts SET last_inbound_at = ? WHERE id IN (
         SELECT c.id FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ? AND c.id % 5 = 0)`,
    )
    .run(now - 3_600_000, workspaceId).changes;
  // A segment from the ready-made starting point "inside the 24-hour window now".
  const { startingPoints } = await call<{ startingPoints: { key: string; rule: unknown }[] }>('segments:list', { workspaceId });
  const inside = startingPoints.find((p) => p.key === 'insideWindowNow');
  if (!inside) throw new Error('no insideWindowNow starting point');
  const segment = await call<{ id: number }>('segments:save', { workspaceId, name: 'Fenêtre ouverte', rule: inside.rule });
  segmentMembers = (await call<{ rows: number }>('segments:export', { workspaceId, segmentId: segment.id, channel: 'messenger', fields: ['psid'] })).rows;
  await call('settings:set', { currentWorkspaceId: workspaceId, uiLanguage: 'fr' });
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
  pageErrors = watchPageErrors(page);
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const nav = (name: RegExp) => page.getByRole('navigation', { name: /Principal|Main/ }).getByRole('button', { name }).click();

/** Two fits a few seconds apart agree to well under a tenth of a percentage point. */
function expectSameRates(got: number[], want: number[]): void {
  expect(got).toHaveLength(want.length);
  const worst = Math.max(...got.map((g, i) => Math.abs(g - (want[i] as number))));
  expect(worst).toBeLessThan(1e-4);
}

describe('send-time optimisation on the French restaurant demo (browser shell)', () => {
  it('opens the heatmap: 168 cells drawn, a summary for screen readers, a 7 × 24 table with the same numbers', async () => {
    await page.goto(app.shell.url);
    await nav(/Meilleure heure d’envoi/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Meilleure heure d’envoi');
    const canvas = page.getByRole('img', { name: /Carte de chaleur, 7 jours × 24 heures : Probabilité prédite d’être vu dans 60\smin/ });
    await canvas.waitFor({ timeout: 60_000 });
    expect(await canvas.getAttribute('aria-label')).toMatch(/60\smin, heure locale \(Europe\/Paris\)\. Meilleur moment : \p{L}+ \d{2}:\d{2}–\d{2}:\d{2} \(\d+,\d\s%\)\. Plus faible : /u);
    // Chart.js drew the matrix: pixels of the scale's darkest colours exist on the canvas.
    const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
      const g = c.getContext('2d');
      if (!g) return 0;
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if ((d[i + 2] as number) > 150 && (d[i] as number) < 120) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(1000);
    expect(await page.getByText('Fuseau :').count()).toBe(1);

    // The table alternative is reachable from the keyboard: a native details/summary.
    const showTable = page.locator('summary').filter({ hasText: 'Afficher en tableau' });
    await showTable.focus();
    await page.keyboard.press('Enter');
    const table = page.getByRole('table', { name: /Probabilité prédite d’être vu dans 60\smin/ });
    expect(await table.getByRole('row').count()).toBe(8);
    expect(await table.locator('thead th').count()).toBe(25);
    const rates = await table.locator('td').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-rate'))));
    expect(rates).toHaveLength(7 * 24);
    for (const r of rates) expect(r).toBeGreaterThanOrEqual(0);
    expect(new Set(rates.map((r) => r.toFixed(3))).size).toBeGreaterThan(20);
    // The same figures as the API's (fitted a moment later: messages still waiting to be read have waited a little longer).
    const api = await call<{ cells: { weekday: number; hour: number; rate: number }[] }>('sendtime:heatmap', { workspaceId, horizonMinutes: 60 });
    expectSameRates(rates, api.cells.map((c) => c.rate));
    expect(await table.getByRole('rowheader').first().textContent()).toBe('lun');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await showTable.click();
    await screenshot(page, 'sendtime-heatmap-fr');

    // The method notes come keyed from the API and read in the UI's language, not as the API's English sentences.
    const method = page.locator('details.sendtime-method');
    await method.locator('summary').filter({ hasText: 'Méthode et hypothèses' }).click();
    expect(await method.locator('li').first().textContent()).toMatch(/^Vu dans H signifie read_at − sent_at ≤ 60 min ; les messages envoyés moins de H avant l’instant du calcul \(.+\) sont en attente et écartés\.$/);
    expect(await method.textContent()).not.toMatch(/Seen within H|Contacts with no history/);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await method.screenshot({ path: path.join(SCREENSHOT_DIR, 'sendtime-method-fr.png') });
    await method.locator('summary').click();
  });

  it('switches the metric to delivered within 24 h in workspace time (observed rates)', async () => {
    await page.getByRole('radio', { name: 'Remis dans H' }).check();
    await page.getByRole('radio', { name: /Heure de l’espace/ }).check();
    await page.getByLabel('Type de campagne').first().selectOption('newsletter');
    const canvas = page.getByRole('img', { name: /Part observée des messages remis dans 24\sh, heure de l’espace \(Europe\/Paris\)/ });
    await canvas.waitFor({ timeout: 60_000 });
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('shows one segment’s week: its members, modelled in their local time', async () => {
    await page.getByRole('radio', { name: 'Vu dans H' }).check();
    await page.getByRole('radio', { name: 'Heure locale de chaque contact' }).check();
    await page.getByRole('radio', { name: 'Un segment enregistré' }).check();
    await page.getByLabel('Segment', { exact: true }).first().selectOption({ label: 'Fenêtre ouverte' });
    await page.getByRole('img', { name: /Probabilité prédite d’être vu dans 24\sh/ }).waitFor({ timeout: 60_000 });
    expect(segmentMembers).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.sendtime-zone').textContent()).toMatch(new RegExp(`· ${new Intl.NumberFormat('fr-FR').format(segmentMembers)} contacts$`));
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('finds one contact by PSID and shows their own week', async () => {
    const one = app.ctx.store.db
      .prepare('SELECT c.id, c.psid FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ? ORDER BY c.id LIMIT 1')
      .get(workspaceId) as { id: number; psid: string };
    await page.getByRole('radio', { name: 'Un contact' }).check();
    expect(await page.getByText('Cherchez un contact ci-dessus et choisissez-le pour voir sa semaine.').count()).toBe(1);
    await page.getByLabel('PSID, nom ou numéro de contact').fill(one.psid);
    await page.getByLabel('PSID, nom ou numéro de contact').press('Enter');
    const choice = page.getByRole('button', { name: new RegExp(one.psid) });
    await choice.click();
    await page.getByRole('img', { name: /Probabilité prédite d’être vu dans 24\sh/ }).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('.sendtime-zone').textContent()).toMatch(/· 1 contact$/);
    const api = await call<{ cells: { rate: number }[] }>('sendtime:heatmap', { workspaceId, horizonMinutes: 1440, contactId: one.id });
    const rates = await page.locator('table.sendtime-grid td').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-rate'))));
    expectSameRates(rates, api.cells.map((c) => c.rate));
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('refuses a plan with field-level errors: empty audience, a window in the past', async () => {
    await page.locator('#language-switcher').selectOption('en');
    await page.getByRole('navigation', { name: 'Send-time views' }).getByRole('button', { name: 'Send plan' }).click();
    await page.getByRole('radio', { name: 'A list of PSIDs' }).check();
    await page.getByRole('textbox', { name: 'Day', exact: true }).fill('2026-03-02');
    await page.getByRole('button', { name: 'Build the plan' }).click();
    await expect.poll(() => page.getByText('The audience is empty: paste or load at least one PSID of this workspace.').count()).toBe(1);
    expect(await page.getByText('This window is already over: choose a later day or time.').count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('plan-psids');
    expect(await page.getByLabel(/Paste PSIDs/).getAttribute('aria-invalid')).toBe('true');
  });

  it('plans a lunch flash promo for every contact: predicted gain, the outside-the-window list, CSV export', async () => {
    await page.getByRole('radio', { name: 'All contacts of the workspace' }).check();
    // Back to the default lunch window: the next 11:00–14:00 in Paris.
    const tomorrowOrToday = await page.evaluate(() => {
      const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', hour: 'numeric', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date());
      const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
      const today = `${get('year')}-${get('month')}-${get('day')}`;
      if (Number(get('hour')) < 13) return today;
      const d = new Date(`${today}T12:00:00Z`);
      d.setUTCDate(d.getUTCDate() + 1);
      return d.toISOString().slice(0, 10);
    });
    await page.getByRole('textbox', { name: 'Day', exact: true }).fill(tomorrowOrToday);
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('11:00');
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('14:00');
    expect(await page.getByLabel('Kind of campaign').nth(1).inputValue()).toBe('flash');
    await page.getByRole('button', { name: 'Build the plan' }).click();
    const result = page.getByRole('region', { name: /^Plan for / });
    await result.waitFor({ timeout: 90_000 });

    const gain = (await result.getByText(/^Predicted share seen within 60\smin: /).textContent()) ?? '';
    expect(gain).toMatch(/^Predicted share seen within 60\smin: \d+,\d\s% with this plan, against \d+,\d\s% if everyone got it at the usual time \(12:00\)\.$/);
    expect((await result.locator('.sendtime-gain-figure').textContent()) ?? '').toMatch(/^Predicted (gain: [+]\d+,\d points|change: −\d+,\d points)/);

    // Only contacts who wrote an hour ago have an open window; everyone else is listed apart, never scheduled.
    const scheduled = Number(((await result.getByRole('listitem').filter({ hasText: /contacts scheduled, / }).textContent()) ?? '').match(/^([\d\s  ]+) contacts/)?.[1]?.replace(/\D/g, ''));
    expect(scheduled).toBe(wroteRecently);
    const outside = page.getByRole('region', { name: /^Outside the 24-hour window: / });
    expect(await outside.getByRole('heading').textContent()).toMatch(new RegExp(`: ${new Intl.NumberFormat('fr-FR').format(contacts - wroteRecently)} contacts$`));
    expect(await outside.getByText(/only within 24 hours of the contact’s last message/).count()).toBe(1);
    expect(await outside.getByRole('row').count()).toBe(26);
    expect(await outside.getByRole('cell', { name: /^Window closed on / }).count()).toBeGreaterThan(0);
    const perContact = result.getByRole('table', { name: 'Per contact' });
    expect(await perContact.getByRole('row').count()).toBe(Math.min(25, scheduled) + 1);
    expect(await seriousA11yViolations(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), result.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^relais-send-plan-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = fs.readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('status,contact_id,psid,zone,send_at_utc,predicted_seen_within_h,low,high,reason,cut_by_window,window_closes_at_utc,holdout,detail');
    expect(lines).toHaveLength(contacts + 1);
    expect(lines.filter((l) => /^(scheduled|holdout),/.test(l))).toHaveLength(scheduled);
    expect(lines.filter((l) => l.startsWith('outside_window,'))).toHaveLength(contacts - wroteRecently);
    await expect.poll(() => result.getByText(/^Saved as relais-send-plan-/).count()).toBe(1);

    await result.getByRole('heading', { level: 2 }).scrollIntoViewIfNeeded();
    await screenshot(page, 'sendtime-plan-en');

    // Saved on a new campaign: the same request planned again and kept with its holdout.
    await result.getByRole('button', { name: 'Save the plan' }).click();
    await expect.poll(() => result.getByRole('alert').textContent()).toBe('Enter a name for the new campaign.');
    await result.getByLabel('Name of the new campaign').fill('Flash déjeuner — plan');
    await result.getByRole('button', { name: 'Save the plan' }).click();
    await expect.poll(() => result.locator('.sendtime-saved-status').textContent(), { timeout: 90_000 }).toMatch(
      new RegExp(`^Plan #\\d+ saved on “Flash déjeuner — plan”: ${new Intl.NumberFormat('fr-FR').format(scheduled)} contacts scheduled, \\d+ in the holdout\\.$`),
    );
    const saved = app.ctx.store.db.prepare("SELECT count(*) AS n FROM campaigns WHERE workspace_id = ? AND name = 'Flash déjeuner — plan'").get(workspaceId) as { n: number };
    expect(saved.n).toBe(1);
  });

  it('a per-minute cap too small for the audience says how many contacts it left out, next to the field', async () => {
    await page.getByLabel('Max sends per minute').fill('1');
    await page.getByRole('button', { name: 'Build the plan' }).click();
    const capError = page.locator('#plan-perMinuteCap-error');
    // 180 minutes at one send a minute cannot hold every open contact.
    await expect.poll(() => capError.textContent(), { timeout: 90_000 }).toMatch(/^Cap too small: \d[\d\s  ]* contacts were left out/);
    expect(await page.getByLabel('Max sends per minute').getAttribute('aria-invalid')).toBe('true');
    // The warning says why, in the UI's language (keyed, not the API's English sentence).
    const warnings = page.getByRole('note', { name: 'Worth knowing' });
    expect(await warnings.getByRole('listitem').first().textContent()).toMatch(/^Contacts left out by the per-minute cap: [\d,]+\. A cap of 1 a minute over the 180 minutes of the validity window holds at most 180 sends/);
    await page.locator('#language-switcher').selectOption('fr');
    const avertissements = page.getByRole('note', { name: 'À savoir' });
    await expect.poll(() => avertissements.getByRole('listitem').first().textContent()).toMatch(/^Contacts écartés par le plafond par minute : [\d\s\u202f\u00a0]+\. Un plafond de 1 par minute sur les 180 minutes de la fenêtre de validité permet au plus 180 envois/);
    await avertissements.screenshot({ path: path.join(SCREENSHOT_DIR, 'sendtime-warnings-fr.png') });
    // The left-out contacts' details too, from the figures the plan sends with each.
    const details = await page.getByRole('table', { name: /^Écartés pour d’autres raisons/ }).locator('tbody td.hint').allTextContents();
    expect(details.length).toBeGreaterThan(0);
    for (const d of details) expect(d).toMatch(/^(Minutes permises, toutes pleines : [\d\s\u202f\u00a0]+ \(plafond : 1 par minute\)|Toutes les minutes ouvertes tombent dans les heures calmes locales du contact|Messages déjà envoyés dans la période du plafond : \d+ \(max \d+\))\.$/);
    await page.locator('#language-switcher').selectOption('en');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('plans for a saved segment: its members, all inside their window', async () => {
    await page.getByLabel('Max sends per minute').fill('');
    await page.getByRole('radio', { name: 'A saved segment' }).last().check();
    await page.locator('#plan-segment').selectOption({ label: 'Fenêtre ouverte' });
    await page.getByRole('button', { name: 'Build the plan' }).click();
    const result = page.getByRole('region', { name: /^Plan for / });
    await expect.poll(() => result.getByRole('listitem').filter({ hasText: /contacts scheduled, / }).textContent(), { timeout: 90_000 }).toMatch(new RegExp(`^${new Intl.NumberFormat('fr-FR').format(segmentMembers)} contacts scheduled`));
    expect(await page.getByRole('region', { name: /^Outside the 24-hour window: / }).getByRole('heading').textContent()).toBe('Outside the 24-hour window: 0 contacts');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('lists the saved plan and its measured gain: not enough data before the campaign, planned vs holdout with its interval after', async () => {
    await page.getByRole('navigation', { name: 'Send-time views' }).getByRole('button', { name: 'Saved plans & results' }).click();
    const row = page.getByRole('row', { name: /Flash déjeuner — plan/ });
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    await row.getByRole('button', { name: /^See the gain of plan #\d+$/ }).click();
    const uplift = page.getByRole('region', { name: /^Measured gain: Flash déjeuner — plan/ });
    await expect.poll(() => uplift.getByRole('status').first().textContent(), { timeout: 30_000 }).toBe('Not enough data yet to compare the planned times with the holdout.');
    const arms = uplift.getByRole('table', { name: /planned times against the holdout/ });
    expect(await arms.getByRole('row').count()).toBe(3);
    expect(await arms.getByRole('row', { name: /^Planned times \d+ 0 0 0 0 –/ }).count()).toBe(1);

    // The campaign went out as planned and its receipts came in: 70 % of the planned arm saw it
    // within the hour, 30 % of the holdout.
    const db = app.ctx.store.db;
    const saved = db
      .prepare("SELECT p.id, p.campaign_id AS campaignId FROM send_time_plans p JOIN campaigns c ON c.id = p.campaign_id WHERE c.name = 'Flash déjeuner — plan'")
      .get() as { id: number; campaignId: number };
    const rows = db.prepare('SELECT contact_id AS contactId, scheduled_at AS at, holdout FROM send_time_plan_rows WHERE plan_id = ? ORDER BY contact_id').all(saved.id) as {
      contactId: number;
      at: number;
      holdout: number;
    }[];
    const insert = db.prepare(
      "INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, read_at, campaign_id) VALUES (?, ?, 'out', ?, 'send_api', ?, ?, ?)",
    );
    const seen = [0, 0];
    const count = [0, 0];
    for (const r of rows) {
      const sentAt = r.at - 2 * 86_400_000;
      const k = count[r.holdout]!++;
      const isSeen = k % 10 < (r.holdout ? 3 : 7);
      if (isSeen) seen[r.holdout]!++;
      insert.run(`sto-e2e-${r.contactId}`, r.contactId, sentAt, sentAt + 60_000, isSeen ? sentAt + 20 * 60_000 : null, saved.campaignId);
    }
    await uplift.getByRole('button', { name: 'Read the receipts again' }).click();
    await expect.poll(() => uplift.getByRole('status').first().textContent(), { timeout: 30_000 }).toMatch(
      /^Seen within 60\smin: planned times \+\d+,\d points against the holdout \(95\s% interval \+\d+,\d to \+\d+,\d\)\. The planned times did better\.$/,
    );
    const pct = new Intl.NumberFormat('fr-FR', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const [planned, holdout] = [count[0]!, count[1]!];
    expect(await arms.getByRole('row', { name: `Planned times ${planned} ${planned} 0 ${planned} ${seen[0]} ${pct.format(seen[0]! / planned)}`, exact: false }).count()).toBe(1);
    expect(await arms.getByRole('row', { name: `Holdout (usual time) ${holdout} ${holdout} 0 ${holdout} ${seen[1]} ${pct.format(seen[1]! / holdout)}`, exact: false }).count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('logged no console errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
