import type { Migration } from '../migrate';

/**
 * Delivery monitoring: settings, alert rules and their events, the indexes the monitoring
 * queries need, and the maintained aggregates that keep the dashboard fast on a million
 * messages: an hourly funnel rollup with the replies behind it, and a per-contact
 * recurring-problem status.
 *
 * The aggregates are caches of queries over `messages`, never a second source of truth.
 * New message ids and a few triggers say what changed (cheap on the import path); the
 * monitoring service recomputes those hours and contacts from the messages before it reads
 * them, and reads the messages directly where it cannot (read-only or busy store).
 */
export const monitoring: Migration = {
  version: 4,
  name: 'delivery monitoring',
  up: `
    -- A thread's outbound and inbound messages in time order: the reply of a send and the next
    -- send are one seek each, a contact's last N sends a short range. Receipt times are left out
    -- on purpose: every receipt would rewrite the entry, and the reads that need them are cached.
    CREATE INDEX monitoring_messages_thread ON messages(contact_ref, direction, sent_at);
    -- Outbound sends of a period, covering everything the funnel, latency and stuck queries read.
    CREATE INDEX monitoring_messages_out_sent ON messages(sent_at, contact_ref, campaign_id, delivered_at, read_at, delivered_inferred)
      WHERE direction = 'out';

    -- Funnel counts per Page, campaign (0 = none) and UTC hour of the send, for the horizons H a
    -- dashboard uses and the default 24 h reply window. Counts are facts about receipt times,
    -- independent of "now": the reader decides which hours are old enough to be settled.
    CREATE TABLE monitoring_hourly (
      page_ref INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
      hour INTEGER NOT NULL,
      campaign_id INTEGER NOT NULL,
      sent INTEGER NOT NULL,
      first_sent_at INTEGER NOT NULL,
      replied INTEGER NOT NULL,
      delivered_1h INTEGER NOT NULL, delivered_6h INTEGER NOT NULL, delivered_24h INTEGER NOT NULL,
      delivered_48h INTEGER NOT NULL, delivered_72h INTEGER NOT NULL,
      seen_1h INTEGER NOT NULL, seen_6h INTEGER NOT NULL, seen_24h INTEGER NOT NULL,
      seen_48h INTEGER NOT NULL, seen_72h INTEGER NOT NULL,
      seen_replied_1h INTEGER NOT NULL, seen_replied_6h INTEGER NOT NULL, seen_replied_24h INTEGER NOT NULL,
      seen_replied_48h INTEGER NOT NULL, seen_replied_72h INTEGER NOT NULL,
      PRIMARY KEY (page_ref, hour, campaign_id)
    ) WITHOUT ROWID;

    -- The sends that were replied to (within the default 24 h window), with their reply: computed
    -- with the rollup, so queries over contacts or long periods look a reply up instead of
    -- searching each thread. Only ~1 send in 10 is replied to: a small table.
    CREATE TABLE monitoring_replies (
      message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
      replied_at INTEGER NOT NULL
    );

    -- What changed since the aggregates were last brought up to date. New messages are found
    -- by id: SQLite gives a new row max(id) + 1, so a workspace's messages at or above its
    -- next_message_id are new, and no INSERT trigger slows the import path (a trigger makes
    -- SQLite journal every statement). A workspace without a row has never been built: its
    -- first refresh recomputes everything. Updates and deletes, which ids cannot reveal, are
    -- logged by triggers into append-only tables: no uniqueness check to pay for, no conflict
    -- policy a firing statement could override, no foreign keys (rows of contacts or Pages
    -- deleted meanwhile are dropped at the next refresh).
    CREATE TABLE monitoring_state (
      workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
      next_message_id INTEGER NOT NULL
    );
    CREATE TABLE monitoring_changes (
      contact_ref INTEGER NOT NULL,
      hour INTEGER NOT NULL
    );
    CREATE TABLE monitoring_page_changes (
      page_ref INTEGER NOT NULL,
      hour INTEGER NOT NULL
    );
    -- Contacts whose status awaits recomputation, handed over by the hourly refresh (so a
    -- funnel query never pays for the recurring-problem rule).
    CREATE TABLE monitoring_dirty_contacts (
      contact_ref INTEGER PRIMARY KEY
    ) WITHOUT ROWID;

    -- The recurring-problem rule evaluated per contact. Valid from the evaluation until
    -- recheck_at, when one of its last N messages becomes old enough to judge.
    CREATE TABLE monitoring_contact_status (
      contact_ref INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
      page_ref INTEGER NOT NULL,
      considered INTEGER NOT NULL,
      not_delivered INTEGER NOT NULL,
      unseen INTEGER NOT NULL,
      undecided INTEGER NOT NULL,
      last_sent_at INTEGER,
      flagged INTEGER NOT NULL,
      recheck_at INTEGER
    );
    CREATE INDEX monitoring_contact_status_flagged ON monitoring_contact_status(page_ref, not_delivered, unseen) WHERE flagged = 1;
    CREATE INDEX monitoring_contact_status_recheck ON monitoring_contact_status(recheck_at) WHERE recheck_at IS NOT NULL;
    -- Which rule, and as of when, the statuses of a workspace were computed.
    CREATE TABLE monitoring_status_basis (
      workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
      rule_key TEXT NOT NULL,
      computed_at INTEGER NOT NULL
    );

    -- Replays that rewrite the same times change nothing and log nothing.
    CREATE TRIGGER monitoring_messages_updated
    AFTER UPDATE OF contact_ref, direction, sent_at, delivered_at, read_at, campaign_id ON messages
    WHEN OLD.contact_ref IS NOT NEW.contact_ref OR OLD.direction IS NOT NEW.direction OR OLD.sent_at IS NOT NEW.sent_at
      OR OLD.delivered_at IS NOT NEW.delivered_at OR OLD.read_at IS NOT NEW.read_at OR OLD.campaign_id IS NOT NEW.campaign_id
    BEGIN
      INSERT INTO monitoring_changes (contact_ref, hour) VALUES (NEW.contact_ref, NEW.sent_at / 3600000);
      INSERT INTO monitoring_changes (contact_ref, hour) SELECT OLD.contact_ref, OLD.sent_at / 3600000
        WHERE OLD.contact_ref IS NOT NEW.contact_ref OR OLD.sent_at / 3600000 IS NOT NEW.sent_at / 3600000;
    END;
    -- A new message may take a deleted one's id: ids from the deleted one up are looked at again.
    -- Messages deleted with their contact are the contact trigger's business (below).
    CREATE TRIGGER monitoring_messages_deleted AFTER DELETE ON messages BEGIN
      INSERT INTO monitoring_changes (contact_ref, hour) SELECT OLD.contact_ref, OLD.sent_at / 3600000
        WHERE EXISTS (SELECT 1 FROM contacts WHERE id = OLD.contact_ref);
      UPDATE monitoring_state SET next_message_id = OLD.id WHERE next_message_id > OLD.id;
    END;
    -- Once a contact is gone its Page can no longer be found from its id: note the Page's hours
    -- first. Not when the Page goes too: its rollup rows go with it.
    CREATE TRIGGER monitoring_contacts_deleted BEFORE DELETE ON contacts BEGIN
      INSERT INTO monitoring_page_changes (page_ref, hour)
        SELECT DISTINCT OLD.page_ref, sent_at / 3600000 FROM messages
        WHERE contact_ref = OLD.id AND EXISTS (SELECT 1 FROM pages WHERE id = OLD.page_ref);
    END;
    CREATE TRIGGER monitoring_contacts_moved AFTER UPDATE OF page_ref ON contacts WHEN OLD.page_ref IS NOT NEW.page_ref BEGIN
      INSERT INTO monitoring_page_changes (page_ref, hour)
        SELECT DISTINCT OLD.page_ref, sent_at / 3600000 FROM messages WHERE contact_ref = NEW.id;
      INSERT INTO monitoring_changes (contact_ref, hour)
        SELECT DISTINCT NEW.id, sent_at / 3600000 FROM messages WHERE contact_ref = NEW.id;
    END;

    -- Per workspace; a missing row means the defaults. The recurring rule is JSON checked by the
    -- service's schema, so the rule can gain a field without a migration.
    CREATE TABLE monitoring_settings (
      workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
      recurring_rule TEXT,
      -- Default alert rules are created once; a user who deletes them does not get them back.
      alert_rules_created_at INTEGER
    );
    CREATE TABLE monitoring_stuck_thresholds (
      workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      campaign_kind TEXT NOT NULL CHECK (campaign_kind IN ('flash_promo', 'notice', 'newsletter', 'other')),
      threshold_ms INTEGER NOT NULL CHECK (threshold_ms > 0),
      PRIMARY KEY (workspace_id, campaign_kind)
    ) WITHOUT ROWID;

    CREATE TABLE monitoring_alert_rules (
      id INTEGER PRIMARY KEY,
      workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('delivery_rate_below', 'delivery_latency_above', 'campaign_seen_below', 'platform_incident')),
      condition TEXT NOT NULL,
      enabled INTEGER NOT NULL DEFAULT 1,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX monitoring_alert_rules_workspace ON monitoring_alert_rules(workspace_id);

    -- One row per firing: opened once, then refreshed while the condition holds, resolved when it clears.
    CREATE TABLE monitoring_alerts (
      id INTEGER PRIMARY KEY,
      workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      rule_id INTEGER NOT NULL REFERENCES monitoring_alert_rules(id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      -- 'workspace' or 'campaign:<id>'.
      subject_key TEXT NOT NULL,
      opened_at INTEGER NOT NULL,
      last_triggered_at INTEGER NOT NULL,
      acknowledged_at INTEGER,
      resolved_at INTEGER,
      evidence TEXT NOT NULL
    );
    -- The dedupe: at most one unresolved alert per rule and subject, whatever calls the evaluation.
    CREATE UNIQUE INDEX monitoring_alerts_active ON monitoring_alerts(rule_id, subject_key) WHERE resolved_at IS NULL;
    CREATE INDEX monitoring_alerts_history ON monitoring_alerts(workspace_id, opened_at);
  `,
};
