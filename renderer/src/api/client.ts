import type { Input, Method, Output } from '../../../shared/api/contract';
import type { RelaisBridge, RelaisClient } from '../../../shared/api/client';
import { ApiError, ApiReplyEnvelope } from '../../../shared/api/errors';

declare global {
  interface Window {
    relais?: RelaisBridge;
  }
}

function unwrap<M extends Method>(raw: unknown): Output<M> {
  const reply = ApiReplyEnvelope.safeParse(raw);
  if (!reply.success) throw new ApiError('INTERNAL', 'Unexpected answer from Relais.');
  if (!reply.data.ok) throw ApiError.fromBody(reply.data.error);
  return reply.data.data as Output<M>;
}

/** Electron: the preload's bridge (IPC underneath). */
function bridgeClient(bridge: RelaisBridge): RelaisClient {
  return {
    async call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
      return unwrap<M>(await bridge.call(method, input));
    },
  };
}

const TOKEN_KEY = 'relais.token';

/**
 * Browser shell: the per-launch secret arrives once in the address (?token=…),
 * is kept for this tab only and removed from the address bar.
 */
export function takeTokenFromLocation(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function httpClient(token: string | null): RelaisClient {
  return {
    async call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
      let res: Response;
      try {
        res = await fetch(`./api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token ?? ''}` },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        throw new ApiError('INTERNAL', 'Relais is not answering. Is it still running?');
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        throw new ApiError('INTERNAL', `Unexpected answer from Relais (HTTP ${res.status}).`);
      }
      return unwrap<M>(body);
    },
  };
}

/** The one client the whole UI uses; which shell serves it is decided here only. */
export function createClient(): RelaisClient {
  if (window.relais) return bridgeClient(window.relais);
  return httpClient(takeTokenFromLocation());
}

export type { Input, Method, Output, RelaisClient };
