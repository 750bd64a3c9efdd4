import { afterEach, describe, expect, it } from 'vitest';
import { ThreadWriter } from '../../../electron/services/ingest/threadWriter';
import { parseWebhookBody, type MessagingEvent } from '../../../shared/domain/webhook';
import { bodyLine, expectedStore, mulberry32, PAGE_A, PAGE_B, randomScenario, shuffled } from './support/scenario';
import { addPage, domainView, freshStore, type TestStore } from './support/store';

const open: TestStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function eventsOf(lines: string[]): MessagingEvent[] {
  return lines.flatMap((l) => {
    const r = parseWebhookBody(JSON.parse(l));
    if (!r.ok) throw new Error(r.detail);
    return r.events;
  });
}

describe('thread writer', () => {
  it('gives the same store when its thread cache is tiny and starts over between batches', () => {
    const events = randomScenario(8, { threads: 20, messagesPerThread: 6 });
    const parsed = eventsOf(shuffled(events.map(bodyLine), mulberry32(8)));
    const s = freshStore();
    open.push(s);
    addPage(s.db, s.workspaceId, PAGE_A);
    addPage(s.db, s.workspaceId, PAGE_B);
    const pages = new Map((s.db.prepare('SELECT page_id AS p, id FROM pages').all() as { p: string; id: number }[]).map((r) => [r.p, r.id]));
    const writer = new ThreadWriter(s.db, s.workspaceId, pages, { maxCachedThreads: 2 });
    for (let i = 0; i < parsed.length; i += 9) s.db.transaction(() => writer.applyBatch(parsed.slice(i, i + 9)))();
    const expected = expectedStore(events);
    const got = domainView(s.db);
    expect(got.messages).toEqual(expected.messages);
    expect(got.contacts).toEqual(expected.contacts);
  });
});
