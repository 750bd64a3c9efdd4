import type { relayContract } from '../../../shared/api/contracts/relay';
import { ApiError } from '../../../shared/api/errors';
import type { HandlersFor } from '../api/types';
import { runTaskInWorker } from '../imports/runner';
import { latestSyncState } from './syncState';

export const relayHandlers: HandlersFor<typeof relayContract> = {
  'relay:pull': (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    // One writer per workspace's landing file and import at a time; the demo writes everywhere.
    if (ctx.jobs.running().some((j) => j.kind === 'demo' || (j.workspaceId === ws.id && (j.kind === 'relayPull' || j.kind === 'import')))) {
      throw new ApiError('CONFLICT', 'An import or a relay pull is already running in this workspace; wait for it to finish.');
    }
    // The label is what job lists show: the address, never the token.
    return ctx.jobs.start({ kind: 'relayPull', label: input.url, workspaceId: ws.id, unit: 'events', phase: 'pulling' }, (job) =>
      runTaskInWorker(
        ctx,
        { kind: 'relayPull', args: { workspaceId: ws.id, url: input.url, pullToken: input.pullToken, addPages: input.addPages, restart: input.restart } },
        job,
      ),
    );
  },
  'relay:status': (input, ctx) => {
    ctx.workspaces.get(input.workspaceId);
    const row = latestSyncState(ctx.store.db, input.workspaceId, 'relay');
    if (!row) return { url: null, hasCursor: false, lastPullAt: null, lastEvents: null, lastGap: false };
    return { url: row.sourceKey, hasCursor: row.cursor !== null, lastPullAt: row.progress.lastAt, lastEvents: row.progress.lastEvents, lastGap: row.progress.lastGap };
  },
};
