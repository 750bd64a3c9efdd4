import { z } from 'zod';
import { BadLineReason } from './webhook';

export const ImportCountsSchema = z.object({
  events: z.number().int(),
  echoes: z.number().int(),
  inbound: z.number().int(),
  deliveries: z.number().int(),
  reads: z.number().int(),
  ignored: z.number().int(),
  badLines: z.number().int(),
  unverified: z.number().int(),
});

export const BadLineView = z.object({
  line: z.number().int(),
  item: z.number().int(),
  reason: BadLineReason,
  detail: z.string().nullable(),
});
export type BadLineView = z.infer<typeof BadLineView>;

export const ImportRunView = z.object({
  id: z.number().int(),
  fileName: z.string(),
  fileSize: z.number(),
  status: z.enum(['running', 'completed']),
  counts: ImportCountsSchema,
  pagesAdded: z.array(z.string()),
  attempts: z.number().int(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type ImportRunView = z.infer<typeof ImportRunView>;

/** What an import job returns when it ends. */
export const ImportResult = ImportCountsSchema.extend({
  status: z.enum(['completed', 'already_imported', 'cancelled']),
  runId: z.number().int().nullable(),
  file: z.string(),
  bytes: z.number(),
  values: z.number(),
  badLineReport: z.array(BadLineView),
  pagesAdded: z.array(z.string()),
  resumedFrom: z.number().nullable(),
  durationMs: z.number(),
});
export type ImportResult = z.infer<typeof ImportResult>;

/** What the demo job returns. */
export const DemoResult = z.object({
  workspaces: z.array(z.object({ id: z.number().int(), name: z.string(), messages: z.number().int(), contacts: z.number().int(), events: z.number().int() })),
  durationMs: z.number(),
});
export type DemoResult = z.infer<typeof DemoResult>;
