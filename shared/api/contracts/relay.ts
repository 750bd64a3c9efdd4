import { z } from 'zod';
import { JobView } from '../../domain/jobs';
import { PullToken, RelayStatus, RelayUrl } from '../../domain/relay';
import { WorkspaceId } from '../../domain/workspace';
import type { ContractEntries } from './types';

/** Receipts pulled from a 24/7 relay (`relais relay`) into a workspace. */
export const relayContract = {
  'relay:pull': {
    input: z
      .object({
        workspaceId: WorkspaceId,
        /** https://…, or http:// to this machine only. */
        url: RelayUrl,
        /** Used for this pull only: never stored, logged or shown in a job. */
        pullToken: PullToken,
        addPages: z.boolean().default(false),
        /** Ignore the saved cursor and pull everything the relay keeps (after RELAY_BAD_CURSOR); the importer skips what it has. */
        restart: z.boolean().default(false),
      })
      .strict(),
    output: JobView,
  },
  'relay:status': {
    input: z.object({ workspaceId: WorkspaceId }).strict(),
    output: RelayStatus,
  },
} as const satisfies ContractEntries;
