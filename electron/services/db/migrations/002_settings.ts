import type { Migration } from '../migrate';

/** App-wide preferences (UI language, last workspace) live in the store, so every shell remembers them. */
export const settings: Migration = {
  version: 2,
  name: 'app settings',
  up: `
    CREATE TABLE app_settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX contacts_last_inbound ON contacts(page_ref, last_inbound_at);
  `,
};
