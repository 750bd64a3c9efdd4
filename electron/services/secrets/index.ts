import path from 'node:path';
import { FileTokenStore, keychainCodec, plainCodec, safeStorageCodec, type SafeStorageLike, type TokenCodec } from './fileTokenStore';
import { probeOsKeychain, type Keychain } from './keychain';
import type { TokenStore } from './tokenStore';

export { FileTokenStore, keyAccountFor, type SafeStorageLike } from './fileTokenStore';
export { MemoryKeychain, probeOsKeychain, type Keychain, type KeychainProbe } from './keychain';
export { REDACTED, TokenRedactor, redact } from './redact';
export { EXPLANATIONS, TokenStoreError, type TokenStore, type TokenStoreDescription, type TokenStoreErrorCode, type TokenStoreMode, type TokenStoreReason } from './tokenStore';

export interface OpenTokenStoreOptions {
  /** The data folder; tokens live in `<dataDir>/secrets/`. */
  dataDir: string;
  /** Electron's safeStorage, handed in by the desktop shell only. */
  safeStorage?: SafeStorageLike;
  /** A keychain to use; null: none; undefined: probe the OS keychain (@napi-rs/keyring). */
  keychain?: Keychain | null;
  /** Keychain service name (default "Relais"). */
  service?: string;
}

/** Token file used with Electron's safeStorage (desktop only; other shells cannot decrypt it). */
export const DESKTOP_TOKEN_FILE = 'tokens-desktop.json';
/** Token file of the browser shell and the CLI (and of the desktop app without a real safeStorage backend). */
export const TOKEN_FILE = 'tokens.json';

/** Electron's Linux fallback encrypts with a hard-coded password: no protection. */
function safeStorageIsReal(s: SafeStorageLike): boolean {
  if (!s.isEncryptionAvailable()) return false;
  const backend = s.getSelectedStorageBackend?.();
  return backend === undefined || (backend !== 'basic_text' && backend !== 'unknown');
}

/**
 * Opens the best token store this process can have:
 * 1. Electron safeStorage with an OS backend (desktop) → `os-keychain`;
 * 2. an AES-256-GCM file whose key is in the OS keychain → `encrypted-file`;
 * 3. a plain file with 0600 permissions → `plain-file`, and `describe()` says so plainly.
 */
export async function openTokenStore(options: OpenTokenStoreOptions): Promise<TokenStore> {
  const dir = path.join(options.dataDir, 'secrets');
  const service = options.service ?? 'Relais';
  if (options.safeStorage && safeStorageIsReal(options.safeStorage)) return new FileTokenStore(path.join(dir, DESKTOP_TOKEN_FILE), safeStorageCodec(options.safeStorage));
  let keychain: Keychain | null;
  if (options.keychain !== undefined) keychain = options.keychain;
  else {
    const probe = await probeOsKeychain(service);
    keychain = probe.available ? probe.keychain : null;
  }
  const weakElectron = options.safeStorage !== undefined;
  const codec: TokenCodec = keychain ? keychainCodec(keychain, service) : weakElectron ? { ...plainCodec, reason: 'safe-storage-weak' } : plainCodec;
  return new FileTokenStore(path.join(dir, TOKEN_FILE), codec);
}
