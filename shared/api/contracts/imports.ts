import { z } from 'zod';
import { JobView } from '../../domain/jobs';
import { BadLineView, ImportRunView } from '../../domain/imports';
import { WorkspaceId } from '../../domain/workspace';
import type { ContractEntries } from './types';

const AbsolutePath = z
  .string()
  .trim()
  .min(1, 'path.required')
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'path.notAbsolute');

/** Receipts in: webhook archives, the demo, and the file picker of the desktop shell. */
export const importsContract = {
  'import:webhooks': {
    input: z
      .object({
        workspaceId: WorkspaceId,
        /** A file on this computer (the browser shell and the desktop app run on it). */
        path: AbsolutePath,
        addPages: z.boolean().default(false),
        /** Verifies signed lines; used for this import only, never stored. */
        appSecret: z.string().min(1).max(256).optional(),
      })
      .strict(),
    output: JobView,
  },
  'import:runs': {
    input: z.object({ workspaceId: WorkspaceId }).strict(),
    output: z.array(ImportRunView),
  },
  'import:badLines': {
    input: z.object({ workspaceId: WorkspaceId, runId: z.number().int().positive() }).strict(),
    output: z.array(BadLineView),
  },
  'demo:create': {
    input: z.object({}).strict(),
    output: JobView,
  },
  'system:chooseFile': {
    input: z.object({ purpose: z.enum(['webhookArchive']) }).strict(),
    /** `supported: false` where no native dialog exists (browser shell): type the path instead. */
    output: z.object({ supported: z.boolean(), path: z.string().nullable() }),
  },
} as const satisfies ContractEntries;
