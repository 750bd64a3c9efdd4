import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP_TOKEN_FILE, MemoryKeychain, TOKEN_FILE, TokenStoreError, keyAccountFor, openTokenStore, probeOsKeychain, type SafeStorageLike } from '../../../electron/services/secrets';
import { makeTempDir } from '../../support/tempDir';

const PAGE_TOKEN = 'EAAGpagetokenZ9x8c7v6b5n4m3l2k1j0hgfdsaqwertyuiop';
const USER_TOKEN = 'EAAGusertokenQ1w2e3r4t5y6u7i8o9p0asdfghjklzxcvbnm';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.cleanup());

const fileMode = (f: string) => fs.statSync(f).mode & 0o777;
const tokenFile = () => path.join(tmp.dir, 'secrets', TOKEN_FILE);

/** A stand-in for Electron's safeStorage: reversible, and visibly not the plain text. */
function fakeSafeStorage(backend: string | undefined, available = true): SafeStorageLike {
  const s: SafeStorageLike = {
    isEncryptionAvailable: () => available,
    encryptString: (t) => Buffer.from(Buffer.from(t, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
  };
  if (backend !== undefined) s.getSelectedStorageBackend = () => backend;
  return s;
}

describe('token store: encrypted file (key in the OS keychain)', () => {
  it('round-trips tokens, keeps the file at 0600 in a 0700 folder, and never writes a token in clear', async () => {
    const keychain = new MemoryKeychain();
    const store = await openTokenStore({ dataDir: tmp.dir, keychain });
    expect(store.describe()).toMatchObject({ mode: 'encrypted-file', reason: 'keychain-key', unencrypted: false, path: tokenFile() });
    await store.set('user', USER_TOKEN);
    await store.set('page:1', PAGE_TOKEN);
    expect(await store.get('user')).toBe(USER_TOKEN);
    expect(await store.get('page:1')).toBe(PAGE_TOKEN);
    expect(await store.get('page:2')).toBeNull();
    expect(await store.keys()).toEqual(['page:1', 'user']);
    expect(fileMode(tokenFile())).toBe(0o600);
    expect(fileMode(path.dirname(tokenFile()))).toBe(0o700);
    const raw = fs.readFileSync(tokenFile(), 'utf8');
    expect(raw).not.toContain(USER_TOKEN);
    expect(raw).not.toContain(PAGE_TOKEN);
    expect(raw).not.toContain('EAAG');
    expect(JSON.parse(raw)).toMatchObject({ format: 'relais-tokens', mode: 'encrypted-file', cipher: 'aes-256-gcm', keyAccount: keyAccountFor(tokenFile()) });
    // The key is in the keychain, not beside the file.
    expect([...keychain.entries.keys()].some((k) => k.endsWith(keyAccountFor(tokenFile())))).toBe(true);
    // A second store over the same folder and keychain reads the same tokens.
    const again = await openTokenStore({ dataDir: tmp.dir, keychain });
    expect(await again.get('page:1')).toBe(PAGE_TOKEN);
    expect(await again.delete('page:1')).toBe(true);
    expect(await again.delete('page:1')).toBe(false);
    expect(await store.get('page:1')).toBeNull();
  });

  it('a tampered ciphertext is a clear "corrupted" error that quotes no token', async () => {
    const keychain = new MemoryKeychain();
    const store = await openTokenStore({ dataDir: tmp.dir, keychain });
    await store.set('user', USER_TOKEN);
    const doc = JSON.parse(fs.readFileSync(tokenFile(), 'utf8')) as { data: string };
    const bytes = Buffer.from(doc.data, 'base64');
    bytes[0] = (bytes[0] as number) ^ 1;
    doc.data = bytes.toString('base64');
    fs.writeFileSync(tokenFile(), JSON.stringify(doc));
    const e = await store.get('user').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TokenStoreError);
    expect(e).toMatchObject({ code: 'corrupted', path: tokenFile() });
    expect((e as Error).message).toMatch(/damaged.*log in again/);
    expect((e as Error).message).not.toContain(USER_TOKEN);
    // A write does not silently drop the other tokens either.
    await expect(store.set('page:1', PAGE_TOKEN)).rejects.toMatchObject({ code: 'corrupted' });
    // clear() starts over.
    await store.clear();
    expect(fs.existsSync(tokenFile())).toBe(false);
    expect(keychain.entries.size).toBe(0);
    await store.set('user', USER_TOKEN);
    expect(await store.get('user')).toBe(USER_TOKEN);
  });

  it('a file whose key left the keychain answers "key-unavailable"', async () => {
    const keychain = new MemoryKeychain();
    const store = await openTokenStore({ dataDir: tmp.dir, keychain });
    await store.set('user', USER_TOKEN);
    keychain.entries.clear();
    await expect(store.get('user')).rejects.toMatchObject({ code: 'key-unavailable' });
    // And once the keychain is gone altogether, the plain store refuses it too (it cannot decrypt it).
    const plain = await openTokenStore({ dataDir: tmp.dir, keychain: null });
    await expect(plain.get('user')).rejects.toMatchObject({ code: 'key-unavailable' });
  });

  it('encrypts a plain file left from before the keychain was available', async () => {
    const plain = await openTokenStore({ dataDir: tmp.dir, keychain: null });
    await plain.set('user', USER_TOKEN);
    expect(fs.readFileSync(tokenFile(), 'utf8')).toContain(USER_TOKEN);
    const enc = await openTokenStore({ dataDir: tmp.dir, keychain: new MemoryKeychain() });
    expect(await enc.get('user')).toBe(USER_TOKEN);
    expect(fs.readFileSync(tokenFile(), 'utf8')).not.toContain(USER_TOKEN);
  });
});

describe('token store: no keychain (plain file)', () => {
  it('stores in a 0600 file and says plainly that the token is unencrypted', async () => {
    const store = await openTokenStore({ dataDir: tmp.dir, keychain: null });
    const d = store.describe();
    expect(d).toMatchObject({ mode: 'plain-file', reason: 'keychain-unavailable', unencrypted: true });
    expect(d.explanation).toMatch(/UNENCRYPTED/);
    expect(d.explanation).toMatch(/0600/);
    await store.set('user', USER_TOKEN);
    expect(fileMode(tokenFile())).toBe(0o600);
    expect(await store.get('user')).toBe(USER_TOKEN);
    // Wider permissions set by hand are narrowed again on the next write.
    fs.chmodSync(tokenFile(), 0o644);
    await store.set('page:1', PAGE_TOKEN);
    expect(fileMode(tokenFile())).toBe(0o600);
  });

  it('without a D-Bus session (headless Linux) the OS keychain is not used and the default store is plain', async () => {
    if (process.platform !== 'linux') return;
    const probe = await probeOsKeychain('Relais-test', {});
    expect(probe.available).toBe(false);
    expect(probe.available ? '' : probe.reason).toMatch(/Secret Service/);
    if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
      const store = await openTokenStore({ dataDir: tmp.dir, service: 'Relais-test' });
      expect(store.describe()).toMatchObject({ mode: 'plain-file', reason: 'keychain-unavailable' });
    }
  });

  for (const [name, text] of [
    ['not JSON', '{"format": "relais-tok'],
    ['another file', '{"hello": "world"}'],
    ['a missing token list', '{"format":"relais-tokens","version":1,"mode":"plain-file"}'],
    ['a future version', '{"format":"relais-tokens","version":9,"mode":"plain-file","tokens":{}}'],
  ] as const) {
    it(`a corrupted file (${name}) is a clear error`, async () => {
      fs.mkdirSync(path.dirname(tokenFile()), { recursive: true });
      fs.writeFileSync(tokenFile(), text);
      const store = await openTokenStore({ dataDir: tmp.dir, keychain: null });
      const e = await store.get('user').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TokenStoreError);
      expect(e).toMatchObject({ code: 'corrupted' });
      expect((e as Error).message).toContain(tokenFile());
    });
  }

  it('concurrent writes keep every token', async () => {
    const store = await openTokenStore({ dataDir: tmp.dir, keychain: null });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`page:${i}`, `${PAGE_TOKEN}${i}`)));
    expect((await store.keys()).length).toBe(20);
  });
});

describe('token store: Electron safeStorage (injected)', () => {
  it('uses safeStorage with a real backend: os-keychain, its own file, no token in clear', async () => {
    const store = await openTokenStore({ dataDir: tmp.dir, safeStorage: fakeSafeStorage('gnome_libsecret'), keychain: null });
    expect(store.describe()).toMatchObject({ mode: 'os-keychain', reason: 'safe-storage', unencrypted: false });
    await store.set('user', USER_TOKEN);
    expect(await store.get('user')).toBe(USER_TOKEN);
    const file = path.join(tmp.dir, 'secrets', DESKTOP_TOKEN_FILE);
    expect(fileMode(file)).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).not.toContain(USER_TOKEN);
    // macOS/Windows have no getSelectedStorageBackend: still a real backend.
    expect((await openTokenStore({ dataDir: tmp.dir, safeStorage: fakeSafeStorage(undefined), keychain: null })).describe().mode).toBe('os-keychain');
  });

  it("falls back when safeStorage only has Linux's basic_text: keychain file if any, else plain with the weak reason", async () => {
    const weak = fakeSafeStorage('basic_text');
    expect((await openTokenStore({ dataDir: tmp.dir, safeStorage: weak, keychain: new MemoryKeychain() })).describe().mode).toBe('encrypted-file');
    const plain = await openTokenStore({ dataDir: tmp.dir, safeStorage: weak, keychain: null });
    expect(plain.describe()).toMatchObject({ mode: 'plain-file', reason: 'safe-storage-weak', unencrypted: true });
    expect((await openTokenStore({ dataDir: tmp.dir, safeStorage: fakeSafeStorage('gnome_libsecret', false), keychain: null })).describe().reason).toBe('safe-storage-weak');
  });
});

describe('token store: redaction', () => {
  it('redacts every token it has seen from any text', async () => {
    const store = await openTokenStore({ dataDir: tmp.dir, keychain: null });
    await store.set('page:1', PAGE_TOKEN);
    const text = `GET failed for https://graph.example/v25.0/1/conversations?x=1&token=${PAGE_TOKEN} (${PAGE_TOKEN.slice(0, 20)}… is fine)`;
    const out = store.redact(text);
    expect(out).not.toContain(PAGE_TOKEN);
    expect(out).toContain('[redacted]');
    // Tokens read back (by another store) are known too.
    const other = await openTokenStore({ dataDir: tmp.dir, keychain: null });
    await other.get('page:1');
    expect(other.redact(`token ${PAGE_TOKEN}`)).toBe('token [redacted]');
  });
});
