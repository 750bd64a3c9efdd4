import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import type { ApiReply } from '../../../shared/api/errors';
import { makeTempDir } from '../../support/tempDir';

// The send-time model fit and plan run in the job worker: the main process keeps answering
// meanwhile, and the worker answers exactly what the in-process code answers, errors included.
// Needs the built worker (dist/electron/jobWorker.cjs): `node electron/tools/build.mjs`.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Enough history that fitting the model takes a noticeable while (about a second on 2 cores). */
const CONTACTS = 3000;
const ZONES = ['Europe/Paris', 'America/Toronto', 'Asia/Tokyo', 'UTC'];

const workerScript = path.join(process.cwd(), 'dist', 'electron', 'jobWorker.cjs');
let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let now: number;
let workspaceId: number;
let emptyWorkspaceId: number;
let contactIds: number[];

beforeAll(() => {
  if (!fs.existsSync(workerScript) || !fs.readFileSync(workerScript, 'utf8').includes('runSendTimeTask')) {
    throw new Error(`${workerScript} is missing or older than the send-time worker task: run "node electron/tools/build.mjs" first.`);
  }
  tmp = makeTempDir('relais-sendtime-offthread-');
  ctx = createContext({ dataDir: tmp.dir });
  now = Date.now();
  workspaceId = ctx.workspaces.create({ name: 'Big', timeZone: 'Europe/Paris', locale: 'fr-FR' }).id;
  emptyWorkspaceId = ctx.workspaces.create({ name: 'Empty', timeZone: 'UTC', locale: 'en-US' }).id;
  const db = ctx.store.db;
  const page = Number(db.prepare("INSERT INTO pages (workspace_id, page_id, time_zone, created_at) VALUES (?, 'p1', 'Europe/Paris', 0)").run(workspaceId).lastInsertRowid);
  const contact = db.prepare('INSERT INTO contacts (page_ref, psid, time_zone, last_inbound_at) VALUES (?, ?, ?, ?)');
  const out = db.prepare("INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, read_at) VALUES (?, ?, 'out', ?, 'echo', ?, ?)");
  const inbound = db.prepare("INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source) VALUES (?, ?, 'in', ?, 'inbound')");
  const midnight = Math.floor(now / DAY) * DAY;
  contactIds = [];
  db.transaction(() => {
    for (let i = 0; i < CONTACTS; i++) {
      // One contact in ten has a zone Intl does not know: the plan warns about them.
      const zone = i % 10 === 9 ? 'Mars/Olympus_Mons' : (ZONES[i % ZONES.length] as string);
      const lastInbound = i % 3 === 0 ? null : now - ((i * 7) % 20) * HOUR - HOUR;
      const id = Number(contact.run(page, `psid-${i}`, zone, lastInbound).lastInsertRowid);
      contactIds.push(id);
      for (let d = 21; d >= 2; d--) {
        const sent = midnight - d * DAY + ((i + d) % 24) * HOUR;
        const seenAfter = ((i * 13 + d * 7) % 300) * MINUTE;
        out.run(`out-${i}-${d}`, id, sent, sent + MINUTE, (i + d) % 4 === 0 ? null : sent + seenAfter);
        if (d % 3 === 0) inbound.run(`in-${i}-${d}`, id, sent + seenAfter + MINUTE);
      }
      // Days 2–6 always fall in the last 7 days, day 7 only at some times of day: 5 or 6 messages.
      // Two more for every seventh contact (7 or 8) make a frequency cap of 7 bite for exactly those, whatever the hour.
      if (i % 7 === 0) {
        out.run(`extra-${i}-a`, id, midnight - DAY - 2 * HOUR, midnight - DAY - 2 * HOUR + MINUTE, null);
        out.run(`extra-${i}-b`, id, midnight - DAY - 3 * HOUR, midnight - DAY - 3 * HOUR + MINUTE, null);
      }
    }
  })();
});
afterAll(() => {
  ctx?.store.close();
  tmp?.cleanup();
});

function planInput(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { workspaceId, horizonMinutes: 60, start: now + HOUR, end: now + 12 * HOUR, holdoutShare: 0.1, holdoutSeed: 'offthread', ...extra };
}

/** The model's assumptions (and their keyed notes) name the instant it was fitted at: the two runs below are a moment apart. */
function sameInstant(reply: ApiReply<unknown>): unknown {
  return JSON.parse(
    JSON.stringify(reply)
      .replace(/before \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, 'before <asOf>')
      .replace(/(fittedAt\\*":\s*)\d+/g, (_, key: string) => `${key}0`),
  );
}

/** The same call in-process (no worker script: the fallback the unit tests use) and in the worker. */
async function bothWays(method: string, input: Record<string, unknown>): Promise<{ inProcess: ApiReply<unknown>; worker: ApiReply<unknown> }> {
  ctx.workerScript = undefined;
  const inProcess = await dispatch(ctx, method, input);
  ctx.workerScript = workerScript;
  const worker = await dispatch(ctx, method, input);
  ctx.workerScript = undefined;
  return { inProcess, worker };
}

/**
 * Runs `method` while the main thread answers a cheap call every few milliseconds; returns when
 * the plan answered, when the first cheap call answered, and the longest the main thread went
 * without answering.
 */
async function whileRunning(method: string, input: Record<string, unknown>): Promise<{ reply: ApiReply<unknown>; total: number; firstCheap: number; longestGap: number }> {
  const t0 = performance.now();
  let firstCheap = Infinity;
  let last = t0;
  let longestGap = 0;
  let done = false;
  const ticks = (async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, 5));
      const reply = await dispatch(ctx, 'workspace:list', {});
      expect(reply.ok).toBe(true);
      const t = performance.now();
      if (firstCheap === Infinity) firstCheap = t - t0;
      longestGap = Math.max(longestGap, t - last);
      last = t;
    }
  })();
  const reply = await dispatch(ctx, method, input);
  const total = performance.now() - t0;
  longestGap = Math.max(longestGap, performance.now() - last);
  done = true;
  await ticks;
  return { reply, total, firstCheap, longestGap };
}

describe('send-time work off the main thread', () => {
  it('keeps answering other calls while a plan on a large workspace is computed in the worker', async () => {
    // In-process, the whole plan holds the main thread: nothing else answers before it.
    ctx.workerScript = undefined;
    const blocking = await whileRunning('sendtime:plan', planInput());
    expect(blocking.reply.ok).toBe(true);
    expect(blocking.firstCheap).toBeGreaterThan(blocking.total * 0.9);

    ctx.workerScript = workerScript;
    const offThread = await whileRunning('sendtime:plan', planInput());
    ctx.workerScript = undefined;
    expect(offThread.reply.ok).toBe(true);
    expect(offThread.firstCheap).toBeLessThan(offThread.total / 4);
    // The main thread still reads the worker's answer and checks it against the contract:
    // a short pause, much shorter than the fit itself.
    expect(offThread.longestGap).toBeLessThan(blocking.total / 2);
    console.log(
      `sendtime:plan on ${CONTACTS} contacts: in-process ${blocking.total.toFixed(0)} ms, main thread blocked ${blocking.longestGap.toFixed(0)} ms; ` +
        `worker ${offThread.total.toFixed(0)} ms, main thread blocked at most ${offThread.longestGap.toFixed(0)} ms`,
    );
  });

  it('answers heatmaps, plans and observed rates exactly as in-process', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['sendtime:heatmap', { workspaceId, horizonMinutes: 120 }],
      ['sendtime:heatmap', { workspaceId, horizonMinutes: 60, contactId: contactIds[5] }],
      ['sendtime:groupHeatmap', { workspaceId, horizonMinutes: 60, contactIds: contactIds.slice(0, 50) }],
      // Quiet hours, a frequency cap, a per-minute cap too tight for everyone, unknown zones (warnings).
      ['sendtime:plan', planInput({ quietHours: { startHour: 22, endHour: 8 }, frequencyCap: { max: 7, days: 7 }, perMinuteCap: 1, explorationShare: 0.1 })],
      ['sendtime:plan', planInput({ contactIds: contactIds.slice(100, 400) })],
      // Observed rates: every outbound message counted, in local and in workspace time.
      ['sendtime:observed', { workspaceId, horizonMinutes: 60, metric: 'seen', clock: 'local' }],
      ['sendtime:observed', { workspaceId, horizonMinutes: 1440, metric: 'delivered', clock: 'workspace', contactIds: contactIds.slice(0, 30) }],
    ];
    const workerReplies: ApiReply<unknown>[] = [];
    for (const [method, input] of cases) {
      const { inProcess, worker } = await bothWays(method, input);
      expect(inProcess.ok, method).toBe(true);
      expect(sameInstant(worker)).toEqual(sameInstant(inProcess));
      workerReplies.push(worker);
    }
    const capped = workerReplies[3]?.ok ? (workerReplies[3].data as { plan: { sends: unknown[]; leftOut: { reason: string }[]; warnings?: string[] } }).plan : null;
    expect(capped?.sends.length).toBeGreaterThan(100);
    expect(new Set(capped?.leftOut.map((l) => l.reason))).toEqual(new Set(['send_cap', 'frequency_cap', 'outside_window', 'quiet_hours']));
    expect(capped?.warnings?.join(' ')).toMatch(/left out by the per-minute cap.*Mars\/Olympus_Mons|Mars\/Olympus_Mons.*left out by the per-minute cap/);
  });

  it('gives the same typed errors from the worker as in-process', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['sendtime:plan', { ...planInput(), workspaceId: emptyWorkspaceId }, 'The audience is empty.'],
      ['sendtime:plan', planInput({ start: now - 3 * HOUR, end: now - HOUR }), 'in the past'],
      ['sendtime:plan', planInput({ end: now }), 'empty'],
      ['sendtime:plan', planInput({ horizonMinutes: 24 * 60 }), 'longer than the validity window'],
      ['sendtime:heatmap', { workspaceId: 999, horizonMinutes: 60 }, 'does not exist'],
      ['sendtime:save', { ...planInput({ start: now - 3 * HOUR, end: now - HOUR }), campaign: { name: 'Late' } }, 'in the past'],
      // Every contact in the audience has no open 24-hour window: nothing to save.
      ['sendtime:save', { ...planInput({ contactIds: contactIds.filter((_, i) => i % 3 === 0).slice(0, 20) }), campaign: { name: 'Nobody' } }, 'Nothing to save'],
    ];
    for (const [method, input, message] of cases) {
      const { inProcess, worker } = await bothWays(method, input);
      expect(inProcess, `${method} ${message}`).toMatchObject({ ok: false, error: { message: expect.stringContaining(message) } });
      expect(worker).toEqual(inProcess);
    }
    const withIssues = await bothWays('sendtime:plan', planInput({ horizonMinutes: 24 * 60 }));
    expect(withIssues.worker).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ path: 'horizonMinutes', message: 'horizon.longerThanWindow' }] } });
    expect(ctx.store.db.prepare('SELECT count(*) AS n FROM campaigns').get()).toEqual({ n: 0 });
  });

  it('saves in the main process a plan computed in the worker', async () => {
    ctx.workerScript = workerScript;
    const reply = await dispatch(ctx, 'sendtime:save', { ...planInput({ contactIds: contactIds.slice(0, 300) }), campaign: { name: 'Off-thread promo' } });
    ctx.workerScript = undefined;
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const { saved, plan } = reply.data as { saved: { planId: number; scheduled: number; campaignName: string }; plan: { sends: unknown[] } };
    expect(saved.campaignName).toBe('Off-thread promo');
    expect(saved.scheduled).toBe(plan.sends.length);
    expect(saved.scheduled).toBeGreaterThan(0);
    expect(ctx.store.db.prepare('SELECT count(*) AS n FROM send_time_plan_rows WHERE plan_id = ?').get(saved.planId)).toEqual({ n: plan.sends.length });
  });
});
