import type { FitHelper, HelperTask } from './helper';

/** Memory for a result the helper writes into (shared with its thread), or plain memory without one. */
export function resultMemory(helper: FitHelper | undefined, length: number): Float64Array {
  return helper ? helper.shared(length) : new Float64Array(length);
}

/**
 * Independent work over items [0, size) in two halves: the second half goes to the helper as
 * `task(half)` while this thread does `run(0, half)`; without a helper, or when it fails, `run`
 * does the rest. `run(from, to)` must write what the task writes, so the result is the same.
 */
export function inHalves(helper: FitHelper | undefined, size: number, task: (half: number) => HelperTask, run: (from: number, to: number) => void): void {
  if (!helper || size < 2) {
    run(0, size);
    return;
  }
  const half = Math.floor(size / 2);
  helper.post(task(half));
  run(0, half);
  if (!helper.wait()) run(half, size);
}
