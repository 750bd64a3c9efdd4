import { betaIntervals } from './beta';
import { emSums, liftRows, type ClassTables, type FlatEvidence } from './hazard';

/**
 * Work a send-time fit can hand to a second thread while it does the same amount itself:
 * half of each EM step's sums, half of the contacts' lifts, and then half of the plan's
 * credible intervals. The helper runs the same pure
 * functions on copies of its half, and writes into shared memory, so a fit gives the same
 * numbers with or without a helper. The thread itself lives in electron/ (fitHelper.ts).
 */
export type HelperTask =
  | { kind: 'em'; tables: ClassTables; evidence: FlatEvidence; out: Float64Array }
  | { kind: 'lifts'; tables: ClassTables; evidence: FlatEvidence; firstRow: number; horizonMinutes: number; out: Float64Array }
  | { kind: 'intervals'; alpha: Float64Array; beta: Float64Array; first: number; out: Float64Array };

export interface FitHelper {
  /** Memory both threads see (a task's `out`). */
  shared(length: number): Float64Array;
  /** Starts a task on the helper's thread; the caller does its own half meanwhile. */
  post(task: HelperTask): void;
  /** Blocks until the posted task is done; false when the helper failed, and the caller does that half itself. */
  wait(): boolean;
}

/** Runs a task (on the helper's thread). */
export function runHelperTask(task: HelperTask): void {
  if (task.kind === 'em') emSums(task.tables, task.evidence, task.out);
  else if (task.kind === 'lifts') liftRows(task.tables, task.evidence, task.firstRow, task.horizonMinutes, task.out);
  else betaIntervals(task.alpha, task.beta, task.first, task.out);
}
