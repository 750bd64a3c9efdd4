import type { Migration } from '../migrate';

/**
 * The segment version a saved send-time plan was built for. The campaign keeps the version of
 * its latest plan (`campaigns.segment_version_id`, migration 006); each plan keeps its own, so a
 * campaign planned twice for two versions still shows which plan went to which.
 */
export const segmentLinks: Migration = {
  version: 9,
  name: 'segment version of each saved send-time plan',
  up: `
    ALTER TABLE send_time_plans ADD COLUMN segment_version_id INTEGER REFERENCES segment_versions(id) ON DELETE SET NULL;
    CREATE INDEX send_time_plans_segment_version ON send_time_plans(segment_version_id) WHERE segment_version_id IS NOT NULL;
    CREATE INDEX campaigns_segment_version ON campaigns(segment_version_id) WHERE segment_version_id IS NOT NULL;
    CREATE INDEX experiments_segment_version ON experiments(segment_version_id) WHERE segment_version_id IS NOT NULL;
  `,
};
