import type { Database } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import {
  DEFAULT_HORIZON_MINUTES,
  type AssignmentFormat,
  type AssignmentsExport,
  type CampaignOption,
  type CreateExperimentInput,
  type Experiment,
  type ExperimentDimension,
  type ExperimentStatus,
  type ExperimentSummary,
  type PrimaryMetric,
  type StoppingRule,
  type UpdatePlanInput,
} from '../../../shared/domain/experiments';
import { DEFAULT_ALPHA } from '../../../shared/stats';
import { audienceOf, currentVersionFor } from '../segments/store';
import { assignVariant, newSeed } from './assignment';

// The database spells enum values in snake_case, the API in camelCase.
const dimensionToDb: Record<ExperimentDimension, string> = { wording: 'wording', format: 'format', sendTime: 'send_time', channel: 'channel' };
const metricToDb: Record<PrimaryMetric, string> = { delivered: 'delivered', seenWithin: 'seen_within', replied: 'replied', clicked: 'clicked' };
const ruleToDb: Record<StoppingRule, string> = { fixedHorizon: 'fixed_horizon', sequential: 'sequential' };
const invert = <K extends string>(map: Record<K, string>) => Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k])) as Record<string, K>;
const dimensionFromDb = invert(dimensionToDb);
const metricFromDb = invert(metricToDb);
const ruleFromDb = invert(ruleToDb);

interface ExperimentRow {
  id: number;
  workspace_id: number;
  campaign_id: number;
  campaign_name: string;
  campaign_ref: string | null;
  name: string;
  dimension: string;
  hypothesis: string;
  primary_metric: string;
  horizon_minutes: number;
  stopping_rule: string;
  alpha: number;
  prior_weight: number;
  planned_per_variant: number | null;
  planner_baseline: number | null;
  planner_mde: number | null;
  planner_alpha: number | null;
  planner_power: number | null;
  seed: string;
  locked_at: number | null;
  stopped_at: number | null;
  created_at: number;
  updated_at: number;
  segment_version_id: number | null;
}

interface VariantRow {
  variant_id: number;
  name: string;
  description: string;
  planned_share: number;
  position: number;
}

function statusOf(row: { locked_at: number | null; stopped_at: number | null }): ExperimentStatus {
  if (row.stopped_at !== null) return 'stopped';
  return row.locked_at !== null ? 'running' : 'draft';
}

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** A campaign reference metadata can carry: lowercase ASCII, then a random tail so two campaigns never collide. */
function campaignRef(name: string, seed: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug || 'experiment'}-${seed.slice(0, 8)}`;
}

/** Spreadsheet programs run cells starting with these as formulas; a leading quote keeps them text. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export interface ExperimentServiceOptions {
  now?: () => number;
  seed?: () => string;
}

/** Experiments of a workspace: creation, the plan and its lock, stop, and the seeded assignment. */
export class ExperimentService {
  private readonly now: () => number;
  private readonly seed: () => string;

  constructor(
    private readonly db: Database,
    opts: ExperimentServiceOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.seed = opts.seed ?? newSeed;
  }

  list(workspaceId: number): ExperimentSummary[] {
    this.assertWorkspace(workspaceId);
    const rows = this.db
      .prepare(
        `SELECT e.id, e.name, c.name AS campaign_name, e.dimension, e.primary_metric, e.locked_at, e.stopped_at, e.created_at,
           (SELECT count(*) FROM experiment_variants v WHERE v.experiment_id = e.id) AS variant_count
         FROM experiments e JOIN campaigns c ON c.id = e.campaign_id
         WHERE e.workspace_id = ? ORDER BY e.created_at DESC, e.id DESC`,
      )
      .all(workspaceId) as {
      id: number;
      name: string;
      campaign_name: string;
      dimension: string;
      primary_metric: string;
      locked_at: number | null;
      stopped_at: number | null;
      created_at: number;
      variant_count: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      campaignName: r.campaign_name,
      dimension: dimensionFromDb[r.dimension] ?? 'wording',
      primaryMetric: metricFromDb[r.primary_metric] ?? 'seenWithin',
      variantCount: r.variant_count,
      status: statusOf(r),
      createdAt: r.created_at,
      lockedAt: r.locked_at,
    }));
  }

  campaigns(workspaceId: number): CampaignOption[] {
    this.assertWorkspace(workspaceId);
    const campaigns = this.db
      .prepare(
        `SELECT c.id, c.name, c.external_ref AS ref, e.name AS experiment_name
         FROM campaigns c LEFT JOIN experiments e ON e.campaign_id = c.id
         WHERE c.workspace_id = ? ORDER BY c.created_at DESC, c.id DESC`,
      )
      .all(workspaceId) as { id: number; name: string; ref: string | null; experiment_name: string | null }[];
    const variants = this.db.prepare('SELECT name FROM variants WHERE campaign_id = ? ORDER BY id');
    return campaigns.map((c) => ({
      id: c.id,
      name: c.name,
      ref: c.ref,
      variants: (variants.all(c.id) as { name: string }[]).map((v) => v.name),
      experimentName: c.experiment_name,
    }));
  }

  create(input: CreateExperimentInput): Experiment {
    this.assertWorkspace(input.workspaceId);
    const t = this.now();
    const seed = this.seed();
    if (input.segmentId === undefined && input.segmentVersion !== undefined) {
      throw new ApiError('BAD_INPUT', 'A segment version needs its segment.', [{ path: 'segmentId', message: 'segments.error.ruleOrSegment' }]);
    }
    const id = this.db.transaction(() => {
      const segmentVersionId =
        input.segmentId === undefined ? null : currentVersionFor(this.db, input.workspaceId, input.segmentId, input.segmentVersion, { segmentId: 'segmentId', version: 'segmentVersion' }).versionId;
      const campaignId = this.campaignFor(input, seed, t);
      const variantIds = input.variants.map((name) => this.variantFor(campaignId, name));
      let experimentId: number;
      try {
        experimentId = Number(
          this.db
            .prepare(
              `INSERT INTO experiments (workspace_id, campaign_id, name, dimension, primary_metric, horizon_minutes, stopping_rule, alpha, prior_weight, seed, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
            )
            .run(input.workspaceId, campaignId, input.name, dimensionToDb[input.dimension], metricToDb.seenWithin, DEFAULT_HORIZON_MINUTES, ruleToDb.fixedHorizon, DEFAULT_ALPHA, seed, t, t)
            .lastInsertRowid,
        );
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const message = (e as Error).message;
        if (message.includes('experiments.campaign_id')) {
          throw new ApiError('CONFLICT', 'This campaign already holds an experiment.', [{ path: 'campaign', message: 'experiments.error.campaignTaken' }]);
        }
        throw new ApiError('CONFLICT', `An experiment named "${input.name}" already exists.`, [{ path: 'name', message: 'experiments.error.nameTaken' }]);
      }
      if (segmentVersionId !== null) this.db.prepare('UPDATE experiments SET segment_version_id = ? WHERE id = ?').run(segmentVersionId, experimentId);
      const insertVariant = this.db.prepare('INSERT INTO experiment_variants (experiment_id, variant_id, position, planned_share) VALUES (?, ?, ?, ?)');
      variantIds.forEach((variantId, position) => insertVariant.run(experimentId, variantId, position, 1 / variantIds.length));
      return experimentId;
    })();
    return this.get(id);
  }

  get(id: number): Experiment {
    const row = this.db
      .prepare(
        `SELECT e.*, c.name AS campaign_name, c.external_ref AS campaign_ref
         FROM experiments e JOIN campaigns c ON c.id = e.campaign_id WHERE e.id = ?`,
      )
      .get(id) as ExperimentRow | undefined;
    if (!row) throw new ApiError('NOT_FOUND', `Experiment ${id} does not exist.`);
    const variants = this.db
      .prepare(
        `SELECT ev.variant_id, v.name, ev.description, ev.planned_share, ev.position
         FROM experiment_variants ev JOIN variants v ON v.id = ev.variant_id
         WHERE ev.experiment_id = ? ORDER BY ev.position`,
      )
      .all(id) as VariantRow[];
    const hasPlanner = row.planner_baseline !== null && row.planner_mde !== null && row.planner_alpha !== null && row.planner_power !== null;
    return {
      id: row.id,
      workspaceId: row.workspace_id,
      name: row.name,
      dimension: dimensionFromDb[row.dimension] ?? 'wording',
      campaign: { id: row.campaign_id, name: row.campaign_name, ref: row.campaign_ref },
      hypothesis: row.hypothesis,
      primaryMetric: metricFromDb[row.primary_metric] ?? 'seenWithin',
      horizonMinutes: row.horizon_minutes,
      stoppingRule: ruleFromDb[row.stopping_rule] ?? 'fixedHorizon',
      alpha: row.alpha,
      priorWeight: row.prior_weight,
      plannedPerVariant: row.planned_per_variant,
      planner: hasPlanner
        ? { baseline: row.planner_baseline ?? 0, mde: row.planner_mde ?? 0, alpha: row.planner_alpha ?? 0, power: row.planner_power ?? 0 }
        : null,
      variants: variants.map((v) => ({
        variantId: v.variant_id,
        name: v.name,
        description: v.description,
        share: v.planned_share,
        isControl: v.position === 0,
      })),
      seed: row.seed,
      status: statusOf(row),
      lockedAt: row.locked_at,
      stoppedAt: row.stopped_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      audience: audienceOf(this.db, row.segment_version_id),
    };
  }

  updatePlan(input: UpdatePlanInput): Experiment {
    const current = this.get(input.id);
    this.assertNotLocked(current);
    const known = new Set(current.variants.map((v) => v.variantId));
    const given = new Set(input.variants.map((v) => v.variantId));
    if (given.size !== input.variants.length || given.size !== known.size || [...given].some((id) => !known.has(id))) {
      throw new ApiError('BAD_INPUT', 'The plan must list every variant of the experiment once.', [{ path: 'variants', message: 'experiments.error.variantsMismatch' }]);
    }
    const shareTotal = input.variants.reduce((sum, v) => sum + v.share, 0);
    this.db.transaction(() => {
      const planner = input.planner;
      const changed = this.db
        .prepare(
          `UPDATE experiments SET hypothesis = ?, primary_metric = ?, horizon_minutes = ?, stopping_rule = ?, alpha = ?, prior_weight = ?,
             planned_per_variant = ?, planner_baseline = ?, planner_mde = ?, planner_alpha = ?, planner_power = ?, updated_at = ?
           WHERE id = ? AND locked_at IS NULL`,
        )
        .run(
          input.hypothesis,
          metricToDb[input.primaryMetric],
          input.horizonMinutes,
          ruleToDb[input.stoppingRule],
          input.alpha,
          input.priorWeight,
          input.plannedPerVariant,
          planner?.baseline ?? null,
          planner?.mde ?? null,
          planner?.alpha ?? null,
          planner?.power ?? null,
          this.now(),
          input.id,
        ).changes;
      if (changed === 0) throw this.lockedError();
      // Positions are rewritten wholesale: moving the control swaps positions, which in-place updates would collide on.
      this.db.prepare('DELETE FROM experiment_variants WHERE experiment_id = ?').run(input.id);
      const insert = this.db.prepare('INSERT INTO experiment_variants (experiment_id, variant_id, position, planned_share, description) VALUES (?, ?, ?, ?, ?)');
      input.variants.forEach((v, position) => insert.run(input.id, v.variantId, position, v.share / shareTotal, v.description));
    })();
    return this.get(input.id);
  }

  lock(id: number): Experiment {
    const current = this.get(id);
    this.assertNotLocked(current);
    const issues: { path: string; message: string }[] = [];
    if (current.hypothesis.trim() === '') issues.push({ path: 'hypothesis', message: 'experiments.error.hypothesisRequired' });
    if (current.plannedPerVariant === null) issues.push({ path: 'plannedPerVariant', message: 'experiments.error.plannedRequired' });
    if (issues.length > 0) throw new ApiError('BAD_INPUT', 'Write the hypothesis and the planned sample size before locking the plan.', issues);
    const t = this.now();
    const changed = this.db.prepare('UPDATE experiments SET locked_at = ?, updated_at = ? WHERE id = ? AND locked_at IS NULL').run(t, t, id).changes;
    if (changed === 0) throw this.lockedError();
    return this.get(id);
  }

  stop(id: number): Experiment {
    const current = this.get(id);
    if (current.lockedAt === null) {
      throw new ApiError('CONFLICT', 'Lock the plan before stopping the test: a draft has nothing to stop.', [{ path: 'id', message: 'experiments.error.notLocked' }]);
    }
    if (current.stoppedAt !== null) throw new ApiError('CONFLICT', 'This test is already stopped.', [{ path: 'id', message: 'experiments.error.alreadyStopped' }]);
    const t = this.now();
    this.db.prepare('UPDATE experiments SET stopped_at = ?, updated_at = ? WHERE id = ? AND stopped_at IS NULL').run(t, t, id);
    return this.get(id);
  }

  /**
   * Every reachable contact of the workspace (or the PSIDs given), with the
   * variant its seeded hash assigns and the metadata to send with the message
   * so its echo lands in this experiment's campaign and variant.
   */
  assignments(input: { id: number; format: AssignmentFormat; psids?: string[] | undefined }): AssignmentsExport {
    const experiment = this.get(input.id);
    if (experiment.lockedAt === null) {
      // The split decides the assignment; handing it out before the plan is frozen would let it move under a send.
      throw new ApiError('CONFLICT', 'Lock the plan before exporting assignments.', [{ path: 'id', message: 'experiments.error.notLocked' }]);
    }
    const contacts: { psid: string; page_id: string | null }[] =
      input.psids !== undefined
        ? [...new Set(input.psids)].map((psid) => ({ psid, page_id: null }))
        : (this.db
            .prepare(
              `SELECT c.psid, p.page_id FROM contacts c JOIN pages p ON p.id = c.page_ref
               WHERE p.workspace_id = ? AND c.consent_messenger = 1 AND c.opted_out_at IS NULL
               ORDER BY p.page_id, c.psid`,
            )
            .all(experiment.workspaceId) as { psid: string; page_id: string }[]);
    const shares = experiment.variants.map((v) => v.share);
    const names = experiment.variants.map((v) => v.name);
    const metadata = names.map((variant) =>
      JSON.stringify({ relais: { campaign: experiment.campaign.ref ?? experiment.campaign.name, campaignName: experiment.campaign.name, variant } }),
    );
    const perVariant = names.map(() => 0);
    const rows = contacts.map((c) => {
      const index = assignVariant(experiment.seed, c.psid, shares);
      perVariant[index] = (perVariant[index] ?? 0) + 1;
      return { psid: c.psid, pageId: c.page_id, variant: names[index] ?? '', metadata: metadata[index] ?? '' };
    });
    const base = `experiment-${experiment.id}-assignments`;
    const content =
      input.format === 'csv'
        ? [['psid', 'page_id', 'variant', 'metadata'].join(','), ...rows.map((r) => [r.psid, r.pageId ?? '', r.variant, r.metadata].map(csvCell).join(','))].join('\r\n') + '\r\n'
        : JSON.stringify(
            {
              experiment: experiment.name,
              campaign: { name: experiment.campaign.name, ref: experiment.campaign.ref },
              seed: experiment.seed,
              method: 'sha256(seed:psid), first 48 bits as a point in [0, 1), variant by cumulative share',
              split: experiment.variants.map((v, index) => ({ variant: v.name, share: v.share, metadata: metadata[index] })),
              assignments: rows.map((r) => ({ psid: r.psid, pageId: r.pageId, variant: r.variant })),
            },
            null,
            2,
          );
    return {
      fileName: `${base}.${input.format}`,
      mimeType: input.format === 'csv' ? 'text/csv' : 'application/json',
      content,
      count: rows.length,
      perVariant: names.map((variant, index) => ({ variant, count: perVariant[index] ?? 0 })),
    };
  }

  private assertWorkspace(id: number): void {
    if (!this.db.prepare('SELECT 1 FROM workspaces WHERE id = ?').get(id)) throw new ApiError('NOT_FOUND', `Workspace ${id} does not exist.`);
  }

  private assertNotLocked(experiment: Experiment): void {
    if (experiment.lockedAt !== null) throw this.lockedError();
  }

  private lockedError(): ApiError {
    return new ApiError('CONFLICT', 'The plan is locked: it was frozen before sending and can no longer change.', [{ path: 'id', message: 'experiments.error.locked' }]);
  }

  private campaignFor(input: CreateExperimentInput, seed: string, t: number): number {
    const choice = input.campaign;
    if (choice.kind === 'existing') {
      const row = this.db.prepare('SELECT workspace_id FROM campaigns WHERE id = ?').get(choice.campaignId) as { workspace_id: number } | undefined;
      if (!row || row.workspace_id !== input.workspaceId) {
        throw new ApiError('NOT_FOUND', `Campaign ${choice.campaignId} is not in this workspace.`, [{ path: 'campaign', message: 'experiments.error.campaignMissing' }]);
      }
      return choice.campaignId;
    }
    return Number(
      this.db
        .prepare('INSERT INTO campaigns (workspace_id, name, kind, external_ref, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(input.workspaceId, choice.name, choice.campaignKind, campaignRef(choice.name, seed), t).lastInsertRowid,
    );
  }

  /** The importer names variants by the metadata's variant name; reuse its rows so messages and plan meet. */
  private variantFor(campaignId: number, name: string): number {
    const row = this.db.prepare('SELECT id FROM variants WHERE campaign_id = ? AND name = ?').get(campaignId, name) as { id: number } | undefined;
    if (row) return row.id;
    return Number(this.db.prepare('INSERT INTO variants (campaign_id, name, external_ref) VALUES (?, ?, ?)').run(campaignId, name, name).lastInsertRowid);
  }
}
