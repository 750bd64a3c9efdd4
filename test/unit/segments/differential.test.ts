import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SegmentRule, type Condition, type RuleNode, type SegmentDefinition } from '../../../shared/domain/segmentRule';
import type { SegmentContact, SegmentMessage } from '../../../shared/segments/evaluate';
import { allMembers, freshDb, insertDataset, type TestDataset } from './dataset';

/**
 * The SQL compiler against the in-memory reference evaluator: random rules (depth ≤ 4) over
 * random small datasets. Times sit on an hour grid (with a few 1 ms nudges) and thresholds
 * are drawn from the same grid, so equalities and boundaries are hit often.
 */

const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;
const LOCALES = ['fr_CA', 'en_US', 'fr_FR'];
const ZONES = ['America/Toronto', 'Europe/Paris'];
const LABELS = ['vip', 'promo', 'late'];
const RATES = [0, 0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1];
const RULES_PER_DATASET = 10;
const DATASETS = 200;

const hourTime = (maxHours: number) =>
  fc.tuple(fc.integer({ min: 0, max: maxHours }), fc.constantFrom(0, 0, 0, 1, -1)).map(([h, nudge]) => T0 + h * HOUR + nudge);
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });

const contactArb = (id: number, pageCount: number): fc.Arbitrary<SegmentContact> =>
  fc
    .record({
      pageRef: fc.integer({ min: 1, max: pageCount }),
      locale: nullable(fc.constantFrom(...LOCALES)),
      timeZone: nullable(fc.constantFrom(...ZONES)),
      firstInboundAt: nullable(hourTime(120)),
      lastInboundAt: nullable(hourTime(250)),
      consentMessenger: fc.boolean(),
      consentSms: fc.boolean(),
      consentEmail: fc.boolean(),
      optedOutAt: nullable(hourTime(240)),
      labels: fc.uniqueArray(fc.constantFrom(...LABELS), { maxLength: 3 }),
    })
    .map((c) => ({ id, ...c }));

const CAMPAIGNS = [
  { id: 1, workspaceId: 1, kind: 'flash_promo' as const, variantIds: [1, 2] },
  { id: 2, workspaceId: 1, kind: 'notice' as const, variantIds: [3, 4] },
  { id: 3, workspaceId: 2, kind: 'newsletter' as const, variantIds: [5] },
];

const messageArb = (contactCount: number) =>
  fc.record({
    contactRef: fc.integer({ min: 1, max: contactCount }),
    direction: fc.constantFrom<'out' | 'in'>('out', 'out', 'out', 'in'),
    sentAt: hourTime(240),
    deliveredAfter: fc.constantFrom(null, null, 0, HOUR, 24 * HOUR, 24 * HOUR + 1, 30 * HOUR),
    readAfter: fc.constantFrom(null, null, 0, HOUR, 2 * HOUR, 72 * HOUR, 72 * HOUR + 1, 80 * HOUR),
    readWithoutDelivery: fc.boolean(),
    campaign: fc.integer({ min: 0, max: 5 }),
    variantPick: fc.nat(),
  });

const datasetArb: fc.Arbitrary<TestDataset> = fc
  .record({
    pageWorkspaces: fc.array(fc.constantFrom(1, 1, 2), { minLength: 1, maxLength: 3 }),
    contactCount: fc.integer({ min: 1, max: 30 }),
  })
  .chain(({ pageWorkspaces, contactCount }) => {
    const pages = pageWorkspaces.map((workspaceId, i) => ({ id: i + 1, workspaceId: i === 0 ? 1 : workspaceId }));
    return fc
      .record({
        contacts: fc.tuple(...Array.from({ length: contactCount }, (_, i) => contactArb(i + 1, pages.length))),
        messages: fc.array(messageArb(contactCount), { maxLength: 200 }),
      })
      .map(({ contacts, messages }) => ({
        pages,
        campaigns: CAMPAIGNS,
        contacts,
        messages: messages.map((m, i): SegmentMessage => {
          const campaign = m.direction === 'out' ? CAMPAIGNS[m.campaign] : undefined;
          const deliveredAt = m.direction === 'out' && m.deliveredAfter !== null ? m.sentAt + m.deliveredAfter : null;
          const readBase = deliveredAt ?? (m.readWithoutDelivery ? m.sentAt : null);
          const readAt = m.direction === 'out' && readBase !== null && m.readAfter !== null ? readBase + m.readAfter : null;
          return {
            id: i + 1,
            contactRef: m.contactRef,
            direction: m.direction,
            sentAt: m.sentAt,
            deliveredAt,
            readAt,
            campaignId: campaign?.id ?? null,
            variantId: campaign ? (campaign.variantIds[m.variantPick % campaign.variantIds.length] ?? null) : null,
          };
        }),
      }));
  });

/** Random periods, and all-time ones (which the per-contact totals answer for every contact). */
const periodArb = fc.oneof(
  fc.tuple(fc.integer({ min: -10, max: 240 }), fc.integer({ min: 1, max: 260 })).map(([from, len]) => ({ from: T0 + from * HOUR, to: T0 + (from + len) * HOUR })),
  fc.constant({ from: 0, to: T0 + 10_000 * HOUR }),
);
const labelTestArb = fc.oneof(
  fc.record({ op: fc.constantFrom('hasAny' as const, 'hasAll' as const, 'hasNone' as const), value: fc.uniqueArray(fc.constantFrom(...LABELS), { minLength: 1 }) }),
  fc.record({ op: fc.constantFrom('empty' as const, 'notEmpty' as const) }),
);
const boolOp = fc.constantFrom<'isTrue' | 'isFalse'>('isTrue', 'isFalse');

const numberTestArb = (values: fc.Arbitrary<number>) =>
  fc.oneof(
    fc.record({ op: fc.constantFrom('eq' as const, 'ne' as const, 'lt' as const, 'lte' as const, 'gt' as const, 'gte' as const), value: values }),
    fc.tuple(values, values).map(([a, b]) => ({ op: 'between' as const, value: [Math.min(a, b), Math.max(a, b)] as [number, number] })),
    fc.record({ op: fc.constantFrom('empty' as const, 'notEmpty' as const) }),
  );
const textTestArb = (pool: readonly string[]) =>
  fc.oneof(
    fc.record({ op: fc.constantFrom('eq' as const, 'ne' as const), value: fc.constantFrom(...pool) }),
    fc.record({ op: fc.constantFrom('in' as const, 'notIn' as const), value: fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1 }) }),
    fc.record({ op: fc.constantFrom('empty' as const, 'notEmpty' as const) }),
  );
const pageTestArb = fc.oneof(
  fc.record({ op: fc.constantFrom('eq' as const, 'ne' as const), value: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constantFrom('in' as const, 'notIn' as const), value: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1 }) }),
);
const latencyArb = fc.constantFrom(0, HOUR, 1.5 * HOUR, 2 * HOUR, 36 * HOUR, 72 * HOUR, 80 * HOUR);

const c = <T extends object>(arb: fc.Arbitrary<T>) => arb.map((x) => ({ type: 'condition' as const, ...x }) as unknown as Condition);

const conditionArb = (segmentIds: readonly number[]): fc.Arbitrary<Condition> =>
  fc.oneof(
    c(fc.record({ field: fc.constant('page' as const), test: pageTestArb })),
    c(fc.record({ field: fc.constant('locale' as const), test: textTestArb(LOCALES) })),
    c(fc.record({ field: fc.constant('timeZone' as const), test: textTestArb(ZONES) })),
    c(fc.record({ field: fc.constant('consent' as const), channel: fc.constantFrom('messenger' as const, 'sms' as const, 'email' as const), op: boolOp })),
    c(fc.record({ field: fc.constant('optedOut' as const), op: boolOp })),
    c(fc.record({ field: fc.constantFrom('firstInboundAt' as const, 'lastInboundAt' as const, 'lastSeenAt' as const), test: numberTestArb(hourTime(260)) })),
    c(fc.record({ field: fc.constant('insideWindow' as const), at: fc.oneof(fc.constant('now' as const), hourTime(260)), op: boolOp })),
    c(fc.record({ field: fc.constant('messagesReceived' as const), period: periodArb, test: numberTestArb(fc.integer({ min: 0, max: 12 })) })),
    c(fc.record({ field: fc.constantFrom('deliveredRate' as const, 'seenRate' as const), period: periodArb, test: numberTestArb(fc.constantFrom(...RATES)) })),
    c(fc.record({ field: fc.constant('medianSeenLatency' as const), period: periodArb, test: numberTestArb(latencyArb) })),
    c(fc.record({ field: fc.constantFrom('replied' as const, 'clicked' as const), period: periodArb, op: boolOp })),
    c(fc.record({ field: fc.constant('stuckCount' as const), period: periodArb, test: numberTestArb(fc.integer({ min: 0, max: 6 })) })),
    c(fc.record({ field: fc.constant('labels' as const), test: labelTestArb })),
    c(fc.record({ field: fc.constant('recurringProblem' as const), op: boolOp })),
    c(
      fc.record({
        field: fc.constant('campaign' as const),
        action: fc.constantFrom('received' as const, 'saw' as const, 'replied' as const),
        campaignId: fc.integer({ min: 1, max: 3 }),
        variantId: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
        op: boolOp,
      }),
    ),
    ...(segmentIds.length === 0 ? [] : [c(fc.record({ field: fc.constant('segment' as const), segmentId: fc.constantFrom(...segmentIds), op: boolOp }))]),
  );

const nodeArb = (depth: number, segmentIds: readonly number[]): fc.Arbitrary<RuleNode> =>
  depth === 0
    ? conditionArb(segmentIds)
    : fc.oneof(
        { arbitrary: conditionArb(segmentIds), weight: 2 },
        { arbitrary: groupArb(depth - 1, segmentIds), weight: 1 },
      );
const groupArb = (depth: number, segmentIds: readonly number[]): fc.Arbitrary<RuleNode> =>
  fc.record({
    type: fc.constant('group' as const),
    op: fc.constantFrom('and' as const, 'or' as const, 'not' as const),
    children: fc.array(nodeArb(depth, segmentIds), { minLength: 1, maxLength: 4 }),
  });
/** Root group plus up to three nested levels: depth ≤ 4. */
const ruleArb = (segmentIds: readonly number[]): fc.Arbitrary<SegmentRule> =>
  (groupArb(3, segmentIds) as fc.Arbitrary<SegmentRule['root']>).map((root) => ({ version: 1 as const, root }));

/** Saved segments: #1 plain, #2 may include #1, #3 a static list; the rule under test may use all three. */
const caseArb = fc.record({
  data: datasetArb,
  seg1: ruleArb([]),
  seg2: ruleArb([1]),
  staticIds: fc.uniqueArray(fc.integer({ min: 1, max: 35 }), { maxLength: 12 }),
  rules: fc.array(ruleArb([1, 2, 3]), { minLength: RULES_PER_DATASET, maxLength: RULES_PER_DATASET }),
  workspaceId: fc.constantFrom(1, 1, 2),
  nowHours: fc.integer({ min: 0, max: 300 }),
});

describe('segment SQL compiler vs in-memory evaluator', () => {
  it(`agree on ${DATASETS * RULES_PER_DATASET} random rule/dataset pairs`, () => {
    let pairs = 0;
    let nonTrivial = 0;
    const started = performance.now();
    fc.assert(
      fc.property(caseArb, ({ data, seg1, seg2, staticIds, rules, workspaceId, nowHours }) => {
        const segments = new Map<number, SegmentDefinition>([
          [1, { kind: 'rule', rule: seg1 }],
          [2, { kind: 'rule', rule: seg2 }],
          [3, { kind: 'static', contactIds: staticIds }],
        ]);
        const ctx = { workspaceId, now: T0 + nowHours * HOUR, resolveSegment: (id: number) => segments.get(id) };
        const db = freshDb();
        try {
          insertDataset(db, data);
          for (const rule of [seg1, seg2, ...rules]) {
            SegmentRule.parse(rule);
            const { sql, aggregated, memory } = allMembers(db, data, rule, ctx);
            expect(sql).toEqual(memory);
            expect(aggregated).toEqual(memory);
            pairs++;
            if (memory.length > 0 && memory.length < data.contacts.length) nonTrivial++;
          }
        } finally {
          db.close();
        }
      }),
      { numRuns: DATASETS },
    );
    const seconds = (performance.now() - started) / 1000;
    console.info(`segments differential: ${pairs} rule/dataset pairs (${nonTrivial} with a non-trivial result) in ${seconds.toFixed(1)} s`);
    expect(pairs).toBeGreaterThanOrEqual(2000);
    // Guards against a generator that only produces empty or full segments, which would prove little.
    expect(nonTrivial).toBeGreaterThan(pairs / 5);
  }, 120_000);
});
