import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { ApiReply } from '../../shared/api/errors';
import { dispatch, type DispatchLog } from '../services/api/dispatch';
import type { AppContext } from '../services/context';
import { API_CHANNEL } from './channel';
import { isAppUrl } from './security';

export { API_CHANNEL };

/** What the sender check reads from an IPC event; Electron's IpcMainInvokeEvent fits it. */
export interface IpcSenderFacts {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
  readonly sender: { readonly id: number };
}

export type SenderVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Only the top frame of one of our own windows, showing our own origin, may call
 * the API. A subframe, a page that somehow navigated elsewhere, or a web contents
 * we did not create (a devtools extension, a future webview) is refused.
 */
export function checkSender(event: IpcSenderFacts, isOurWindow: (webContentsId: number) => boolean): SenderVerdict {
  let frame: IpcSenderFacts['senderFrame'];
  let url: string;
  let parent: unknown;
  try {
    // Reading a frame that was disposed meanwhile throws in Electron.
    frame = event.senderFrame;
    if (!frame) return { ok: false, reason: 'the sending frame is gone' };
    url = frame.url;
    parent = frame.parent;
  } catch {
    return { ok: false, reason: 'the sending frame is gone' };
  }
  if (!isAppUrl(url)) return { ok: false, reason: `sender is not the app (${url.slice(0, 100)})` };
  if (parent !== null) return { ok: false, reason: 'sender is not a main frame' };
  if (!isOurWindow(event.sender.id)) return { ok: false, reason: 'sender is not a Relais window' };
  return { ok: true };
}

export const FORBIDDEN_REPLY: ApiReply<never> = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'This page may not call Relais.' },
};

export interface ApiIpcOptions {
  ctx: AppContext;
  isOurWindow: (webContentsId: number) => boolean;
  log?: DispatchLog & { warn(message: string): void };
}

/**
 * The Electron side of the one API: the same dispatch the browser shell uses, so
 * validation and error shapes are identical. Returns a function that unregisters it.
 */
export function registerApiIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, opts: ApiIpcOptions): () => void {
  ipcMain.handle(API_CHANNEL, async (event: IpcMainInvokeEvent, method: unknown, input: unknown): Promise<ApiReply<unknown>> => {
    const verdict = checkSender(event, opts.isOurWindow);
    if (!verdict.ok) {
      opts.log?.warn(`refused an API call: ${verdict.reason}`);
      return FORBIDDEN_REPLY;
    }
    return dispatch(opts.ctx, method, input, { log: opts.log });
  });
  return () => ipcMain.removeHandler(API_CHANNEL);
}
