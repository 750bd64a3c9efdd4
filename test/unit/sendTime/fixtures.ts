import { mulberry32 } from '../../integration/ingest/support/scenario';
import type { ContactHistory } from '../../../shared/sendTime/model';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const NOW = Date.UTC(2026, 5, 10, 6, 0);

/** 1 500 contacts (enough for presence classes) with evening, lunch or morning habits and a few reads each. */
export function histories(n = 1500, seed = 5): ContactHistory[] {
  const random = mulberry32(seed);
  const zones = ['Europe/Paris', 'America/Montreal', 'Asia/Kolkata'];
  return Array.from({ length: n }, (_, i) => {
    const peak = [8, 12, 20][i % 3] as number;
    const inbound = Array.from({ length: 3 + (i % 4) }, (_, d) => NOW - (d + 1) * 3 * DAY + peak * HOUR + Math.floor(random() * HOUR));
    const outbound = Array.from({ length: 6 }, (_, d) => {
      const sentAt = NOW - (d + 1) * DAY + 11 * HOUR;
      return { sentAt, deliveredAt: sentAt + MINUTE, readAt: random() < 0.6 ? sentAt + Math.floor(random() * 6 * HOUR) : null };
    });
    return { contactId: i + 1, psid: `p${i}`, pageRef: 1, zone: zones[i % 3] as string, lastInboundAt: NOW - Math.floor(random() * 20 * HOUR), outbound, inbound };
  });
}

