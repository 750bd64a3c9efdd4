import type { ContactHistory } from '../../../shared/sendTime/model';

/**
 * A deterministic small workspace for the plan's golden test: 1 200 contacts in four zones
 * (enough for the latent rhythms), each with a personal peak hour, a few inbound messages,
 * daily Page messages at a shared hour and reads that come sooner near the peak.
 */
export const GOLDEN_NOW = Date.UTC(2026, 5, 10, 6, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function goldenHistories(n = 1200): ContactHistory[] {
  const zones = ['Europe/Paris', 'Europe/London', 'America/Montreal', 'Asia/Tokyo'];
  let seed = 987654;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 0x1_0000_0000;
  const out: ContactHistory[] = [];
  for (let i = 0; i < n; i++) {
    const lastIn = rnd() < 0.05 ? null : GOLDEN_NOW - Math.floor(rnd() * 30 * HOUR);
    const peak = Math.floor(rnd() * 24);
    const inbound: number[] = [];
    const events = 1 + Math.floor(rnd() * 6);
    for (let d = 0; d < events; d++) inbound.push(GOLDEN_NOW - (12 + Math.floor(rnd() * 20)) * DAY + peak * HOUR + Math.floor(rnd() * 2 * HOUR));
    if (lastIn !== null) inbound.push(lastIn);
    const outbound: ContactHistory['outbound'][number][] = [];
    const sends = Math.floor(rnd() * 10);
    for (let d = 1; d <= sends; d++) {
      const u = rnd();
      const at = u < 0.4 ? 9 : u < 0.7 ? 18 : peak;
      const t = GOLDEN_NOW - d * DAY + at * HOUR;
      const near = Math.abs(at - peak) < 3;
      const read = rnd() < (near ? 0.9 : 0.2) ? t + Math.floor(rnd() * (near ? 0.5 : 4) * HOUR) : null;
      outbound.push({ sentAt: t, deliveredAt: rnd() < 0.9 ? t + MINUTE : null, readAt: read });
    }
    out.push({ contactId: i + 1, psid: `g${i}`, pageRef: 1 + (i % 2), zone: zones[i % 4] as string, lastInboundAt: lastIn, outbound, inbound });
  }
  return out;
}
