import type { Migration } from '../migrate';

/**
 * Initial schema. Times are UTC milliseconds (INTEGER). A thread is (page, psid);
 * PSIDs only mean something together with their Page.
 */
export const initial: Migration = {
  version: 1,
  name: 'initial schema',
  up: `
    CREATE TABLE workspaces (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      time_zone TEXT NOT NULL,
      locale TEXT NOT NULL,
      logo_path TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX workspaces_name ON workspaces(name COLLATE NOCASE);

    CREATE TABLE pages (
      id INTEGER PRIMARY KEY,
      workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      page_id TEXT NOT NULL,
      name TEXT,
      time_zone TEXT,
      created_at INTEGER NOT NULL,
      UNIQUE (workspace_id, page_id)
    );

    CREATE TABLE contacts (
      id INTEGER PRIMARY KEY,
      page_ref INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
      psid TEXT NOT NULL,
      name TEXT,
      locale TEXT,
      time_zone TEXT,
      first_inbound_at INTEGER,
      last_inbound_at INTEGER,
      consent_messenger INTEGER NOT NULL DEFAULT 1,
      consent_sms INTEGER NOT NULL DEFAULT 0,
      consent_email INTEGER NOT NULL DEFAULT 0,
      opted_out_at INTEGER,
      phone TEXT,
      email TEXT,
      UNIQUE (page_ref, psid)
    );

    CREATE TABLE conversations (
      id INTEGER PRIMARY KEY,
      page_ref INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
      contact_ref INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      conversation_id TEXT,
      updated_time INTEGER,
      UNIQUE (page_ref, contact_ref)
    );

    CREATE TABLE campaigns (
      id INTEGER PRIMARY KEY,
      workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      kind TEXT NOT NULL DEFAULT 'newsletter' CHECK (kind IN ('flash_promo', 'notice', 'newsletter', 'other')),
      external_ref TEXT,
      created_at INTEGER NOT NULL,
      UNIQUE (workspace_id, external_ref)
    );

    CREATE TABLE variants (
      id INTEGER PRIMARY KEY,
      campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      external_ref TEXT,
      UNIQUE (campaign_id, name)
    );

    CREATE TABLE messages (
      id INTEGER PRIMARY KEY,
      mid TEXT NOT NULL UNIQUE,
      contact_ref INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
      sent_at INTEGER NOT NULL,
      sent_at_source TEXT NOT NULL CHECK (sent_at_source IN ('echo', 'send_api', 'graph', 'inbound')),
      delivered_at INTEGER,
      delivered_inferred INTEGER NOT NULL DEFAULT 0,
      read_at INTEGER,
      campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
      variant_id INTEGER REFERENCES variants(id) ON DELETE SET NULL
    );
    CREATE INDEX messages_contact_sent ON messages(contact_ref, sent_at);
    CREATE INDEX messages_campaign ON messages(campaign_id) WHERE campaign_id IS NOT NULL;

    CREATE TABLE receipt_events (
      id INTEGER PRIMARY KEY,
      contact_ref INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('delivery', 'read')),
      watermark INTEGER NOT NULL,
      event_time INTEGER NOT NULL,
      mids TEXT,
      received_at INTEGER NOT NULL
    );
    CREATE INDEX receipt_events_thread ON receipt_events(contact_ref, kind, watermark);

    CREATE TABLE segments (
      id INTEGER PRIMARY KEY,
      workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      UNIQUE (workspace_id, name)
    );

    CREATE TABLE sync_state (
      id INTEGER PRIMARY KEY,
      workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      source TEXT NOT NULL,
      source_key TEXT NOT NULL,
      cursor TEXT,
      progress TEXT,
      updated_at INTEGER NOT NULL,
      UNIQUE (workspace_id, source, source_key)
    );
  `,
};
