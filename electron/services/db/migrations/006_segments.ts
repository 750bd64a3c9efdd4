import type { Migration } from '../migrate';

/**
 * Saved segments with their versions (a rule, or a static list of contacts), contact labels,
 * the segment version each campaign and experiment used, and per-contact behaviour totals
 * that keep a live count fast on a million messages.
 *
 * The `seg_*` columns of contacts are a cache of a query over `messages`, never a source of truth
 * (electron/services/segments/stats.ts). As in migration 004, new messages are found by id
 * (`segment_stats_state.next_message_id`) so the import path pays for no INSERT trigger, and
 * updates and deletes, which ids cannot reveal, are logged by triggers into an append-only
 * table of contacts to recompute.
 */
export const segments: Migration = {
  version: 6,
  name: 'saved segments (versions, static members) and per-contact behaviour aggregates',
  up: `
    ALTER TABLE segments ADD COLUMN kind TEXT NOT NULL DEFAULT 'rule' CHECK (kind IN ('rule', 'static'));
    ALTER TABLE segments ADD COLUMN current_version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE segments ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;

    -- Every save is a row; a segment's rows are never updated or deleted (only with the segment).
    CREATE TABLE segment_versions (
      id INTEGER PRIMARY KEY,
      segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
      version INTEGER NOT NULL CHECK (version > 0),
      kind TEXT NOT NULL CHECK (kind IN ('rule', 'static')),
      -- The rule as JSON (shared/domain/segmentRule.ts, with its format version); NULL for static.
      rule TEXT,
      note TEXT,
      saved_by TEXT NOT NULL,
      saved_at INTEGER NOT NULL,
      -- A restore names the version it copied.
      restored_from INTEGER,
      UNIQUE (segment_id, version),
      CHECK ((kind = 'rule') = (rule IS NOT NULL))
    );

    -- The contacts of a static version.
    CREATE TABLE segment_static_members (
      version_id INTEGER NOT NULL REFERENCES segment_versions(id) ON DELETE CASCADE,
      contact_ref INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      PRIMARY KEY (version_id, contact_ref)
    ) WITHOUT ROWID;
    CREATE INDEX segment_static_members_contact ON segment_static_members(contact_ref);

    -- Labels (tags) of a contact, e.g. from the contacts CSV's labels column.
    CREATE TABLE contact_labels (
      contact_ref INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      label TEXT NOT NULL,
      PRIMARY KEY (contact_ref, label)
    ) WITHOUT ROWID;
    CREATE INDEX contact_labels_label ON contact_labels(label, contact_ref);

    -- Which saved version of a segment a campaign or an experiment was sent to.
    ALTER TABLE campaigns ADD COLUMN segment_version_id INTEGER REFERENCES segment_versions(id) ON DELETE SET NULL;
    ALTER TABLE experiments ADD COLUMN segment_version_id INTEGER REFERENCES segment_versions(id) ON DELETE SET NULL;

    -- Per-contact totals over all of the contact's outbound messages (replies: domain.md's rule,
    -- before the next send and within 24 h), kept on the contact row itself so a live count is
    -- one scan of one table. Zero / NULL for a contact without sends.
    ALTER TABLE contacts ADD COLUMN seg_out_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE contacts ADD COLUMN seg_delivered_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE contacts ADD COLUMN seg_seen_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE contacts ADD COLUMN seg_replied_count INTEGER NOT NULL DEFAULT 0;
    -- Seen and then replied to: what "clicked" means without click events.
    ALTER TABLE contacts ADD COLUMN seg_clicked_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE contacts ADD COLUMN seg_first_out_at INTEGER;
    ALTER TABLE contacts ADD COLUMN seg_last_out_at INTEGER;
    ALTER TABLE contacts ADD COLUMN seg_last_seen_at INTEGER;
    ALTER TABLE contacts ADD COLUMN seg_median_seen_latency REAL;
    CREATE TABLE segment_stats_state (
      workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
      next_message_id INTEGER NOT NULL
    );
    CREATE TABLE segment_stats_changes (
      contact_ref INTEGER NOT NULL
    );
    CREATE TRIGGER segment_stats_messages_updated
    AFTER UPDATE OF contact_ref, direction, sent_at, delivered_at, read_at ON messages
    WHEN OLD.contact_ref IS NOT NEW.contact_ref OR OLD.direction IS NOT NEW.direction OR OLD.sent_at IS NOT NEW.sent_at
      OR OLD.delivered_at IS NOT NEW.delivered_at OR OLD.read_at IS NOT NEW.read_at
    BEGIN
      INSERT INTO segment_stats_changes (contact_ref) VALUES (NEW.contact_ref);
      INSERT INTO segment_stats_changes (contact_ref) SELECT OLD.contact_ref WHERE OLD.contact_ref IS NOT NEW.contact_ref;
    END;
    CREATE TRIGGER segment_stats_messages_deleted AFTER DELETE ON messages BEGIN
      INSERT INTO segment_stats_changes (contact_ref) SELECT OLD.contact_ref WHERE EXISTS (SELECT 1 FROM contacts WHERE id = OLD.contact_ref);
      UPDATE segment_stats_state SET next_message_id = OLD.id WHERE next_message_id > OLD.id;
    END;
  `,
};
