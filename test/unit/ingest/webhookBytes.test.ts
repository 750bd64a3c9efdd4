import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { webhookEventsFromBytes } from '../../../electron/services/ingest/webhookBytes';
import { parseWebhookBody } from '../../../shared/domain/webhook';
import { VALID_PAGE as PAGE, VALID_TIME as T, webhookText } from './support/webhookArbitraries';

const fast = (text: string) => {
  const buf = Buffer.from(text, 'utf8');
  return webhookEventsFromBytes(buf, 0, buf.length);
};

/** The reference: JSON.parse, then the schema-backed parser. */
function slow(text: string): ReturnType<typeof parseWebhookBody> | 'invalid_json' {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'invalid_json';
  }
  return parseWebhookBody(value);
}

/** Whenever the fast path answers, it answers what the reference does. */
function agrees(text: string): void {
  const got = fast(text);
  if (got === null) return;
  const want = slow(text);
  expect(want).not.toBe('invalid_json');
  expect(want).toEqual({ ok: true, events: got });
}

const echoLine = `{"object":"page","entry":[{"id":"${PAGE}","time":${T},"messaging":[{"sender":{"id":"${PAGE}"},"recipient":{"id":"P1"},"timestamp":${T},"message":{"mid":"m_1","is_echo":true,"text":"Plat du jour à 12 €","metadata":"{\\"relais\\":{\\"campaign\\":\\"c\\"}}"}}]}]}`;

describe('reading webhook events straight from bytes', () => {
  it('reads the usual bodies without falling back', () => {
    expect(fast(echoLine)).toEqual([{ kind: 'echo', pageId: PAGE, psid: 'P1', mid: 'm_1', sentAt: T, metadata: '{"relais":{"campaign":"c"}}' }]);
    agrees(echoLine);
    // Members in any order, blanks anywhere, a receipt without its own timestamp.
    const reordered = `{ "entry" : [ { "messaging" : [ { "read" : { "watermark" : ${T} }, "recipient" : { "id" : "${PAGE}" }, "sender" : { "id" : "P2" } } ], "time" : ${T + 5}, "id" : "${PAGE}" } ], "object" : "page" }\r`;
    expect(fast(reordered)).toEqual([{ kind: 'read', pageId: PAGE, psid: 'P2', time: T + 5, watermark: T, receivedAt: T + 5 }]);
    agrees(reordered);
  });

  it('leaves to the slow path what it does not fully understand', () => {
    const cases = [
      echoLine.replace('"object":"page"', '"object":"user"'),
      echoLine.replace(`"id":"${PAGE}","time"`, `"id":${PAGE},"time"`),
      echoLine.replace(`"timestamp":${T}`, `"timestamp":${T}.0`),
      echoLine.replace(`"timestamp":${T}`, `"timestamp":${Math.floor(T / 1000)}`),
      echoLine.replace('"mid":"m_1"', '"m\\u0069d":"m_1"'),
      `{"raw":${JSON.stringify(echoLine)},"signature":"sha256=00"}`,
      echoLine.replace('"is_echo":true', '"is_echo":"true"'),
    ];
    for (const c of cases) {
      expect(fast(c)).toBeNull();
    }
  });

  it('refuses invalid JSON exactly where JSON.parse does', () => {
    const invalid = [
      echoLine.slice(0, -3),
      echoLine.replace('"text":"Plat', '"text":"Pl\u0001at'),
      echoLine.replace('"app_id"', '"app_id"').replace('"text":', '"text":tru,"x":'),
      echoLine.replace('"text":"Plat du jour à 12 €"', '"text":0123'),
      echoLine.replace('"text":"Plat du jour à 12 €"', '"text":"\\x41"'),
      echoLine.replace('"text":"Plat du jour à 12 €"', '"text":[1,]'),
      `${echoLine} x`,
    ];
    for (const text of invalid) {
      expect(slow(text)).toBe('invalid_json');
      expect(fast(text)).toBeNull();
    }
  });

  it('keeps the last of duplicate members, as JSON.parse does', () => {
    const dup = echoLine.replace('"mid":"m_1"', '"mid":"m_0","mid":"m_1"');
    expect(fast(dup)).toMatchObject([{ mid: 'm_1' }]);
    agrees(dup);
    const dupId = echoLine.replace(`"time":${T},`, `"time":${T},"id":"other",`);
    agrees(dupId);
  });

  it('agrees with JSON.parse and the schema on any body', () => {
    let answered = 0;
    fc.assert(
      fc.property(webhookText, (text) => {
        if (fast(text) !== null) answered++;
        agrees(text);
      }),
      { numRuns: 4000 },
    );
    // Most well-formed bodies take the fast path; the property is not vacuous.
    expect(answered).toBeGreaterThan(300);
  });

  it('never accepts a corrupted body the reference rejects', () => {
    fc.assert(
      fc.property(
        webhookText,
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), fc.constantFrom(...'{}[]",:\\ 0123456789aetrunlx'.split(''))), { minLength: 1, maxLength: 3 }),
        (text, edits) => {
          let t = text;
          for (const [at, op, ch] of edits) {
            const i = t.length === 0 ? 0 : at % t.length;
            t = op === 'delete' ? t.slice(0, i) + t.slice(i + 1) : op === 'insert' ? t.slice(0, i) + ch + t.slice(i) : t.slice(0, i) + ch + t.slice(i + 1);
          }
          agrees(t);
        },
      ),
      { numRuns: 6000 },
    );
  });
});
