import type { Database } from 'better-sqlite3';
import type { SendPlan, SendTimeHeatmap } from '../../../shared/domain/sendTime';
import type { AppContext } from '../context';
import { bundledJobWorkerScript, runInWorker } from '../imports/runner';
import { groupHeatmap, workspaceHeatmap, type GroupHeatmapRequest, type WorkspaceHeatmapRequest } from './heatmap';
import { observedHeatmap, type ObservedHeatmap, type ObservedRequest } from './observed';
import { sendPlanCsv, sendPlanJson, sendTimePlan, type SendPlanRequest } from './plan';

/**
 * The CPU-heavy part of the send-time calls: fitting the model on a workspace's whole history
 * (seconds on the demo's 5 452 contacts), planning, and counting the observed rates over every
 * outbound message. It only reads the store, so it can run
 * in the job worker on its own connection while the main process keeps answering.
 */
export type SendTimeTask =
  | { op: 'plan'; request: SendPlanRequest }
  /** The plan alone, for saving: no CSV or JSON export. */
  | { op: 'planOnly'; request: SendPlanRequest }
  | { op: 'heatmap'; request: WorkspaceHeatmapRequest }
  | { op: 'groupHeatmap'; request: GroupHeatmapRequest }
  | { op: 'observed'; request: ObservedRequest };

export interface PlanWithExports {
  plan: SendPlan;
  csv: string;
  json: string;
}

export type SendTimeResult<T extends SendTimeTask> = T['op'] extends 'plan' ? PlanWithExports : T['op'] extends 'planOnly' ? SendPlan : T['op'] extends 'observed' ? ObservedHeatmap : SendTimeHeatmap;

/** Runs one task on `db`; bad input throws the same ApiError wherever it runs. */
export function runSendTimeTask(db: Database, task: SendTimeTask): PlanWithExports | SendPlan | SendTimeHeatmap | ObservedHeatmap {
  switch (task.op) {
    case 'plan': {
      const { plan } = sendTimePlan(db, task.request);
      return { plan, csv: sendPlanCsv(plan), json: sendPlanJson(plan) };
    }
    case 'planOnly':
      return sendTimePlan(db, task.request).plan;
    case 'heatmap':
      return workspaceHeatmap(db, task.request);
    case 'groupHeatmap':
      return groupHeatmap(db, task.request);
    case 'observed':
      return observedHeatmap(db, task.request);
  }
}

/**
 * Runs the task in the job worker bundled with the running app (or `ctx.workerScript`).
 * From source (unit tests, no bundle next to the code) it runs in-process on the context's
 * store: the build in dist/ may be older than the code under test, so it is not looked for.
 */
export async function computeSendTime<T extends SendTimeTask>(ctx: AppContext, task: T): Promise<SendTimeResult<T>> {
  const script = ctx.workerScript ?? bundledJobWorkerScript();
  const result = script ? await runInWorker(ctx, script, { kind: 'sendTime', args: task }) : runSendTimeTask(ctx.store.db, task);
  return result as SendTimeResult<T>;
}
