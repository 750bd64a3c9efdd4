import { z } from 'zod';
import {
  AbAnalyzeInput,
  AbPlan,
  AbPlanInput,
  AbReading,
  AssignmentsExport,
  AssignmentsInput,
  CampaignOption,
  CreateExperimentInput,
  Experiment,
  ExperimentId,
  ExperimentResults,
  ExperimentSummary,
  UpdatePlanInput,
} from '../../domain/experiments';
import { WorkspaceId } from '../../domain/workspace';
import type { ContractEntries } from './types';

const byId = z.object({ id: ExperimentId }).strict();

/**
 * A/B experiments: plan before sending, lock, read the results from synced
 * messages (`experiments:*`), and the same statistics on numbers typed by hand
 * or for the planner (`ab:*`, no database involved).
 */
export const experimentsContract = {
  'experiments:list': {
    input: z.object({ workspaceId: WorkspaceId }).strict(),
    output: z.array(ExperimentSummary),
  },
  /** Campaigns of the workspace an experiment can be attached to, with their variants. */
  'experiments:campaigns': {
    input: z.object({ workspaceId: WorkspaceId }).strict(),
    output: z.array(CampaignOption),
  },
  'experiments:create': {
    input: CreateExperimentInput,
    output: Experiment,
  },
  'experiments:get': {
    input: byId,
    output: Experiment,
  },
  /** CONFLICT once the plan is locked: a plan changed after sending is no plan. */
  'experiments:updatePlan': {
    input: UpdatePlanInput,
    output: Experiment,
  },
  /** Freezes the plan; BAD_INPUT naming the missing parts (hypothesis, planned sample size). */
  'experiments:lock': {
    input: byId,
    output: Experiment,
  },
  /** Records the end of the test; under a fixed-horizon rule the results then say whether it ended early. */
  'experiments:stop': {
    input: byId,
    output: Experiment,
  },
  'experiments:results': {
    input: byId,
    output: ExperimentResults,
  },
  /** Seeded, reproducible assignment of PSIDs to variants, as a CSV or JSON file for the send plan. */
  'experiments:assignments': {
    input: AssignmentsInput,
    output: AssignmentsExport,
  },
  'ab:analyze': {
    input: AbAnalyzeInput,
    output: AbReading,
  },
  'ab:plan': {
    input: AbPlanInput,
    output: AbPlan,
  },
} as const satisfies ContractEntries;
