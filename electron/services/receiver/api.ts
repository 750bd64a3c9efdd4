import type { receiverContract } from '../../../shared/api/contracts/receiver';
import { ApiError } from '../../../shared/api/errors';
import type { ReceiverStatus } from '../../../shared/domain/relay';
import type { HandlersFor } from '../api/types';
import type { AppContext } from '../context';
import { receiverStatus, startLocalReceiver, stopLocalReceiver } from './localReceiver';

/** Switching is serialised per app: a double click must not start two receivers on one store. */
const switching = new WeakMap<AppContext, Promise<unknown>>();

function serially<T>(ctx: AppContext, work: () => Promise<T>): Promise<T> {
  const run = (switching.get(ctx) ?? Promise.resolve()).catch(() => undefined).then(work);
  switching.set(ctx, run);
  return run;
}

async function setReceiver(ctx: AppContext, enabled: boolean, port: number | undefined): Promise<ReceiverStatus> {
  const running = ctx.receiver;
  if (!enabled) {
    await stopLocalReceiver(ctx);
    return receiverStatus(ctx);
  }
  // Port 0 means "any free port": a running receiver already has one.
  if (running && (port === undefined || port === 0 || port === running.port)) return receiverStatus(ctx);
  if (running) await stopLocalReceiver(ctx);
  ctx.receiver = await startLocalReceiver(ctx, { port });
  return receiverStatus(ctx);
}

export const receiverHandlers: HandlersFor<typeof receiverContract> = {
  'receiver:status': (_input, ctx) => receiverStatus(ctx),
  'receiver:set': (input, ctx) => serially(ctx, () => setReceiver(ctx, input.enabled, input.port)),
  'receiver:importNow': (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    const receiver = ctx.receiver;
    if (!receiver) throw new ApiError('CONFLICT', 'Turn the local webhook receiver on first.', [{ path: 'workspaceId', message: 'receiver.notRunning' }]);
    const busy = ctx.jobs.running().some((j) => !receiver.owns(j.id) && (j.kind === 'demo' || (j.workspaceId === ws.id && (j.kind === 'import' || j.kind === 'relayPull'))));
    if (busy) throw new ApiError('CONFLICT', 'An import or a relay pull is already running in this workspace; wait for it to finish.');
    return receiver.importNow(ws.id);
  },
};
