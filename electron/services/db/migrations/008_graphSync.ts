import type { Migration } from '../migrate';

/**
 * Graph API history sync (Conversations API): per Page, where the current run stands and how
 * the last one ended, and the errors met on the way.
 *
 * The run's position (`after_cursor`, counters) is written in the same transaction as the
 * rows a page of conversations brought in, so a sync killed at any point resumes exactly
 * after the last committed page. Tokens are never stored here (secrets/ keeps them).
 */
export const graphSync: Migration = {
  version: 8,
  name: 'Graph API history sync state',
  up: `
    CREATE TABLE graph_sync_pages (
      page_ref INTEGER PRIMARY KEY REFERENCES pages(id) ON DELETE CASCADE,
      -- Chosen for sync in the Sync page (connected Pages stay listed when not chosen).
      selected INTEGER NOT NULL DEFAULT 1,
      status TEXT NOT NULL DEFAULT 'idle'
        CHECK (status IN ('idle', 'running', 'done', 'failed', 'reconnect')),
      -- The current run: started at, the next conversations page to fetch (NULL = the first),
      -- and what it has brought in so far. Reset when a new run starts.
      run_started_at INTEGER,
      after_cursor TEXT,
      -- A run after a completed one stops at the first page of conversations it already has.
      incremental INTEGER NOT NULL DEFAULT 0,
      conversations_total INTEGER,
      conversations_done INTEGER NOT NULL DEFAULT 0,
      messages_done INTEGER NOT NULL DEFAULT 0,
      requests INTEGER NOT NULL DEFAULT 0,
      -- Conversations with more than the 20 most recent messages the API details, and how many
      -- of their messages are out of reach.
      truncated_conversations INTEGER NOT NULL DEFAULT 0,
      messages_out_of_reach INTEGER NOT NULL DEFAULT 0,
      cursor_restarts INTEGER NOT NULL DEFAULT 0,
      last_success_at INTEGER,
      last_error_kind TEXT,
      last_error_message TEXT,
      last_error_at INTEGER,
      updated_at INTEGER NOT NULL
    );

    -- How many messages each synced conversation holds (message_count): beyond the 20 most
    -- recent, they are out of the API's reach, which the Sync page says.
    CREATE TABLE graph_sync_conversations (
      page_ref INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
      conversation_id TEXT NOT NULL,
      message_count INTEGER NOT NULL,
      PRIMARY KEY (page_ref, conversation_id)
    ) WITHOUT ROWID;

    -- Every error the API returned that the sync did not simply retry through, with the
    -- fbtrace_id Meta support asks for.
    CREATE TABLE graph_sync_errors (
      id INTEGER PRIMARY KEY,
      page_ref INTEGER REFERENCES pages(id) ON DELETE CASCADE,
      workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      http_status INTEGER,
      code INTEGER,
      subcode INTEGER,
      message TEXT NOT NULL,
      fbtrace_id TEXT
    );
    CREATE INDEX graph_sync_errors_page ON graph_sync_errors(workspace_id, at);

    -- Connection settings per workspace: the Graph base URL and version (the simulator's, in
    -- tests and the demo), and when Graph was last reached (the "offline — showing data
    -- from …" state).
    CREATE TABLE graph_sync_settings (
      workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
      graph_url TEXT,
      api_version TEXT,
      connected_at INTEGER,
      last_reached_at INTEGER,
      last_unreachable_at INTEGER
    );

    -- A message first known from the Conversations API (second precision) and then from a
    -- webhook (ms) takes the webhook's time; the contact's inbound times follow the better
    -- time. Only updates that replace a 'graph' time fire it, so imports pay nothing.
    CREATE TRIGGER graph_sync_inbound_time_refined
    AFTER UPDATE OF sent_at ON messages
    WHEN OLD.sent_at_source = 'graph' AND NEW.sent_at_source <> 'graph' AND NEW.direction = 'in'
    BEGIN
      UPDATE contacts SET
        first_inbound_at = (SELECT min(sent_at) FROM messages WHERE contact_ref = NEW.contact_ref AND direction = 'in'),
        last_inbound_at = (SELECT max(sent_at) FROM messages WHERE contact_ref = NEW.contact_ref AND direction = 'in')
      WHERE id = NEW.contact_ref;
    END;
  `,
};
