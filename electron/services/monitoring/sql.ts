/**
 * SQL fragments that define the domain's terms once (domain.md). Each takes the alias of the
 * outbound message and the names of bound parameters, never values.
 */

/** Beyond any real timestamp: what "never" compares as. */
export const NEVER = '9000000000000000000';

/** A read implies delivery: the earlier of the two receipts, whichever exist. */
export function effectiveDelivered(m = 'm'): string {
  return `coalesce(min(${m}.delivered_at, ${m}.read_at), ${m}.delivered_at, ${m}.read_at)`;
}

/** First message from the contact after the send and within the reply window (null if none). */
export function firstReplyWithin(m: string, windowParam: string): string {
  return `(SELECT min(i.sent_at) FROM messages i WHERE i.contact_ref = ${m}.contact_ref AND i.direction = 'in'
    AND i.sent_at > ${m}.sent_at AND i.sent_at <= ${m}.sent_at + ${windowParam})`;
}

/** The thread's next outbound message strictly after this one (two bubbles sent the same millisecond share their reply). */
export function nextSend(m: string): string {
  return `(SELECT min(o.sent_at) FROM messages o WHERE o.contact_ref = ${m}.contact_ref AND o.direction = 'out' AND o.sent_at > ${m}.sent_at)`;
}

/**
 * Replied: an inbound message after the send, before the next outbound message, within the
 * window. Comparing the first reply inside the window with the next send decides it in two
 * index seeks: a later reply cannot come before a next send the first one did not.
 */
export function replied(m: string, windowParam: string): string {
  return `(coalesce(${firstReplyWithin(m, windowParam)}, ${NEVER}) < coalesce(${nextSend(m)}, ${NEVER}))`;
}

/**
 * The same "replied" for many sends at once: each thread's messages read once in time
 * order, `first_in` and `next_out` being the first inbound and outbound message strictly
 * after each row. Equal to `replied()` as long as the rows read (`from` messages `m` joined
 * to contacts `c`, filtered by `where`) extend one reply window past the last send judged: a
 * later first reply could not count, and a later next send could not come before a reply
 * that does. Faster than two index seeks per send once a range holds days of sends.
 */
export function threadRows(from: string, where: string): string {
  return `SELECT m.id, m.contact_ref, c.page_ref, m.direction, m.campaign_id, m.sent_at, ${effectiveDelivered('m')} AS delivered_at, m.read_at,
      min(CASE WHEN m.direction = 'in' THEN m.sent_at END) OVER later AS first_in,
      min(CASE WHEN m.direction = 'out' THEN m.sent_at END) OVER later AS next_out
    FROM ${from} WHERE ${where}
    WINDOW later AS (PARTITION BY m.contact_ref ORDER BY m.sent_at RANGE BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)`;
}
/** Replied (default window), as the last refresh of the aggregates stored it. */
export function storedReply(m: string): string {
  return `EXISTS (SELECT 1 FROM monitoring_replies r WHERE r.message_id = ${m}.id)`;
}
export function repliedFromWindow(t: string, windowParam: string): string {
  return `coalesce(${t}.first_in <= ${t}.sent_at + ${windowParam} AND ${t}.first_in < coalesce(${t}.next_out, ${NEVER}), 0)`;
}
