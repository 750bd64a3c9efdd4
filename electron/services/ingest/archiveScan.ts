import crypto from 'node:crypto';
import { ArchiveReader, detectArchiveFormat, type ArchiveFormat } from './archiveReader';

/**
 * The pre-scan: one pass over the file before anything is written. It fingerprints the
 * content (to recognise a file already imported, or a run to resume) and lists the Pages the
 * file speaks for, so an import for a Page outside the workspace stops before its first write.
 */
export interface ArchiveScan {
  format: ArchiveFormat;
  size: number;
  /** SHA-256 of the whole content. */
  fingerprint: string;
  pageIds: string[];
  values: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const ROOT_OTHER = 0;
const ROOT_OBJECT = 1;
const ROOT_ENTRY = 2;
const ROOT_RAW = 3;

const isBlank = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function bytesEqual(buf: Buffer, start: number, end: number, ascii: string): boolean {
  if (end - start !== ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (buf[start + i] !== ascii.charCodeAt(i)) return false;
  return true;
}

function rootKeyOf(buf: Buffer, start: number, end: number): number {
  if (bytesEqual(buf, start, end, 'entry')) return ROOT_ENTRY;
  if (bytesEqual(buf, start, end, 'object')) return ROOT_OBJECT;
  if (bytesEqual(buf, start, end, 'raw')) return ROOT_RAW;
  return ROOT_OTHER;
}

/** A JSON string token [start, end] (quotes included) as a JS string. */
function decodeString(buf: Buffer, start: number, end: number, escaped: boolean): string {
  return escaped ? (JSON.parse(buf.toString('utf8', start, end + 1)) as string) : buf.toString('utf8', start + 1, end);
}

/**
 * Finds the entry ids of a page webhook body (or of the body inside an archive wrapper) on
 * bytes, without building the value: JSON.parse would allocate the whole body only to throw it
 * away, and this pass runs over every line of the file. Tracks nesting depth, and whether a
 * string is a key, only as deep as the entry objects (depth 3). Returns null when the value is
 * not well-formed, [] when it is not a page webhook.
 */
export function pageIdsOfBytes(buf: Buffer, start: number, end: number): string[] | null {
  let i = start;
  while (i < end && isBlank(buf[i]!)) i++;
  if (buf[i] !== OPEN_BRACE) return null;
  const isObject = [false, true, false, false];
  const ids: string[] = [];
  let depth = 1;
  let expectKey = true;
  let rootKey = ROOT_OTHER;
  let keyIsId = false;
  let object: string | null = null;
  let raw: string | null = null;
  i++;
  while (i < end) {
    const c = buf[i]!;
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      while (j < end) {
        const d = buf[j];
        if (d === QUOTE) break;
        if (d === BACKSLASH) {
          escaped = true;
          j += 2;
        } else j++;
      }
      if (j >= end) return null;
      if (depth <= 3) {
        if (expectKey) {
          if (depth === 1) rootKey = escaped ? ROOT_OTHER : rootKeyOf(buf, i + 1, j);
          else if (depth === 3) keyIsId = !escaped && bytesEqual(buf, i + 1, j, 'id');
          expectKey = false;
        } else if (depth === 1) {
          if (rootKey === ROOT_OBJECT) object = decodeString(buf, i, j, escaped);
          else if (rootKey === ROOT_RAW) raw = decodeString(buf, i, j, escaped);
        } else if (depth === 3 && keyIsId && rootKey === ROOT_ENTRY && !isObject[2] && isObject[3]) ids.push(decodeString(buf, i, j, escaped));
      }
      i = j + 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth <= 3) {
        isObject[depth] = c === OPEN_BRACE;
        expectKey = c === OPEN_BRACE;
        if (depth === 3) keyIsId = false;
      }
      i++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      expectKey = false;
      i++;
      if (depth === 0) break;
    } else if (c === COMMA) {
      if (depth <= 3) expectKey = isObject[depth]!;
      i++;
    } else if (depth === 3 && keyIsId && c !== COLON && !isBlank(c) && rootKey === ROOT_ENTRY && !isObject[2] && isObject[3]) {
      let j = i;
      while (j < end) {
        const d = buf[j]!;
        if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isBlank(d)) break;
        j++;
      }
      // A numeric Page id, spelled the way the importer will read it.
      ids.push(String(Number(buf.toString('latin1', i, j))));
      i = j;
    } else i++;
  }
  if (depth !== 0) return null;
  while (i < end) if (!isBlank(buf[i++]!)) return null;
  if (object === null && raw !== null) {
    const body = Buffer.from(raw, 'utf8');
    return pageIdsOfBytes(body, 0, body.length);
  }
  return object === 'page' ? ids : [];
}

/** Page ids named by one archive value given as text; a value that is not well-formed JSON names none. */
export function pageIdsOfValue(text: string): string[] {
  const buf = Buffer.from(text, 'utf8');
  try {
    return pageIdsOfBytes(buf, 0, buf.length) ?? [];
  } catch (e) {
    if (e instanceof SyntaxError) return [];
    throw e;
  }
}

export interface ScanOptions {
  maxValueBytes?: number;
  signal?: AbortSignal;
  /** Called every few MiB with the bytes read so far. */
  onBytes?: (bytesRead: number) => void;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function scanArchive(fd: number, size: number, opts: ScanOptions = {}): Promise<ArchiveScan> {
  const format = detectArchiveFormat(fd);
  const hash = crypto.createHash('sha256');
  let bytesRead = 0;
  const reader = new ArchiveReader(fd, {
    format,
    limit: size,
    maxValueBytes: opts.maxValueBytes,
    onChunk: (bytes) => {
      hash.update(bytes);
      bytesRead += bytes.length;
    },
  });
  const pageIds = new Set<string>();
  let values = 0;
  let reported = 0;
  for (;;) {
    const value = reader.nextBytes();
    if (value === null) break;
    values++;
    if (!value.skipped) {
      let ids: string[] | null;
      try {
        ids = pageIdsOfBytes(value.buf, value.start, value.end);
      } catch (e) {
        // A broken escape inside a string: the import reports the line; it names no Page.
        if (!(e instanceof SyntaxError)) throw e;
        ids = null;
      }
      if (ids !== null) for (const id of ids) pageIds.add(id);
    }
    if (bytesRead - reported >= 8 * 1024 * 1024) {
      reported = bytesRead;
      opts.onBytes?.(bytesRead);
      await yieldToEventLoop();
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
    }
  }
  opts.onBytes?.(bytesRead);
  return { format, size, fingerprint: hash.digest('hex'), pageIds: [...pageIds].sort(), values };
}
