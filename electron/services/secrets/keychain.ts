import type * as Keyring from '@napi-rs/keyring';

/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service/KWallet
 * on Linux) through @napi-rs/keyring, behind a small interface so tests and other
 * shells can hand in their own.
 */
export interface Keychain {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export type KeychainProbe = { available: true; keychain: Keychain } | { available: false; reason: string };

type KeyringModule = typeof Keyring;

// A computed specifier keeps esbuild from bundling the native addon (it has no loader
// for .node files); Node resolves it from node_modules at run time instead.
const KEYRING_PACKAGE = ['@napi-rs', 'keyring'].join('/');

const PROBE_TIMEOUT_MS = 3000;

/**
 * Loads the OS keychain and checks it can keep a secret: a write, a read-back and a
 * delete of a probe entry. Never throws. On Linux the Secret Service (D-Bus session)
 * is required: without it the library falls back to the kernel keyring, which is
 * emptied at reboot and would leave an encrypted token file without its key.
 */
export async function probeOsKeychain(service = 'Relais', env: NodeJS.ProcessEnv = process.env): Promise<KeychainProbe> {
  if (process.platform === 'linux' && !env.DBUS_SESSION_BUS_ADDRESS) {
    return { available: false, reason: 'no Secret Service (no D-Bus session); the kernel keyring alone does not survive a reboot' };
  }
  let mod: KeyringModule;
  try {
    mod = (await import(/* @vite-ignore */ KEYRING_PACKAGE)) as KeyringModule;
  } catch (e) {
    return { available: false, reason: `keyring module not loadable: ${(e as Error).message}` };
  }
  const entry = (account: string) => new mod.AsyncEntry(service, account);
  const keychain: Keychain = {
    getPassword: async (_s, account) => (await entry(account).getPassword()) ?? null,
    setPassword: (_s, account, password) => entry(account).setPassword(password),
    deletePassword: (_s, account) => entry(account).deletePassword(),
  };
  try {
    const probe = entry('relais-probe');
    const value = `probe-${process.pid}-${Date.now()}`;
    await probe.setPassword(value, AbortSignal.timeout(PROBE_TIMEOUT_MS));
    const back = await probe.getPassword(AbortSignal.timeout(PROBE_TIMEOUT_MS));
    await probe.deletePassword(AbortSignal.timeout(PROBE_TIMEOUT_MS));
    if (back !== value) return { available: false, reason: 'the keychain did not give back what was stored' };
    return { available: true, keychain };
  } catch (e) {
    return { available: false, reason: (e as Error).message };
  }
}

/** A keychain in memory (tests; never for real tokens). */
export class MemoryKeychain implements Keychain {
  readonly entries = new Map<string, string>();

  async getPassword(service: string, account: string): Promise<string | null> {
    return this.entries.get(`${service}\u0000${account}`) ?? null;
  }

  async setPassword(service: string, account: string, password: string): Promise<void> {
    this.entries.set(`${service}\u0000${account}`, password);
  }

  async deletePassword(service: string, account: string): Promise<boolean> {
    return this.entries.delete(`${service}\u0000${account}`);
  }
}
