import { z } from 'zod';

/**
 * Long work (imports, demo generation, sync) runs as a job off the main thread;
 * the UI polls its progress. `done`/`total` are in the unit `unit` names.
 */
export const JobKind = z.enum(['import', 'demo', 'relayPull', 'simulate', 'sync']);
export const JobState = z.enum(['running', 'done', 'failed', 'cancelled']);

export const JobProgress = z.object({
  phase: z.string(),
  done: z.number(),
  total: z.number().nullable(),
  unit: z.enum(['bytes', 'events', 'messages', 'steps']),
  /** Items per second over the recent past. */
  rate: z.number().nullable(),
  etaMs: z.number().nullable(),
  /** Extra counters to show (events, bad lines…). */
  counters: z.record(z.string(), z.number()),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobView = z.object({
  id: z.string(),
  kind: JobKind,
  workspaceId: z.number().int().nullable(),
  label: z.string(),
  state: JobState,
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  progress: JobProgress,
  result: z.unknown().nullable(),
  error: z.object({ code: z.string(), message: z.string(), details: z.array(z.string()).optional() }).nullable(),
});
export type JobView = z.infer<typeof JobView>;
