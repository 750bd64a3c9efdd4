import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { compileSegment } from '../../../electron/services/segments/compile';
import {
  SegmentCycleError,
  SegmentRule,
  checkSegmentReferences,
  type Condition,
  type SegmentDefinition,
} from '../../../shared/domain/segmentRule';
import { describeRule } from '../../../shared/segments/describe';
import type { SegmentContact, SegmentMessage } from '../../../shared/segments/evaluate';
import { bothMembers, freshDb, insertDataset, sqlMembers, type TestDataset } from './dataset';

const H = 3_600_000;
const T0 = 1_700_000_000_000;
const NOW = T0 + 200 * H;

const contact = (id: number, over: Partial<SegmentContact> = {}): SegmentContact => ({
  id,
  pageRef: 1,
  locale: null,
  timeZone: null,
  firstInboundAt: null,
  lastInboundAt: null,
  consentMessenger: true,
  consentSms: false,
  consentEmail: false,
  optedOutAt: null,
  ...over,
});
let nextId = 1;
const out = (contactRef: number, sentAt: number, over: Partial<SegmentMessage> = {}): SegmentMessage => ({
  id: nextId++,
  contactRef,
  direction: 'out',
  sentAt,
  deliveredAt: null,
  readAt: null,
  campaignId: null,
  variantId: null,
  ...over,
});
const inbound = (contactRef: number, sentAt: number) => out(contactRef, sentAt, { direction: 'in' });

const data: TestDataset = {
  pages: [
    { id: 1, workspaceId: 1 },
    { id: 2, workspaceId: 1 },
    { id: 3, workspaceId: 2 },
  ],
  campaigns: [{ id: 1, workspaceId: 1, variantIds: [1, 2] }],
  contacts: [
    contact(1, { locale: 'fr_CA', timeZone: 'America/Toronto', lastInboundAt: NOW - 2 * H, firstInboundAt: T0 }),
    contact(2, { pageRef: 2, locale: 'en_US', consentSms: true, lastInboundAt: NOW - 30 * H }),
    contact(3, { consentMessenger: false, consentEmail: true, optedOutAt: T0 + H }),
    contact(4, { pageRef: 3, locale: 'fr_CA' }),
    contact(5, { locale: "'); DROP TABLE contacts;--" }),
  ],
  messages: [
    // Contact 1: three sends in the period, all delivered, two seen (1 h and 3 h), one reply.
    out(1, T0 + 10 * H, { deliveredAt: T0 + 10 * H, readAt: T0 + 11 * H, campaignId: 1, variantId: 1 }),
    out(1, T0 + 20 * H, { deliveredAt: T0 + 20 * H, readAt: T0 + 23 * H }),
    out(1, T0 + 30 * H, { deliveredAt: T0 + 31 * H }),
    inbound(1, T0 + 12 * H),
    // Contact 2: five old sends never delivered → recurring problem; received variant 2 without seeing it.
    ...[1, 2, 3, 4, 5].map((k) => out(2, T0 + k * H, { campaignId: 1, variantId: k === 5 ? 2 : null })),
    // Contact 3: read without a delivery receipt counts as delivered.
    out(3, T0 + 10 * H, { readAt: T0 + 12 * H }),
  ],
};

const PERIOD = { from: T0, to: T0 + 100 * H };
const resolve = new Map<number, SegmentDefinition>([
  [1, { kind: 'rule', rule: rule({ type: 'condition', field: 'locale', test: { op: 'eq', value: 'fr_CA' } }) }],
  [2, { kind: 'static', contactIds: [2, 3] }],
]);
const ctx = { workspaceId: 1, now: NOW, resolveSegment: (id: number) => resolve.get(id) };

function rule(...children: Condition[]): SegmentRule {
  return SegmentRule.parse({ version: 1, root: { type: 'group', op: 'and', children } });
}

let db: Database.Database;
beforeAll(() => {
  db = freshDb();
  insertDataset(db, data);
});
afterAll(() => db.close());

function members(...children: Condition[]): number[] {
  const r = rule(...children);
  const { sql, memory } = bothMembers(db, data, r, ctx);
  expect(sql).toEqual(memory);
  return sql;
}

describe('segment conditions (SQL and in-memory agree on hand-checked members)', () => {
  it('contact fields', () => {
    expect(members({ type: 'condition', field: 'page', test: { op: 'eq', value: 2 } })).toEqual([2]);
    expect(members({ type: 'condition', field: 'page', test: { op: 'notIn', value: [2] } })).toEqual([1, 3, 5]);
    expect(members({ type: 'condition', field: 'locale', test: { op: 'in', value: ['fr_CA', 'en_US'] } })).toEqual([1, 2]);
    expect(members({ type: 'condition', field: 'locale', test: { op: 'ne', value: 'fr_CA' } })).toEqual([2, 5]);
    expect(members({ type: 'condition', field: 'locale', test: { op: 'empty' } })).toEqual([3]);
    expect(members({ type: 'condition', field: 'timeZone', test: { op: 'notEmpty' } })).toEqual([1]);
    expect(members({ type: 'condition', field: 'consent', channel: 'sms', op: 'isTrue' })).toEqual([2]);
    expect(members({ type: 'condition', field: 'consent', channel: 'messenger', op: 'isFalse' })).toEqual([3]);
    expect(members({ type: 'condition', field: 'optedOut', op: 'isTrue' })).toEqual([3]);
    expect(members({ type: 'condition', field: 'firstInboundAt', test: { op: 'lte', value: T0 } })).toEqual([1]);
    expect(members({ type: 'condition', field: 'lastInboundAt', test: { op: 'between', value: [NOW - 40 * H, NOW - 10 * H] } })).toEqual([2]);
  });

  it('the 24-hour window now and at a planned time', () => {
    expect(members({ type: 'condition', field: 'insideWindow', at: 'now', op: 'isTrue' })).toEqual([1]);
    expect(members({ type: 'condition', field: 'insideWindow', at: NOW - 10 * H, op: 'isTrue' })).toEqual([2]);
    // Window closes exactly 24 h after the last inbound message.
    expect(members({ type: 'condition', field: 'insideWindow', at: NOW + 22 * H, op: 'isTrue' })).toEqual([]);
    expect(members({ type: 'condition', field: 'insideWindow', at: 'now', op: 'isFalse' })).toEqual([2, 3, 5]);
  });

  it('behaviour over a period', () => {
    expect(members({ type: 'condition', field: 'messagesReceived', period: PERIOD, test: { op: 'gte', value: 3 } })).toEqual([1, 2]);
    expect(members({ type: 'condition', field: 'messagesReceived', period: { from: T0 + 15 * H, to: T0 + 30 * H }, test: { op: 'eq', value: 1 } })).toEqual([1]);
    expect(members({ type: 'condition', field: 'deliveredRate', period: PERIOD, test: { op: 'eq', value: 1 } })).toEqual([1, 3]);
    expect(members({ type: 'condition', field: 'deliveredRate', period: PERIOD, test: { op: 'empty' } })).toEqual([5]);
    expect(members({ type: 'condition', field: 'seenRate', period: PERIOD, test: { op: 'between', value: [0.6, 0.7] } })).toEqual([1]);
    expect(members({ type: 'condition', field: 'medianSeenLatency', period: PERIOD, test: { op: 'eq', value: 2 * H } })).toEqual([1, 3]);
    expect(members({ type: 'condition', field: 'replied', period: PERIOD, op: 'isTrue' })).toEqual([1]);
    expect(members({ type: 'condition', field: 'replied', period: { from: T0 + 11 * H, to: T0 + 50 * H }, op: 'isTrue' })).toEqual([]);
    expect(members({ type: 'condition', field: 'lastSeenAt', test: { op: 'gt', value: T0 + 12 * H } })).toEqual([1]);
    expect(members({ type: 'condition', field: 'recurringProblem', op: 'isTrue' })).toEqual([2]);
  });

  it('campaigns and variants', () => {
    const campaign = (action: 'received' | 'saw' | 'replied', variantId: number | null, op: 'isTrue' | 'isFalse' = 'isTrue'): Condition => ({ type: 'condition', field: 'campaign', action, campaignId: 1, variantId, op });
    expect(members(campaign('received', null))).toEqual([1, 2]);
    expect(members(campaign('received', 2))).toEqual([2]);
    expect(members(campaign('saw', null))).toEqual([1]);
    expect(members(campaign('replied', 1))).toEqual([1]);
    expect(members(campaign('received', null, 'isFalse'))).toEqual([3, 5]);
  });

  it('segment membership, rule-based and static', () => {
    expect(members({ type: 'condition', field: 'segment', segmentId: 1, op: 'isTrue' })).toEqual([1]);
    expect(members({ type: 'condition', field: 'segment', segmentId: 2, op: 'isFalse' })).toEqual([1, 5]);
  });

  it('NOT and OR groups nest', () => {
    const r = SegmentRule.parse({
      version: 1,
      root: {
        type: 'group',
        op: 'not',
        children: [
          {
            type: 'group',
            op: 'or',
            children: [
              { type: 'condition', field: 'locale', test: { op: 'eq', value: 'fr_CA' } },
              { type: 'condition', field: 'optedOut', op: 'isTrue' },
            ],
          },
        ],
      },
    });
    const { sql, memory } = bothMembers(db, data, r, ctx);
    expect(sql).toEqual([2, 5]);
    expect(memory).toEqual(sql);
  });
});

describe('segment rule safety', () => {
  it('keeps hostile strings as values: no SQL text from the rule, the table survives', () => {
    const hostile = "'); DROP TABLE contacts;--";
    const r = rule({ type: 'condition', field: 'locale', test: { op: 'in', value: [hostile, 'x" OR 1=1 --'] } });
    const compiled = compileSegment(r, ctx);
    expect(compiled.sql).not.toContain('DROP');
    expect(compiled.sql).not.toContain('1=1');
    expect(compiled.params).toContain(hostile);
    expect(sqlMembers(db, r, ctx)).toEqual([5]);
    expect(db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(5);
  });

  it('never puts numbers from the rule into the SQL text either', () => {
    const r = rule({ type: 'condition', field: 'lastInboundAt', test: { op: 'gt', value: 987654321 } });
    expect(compileSegment(r, ctx).sql).not.toContain('987654321');
  });

  it('refuses cycles between segments at save and at evaluation time', () => {
    const cyclic = new Map<number, SegmentDefinition>();
    cyclic.set(7, { kind: 'rule', rule: rule({ type: 'condition', field: 'segment', segmentId: 8, op: 'isTrue' }) });
    cyclic.set(8, { kind: 'rule', rule: rule({ type: 'condition', field: 'segment', segmentId: 7, op: 'isFalse' }) });
    const resolveCyclic = (id: number) => cyclic.get(id);
    const top = rule({ type: 'condition', field: 'segment', segmentId: 7, op: 'isTrue' });
    expect(() => checkSegmentReferences(top, resolveCyclic)).toThrow(SegmentCycleError);
    expect(() => compileSegment(top, { ...ctx, resolveSegment: resolveCyclic })).toThrow(SegmentCycleError);
    expect(() => bothMembers(db, data, top, { ...ctx, resolveSegment: resolveCyclic })).toThrow(SegmentCycleError);
    // Saving segment 9 to include itself is refused too.
    expect(() => checkSegmentReferences(rule({ type: 'condition', field: 'segment', segmentId: 9, op: 'isTrue' }), () => undefined, 9)).toThrow(SegmentCycleError);
  });

  it('rejects bad rules with a path to the offending part', () => {
    const empty = SegmentRule.safeParse({ version: 1, root: { type: 'group', op: 'and', children: [] } });
    expect(empty.success).toBe(false);
    expect(empty.error?.issues[0]?.path).toEqual(['root', 'children']);
    expect(SegmentRule.safeParse({ version: 2, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'optedOut', op: 'isTrue' }] } }).error?.issues[0]?.message).toBe('segments.error.futureVersion');
    expect(SegmentRule.safeParse({ version: 1, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'shoeSize', op: 'isTrue' }] } }).success).toBe(false);
    expect(SegmentRule.safeParse({ version: 1, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'locale', test: { op: 'eq', value: 3 } }] } }).success).toBe(false);
  });
});

describe('describeRule', () => {
  const r = SegmentRule.parse({
    version: 1,
    root: {
      type: 'group',
      op: 'and',
      children: [
        { type: 'condition', field: 'campaign', action: 'saw', campaignId: 1, variantId: null, op: 'isTrue' },
        { type: 'condition', field: 'replied', period: { from: T0, to: T0 + 24 * H }, op: 'isFalse' },
        { type: 'group', op: 'or', children: [{ type: 'condition', field: 'page', test: { op: 'eq', value: 1 } }, { type: 'condition', field: 'seenRate', period: { from: T0, to: T0 + H }, test: { op: 'gte', value: 0.5 } }] },
      ],
    },
  });
  const lookups = { campaignName: (id: number) => (id === 1 ? 'Promo' : undefined), pageName: () => 'Montréal' };

  it('reads in English', () => {
    expect(describeRule(r, 'en', lookups)).toBe(
      'Contacts who saw campaign “Promo” and who did not reply for messages sent from 2023-11-14 22:13 UTC to before 2023-11-15 22:13 UTC and (whose Page is “Montréal” or whose seen rate is at least 50 % for messages sent from 2023-11-14 22:13 UTC to before 2023-11-14 23:13 UTC).',
    );
  });

  it('reads in French', () => {
    const fr = describeRule(r, 'fr', lookups);
    expect(fr).toContain('qui ont vu la campagne « Promo »');
    expect(fr).toContain("qui n'ont pas répondu");
    expect(fr).toContain('dont le taux de lecture est au moins 50 %');
  });
});
