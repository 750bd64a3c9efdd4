import fs from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportError } from '../../../electron/services/ingest/errors';
import { importArchive, type ImportOptions, type ImportProgress } from '../../../electron/services/ingest/importArchive';
import { signWebhookBody } from '../../../electron/services/ingest/signature';
import {
  batchedBodyLine,
  bodyLine,
  campaignMetadata,
  expectedStore,
  mulberry32,
  PAGE_A,
  PAGE_B,
  randomScenario,
  shuffled,
  T0,
  type EventSpec,
} from './support/scenario';
import { addPage, countRows, domainView, FIXED_NOW, freshStore, fullDump, type TestStore } from './support/store';

const open: TestStore[] = [];
function store(): TestStore {
  const s = freshStore();
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function run(s: TestStore, file: string, opts: Partial<ImportOptions> = {}, onProgress?: (p: ImportProgress) => void) {
  return importArchive(s.db, { file, workspaceId: s.workspaceId, addPages: true, now: FIXED_NOW, ...opts }, onProgress);
}

const PSID = '9100000000000001';
const echo = (mid: string, at: number, extra: Partial<Extract<EventSpec, { kind: 'echo' }>> = {}): EventSpec => ({ kind: 'echo', pageId: PAGE_A, psid: PSID, mid, at, ...extra });
const delivery = (at: number | null, watermark: number | null, mids: string[] = []): EventSpec => ({
  kind: 'delivery',
  pageId: PAGE_A,
  psid: PSID,
  at,
  watermark,
  mids,
  entryTime: (at ?? watermark ?? T0) + 40,
});
const read = (at: number | null, watermark: number): EventSpec => ({ kind: 'read', pageId: PAGE_A, psid: PSID, at, watermark, entryTime: (at ?? watermark) + 40 });
const message = (s: TestStore, mid: string) =>
  s.db.prepare('SELECT sent_at AS sentAt, sent_at_source AS source, delivered_at AS deliveredAt, delivered_inferred AS inferred, read_at AS readAt FROM messages WHERE mid = ?').get(mid) as
    | { sentAt: number; source: string; deliveredAt: number | null; inferred: number; readAt: number | null }
    | undefined;

describe('webhook archive import: receipts follow domain.md', () => {
  it('imports an archive into exactly the store domain.md defines', async () => {
    const s = store();
    const events = randomScenario(1, { threads: 30, messagesPerThread: 8 });
    const result = await run(s, s.write('a.ndjson', events.map(bodyLine)));
    expect(result.status).toBe('completed');
    expect(result.badLines).toBe(0);
    expect(result.events).toBe(events.length);
    expect(result.pagesAdded.sort()).toEqual([PAGE_A, PAGE_B]);
    const expected = expectedStore(events);
    const got = domainView(s.db);
    expect(got.messages).toEqual(expected.messages);
    expect(got.contacts).toEqual(expected.contacts);
  });

  it('imports the same file twice: the second run reports "already imported" and changes nothing', async () => {
    const s = store();
    const file = s.write('a.ndjson', randomScenario(2).map(bodyLine));
    const first = await run(s, file);
    const before = fullDump(s.db);
    const second = await run(s, file);
    expect(second.status).toBe('already_imported');
    expect(second.runId).toBe(first.runId);
    expect(second.events).toBe(first.events);
    expect(fullDump(s.db)).toEqual(before);
    // Forced, the file is read again: replays change nothing either.
    const forced = await run(s, file, { force: true });
    expect(forced.status).toBe('completed');
    const after = fullDump(s.db);
    expect(after.messages).toEqual(before.messages);
    expect(after.receipt_events).toEqual(before.receipt_events);
    expect(after.contacts).toEqual(before.contacts);
  });

  it('shuffled and duplicated events, in any batch size, give the identical store', async () => {
    const events = randomScenario(3, { threads: 25 });
    const lines = events.map(bodyLine);
    const reference = store();
    await run(reference, reference.write('ordered.ndjson', lines));
    const want = domainView(reference.db);
    expect(want.messages).toEqual(expectedStore(events).messages);
    const random = mulberry32(99);
    for (const batchSize of [1, 7, 5000]) {
      const s = store();
      const noisy = shuffled([...lines, ...lines.filter(() => random() < 0.4)], random);
      const result = await run(s, s.write('noisy.ndjson', noisy), { batchSize });
      expect(result.events).toBe(noisy.length);
      expect(domainView(s.db)).toEqual(want);
    }
  });

  it('keeps receipts that arrive before their message and applies them when it arrives', async () => {
    const s = store();
    const m1 = echo('m_early_1', T0);
    const m2 = echo('m_early_2', T0 + 60_000);
    const receipts = [delivery(T0 + 90_000, T0 + 60_000), delivery(T0 + 30_000, null, ['m_early_1']), read(T0 + 120_000, T0 + 60_000)];
    // Receipts in one file, imported first; the messages in another, later.
    await run(s, s.write('receipts.ndjson', receipts.map(bodyLine)));
    expect(countRows(s.db).messages).toBe(0);
    expect(countRows(s.db).receipt_mids).toBe(1);
    await run(s, s.write('messages.ndjson', [m1, m2].map(bodyLine)));
    expect(message(s, 'm_early_1')).toMatchObject({ deliveredAt: T0 + 30_000, inferred: 0, readAt: T0 + 120_000 });
    expect(message(s, 'm_early_2')).toMatchObject({ deliveredAt: T0 + 90_000, inferred: 0, readAt: T0 + 120_000 });
    // The pending mid was applied and cleared.
    expect(countRows(s.db).receipt_mids).toBe(0);
    // And within one file, across batches of one line.
    const t = store();
    await run(t, t.write('mixed.ndjson', [...receipts, m1, m2].map(bodyLine)), { batchSize: 1 });
    expect(domainView(t.db).messages).toEqual(domainView(s.db).messages);
  });

  it('a read with no delivery covering it infers the delivery; an earlier delivery later replaces it', async () => {
    const s = store();
    const m = echo('m_read_only', T0);
    await run(s, s.write('1.ndjson', [m, read(T0 + 600_000, T0 + 1000)].map(bodyLine)));
    expect(message(s, 'm_read_only')).toMatchObject({ deliveredAt: T0 + 600_000, inferred: 1, readAt: T0 + 600_000 });
    // A delivery reported after the read, with a later time, does not move the time later.
    await run(s, s.write('2.ndjson', [delivery(T0 + 700_000, T0 + 1000)].map(bodyLine)));
    expect(message(s, 'm_read_only')).toMatchObject({ deliveredAt: T0 + 600_000, inferred: 1 });
    // One at the same instant as the read is a real delivery.
    await run(s, s.write('3.ndjson', [delivery(T0 + 600_000, T0 + 5000)].map(bodyLine)));
    expect(message(s, 'm_read_only')).toMatchObject({ deliveredAt: T0 + 600_000, inferred: 0 });
    // An earlier one replaces it.
    await run(s, s.write('4.ndjson', [delivery(T0 + 200_000, T0)].map(bodyLine)));
    expect(message(s, 'm_read_only')).toMatchObject({ deliveredAt: T0 + 200_000, inferred: 0, readAt: T0 + 600_000 });
  });

  it('a delivery with mids only covers exactly those messages', async () => {
    const s = store();
    const events = [echo('m_1', T0), echo('m_2', T0 + 1000), echo('m_3', T0 + 2000), delivery(T0 + 5000, null, ['m_2'])];
    const result = await run(s, s.write('a.ndjson', events.map(bodyLine)));
    expect(result.deliveries).toBe(1);
    expect(message(s, 'm_1')?.deliveredAt).toBeNull();
    expect(message(s, 'm_2')?.deliveredAt).toBe(T0 + 5000);
    expect(message(s, 'm_3')?.deliveredAt).toBeNull();
    // A watermark below a message plus its mid: the mid covers it, the watermark its elders.
    await run(s, s.write('b.ndjson', [delivery(T0 + 9000, T0, ['m_3'])].map(bodyLine)));
    expect(message(s, 'm_1')?.deliveredAt).toBe(T0 + 9000);
    expect(message(s, 'm_2')?.deliveredAt).toBe(T0 + 5000);
    expect(message(s, 'm_3')?.deliveredAt).toBe(T0 + 9000);
    // A delivery without a timestamp takes its entry's time.
    const t = store();
    await run(t, t.write('c.ndjson', [echo('m_x', T0), delivery(null, T0)].map(bodyLine)));
    expect(message(t, 'm_x')?.deliveredAt).toBe(T0 + 40);
  });

  it('a mid names a message only in its own thread', async () => {
    const s = store();
    const other: EventSpec = { kind: 'delivery', pageId: PAGE_A, psid: '9100000000000999', at: T0 + 5000, watermark: null, mids: ['m_mine'], entryTime: T0 + 5040 };
    await run(s, s.write('a.ndjson', [other, echo('m_mine', T0)].map(bodyLine)));
    expect(message(s, 'm_mine')?.deliveredAt).toBeNull();
    await run(s, s.write('b.ndjson', [echo('m_mine2', T0), { ...other, mids: ['m_mine2'] }].map(bodyLine)));
    expect(message(s, 'm_mine2')?.deliveredAt).toBeNull();
  });

  it('links echoes to their campaign and variant from the message metadata, and opens the 24-hour window on inbound messages', async () => {
    const s = store();
    const events: EventSpec[] = [
      echo('m_c1', T0 + 5000, { metadata: campaignMetadata('lunch-42', 'A') }),
      echo('m_c2', T0, { metadata: campaignMetadata('lunch-42', 'B') }),
      echo('m_plain', T0, { metadata: 'free text from another app' }),
      { kind: 'inbound', pageId: PAGE_A, psid: PSID, mid: 'm_in_1', at: T0 + 100_000 },
      { kind: 'inbound', pageId: PAGE_A, psid: PSID, mid: 'm_in_2', at: T0 - 100_000 },
    ];
    await run(s, s.write('a.ndjson', events.map(bodyLine)));
    const view = domainView(s.db);
    expect(view.campaigns).toEqual([{ ref: 'lunch-42', name: 'Campaign lunch-42', kind: 'flash_promo', createdAt: T0, variants: 'A,B' }]);
    expect(view.messages.find((m) => m.mid === 'm_c1')).toMatchObject({ campaign: 'lunch-42', variant: 'A' });
    expect(view.messages.find((m) => m.mid === 'm_plain')).toMatchObject({ campaign: null, variant: null });
    expect(view.contacts).toEqual([{ pageId: PAGE_A, psid: PSID, firstInbound: T0 - 100_000, lastInbound: T0 + 100_000 }]);
    expect(message(s, 'm_in_1')).toMatchObject({ source: 'inbound', deliveredAt: null });
    expect(message(s, 'm_c1')).toMatchObject({ source: 'echo', sentAt: T0 + 5000 });
  });

  it('reads several events in one body the same as one per line', async () => {
    // A receipt without a timestamp takes its entry's time, which a shared body would change.
    const events = randomScenario(4, { threads: 10 }).map((e) => ((e.kind === 'delivery' || e.kind === 'read') && e.at === null ? { ...e, at: e.entryTime } : e));
    const a = store();
    await run(a, a.write('one.ndjson', events.map(bodyLine)));
    const b = store();
    const byThread = new Map<string, EventSpec[]>();
    for (const e of events) byThread.set(`${e.pageId}/${e.psid}`, [...(byThread.get(`${e.pageId}/${e.psid}`) ?? []), e]);
    await run(b, b.write('batched.ndjson', [...byThread.values()].map(batchedBodyLine)));
    const va = domainView(a.db);
    const vb = domainView(b.db);
    expect(vb.messages).toEqual(va.messages);
    expect(vb.contacts).toEqual(va.contacts);
  });

  it('matches domain.md on random histories in random order and batch sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), fc.integer({ min: 1, max: 3 }), async (seed, batchSize, duplicate, files) => {
        const events = randomScenario(seed, { threads: 4, messagesPerThread: 5 });
        const random = mulberry32(seed ^ 0x5bd1e995);
        const lines = shuffled(duplicate ? [...events, ...events].map(bodyLine) : events.map(bodyLine), random);
        const s = freshStore();
        try {
          // Split across files imported one after the other: later files meet rows already there.
          const cuts = [0, ...Array.from({ length: files - 1 }, () => Math.floor(random() * lines.length)).sort((x, y) => x - y), lines.length];
          for (let f = 0; f < files; f++) await run(s, s.write(`p${f}.ndjson`, lines.slice(cuts[f], cuts[f + 1])), { batchSize });
          const expected = expectedStore(events);
          const got = domainView(s.db);
          expect(got.messages).toEqual(expected.messages);
          expect(got.contacts).toEqual(expected.contacts);
        } finally {
          s.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('webhook archive import: bad input', () => {
  it('reports a truncated JSON line by line number and keeps every good line', async () => {
    const s = store();
    const good = randomScenario(5, { threads: 3 }).map(bodyLine);
    const cut = good[1]!.slice(0, 60);
    const lines = [good[0]!, cut, ...good.slice(2)];
    const result = await run(s, s.write('a.ndjson', lines));
    expect(result.status).toBe('completed');
    expect(result.badLines).toBe(1);
    expect(result.badLineReport).toEqual([{ line: 2, item: 2, reason: 'truncated_json', detail: expect.any(String) }]);
    expect(result.events).toBe(good.length - 1);
    // Not valid JSON, not cut short: another reason.
    const t = store();
    const other = await run(t, t.write('b.ndjson', ['{"object":"page",,}', good[0]!]));
    expect(other.badLineReport.map((b) => b.reason)).toEqual(['invalid_json']);
  });

  it('sets aside a body whose object is not "page", and one that is no webhook at all', async () => {
    const s = store();
    const ok = bodyLine(echo('m_ok', T0));
    const instagram = ok.replace('"object":"page"', '"object":"instagram"');
    const result = await run(s, s.write('a.ndjson', [instagram, ok, '{"hello":"world"}', '[1,2]']));
    expect(result.badLineReport.map((b) => [b.line, b.reason])).toEqual([
      [1, 'wrong_object'],
      [3, 'not_a_webhook'],
      [4, 'not_a_webhook'],
    ]);
    expect(result.echoes).toBe(1);
  });

  it('counts unknown event kinds as ignored, not as errors', async () => {
    const s = store();
    const events: EventSpec[] = [
      echo('m_1', T0),
      { kind: 'other', pageId: PAGE_A, psid: PSID, at: T0 + 1, type: 'postback' },
      { kind: 'other', pageId: PAGE_A, psid: PSID, at: T0 + 2, type: 'reaction' },
      { kind: 'other', pageId: PAGE_A, psid: PSID, at: T0 + 3, type: 'optin' },
    ];
    const result = await run(s, s.write('a.ndjson', events.map(bodyLine)));
    expect(result).toMatchObject({ badLines: 0, events: 4, echoes: 1, ignored: 3 });
  });

  it('detects watermarks (and timestamps) in seconds and reports them, never guessing', async () => {
    const s = store();
    const inSeconds = bodyLine(read(T0 + 1000, T0)).replace(`"watermark":${T0}`, `"watermark":${Math.floor(T0 / 1000)}`);
    const tsSeconds = bodyLine(echo('m_s', T0)).replace(`"timestamp":${T0}`, `"timestamp":${Math.floor(T0 / 1000)}`);
    const result = await run(s, s.write('a.ndjson', [bodyLine(echo('m_1', T0)), inSeconds, tsSeconds]));
    expect(result.badLineReport.map((b) => [b.line, b.reason])).toEqual([
      [2, 'watermark_in_seconds'],
      [3, 'timestamp_in_seconds'],
    ]);
    expect(message(s, 'm_1')).toMatchObject({ deliveredAt: null, readAt: null });
    expect(message(s, 'm_s')).toBeUndefined();
  });

  it('verifies signatures when given the app secret: a mismatch is a bad line; without the secret lines count as unverified', async () => {
    const secret = 'app-secret-for-tests';
    const bodies = [echo('m_1', T0), echo('m_2', T0 + 1), echo('m_3', T0 + 2)].map(bodyLine);
    const wrap = (raw: string, signature: string | undefined) => JSON.stringify({ raw, ...(signature ? { signature } : {}), received_at: T0 + 9000 });
    const lines = [
      wrap(bodies[0]!, signWebhookBody(bodies[0]!, secret)),
      wrap(bodies[1]!, signWebhookBody(bodies[1]!, 'another-secret')),
      wrap(bodies[2]!.replace('m_3', 'm_4'), signWebhookBody(bodies[2]!, secret)),
      wrap(bodies[2]!, undefined),
    ];
    const s = store();
    const verified = await run(s, s.write('a.ndjson', lines), { appSecret: secret });
    expect(verified.badLineReport.map((b) => [b.line, b.reason])).toEqual([
      [2, 'signature_mismatch'],
      [3, 'signature_mismatch'],
      [4, 'signature_missing'],
    ]);
    expect(verified).toMatchObject({ echoes: 1, unverified: 0 });
    const t = store();
    const unverified = await run(t, t.write('a.ndjson', lines));
    expect(unverified).toMatchObject({ badLines: 0, echoes: 4, unverified: 4 });
    // The wrapper's reception time is what the receipt rows keep.
    const u = store();
    await run(u, u.write('r.ndjson', [wrap(bodyLine(read(T0 + 5, T0)), signWebhookBody(bodyLine(read(T0 + 5, T0)), secret))]), { appSecret: secret });
    expect(domainView(u.db).receipts).toEqual([expect.objectContaining({ kind: 'read', receivedAt: T0 + 9000 })]);
  });

  it('stops before writing anything when the archive has Pages not in the workspace, and adds them with addPages', async () => {
    const s = store();
    addPage(s.db, s.workspaceId, PAGE_A);
    const events = randomScenario(6, { threads: 6 });
    const file = s.write('a.ndjson', events.map(bodyLine));
    const before = fullDump(s.db);
    const error = await run(s, file, { addPages: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).kind).toBe('pages_not_in_workspace');
    expect((error as ImportError).pageIds).toEqual([PAGE_B]);
    expect((error as ImportError).message).toContain(PAGE_B);
    expect(fullDump(s.db)).toEqual(before);
    const result = await run(s, file, { addPages: true });
    expect(result.pagesAdded).toEqual([PAGE_B]);
    expect(domainView(s.db).messages).toEqual(expectedStore(events).messages);
  });

  it('reads a file still being appended to only as far as it was when the import started', async () => {
    const s = store();
    const file = s.write('growing.ndjson', [bodyLine(echo('m_before', T0))]);
    const size = fs.statSync(file).size;
    let appended = false;
    const summary = await run(s, file, {}, (p) => {
      if (!appended && p.phase === 'scanning') {
        appended = true;
        fs.appendFileSync(file, `${bodyLine(echo('m_after', T0 + 1))}\n`);
      }
    });
    expect(appended).toBe(true);
    expect(summary).toMatchObject({ status: 'completed', bytes: size, echoes: 1, badLines: 0 });
    expect(message(s, 'm_after')).toBeUndefined();
  });

  it('reports a line too long to keep, and moves on', async () => {
    const s = store();
    const long = bodyLine(echo('m_long', T0)).replace('Menu du jour', 'x'.repeat(5000));
    const result = await run(s, s.write('a.ndjson', [long, bodyLine(echo('m_short', T0))]), { maxValueBytes: 1000 });
    expect(result.badLineReport.map((b) => [b.line, b.reason])).toEqual([[1, 'line_too_long']]);
    expect(result.echoes).toBe(1);
  });

  it('counts every bad line but lists only the first thousand', async () => {
    const s = store();
    const lines = Array.from({ length: 1205 }, (_, i) => (i % 2 === 0 ? 'not json' : '{"object":"user","entry":[]}'));
    const result = await run(s, s.write('a.ndjson', lines));
    expect(result.badLines).toBe(1205);
    expect(result.badLineReport).toHaveLength(1000);
    expect(result.badLineReport[999]!.line).toBe(1000);
  });

  it('imports a JSON array, pretty-printed over many lines, to the same store as NDJSON', async () => {
    const events = randomScenario(7, { threads: 12 });
    const a = store();
    await run(a, a.write('a.ndjson', events.map(bodyLine)));
    const b = store();
    const pretty = JSON.stringify(
      events.map((e) => JSON.parse(bodyLine(e)) as unknown),
      null,
      2,
    );
    const result = await run(b, b.write('a.json', pretty), { batchSize: 5 });
    expect(result.format).toBe('json_array');
    expect(result.values).toBe(events.length);
    expect(domainView(b.db)).toEqual(domainView(a.db));
    // Bad elements are reported at the line where they start.
    const c = store();
    const withBad = `[\n${bodyLine(echo('m_1', T0))},\n  {"object":"instagram","entry":[]},\n  42\n]\n`;
    const bad = await run(c, c.write('b.json', withBad));
    expect(bad.badLineReport.map((x) => [x.line, x.item, x.reason])).toEqual([
      [3, 2, 'wrong_object'],
      [4, 3, 'not_a_webhook'],
    ]);
  });
});
