import { z } from 'zod';
import { JobView } from '../../domain/jobs';
import { ReceiverStatus } from '../../domain/relay';
import { WorkspaceId } from '../../domain/workspace';
import type { ContractEntries } from './types';

/** The local webhook receiver the app runs on 127.0.0.1 while it is switched on. */
export const receiverContract = {
  'receiver:status': {
    input: z.object({}).strict(),
    output: ReceiverStatus,
  },
  'receiver:set': {
    input: z
      .object({
        enabled: z.boolean(),
        /** 0 picks any free port; absent keeps the running one, or the default 8787. */
        port: z.number().int('receiver.port.invalid').min(0, 'receiver.port.invalid').max(65535, 'receiver.port.invalid').optional(),
      })
      .strict(),
    output: ReceiverStatus,
  },
  'receiver:importNow': {
    input: z.object({ workspaceId: WorkspaceId }).strict(),
    output: JobView,
  },
} as const satisfies ContractEntries;
