import { DAY_MS } from './zones';

/** Messenger's standard messaging window: 24 h after the person's last message to the Page. */
export const STANDARD_WINDOW_MS = DAY_MS;
/** HUMAN_AGENT tag: a human reply up to 7 days after the last inbound message. */
export const HUMAN_AGENT_WINDOW_MS = 7 * DAY_MS;

export function windowClosesAt(lastInboundAt: number | null): number | null {
  return lastInboundAt === null ? null : lastInboundAt + STANDARD_WINDOW_MS;
}

/** True iff standard (including promotional) content may be sent at `at`. */
export function isInsideStandardWindow(lastInboundAt: number | null, at: number): boolean {
  const closes = windowClosesAt(lastInboundAt);
  return closes !== null && at >= (lastInboundAt ?? 0) && at < closes;
}
