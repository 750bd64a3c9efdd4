import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCampaignTag, parseWebhookBody, timeUnitProblem } from '../../../shared/domain/webhook';
import { VALID_PAGE as PAGE, VALID_TIME as T, webhookBody } from './support/webhookArbitraries';

const body = (messaging: unknown[], entry: Record<string, unknown> = {}) => ({ object: 'page', entry: [{ id: PAGE, time: T, messaging, ...entry }] });
const reasonOf = (value: unknown) => {
  const r = parseWebhookBody(value);
  return r.ok ? 'ok' : r.reason;
};

describe('webhook schemas', () => {
  it('tells milliseconds from seconds by their digits', () => {
    expect(timeUnitProblem(T)).toBeNull();
    expect(timeUnitProblem(Math.floor(T / 1000))).toBe('in_seconds');
    expect(timeUnitProblem(12)).toBe('implausible');
    expect(timeUnitProblem(T * 1000)).toBe('implausible');
  });

  it('classifies echoes, inbound messages, deliveries, reads and everything else', () => {
    const r = parseWebhookBody(
      body([
        { sender: { id: PAGE }, recipient: { id: 'P1' }, timestamp: T, message: { mid: 'm_1', is_echo: true, metadata: 'x' } },
        { sender: { id: 'P1' }, recipient: { id: PAGE }, timestamp: T + 1, message: { mid: 'm_2', text: 'hi' } },
        { sender: { id: 'P1' }, recipient: { id: PAGE }, delivery: { mids: ['m_1'], watermark: T } },
        { sender: { id: 'P1' }, recipient: { id: PAGE }, timestamp: T + 9, read: { watermark: T + 5 } },
        { sender: { id: 'P1' }, recipient: { id: PAGE }, timestamp: T + 9, postback: { payload: 'X' } },
      ]),
    );
    expect(r).toEqual({
      ok: true,
      events: [
        { kind: 'echo', pageId: PAGE, psid: 'P1', mid: 'm_1', sentAt: T, metadata: 'x' },
        { kind: 'inbound', pageId: PAGE, psid: 'P1', mid: 'm_2', sentAt: T + 1 },
        { kind: 'delivery', pageId: PAGE, psid: 'P1', time: T, watermark: T, mids: ['m_1'], receivedAt: T },
        { kind: 'read', pageId: PAGE, psid: 'P1', time: T + 9, watermark: T + 5, receivedAt: T },
        { kind: 'ignored', pageId: PAGE, type: 'postback' },
      ],
    });
    // A wrapper's reception time is carried to the receipts.
    const wrapped = parseWebhookBody(body([{ sender: { id: 'P1' }, recipient: { id: PAGE }, read: { watermark: T } }]), T + 77);
    expect(wrapped.ok && wrapped.events[0]).toMatchObject({ time: T, receivedAt: T + 77 });
  });

  it('names what is wrong', () => {
    expect(reasonOf({ object: 'instagram', entry: [] })).toBe('wrong_object');
    expect(reasonOf({ entry: [] })).toBe('not_a_webhook');
    expect(reasonOf([])).toBe('not_a_webhook');
    expect(reasonOf({ object: 'page', entry: 'x' })).toBe('not_a_webhook');
    expect(reasonOf(body([], { time: Math.floor(T / 1000) }))).toBe('timestamp_in_seconds');
    expect(reasonOf(body([{ sender: { id: 'P1' }, recipient: { id: PAGE }, read: { watermark: Math.floor(T / 1000) } }]))).toBe('watermark_in_seconds');
    expect(reasonOf(body([{ sender: { id: 'P1' }, recipient: { id: PAGE }, delivery: { watermark: T * 1000 } }]))).toBe('implausible_time');
    expect(reasonOf(body([{ sender: { id: 'P1' }, recipient: { id: PAGE }, delivery: { watermark: 1.5 } }]))).toBe('invalid_event');
    expect(reasonOf(body([{ sender: { id: 'P1' }, recipient: { id: PAGE }, delivery: {} }]))).toBe('invalid_event');
    expect(reasonOf(body([{ sender: { id: 'P1' }, recipient: { id: 'ANOTHER' }, read: { watermark: T } }]))).toBe('page_mismatch');
    expect(reasonOf(body([{ sender: { id: 'X' }, recipient: { id: 'P1' }, timestamp: T, message: { mid: 'm', is_echo: true } }]))).toBe('page_mismatch');
    expect(reasonOf(body([{ sender: { id: 2 ** 60 }, recipient: { id: PAGE }, read: { watermark: T } }]))).toBe('invalid_event');
    const detailed = parseWebhookBody(body([{}, { sender: { id: 'P1' }, recipient: { id: PAGE }, timestamp: T, message: { mid: 1 } }]));
    expect(detailed).toMatchObject({ ok: false, reason: 'invalid_event', detail: expect.stringContaining('entry.0.messaging.1') });
  });

  it('numeric ids are read as the strings Meta sends', () => {
    const r = parseWebhookBody({ object: 'page', entry: [{ id: 444000000000001, time: T, messaging: [{ sender: { id: 17 }, recipient: { id: 444000000000001 }, read: { watermark: T } }] }] });
    expect(r.ok && r.events[0]).toMatchObject({ pageId: '444000000000001', psid: '17' });
  });

  it('reads Relais campaign tags from message metadata, and nothing from anyone else’s', () => {
    expect(parseCampaignTag('{"relais":{"campaign":"c1","campaignName":"Lunch","kind":"notice","variant":"B"}}')).toEqual({ campaign: 'c1', campaignName: 'Lunch', kind: 'notice', variant: 'B' });
    expect(parseCampaignTag('{"relais":{"campaign":"c1"}}')).toEqual({ campaign: 'c1', campaignName: 'c1', kind: 'other', variant: null });
    expect(parseCampaignTag('{"relais":{"campaign":""}}')).toBeNull();
    expect(parseCampaignTag('{"relais": oops')).toBeNull();
    expect(parseCampaignTag('order #42')).toBeNull();
  });

  it('the hand checks give exactly what the schema gives, on any body', () => {
    fc.assert(
      fc.property(webhookBody, fc.option(fc.integer({ min: T, max: T + 1e6 }), { nil: undefined }), (value, receivedAt) => {
        expect(parseWebhookBody(value, receivedAt)).toEqual(parseWebhookBody(value, receivedAt, { schemaOnly: true }));
      }),
      { numRuns: 3000 },
    );
  });
});
