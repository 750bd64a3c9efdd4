import { contextBridge, ipcRenderer } from 'electron';
import type { RelaisBridge } from '../../shared/api/client';
import { isMethod } from '../../shared/api/contract';
import type { ApiErrorCode, ApiReply } from '../../shared/api/errors';
import { API_CHANNEL } from '../main/channel';

/**
 * The page's only door to main: one `call` function on `window.relais`.
 * ipcRenderer itself never crosses the bridge, so the page cannot send on other
 * channels or listen to main. Main re-validates everything (sender, method,
 * input); the checks here only spare a round trip.
 *
 * Failures resolve with the same `{ ok: false, error }` envelope main returns,
 * rather than rejecting: an Error thrown across contextBridge loses its fields,
 * and the renderer's client already turns an error envelope into an ApiError.
 */
function failure(code: ApiErrorCode, message: string): ApiReply<never> {
  return { ok: false, error: { code, message } };
}

const bridge: RelaisBridge = {
  async call(method: string, input: unknown): Promise<unknown> {
    if (!isMethod(method)) return failure('UNKNOWN_METHOD', `Unknown API call: ${String(method).slice(0, 80)}`);
    try {
      return (await ipcRenderer.invoke(API_CHANNEL, method, input)) as unknown;
    } catch (e) {
      // Structured clone refuses functions, DOM nodes and the like.
      if (e instanceof Error && /could not be cloned/i.test(e.message)) {
        return failure('BAD_INPUT', `The input of ${method} must be plain data.`);
      }
      return failure('INTERNAL', 'Relais is not answering. Restart it if this persists.');
    }
  },
};

contextBridge.exposeInMainWorld('relais', bridge);
