import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchReceipts, EarliestCovering, resolveReceipts } from '../../../electron/services/ingest/batchReceipts';

describe('receipts of a batch, resolved in memory', () => {
  it('finds the earliest receipt whose watermark reaches a send time (suffix minimum), as brute force does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }))), fc.array(fc.integer({ min: -5, max: 55 }), { minLength: 1 }), (receipts, sends) => {
        const index = new EarliestCovering();
        for (const [w, t] of receipts) index.add(w, t);
        for (const s of sends) {
          const covering = receipts.filter(([w]) => w >= s).map(([, t]) => t);
          expect(index.earliestAt(s)).toBe(covering.length === 0 ? null : Math.min(...covering));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a delivery covers a message by watermark or by mid, whichever is earlier', () => {
    const b = new BatchReceipts();
    b.addDelivery(100, 500, []);
    b.addDelivery(null, 300, ['m_late']);
    b.addDelivery(null, 200, ['m_late', 'm_other']);
    b.addRead(150, 400);
    expect(b.deliveredAt('m_early', 90)).toBe(500);
    expect(b.deliveredAt('m_late', 120)).toBe(200);
    expect(b.deliveredAt('m_none', 120)).toBeNull();
    expect(b.readAt(150)).toBe(400);
    expect(b.readAt(151)).toBeNull();
  });

  it('a read implies delivery when it comes first; a delivery at the same instant is a real one', () => {
    expect(resolveReceipts(null, null)).toEqual({ deliveredAt: null, inferred: false, readAt: null });
    expect(resolveReceipts(null, 10)).toEqual({ deliveredAt: 10, inferred: true, readAt: 10 });
    expect(resolveReceipts(12, 10)).toEqual({ deliveredAt: 10, inferred: true, readAt: 10 });
    expect(resolveReceipts(10, 10)).toEqual({ deliveredAt: 10, inferred: false, readAt: 10 });
    expect(resolveReceipts(8, null)).toEqual({ deliveredAt: 8, inferred: false, readAt: null });
  });
});
