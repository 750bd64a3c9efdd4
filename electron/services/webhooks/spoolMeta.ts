import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './fsUtil';

export const META_FILE = 'spool.json';
/** Enough history to tell "read to the end, then pruned" from "pruned before being read" for any realistic reader lag. */
const PRUNED_HISTORY = 256;

export interface SpoolMeta {
  version: 1;
  /** Random per store: cursors carry it so a replaced store refuses old cursors. */
  id: string;
  created_at: number;
  /** Sizes of segments deleted by retention, by sequence number. */
  pruned: Record<string, number>;
}

export class SpoolFormatError extends Error {
  readonly code = 'SPOOL_FORMAT';
  constructor(message: string) {
    super(message);
    this.name = 'SpoolFormatError';
  }
}

function parseMeta(text: string, file: string): SpoolMeta {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new SpoolFormatError(`${file} is not valid JSON; this folder does not look like a Relais event store.`);
  }
  const m = v as Partial<SpoolMeta> | null;
  if (!m || m.version !== 1 || typeof m.id !== 'string' || !/^[0-9a-f]{16}$/.test(m.id)) {
    throw new SpoolFormatError(`${file} is not a Relais event store description (unknown version or id).`);
  }
  const pruned: Record<string, number> = {};
  for (const [k, size] of Object.entries(m.pruned ?? {})) if (/^\d+$/.test(k) && typeof size === 'number') pruned[k] = size;
  return { version: 1, id: m.id, created_at: typeof m.created_at === 'number' ? m.created_at : 0, pruned };
}

export async function loadOrCreateMeta(dir: string): Promise<SpoolMeta> {
  const file = path.join(dir, META_FILE);
  try {
    return parseMeta(await fsp.readFile(file, 'utf8'), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const meta: SpoolMeta = { version: 1, id: crypto.randomBytes(8).toString('hex'), created_at: Date.now(), pruned: {} };
  await saveMeta(dir, meta);
  return meta;
}

export async function saveMeta(dir: string, meta: SpoolMeta): Promise<void> {
  const keys = Object.keys(meta.pruned)
    .map(Number)
    .sort((a, b) => a - b);
  const pruned: Record<string, number> = {};
  for (const k of keys.slice(-PRUNED_HISTORY)) pruned[String(k)] = meta.pruned[String(k)]!;
  meta.pruned = pruned;
  await writeFileAtomic(path.join(dir, META_FILE), JSON.stringify(meta, null, 2) + '\n');
}
