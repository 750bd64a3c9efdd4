import type { Migration } from '../migrate';

/**
 * A/B experiments: the plan written before sending (frozen by locked_at) and the
 * variants it compares with their planned shares. Results are never stored:
 * they are recomputed from messages, so a late receipt always counts.
 */
export const experiments: Migration = {
  version: 5,
  name: 'experiments',
  up: `
    CREATE TABLE experiments (
      id INTEGER PRIMARY KEY,
      workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      -- A campaign holds at most one experiment: its messages are the experiment's exposures.
      campaign_id INTEGER NOT NULL UNIQUE REFERENCES campaigns(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      dimension TEXT NOT NULL CHECK (dimension IN ('wording', 'format', 'send_time', 'channel')),
      hypothesis TEXT NOT NULL DEFAULT '',
      primary_metric TEXT NOT NULL CHECK (primary_metric IN ('delivered', 'seen_within', 'replied', 'clicked')),
      horizon_minutes INTEGER NOT NULL CHECK (horizon_minutes > 0),
      stopping_rule TEXT NOT NULL CHECK (stopping_rule IN ('fixed_horizon', 'sequential')),
      alpha REAL NOT NULL CHECK (alpha > 0 AND alpha < 1),
      prior_weight REAL NOT NULL DEFAULT 0 CHECK (prior_weight >= 0),
      planned_per_variant INTEGER CHECK (planned_per_variant IS NULL OR planned_per_variant > 0),
      -- What the sample-size planner was given; all four or none.
      planner_baseline REAL,
      planner_mde REAL,
      planner_alpha REAL,
      planner_power REAL,
      seed TEXT NOT NULL,
      locked_at INTEGER,
      stopped_at INTEGER,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      CHECK (stopped_at IS NULL OR locked_at IS NOT NULL)
    );
    CREATE UNIQUE INDEX experiments_name ON experiments(workspace_id, name COLLATE NOCASE);

    CREATE TABLE experiment_variants (
      experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
      variant_id INTEGER NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
      -- 0 is the control; the assignment hash walks the shares in this order.
      position INTEGER NOT NULL CHECK (position >= 0),
      planned_share REAL NOT NULL CHECK (planned_share > 0 AND planned_share <= 1),
      description TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (experiment_id, variant_id),
      UNIQUE (experiment_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX experiment_variants_variant ON experiment_variants(variant_id);

    -- A locked plan stays locked whatever code writes to the file. Deletes are left alone:
    -- they come from deleting the campaign or the workspace, which must always work.
    CREATE TRIGGER experiments_plan_frozen
    BEFORE UPDATE OF campaign_id, name, dimension, hypothesis, primary_metric, horizon_minutes, stopping_rule, alpha,
      prior_weight, planned_per_variant, planner_baseline, planner_mde, planner_alpha, planner_power, seed, locked_at
    ON experiments WHEN OLD.locked_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'experiment plan is locked'); END;

    CREATE TRIGGER experiment_variants_frozen_insert
    BEFORE INSERT ON experiment_variants
    WHEN (SELECT locked_at FROM experiments WHERE id = NEW.experiment_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'experiment plan is locked'); END;

    CREATE TRIGGER experiment_variants_frozen_update
    BEFORE UPDATE ON experiment_variants
    WHEN (SELECT locked_at FROM experiments WHERE id = OLD.experiment_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'experiment plan is locked'); END;
  `,
};
