import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Keychain } from './keychain';
import { TokenRedactor } from './redact';
import { EXPLANATIONS, TokenStoreError, type TokenStore, type TokenStoreDescription, type TokenStoreMode, type TokenStoreReason } from './tokenStore';

/**
 * A token file in one of three forms, all JSON with `format: "relais-tokens"`:
 * - `plain-file`: `tokens` in clear (file 0600);
 * - `encrypted-file`: the token map encrypted with AES-256-GCM; the 32-byte key is in
 *   the OS keychain under `keyAccount`;
 * - `os-keychain`: each token encrypted by Electron's safeStorage.
 * Writes go to a temporary file (0600) renamed over the old one, so a crash never
 * leaves half a file. A store always writes in its own form; it can read a plain file
 * left from before a keychain was available, and rewrites it encrypted at once.
 */
export interface TokenCodec {
  mode: TokenStoreMode;
  reason: TokenStoreReason;
  decode(doc: TokenDocument, file: string): Promise<Record<string, string>>;
  encode(tokens: Record<string, string>, file: string): Promise<TokenDocument>;
  /** Forgets the codec's key material (clear()). */
  forget?(file: string): Promise<void>;
}

export interface TokenDocument {
  format: 'relais-tokens';
  version: 1;
  mode: TokenStoreMode;
  [k: string]: unknown;
}

const FORMAT = 'relais-tokens';

function isRecordOfStrings(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

function corrupted(file: string, what: string): TokenStoreError {
  return new TokenStoreError('corrupted', `The token file ${file} is damaged (${what}). Remove it and log in again.`, file);
}

export const plainCodec: TokenCodec = {
  mode: 'plain-file',
  reason: 'keychain-unavailable',
  async decode(doc, file) {
    if (!isRecordOfStrings(doc.tokens)) throw corrupted(file, 'no token list');
    return { ...doc.tokens };
  },
  async encode(tokens) {
    return { format: FORMAT, version: 1, mode: 'plain-file', tokens };
  },
};

/** The keychain account holding a file's key: one per token file, so data folders do not share keys. */
export function keyAccountFor(file: string): string {
  return `token-file-key:${crypto.createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 24)}`;
}

export function keychainCodec(keychain: Keychain, service: string, reason: TokenStoreReason = 'keychain-key'): TokenCodec {
  const aad = (account: string) => Buffer.from(`${FORMAT}/1/${account}`);
  async function key(account: string, file: string, create: boolean): Promise<Buffer> {
    let stored: string | null;
    try {
      stored = await keychain.getPassword(service, account);
    } catch (e) {
      throw new TokenStoreError('key-unavailable', `The OS keychain holding the key of ${file} cannot be reached (${(e as Error).message}).`, file);
    }
    if (stored) {
      const k = Buffer.from(stored, 'base64');
      if (k.length !== 32) throw new TokenStoreError('key-unavailable', `The key of ${file} in the OS keychain is not a 256-bit key.`, file);
      return k;
    }
    if (!create) throw new TokenStoreError('key-unavailable', `The key of the encrypted token file ${file} is no longer in the OS keychain. Remove the file and log in again.`, file);
    const k = crypto.randomBytes(32);
    await keychain.setPassword(service, account, k.toString('base64'));
    return k;
  }
  return {
    mode: 'encrypted-file',
    reason,
    async decode(doc, file) {
      const { keyAccount, iv, tag, data, cipher } = doc as Record<string, unknown>;
      if (cipher !== 'aes-256-gcm' || typeof keyAccount !== 'string' || typeof iv !== 'string' || typeof tag !== 'string' || typeof data !== 'string') throw corrupted(file, 'missing encryption fields');
      const k = await key(keyAccount, file, false);
      let text: string;
      try {
        const d = crypto.createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64'));
        d.setAAD(aad(keyAccount));
        d.setAuthTag(Buffer.from(tag, 'base64'));
        text = Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString('utf8');
      } catch {
        throw corrupted(file, 'it does not decrypt with its key: altered, or encrypted with another key');
      }
      let tokens: unknown;
      try {
        tokens = JSON.parse(text);
      } catch {
        throw corrupted(file, 'decrypted content is not a token list');
      }
      if (!isRecordOfStrings(tokens)) throw corrupted(file, 'decrypted content is not a token list');
      return tokens;
    },
    async encode(tokens, file) {
      const keyAccount = keyAccountFor(file);
      const k = await key(keyAccount, file, true);
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', k, iv);
      c.setAAD(aad(keyAccount));
      const data = Buffer.concat([c.update(JSON.stringify(tokens), 'utf8'), c.final()]);
      return { format: FORMAT, version: 1, mode: 'encrypted-file', cipher: 'aes-256-gcm', keyAccount, iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), data: data.toString('base64') };
    },
    async forget(file) {
      await keychain.deletePassword(service, keyAccountFor(file)).catch(() => false);
    },
  };
}

/** What Relais uses of Electron's `safeStorage` (injected by the desktop shell; no import of electron here). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means a hard-coded password, i.e. no protection. */
  getSelectedStorageBackend?(): string;
}

export function safeStorageCodec(safeStorage: SafeStorageLike): TokenCodec {
  const backend = () => safeStorage.getSelectedStorageBackend?.() ?? 'os';
  return {
    mode: 'os-keychain',
    reason: 'safe-storage',
    async decode(doc, file) {
      if (!isRecordOfStrings(doc.entries)) throw corrupted(file, 'no token list');
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(doc.entries)) {
        try {
          out[k] = safeStorage.decryptString(Buffer.from(v, 'base64'));
        } catch {
          throw new TokenStoreError('key-unavailable', `The tokens in ${file} were encrypted by this system's keychain for another user or machine and cannot be read. Remove the file and log in again.`, file);
        }
      }
      return out;
    },
    async encode(tokens) {
      const entries = Object.fromEntries(Object.entries(tokens).map(([k, v]) => [k, safeStorage.encryptString(v).toString('base64')]));
      return { format: FORMAT, version: 1, mode: 'os-keychain', backend: backend(), entries };
    },
  };
}

export class FileTokenStore implements TokenStore {
  private readonly redactor = new TokenRedactor();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly codec: TokenCodec,
  ) {}

  describe(): TokenStoreDescription {
    return { mode: this.codec.mode, reason: this.codec.reason, explanation: EXPLANATIONS[this.codec.reason], path: this.file, unencrypted: this.codec.mode === 'plain-file' };
  }

  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** Runs one operation at a time, so two writes never interleave. */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new TokenStoreError('io', `The token file ${this.file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, this.file);
    }
    let doc: TokenDocument;
    try {
      doc = JSON.parse(text) as TokenDocument;
    } catch {
      throw corrupted(this.file, 'not JSON');
    }
    if (typeof doc !== 'object' || doc === null || doc.format !== FORMAT) throw corrupted(this.file, 'not a Relais token file');
    if (doc.version !== 1) throw corrupted(this.file, `unknown version ${String(doc.version)}`);
    let tokens: Record<string, string>;
    if (doc.mode === this.codec.mode) tokens = await this.codec.decode(doc, this.file);
    else if (doc.mode === 'plain-file') {
      // Left from before a keychain was available: take it and encrypt it now.
      tokens = await plainCodec.decode(doc, this.file);
      await this.write(tokens);
    } else if (doc.mode === 'os-keychain') {
      throw new TokenStoreError('needs-desktop', `The tokens in ${this.file} were saved by the Relais desktop app with its system encryption, which is not available here. Log in again here.`, this.file);
    } else if (doc.mode === 'encrypted-file') {
      throw new TokenStoreError('key-unavailable', `The tokens in ${this.file} are encrypted with a key kept in the OS keychain, which cannot be reached now. Remove the file and log in again.`, this.file);
    } else throw corrupted(this.file, `unknown mode ${String(doc.mode)}`);
    for (const t of Object.values(tokens)) this.redactor.add(t);
    return tokens;
  }

  private async write(tokens: Record<string, string>): Promise<void> {
    const doc = await this.codec.encode(tokens, this.file);
    const dir = path.dirname(this.file);
    try {
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      const fh = await fs.promises.open(tmp, 'wx', 0o600);
      try {
        await fh.writeFile(`${JSON.stringify(doc, null, 2)}\n`, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.promises.rename(tmp, this.file);
      // An older file may have had wider permissions: the rename kept the new one's 0600.
      await fs.promises.chmod(this.file, 0o600);
    } catch (e) {
      throw new TokenStoreError('io', `The token file ${this.file} cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, this.file);
    }
  }

  get(key: string): Promise<string | null> {
    return this.serial(async () => (await this.read())[key] ?? null);
  }

  keys(): Promise<string[]> {
    return this.serial(async () => Object.keys(await this.read()).sort());
  }

  set(key: string, token: string): Promise<void> {
    if (!key) return Promise.reject(new Error('A token needs a key.'));
    if (!token) return Promise.reject(new Error(`An empty token cannot be saved under "${key}".`));
    this.redactor.add(token);
    return this.serial(async () => {
      const tokens = await this.read();
      tokens[key] = token;
      await this.write(tokens);
    });
  }

  delete(key: string): Promise<boolean> {
    return this.serial(async () => {
      const tokens = await this.read();
      if (!(key in tokens)) return false;
      delete tokens[key];
      await this.write(tokens);
      return true;
    });
  }

  clear(): Promise<void> {
    return this.serial(async () => {
      await fs.promises.rm(this.file, { force: true });
      await this.codec.forget?.(this.file);
    });
  }
}
