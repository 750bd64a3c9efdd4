import fc from 'fast-check';

/**
 * Webhook bodies for property tests: mostly well-formed, with every field liable to be wrong
 * in the ways producers get it wrong (seconds, strings for numbers, missing parts, a Page
 * mismatch, duplicate-looking keys, extra fields), so the fast paths are tested at the edges.
 */

const PAGE = '444000000000001';
const T = Date.UTC(2026, 3, 1, 12);

const ms = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: T - 1e9, max: T + 1e9 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000_000_000, max: 9_999_999_999 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, T + 0.5, 1e13, 9.99e12, '1775044800000', null) },
);

const id = (usual: string) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(usual) },
    { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(129), 42, 2 ** 60, -3, null, { id: usual }) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
  );

const psid = fc.constantFrom('7000000000000001', '7000000000000002', 'psid-é', 'a"b\\c');
const mid = fc.oneof({ weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 24 }).map((s) => `m_${s}`) }, { weight: 1, arbitrary: fc.constantFrom('', 7, null) });

const extra = fc.dictionary(fc.constantFrom('app_id', 'text', 'attachments', 'seq', 'x'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 });

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 });

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const echo = fc.record({ p: psid, at: ms, mid, metadata: maybe(fc.oneof(fc.string(), fc.constant('{"relais":{"campaign":"c1","variant":"A"}}'), fc.constant(null))), extra, sender: id(PAGE), isEcho: fc.constantFrom(true, true, true, 'true') }).map((r) =>
  withoutUndefined({ sender: { id: r.sender }, recipient: { id: r.p }, timestamp: r.at, message: withoutUndefined({ ...r.extra, mid: r.mid, is_echo: r.isEcho, metadata: r.metadata }) }),
);

const inbound = fc.record({ p: psid, at: ms, mid, extra, recipient: id(PAGE), isEcho: maybe(fc.constantFrom(false, 0)) }).map((r) =>
  withoutUndefined({ sender: { id: r.p }, recipient: { id: r.recipient }, timestamp: r.at, message: withoutUndefined({ ...r.extra, mid: r.mid, is_echo: r.isEcho }) }),
);

const delivery = fc.record({ p: psid, at: maybe(ms), watermark: maybe(ms), mids: maybe(fc.array(mid, { maxLength: 3 })), recipient: id(PAGE) }).map((r) =>
  withoutUndefined({ sender: { id: r.p }, recipient: { id: r.recipient }, timestamp: r.at, delivery: withoutUndefined({ watermark: r.watermark, mids: r.mids }) }),
);

const read = fc.record({ p: psid, at: maybe(ms), watermark: fc.oneof(ms, fc.constant(undefined)), recipient: id(PAGE) }).map((r) =>
  withoutUndefined({ sender: { id: r.p }, recipient: { id: r.recipient }, timestamp: r.at, read: withoutUndefined({ watermark: r.watermark }) }),
);

const other = fc.record({ p: psid, at: ms, kind: fc.constantFrom('postback', 'reaction', 'optin', 'referral', '__proto__', '7') }).map((r) => ({
  sender: { id: r.p },
  recipient: { id: PAGE },
  timestamp: r.at,
  [r.kind]: { payload: 'X' },
}));

export const messagingEvent = fc.oneof(echo, inbound, delivery, read, other, fc.constantFrom(null, 3, [], 'event'));

export const webhookBody = fc
  .record({
    object: fc.oneof({ weight: 9, arbitrary: fc.constant('page') }, { weight: 1, arbitrary: fc.constantFrom('instagram', 'user', undefined, 1) }),
    entries: fc.array(
      fc.record({ id: id(PAGE), time: ms, messaging: fc.oneof({ weight: 9, arbitrary: fc.array(messagingEvent, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.constantFrom(undefined, null, {}) }), extra }),
      { minLength: 0, maxLength: 2 },
    ),
    extra,
  })
  .map((b) =>
    withoutUndefined({
      ...b.extra,
      object: b.object,
      entry: b.entries.map((e) => withoutUndefined({ ...e.extra, id: e.id, time: e.time, messaging: e.messaging })),
    }),
  );

/** A body as text, compact or pretty-printed. */
export const webhookText = fc.tuple(webhookBody, fc.constantFrom(undefined, 0, 2, '\t')).map(([body, indent]) => JSON.stringify(body, null, indent));

export const VALID_PAGE = PAGE;
export const VALID_TIME = T;
