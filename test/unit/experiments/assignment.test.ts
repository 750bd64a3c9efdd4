import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chiSquareSf } from '../../../shared/stats';
import { assignmentPoint, assignVariant, newSeed } from '../../../electron/services/experiments/assignment';
import { outcome, type Exposure } from '../../../electron/services/experiments/exposures';

describe('seeded assignment', () => {
  it('is the first 48 bits of SHA-256(seed:psid) as a point in [0, 1)', () => {
    const digest = createHash('sha256').update('seed-1:1234567890').digest('hex');
    expect(assignmentPoint('seed-1', '1234567890')).toBe(parseInt(digest.slice(0, 12), 16) / 2 ** 48);
  });

  it('walks the cumulative split in order', () => {
    const psids = Array.from({ length: 2000 }, (_, i) => `psid-${i}`);
    for (const psid of psids) {
      const point = assignmentPoint('s', psid);
      expect(assignVariant('s', psid, [0.25, 0.25, 0.5])).toBe(point < 0.25 ? 0 : point < 0.5 ? 1 : 2);
      // Weights need not be normalised: 1:1:2 is the same split.
      expect(assignVariant('s', psid, [1, 1, 2])).toBe(assignVariant('s', psid, [0.25, 0.25, 0.5]));
    }
  });

  it('spreads points uniformly (χ² over 20 bins, 20 000 sequential PSIDs)', () => {
    const bins = new Array<number>(20).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const bin = Math.floor(assignmentPoint('c0ffee', String(1_000_000_000 + i)) * 20);
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    const chi = bins.reduce((sum, n) => sum + (n - 1000) ** 2 / 1000, 0);
    expect(chiSquareSf(chi, 19)).toBeGreaterThan(0.001);
  });

  it('makes a fresh 128-bit seed each time', () => {
    const a = newSeed();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newSeed()).not.toBe(a);
  });
});

describe('judging a message at the horizon', () => {
  const H = 60 * 60_000;
  const sent = 1_000_000_000;
  const exposure = (patch: Partial<Exposure>): Exposure => ({ contactRef: 1, psid: 'p', variantId: 1, sentAt: sent, deliveredAt: null, readAt: null, firstReplyAt: null, severalVariants: 0, ...patch });

  it('is pending until H has passed, then judged', () => {
    expect(outcome(exposure({ readAt: sent + 1 }), 'seenWithin', H, sent + H - 1)).toBe('pending');
    expect(outcome(exposure({ readAt: sent + 1 }), 'seenWithin', H, sent + H)).toBe('converted');
  });

  it('counts an event at exactly H, not one a millisecond later', () => {
    expect(outcome(exposure({ readAt: sent + H }), 'seenWithin', H, sent + 2 * H)).toBe('converted');
    expect(outcome(exposure({ readAt: sent + H + 1 }), 'seenWithin', H, sent + 2 * H)).toBe('notConverted');
    expect(outcome(exposure({ deliveredAt: sent + 5 }), 'delivered', H, sent + 2 * H)).toBe('converted');
    expect(outcome(exposure({ firstReplyAt: sent + H + 1 }), 'replied', H, sent + 2 * H)).toBe('notConverted');
    expect(outcome(exposure({}), 'replied', H, sent + 2 * H)).toBe('notConverted');
  });
});
