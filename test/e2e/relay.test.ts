import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopLocalReceiver } from '../../electron/services/receiver/localReceiver';
import { startRelay, type Relay } from '../../electron/services/webhooks';
import { launchChromium, screenshot, seriousA11yViolations, startApp, watchPageErrors, type AppUnderTest } from '../support/browser';
import { makeTempDir } from '../support/tempDir';

// Receipts without a file: a pull from a relay through the Import page, and the local
// receiver switched on in Settings. Run `node electron/tools/build.mjs` first.

const APP_SECRET = 'e2e-relay-app-secret-5a9f2c';
const VERIFY_TOKEN = 'e2e-relay-verify-token-81d3';
const PULL_TOKEN = 'e2e-relay-pull-token-6e0b7c2d94f1';
const PAGE = '444000999';
const T0 = 1_790_800_000_000;

const sign = (raw: string) => 'sha256=' + crypto.createHmac('sha256', APP_SECRET).update(raw).digest('hex');
const body = (events: unknown[]) => JSON.stringify({ object: 'page', entry: [{ id: PAGE, time: T0, messaging: events }] });

/** One message sent, delivered 3 s later and read 8 s later. */
function conversation(i: number): string[] {
  const sent = T0 + i * 60_000;
  const psid = `55${i}`;
  return [
    body([{ sender: { id: PAGE }, recipient: { id: psid }, timestamp: sent, message: { is_echo: true, mid: `m_e2e_relay_${i}`, text: `Hello ${i}` } }]),
    body([{ sender: { id: psid }, recipient: { id: PAGE }, timestamp: sent + 3_000, delivery: { mids: [`m_e2e_relay_${i}`], watermark: sent + 3_000 } }]),
    body([{ sender: { id: psid }, recipient: { id: PAGE }, timestamp: sent + 8_000, read: { watermark: sent + 8_000 } }]),
  ];
}

async function post(url: string, raw: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) }, body: raw });
  expect(res.status).toBe(200);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const savedEnv = { app: process.env.RELAIS_APP_SECRET, verify: process.env.RELAIS_VERIFY_TOKEN };
let browser: Browser;
let app: AppUnderTest;
let page: Page;
let pageErrors: string[];
let relay: Relay;
let relayDir: ReturnType<typeof makeTempDir>;
let workspaceId: number;

beforeAll(async () => {
  // The browser shell runs in this process: the receiver reads its secrets from here.
  process.env.RELAIS_APP_SECRET = APP_SECRET;
  process.env.RELAIS_VERIFY_TOKEN = VERIFY_TOKEN;
  relayDir = makeTempDir('relais-e2e-relay-');
  relay = await startRelay({ storeDir: path.join(relayDir.dir, 'store'), verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, pullToken: PULL_TOKEN, log: { info: () => undefined, warn: () => undefined, error: () => undefined } });
  for (let i = 0; i < 4; i++) for (const raw of conversation(i)) await post(relay.url + '/webhook', raw);

  browser = await launchChromium();
  app = await startApp();
  workspaceId = app.ctx.workspaces.create({ name: 'Maple Shop', timeZone: 'America/Toronto', locale: 'en-CA' }).id;
  app.ctx.settings.set({ currentWorkspaceId: workspaceId });
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/Toronto', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  pageErrors = watchPageErrors(page);
});
afterAll(async () => {
  await browser?.close();
  if (app) await stopLocalReceiver(app.ctx);
  await app?.close();
  await relay?.close();
  relayDir?.cleanup();
  for (const [key, value] of [
    ['RELAIS_APP_SECRET', savedEnv.app],
    ['RELAIS_VERIFY_TOKEN', savedEnv.verify],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const count = (sql: string, ...args: unknown[]) => (app.ctx.store.db.prepare(sql).get(...args) as { n: number }).n;

describe('receipts from a relay and the local receiver, through the UI', () => {
  it('pulls from a relay on the Import page and shows what came in', async () => {
    await page.goto(app.shell.url);
    await page.getByRole('navigation').getByRole('button', { name: 'Import receipts' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'From a relay' }).count()).toBe(1);
    expect(await page.getByText('Nothing pulled from a relay into this workspace yet.').count()).toBe(1);

    // Plain http to another machine is refused at the field, before anything starts.
    await page.getByLabel('Relay address').fill('http://relay.example.com');
    await page.getByLabel('Pull token').fill(PULL_TOKEN);
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    await expect.poll(() => page.locator('#relay-url-error').textContent()).toContain('Use https://');

    await page.getByLabel('Relay address').fill(relay.url);
    await page.getByLabel('Add Pages found on the relay that this workspace does not have yet').check();
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Pull finished' }).count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByText('12 new events pulled from the relay.').count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Import finished' }).count()).toBe(1);
    expect(await page.getByText('12 events: 4 sent messages, 0 inbound messages, 4 delivery receipts, 4 read receipts; 0 ignored.').count()).toBe(1);
    expect(await page.getByText(`Pages added: ${PAGE}`).count()).toBe(1);
    // Used for this pull only: the field is empty again, and the last pull is on record.
    expect(await page.getByLabel('Pull token').inputValue()).toBe('');
    await expect.poll(() => page.locator('.relay-last').textContent()).toMatch(/Last pull: .*, 12 new events\./);

    const rows = app.ctx.store.db.prepare('SELECT mid, sent_at, delivered_at, read_at FROM messages ORDER BY sent_at').all();
    expect(rows).toEqual([0, 1, 2, 3].map((i) => ({ mid: `m_e2e_relay_${i}`, sent_at: T0 + i * 60_000, delivered_at: T0 + i * 60_000 + 3_000, read_at: T0 + i * 60_000 + 8_000 })));
    expect(await page.content()).not.toContain(PULL_TOKEN);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'relay-pull-en');
  });

  it('switches the local receiver on in Settings with the keyboard, shows its address, and imports what it received', async () => {
    await page.getByRole('navigation').getByRole('button', { name: 'Workspace settings' }).click();
    const toggle = page.getByRole('switch', { name: 'Receive webhooks on this computer' });
    await expect.poll(() => toggle.count()).toBe(1);
    expect(await toggle.isChecked()).toBe(false);
    expect(await page.locator('#receiver-state').textContent()).toBe('Off');

    const port = await freePort();
    await page.getByLabel('Port', { exact: true }).fill(String(port));
    await toggle.focus();
    await page.keyboard.press('Space');
    const address = `http://127.0.0.1:${port}/webhook`;
    await expect.poll(() => page.locator('#receiver-state').textContent()).toBe(`On — listening on ${address}`);
    expect(await toggle.isChecked()).toBe(true);
    expect(await page.locator('.receiver-facts code').first().textContent()).toBe(address);

    for (const raw of conversation(7)) await post(address, raw);
    await page.getByRole('button', { name: 'Import received events now' }).click();
    await expect.poll(() => page.getByText('3 events imported into “Maple Shop”.').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.locator('.receiver-facts').textContent()).toContain('Events received3');
    expect(count("SELECT count(*) AS n FROM messages WHERE mid = 'm_e2e_relay_7' AND read_at = ?", T0 + 7 * 60_000 + 8_000)).toBe(1);

    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'receiver-on-en');

    await toggle.click();
    await expect.poll(() => page.locator('#receiver-state').textContent()).toBe('Off');
    expect(app.ctx.receiver).toBeUndefined();
  });

  it('logged no console errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
