import type { Migration } from '../migrate';

/**
 * A narrow covering index over the columns a segment's live count reads most: the Page,
 * opt-out, Messenger consent and last inbound message (messageable now, the 24-hour window)
 * and the maintained per-contact totals. A count then scans this index instead of the wide
 * contacts rows: measured 35.6 → 28.7 ms for the bench's 6-condition rule on 100 000
 * contacts (21.8× → 17.7× the typed-array lower bound), segments:count 36.5 → 30.4 ms.
 */
export const segmentCountIndex: Migration = {
  version: 10,
  name: 'segment count covering index',
  up: `
    CREATE INDEX contacts_segment_count ON contacts(
      page_ref, opted_out_at, consent_messenger, last_inbound_at,
      seg_out_count, seg_delivered_count, seg_seen_count, seg_replied_count, seg_last_seen_at
    );
  `,
};
