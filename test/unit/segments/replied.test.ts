import { describe, expect, it } from 'vitest';
import type { SegmentRule } from '../../../shared/domain/segmentRule';
import { allMembers, freshDb, insertDataset, type TestDataset } from './dataset';

const H = 3_600_000;
const T = 1_700_000_000_000;
const contact = (id: number) => ({
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
});
const out = (id: number, contactRef: number, sentAt: number, readAt: number | null = null) => ({
  id,
  contactRef,
  direction: 'out' as const,
  sentAt,
  deliveredAt: readAt,
  readAt,
  campaignId: null,
  variantId: null,
});
const inbound = (id: number, contactRef: number, sentAt: number) => ({ ...out(id, contactRef, sentAt), direction: 'in' as const });

/** domain.md: a reply comes before the next outbound message (and within 24 h). */
describe('replied and clicked stop at the next send', () => {
  const data: TestDataset = {
    pages: [{ id: 1, workspaceId: 1 }],
    campaigns: [],
    contacts: [contact(1), contact(2)],
    messages: [
      // Contact 1: answer after a second send: only the second send was replied to.
      out(1, 1, T, T + 1000),
      out(2, 1, T + H),
      inbound(3, 1, T + 2 * H),
      // Contact 2: the answer comes before the next send: the first send was replied to (and seen: clicked).
      out(4, 2, T, T + 1000),
      inbound(5, 2, T + H),
      out(6, 2, T + 2 * H),
    ],
  };
  const rule = (field: 'replied' | 'clicked', to: number): SegmentRule => ({
    version: 1,
    root: { type: 'group', op: 'and', children: [{ type: 'condition', field, period: { from: T, to }, op: 'isTrue' }] },
  });
  const ctx = { workspaceId: 1, now: T + 48 * H, resolveSegment: () => undefined };

  it('agrees in memory, in SQL and with the per-contact totals', () => {
    const db = freshDb();
    insertDataset(db, data);
    const firstSendOnly = allMembers(db, data, rule('replied', T + 1), ctx);
    expect(firstSendOnly).toEqual({ sql: [2], aggregated: [2], memory: [2] });
    const both = allMembers(db, data, rule('replied', T + 10 * H), ctx);
    expect(both).toEqual({ sql: [1, 2], aggregated: [1, 2], memory: [1, 2] });
    // Contact 1's replied send (the second) was never seen: not a click.
    expect(allMembers(db, data, rule('clicked', T + 10 * H), ctx)).toEqual({ sql: [2], aggregated: [2], memory: [2] });
    db.close();
  });
});
