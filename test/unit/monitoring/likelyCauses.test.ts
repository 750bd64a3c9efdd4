import { describe, expect, it } from 'vitest';
import { narrowestHourWindow, neverDelivers, offlinePattern, rarelyReads, type SentMessage } from '../../../electron/services/monitoring/likelyCauses';
import { zoneCalendar } from '../../../electron/services/monitoring/zoneCalendar';

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.UTC(2025, 5, 20, 13); // 15:00 in Paris (summer time)
const cal = zoneCalendar('Europe/Paris', NOW - 60 * D, NOW);

let nextId = 1;
const msg = (sentAt: number, deliveredAt: number | null = null, readAt: number | null = null): SentMessage => ({ id: nextId++, sentAt, deliveredAt, readAt });
const latestFirst = (xs: SentMessage[]) => [...xs].sort((a, b) => b.sentAt - a.sentAt || b.id - a.id);

describe('likely causes from a contact’s history', () => {
  it('never delivers: its latest judged sends, at least 3 in a row, none delivered', () => {
    const old = msg(NOW - 20 * D, NOW - 20 * D + 1000);
    const misses = [msg(NOW - 5 * D), msg(NOW - 4 * D), msg(NOW - 3 * D)];
    const stuck = msg(NOW - 2 * H);
    const history = latestFirst([old, ...misses, stuck]);
    expect(neverDelivers(history, stuck, NOW)).toEqual({
      kind: 'contact_never_delivers',
      evidence: { recentSends: 3, delivered: 0, firstOfThoseAt: NOW - 5 * D, lastDeliveredAt: NOW - 20 * D + 1000 },
    });
    // Two misses are not enough; a send younger than 24 h is not judged yet.
    expect(neverDelivers(latestFirst([old, misses[1]!, misses[2]!, msg(NOW - 10 * H), stuck]), stuck, NOW)).toBeNull();
    // A delivery after them breaks the run.
    expect(neverDelivers(latestFirst([...misses, msg(NOW - 3 * D + 1, NOW - 3 * D + 5), stuck]), stuck, NOW)).toBeNull();
  });

  it('rarely reads: its latest deliveries older than 72 h, at least 3 in a row, none read', () => {
    const delivered = [msg(NOW - 9 * D, NOW - 9 * D + 1), msg(NOW - 8 * D, NOW - 8 * D + 1), msg(NOW - 7 * D, NOW - 7 * D + 1)];
    const stuck = msg(NOW - 2 * D, NOW - 2 * D + 1);
    expect(rarelyReads(latestFirst([...delivered, stuck]), stuck, NOW)).toMatchObject({ kind: 'contact_rarely_reads', evidence: { recentDelivered: 3, read: 0, lastReadAt: null } });
    const oneRead = [...delivered.slice(1), msg(NOW - 6 * D, NOW - 6 * D + 1, NOW - 6 * D + 2)];
    expect(rarelyReads(latestFirst([...oneRead, stuck]), stuck, NOW)).toBeNull();
  });

  it('finds the narrowest run of local hours, across midnight', () => {
    expect(narrowestHourWindow([23, 0, 1, 23, 0], 0.8, 8)).toEqual({ fromHour: 23, width: 2, count: 4 });
    expect(narrowestHourWindow([23, 0, 1, 2, 23], 1, 8)).toEqual({ fromHour: 23, width: 4, count: 5 });
    expect(narrowestHourWindow([0, 6, 12, 18], 0.8, 8)).toBeNull();
  });

  it('offline pattern: late deliveries only around midnight, and that time has not come since the send', () => {
    // Sent at 10:00 Paris, delivered at 23:40, 00:20, 23:50 and 23:35 Paris (UTC + 2 in summer).
    const deliveredUtc = [21 * H + 40 * 60_000, 22 * H + 20 * 60_000, 21 * H + 50 * 60_000, 21 * H + 35 * 60_000];
    const late = [-10, -8, -6, -4].map((d, i) => msg(NOW + d * D - 5 * H, NOW + d * D - 13 * H + deliveredUtc[i]!));
    const stuck = msg(NOW - 4 * H); // 11:00 Paris, now 15:00
    const hint = offlinePattern(latestFirst([...late, stuck]), stuck, NOW, cal);
    expect(hint).toMatchObject({ kind: 'offline_pattern', evidence: { timeZone: 'Europe/Paris', window: { fromHour: 23, toHour: 0 }, shareInWindow: 1 } });
    expect(hint && hint.kind === 'offline_pattern' ? [...hint.evidence.deliveryHours].sort() : null).toEqual([0, 23, 23, 23]);
    // A day later the window has come and gone without a delivery: no longer an explanation.
    expect(offlinePattern(latestFirst([...late, stuck]), stuck, NOW + D, cal)).toBeNull();
    // Quick deliveries say nothing about when the phone is online.
    const quick = [-10, -8, -6, -4].map((d) => msg(NOW + d * D, NOW + d * D + 1000));
    expect(offlinePattern(latestFirst([...quick, stuck]), stuck, NOW, cal)).toBeNull();
  });
});
