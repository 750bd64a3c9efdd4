import type { Migration } from '../migrate';

/**
 * Send-time plans saved on a campaign: what the planner was given (inputs, as JSON) and
 * one row per scheduled contact with its time, prediction, reason and holdout flag. The
 * uplift is never stored: it is recomputed from the campaign's messages, so a late
 * receipt always counts.
 */
export const sendTimePlans: Migration = {
  version: 7,
  name: 'send-time plans saved on campaigns, holdouts',
  up: `
    CREATE TABLE send_time_plans (
      id INTEGER PRIMARY KEY,
      workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      horizon_minutes INTEGER NOT NULL CHECK (horizon_minutes > 0),
      window_start INTEGER NOT NULL,
      window_end INTEGER NOT NULL CHECK (window_end > window_start),
      usual_hour INTEGER NOT NULL CHECK (usual_hour BETWEEN 0 AND 23),
      holdout_share REAL NOT NULL CHECK (holdout_share >= 0 AND holdout_share <= 1),
      exploration_share REAL NOT NULL DEFAULT 0 CHECK (exploration_share >= 0 AND exploration_share <= 1),
      predicted_rate REAL NOT NULL,
      usual_time_rate REAL NOT NULL,
      left_out INTEGER NOT NULL DEFAULT 0 CHECK (left_out >= 0),
      method TEXT NOT NULL,
      inputs_json TEXT NOT NULL CHECK (json_valid(inputs_json))
    );
    CREATE INDEX send_time_plans_campaign ON send_time_plans(campaign_id, created_at);
    CREATE INDEX send_time_plans_workspace ON send_time_plans(workspace_id, created_at);

    CREATE TABLE send_time_plan_rows (
      plan_id INTEGER NOT NULL REFERENCES send_time_plans(id) ON DELETE CASCADE,
      contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      scheduled_at INTEGER NOT NULL,
      predicted REAL NOT NULL CHECK (predicted >= 0 AND predicted <= 1),
      reason TEXT NOT NULL,
      holdout INTEGER NOT NULL CHECK (holdout IN (0, 1)),
      explore INTEGER NOT NULL DEFAULT 0 CHECK (explore IN (0, 1)),
      PRIMARY KEY (plan_id, contact_id)
    ) WITHOUT ROWID;
    CREATE INDEX send_time_plan_rows_contact ON send_time_plan_rows(contact_id);
  `,
};
