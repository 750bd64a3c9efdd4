/**
 * Where Relais keeps access tokens (Facebook user and Page tokens). Tokens are
 * secrets: never in the renderer, never in logs, errors or exports.
 */
export type TokenStoreMode = 'os-keychain' | 'encrypted-file' | 'plain-file';

/**
 * Why the store is in its mode; the renderer's catalogs turn it into FR/EN text.
 * - `safe-storage`: Electron's safeStorage with an OS backend (Keychain, DPAPI, libsecret, KWallet).
 * - `keychain-key`: an AES-256-GCM file whose key is in the OS keychain.
 * - `keychain-unavailable`: no OS keychain could be reached; the file is only protected by its permissions.
 * - `safe-storage-weak`: Electron has only its hard-coded-password backend (Linux without a keyring) and no
 *   OS keychain either; the token is as good as unencrypted.
 */
export type TokenStoreReason = 'safe-storage' | 'keychain-key' | 'keychain-unavailable' | 'safe-storage-weak';

export interface TokenStoreDescription {
  mode: TokenStoreMode;
  reason: TokenStoreReason;
  /** One plain English sentence (CLI, logs); the UI uses `reason`. */
  explanation: string;
  /** The file holding the tokens (or their ciphertexts). */
  path: string;
  /** True when the tokens on disk are readable by anyone who can read the file. */
  unencrypted: boolean;
}

export interface TokenStore {
  /** The token saved under `key` (e.g. `user`, `page:104857600012345`), or null. */
  get(key: string): Promise<string | null>;
  set(key: string, token: string): Promise<void>;
  /** True when something was deleted. */
  delete(key: string): Promise<boolean>;
  /** Keys with a token (never the tokens). */
  keys(): Promise<string[]>;
  /** Forgets every token and the file's key (log out everywhere, or start over after an unreadable file). */
  clear(): Promise<void>;
  describe(): TokenStoreDescription;
  /** Replaces every token this store has seen in `text` (see redact.ts). */
  redact(text: string): string;
}

export type TokenStoreErrorCode =
  /** The file is not a token file, or was damaged. */
  | 'corrupted'
  /** The file is encrypted but its key cannot be had (keychain gone, entry deleted, other machine). */
  | 'key-unavailable'
  /** The file was written by Electron's safeStorage, which this process does not have. */
  | 'needs-desktop'
  /** Reading or writing the file failed. */
  | 'io';

/** Errors never carry a token: only the file path and what went wrong. */
export class TokenStoreError extends Error {
  constructor(
    readonly code: TokenStoreErrorCode,
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'TokenStoreError';
  }
}

export const EXPLANATIONS: Record<TokenStoreReason, string> = {
  'safe-storage': 'Tokens are encrypted with a key held by the operating system (Electron safeStorage).',
  'keychain-key': 'Tokens are in an encrypted file (AES-256-GCM) whose key is kept in the operating system keychain.',
  'keychain-unavailable': 'No operating system keychain is available: tokens are stored UNENCRYPTED in a file readable only by your user account (permissions 0600).',
  'safe-storage-weak':
    'This system has no keyring (Electron only offers its built-in fallback, which is not real protection): tokens are stored UNENCRYPTED in a file readable only by your user account (permissions 0600).',
};
