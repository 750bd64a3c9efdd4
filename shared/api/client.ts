import type { Input, Method, Output } from './contract';

/**
 * The only way the renderer reaches the backend. Both shells implement it; the
 * UI never knows which one it talks to. Rejects with an `ApiError`.
 */
export interface RelaisClient {
  call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>>;
}

/** What the Electron preload exposes on `window.relais` (a plain function, not ipcRenderer). */
export interface RelaisBridge {
  call(method: string, input: unknown): Promise<unknown>;
}
