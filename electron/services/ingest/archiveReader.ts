import fs from 'node:fs';

export type ArchiveFormat = 'ndjson' | 'json_array';

/** Where reading stands: the byte after the last value handed out, its line, and how many values came before. */
export interface ArchiveCursor {
  offset: number;
  line: number;
  item: number;
}

export const ARCHIVE_START: ArchiveCursor = { offset: 0, line: 1, item: 0 };

export interface ArchiveValue {
  /** The value's text; null when it was longer than the limit and skipped unread. */
  text: string | null;
  /** 1-based line where the value starts. */
  line: number;
  /** 1-based position of the value in the file. */
  item: number;
}

/** A value as bytes in the reader's buffer; valid only until the next call. */
export interface ArchiveBytes {
  buf: Buffer;
  start: number;
  end: number;
  /** True when the value was longer than the limit and skipped unread (start = end). */
  skipped: boolean;
  line: number;
  item: number;
}

export interface ArchiveReaderOptions {
  format: ArchiveFormat;
  from?: ArchiveCursor;
  /** A value larger than this is skipped and reported, so one runaway line cannot exhaust memory. */
  maxValueBytes?: number;
  chunkBytes?: number;
  /** Sees every byte read, once and in order (the pre-scan hashes them). */
  onChunk?: (bytes: Buffer) => void;
  /**
   * Reads no further than this offset: the size seen when the import started, so a file still
   * being appended to is read exactly as far as it was fingerprinted and checked.
   */
  limit?: number;
}

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isSpace = (c: number) => c === SPACE || c === NL || c === CR || c === TAB;

/** Looks at the first meaningful byte: `[` means one JSON array of values, anything else one value per line. */
export function detectArchiveFormat(fd: number): ArchiveFormat {
  const head = Buffer.alloc(64 * 1024);
  let offset = 0;
  for (;;) {
    const n = fs.readSync(fd, head, 0, head.length, offset);
    if (n === 0) return 'ndjson';
    let i = offset === 0 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    while (i < n && isSpace(head[i]!)) i++;
    if (i < n) return head[i] === OPEN_BRACKET ? 'json_array' : 'ndjson';
    offset += n;
  }
}

/**
 * Hands out the values of an archive one at a time with constant memory: a buffer of about a
 * MiB is refilled from the file with synchronous reads, and values are delimited on bytes (a
 * newline, or the end of a top-level array element) so byte offsets are exact resume points.
 *
 * Invariant: buf[0, len) holds the file bytes [base, base + len); pos is the next unread byte.
 */
export class ArchiveReader {
  private buf: Buffer;
  private view: Buffer;
  private base: number;
  private len = 0;
  private pos = 0;
  private eof = false;
  private line: number;
  private item: number;
  private readonly maxValueBytes: number;
  private readonly onChunk: ((bytes: Buffer) => void) | undefined;
  private readonly format: ArchiveFormat;
  private readonly limit: number;
  /** json_array: before the opening bracket, inside the array, or after it. */
  private arrayState: 'before' | 'inside' | 'after';

  constructor(
    private readonly fd: number,
    opts: ArchiveReaderOptions,
  ) {
    const from = opts.from ?? ARCHIVE_START;
    this.format = opts.format;
    this.maxValueBytes = opts.maxValueBytes ?? 16 * 1024 * 1024;
    this.onChunk = opts.onChunk;
    this.limit = opts.limit ?? Number.MAX_SAFE_INTEGER;
    this.buf = Buffer.allocUnsafe(Math.max(4096, Math.min(opts.chunkBytes ?? 1024 * 1024, this.maxValueBytes)));
    this.view = this.buf.subarray(0, 0);
    this.base = from.offset;
    this.line = from.line;
    this.item = from.item;
    // A committed point inside an array is always between two elements.
    this.arrayState = from.offset === 0 ? 'before' : 'inside';
  }

  /** The resume point after the last value returned. */
  get cursor(): ArchiveCursor {
    return { offset: this.base + this.pos, line: this.line, item: this.item };
  }

  next(): ArchiveValue | null {
    const v = this.nextBytes();
    if (v === null) return null;
    return { text: v.skipped ? null : v.buf.toString('utf8', v.start, v.end), line: v.line, item: v.item };
  }

  /** The next value without decoding it, for passes that only skim bytes. */
  nextBytes(): ArchiveBytes | null {
    if (this.base === 0 && this.pos === 0) this.skipBom();
    return this.format === 'ndjson' ? this.nextLine() : this.nextElement();
  }

  private value(start: number, end: number, skipped: boolean, line: number): ArchiveBytes {
    this.item++;
    return { buf: this.buf, start, end, skipped, line, item: this.item };
  }

  /**
   * Drops buf[0, keepFrom), grows the buffer if it is still full, and reads more. Returns how
   * far indexes moved, so callers shift theirs by it; at the end of the file nothing is added.
   */
  private fill(keepFrom: number): number {
    if (keepFrom > 0) {
      this.buf.copyWithin(0, keepFrom, this.len);
      this.base += keepFrom;
      this.len -= keepFrom;
      this.pos -= keepFrom;
    }
    if (!this.eof) {
      if (this.len === this.buf.length) {
        const grown = Buffer.allocUnsafe(Math.min(this.buf.length * 2, this.maxValueBytes + 64 * 1024));
        this.buf.copy(grown, 0, 0, this.len);
        this.buf = grown;
      }
      const want = Math.min(this.buf.length - this.len, this.limit - (this.base + this.len));
      const n = want > 0 ? fs.readSync(this.fd, this.buf, this.len, want, this.base + this.len) : 0;
      if (n === 0) this.eof = true;
      else {
        this.onChunk?.(this.buf.subarray(this.len, this.len + n));
        this.len += n;
      }
    }
    this.view = this.buf.subarray(0, this.len);
    return keepFrom;
  }

  private skipBom(): void {
    if (this.len < 3) this.fill(0);
    if (this.len >= 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.pos = 3;
  }

  private isBlank(from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (!isSpace(this.buf[i]!)) return false;
    return true;
  }

  private nextLine(): ArchiveBytes | null {
    for (;;) {
      let start = this.pos;
      let searchFrom = start;
      let skipping = false;
      let nl = this.view.indexOf(NL, searchFrom);
      while (nl < 0 && !this.eof) {
        // Longer than the limit: stop keeping it and only look for where it ends.
        if (!skipping && this.len - start >= this.maxValueBytes) skipping = true;
        const searched = this.len;
        const shift = this.fill(skipping ? this.len : start);
        start -= shift;
        searchFrom = searched - shift;
        nl = this.view.indexOf(NL, searchFrom);
      }
      const end = nl < 0 ? this.len : nl;
      if (nl < 0 && !skipping && this.isBlank(start, end)) {
        this.pos = this.len;
        return null;
      }
      const lineNo = this.line;
      this.pos = nl < 0 ? this.len : nl + 1;
      if (nl >= 0) this.line++;
      if (skipping) return this.value(0, 0, true, lineNo);
      if (this.isBlank(start, end)) continue;
      return this.value(start, end, false, lineNo);
    }
  }

  private nextElement(): ArchiveBytes | null {
    // Between values: skip blanks and commas to where the next value starts.
    for (;;) {
      if (this.pos >= this.len) {
        this.fill(this.pos);
        if (this.pos >= this.len) return null;
      }
      const c = this.buf[this.pos]!;
      if (c === NL) {
        this.line++;
        this.pos++;
      } else if (isSpace(c)) {
        this.pos++;
      } else if (this.arrayState === 'before' && c === OPEN_BRACKET) {
        this.arrayState = 'inside';
        this.pos++;
      } else if (this.arrayState === 'inside' && c === COMMA) {
        this.pos++;
      } else if (this.arrayState === 'inside' && c === CLOSE_BRACKET) {
        this.arrayState = 'after';
        this.pos++;
      } else if (this.arrayState === 'inside') {
        return this.readElement();
      } else {
        // Not inside the array (no bracket, or content after it): one malformed value to the end.
        return this.readRest();
      }
    }
  }

  /**
   * One array element: tracks strings, escapes and nesting depth on bytes. Pretty-printed
   * arrays cost the same as compact ones; a scalar element ends at a comma, blank or bracket.
   */
  private readElement(): ArchiveBytes {
    const startLine = this.line;
    let start = this.pos;
    let p = start;
    let skipping = false;
    let depth = 0;
    let inString = false;
    let escaped = false;
    let buf = this.buf;
    let len = this.len;
    for (;;) {
      if (p >= len) {
        if (!skipping && p - start >= this.maxValueBytes) skipping = true;
        this.pos = p;
        const shift = this.fill(skipping ? p : start);
        p -= shift;
        start -= shift;
        buf = this.buf;
        len = this.len;
        if (p >= len) break;
      }
      const c = buf[p]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (depth === 0) {
            p++;
            break;
          }
        } else if (c === NL) this.line++;
        p++;
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        // At depth 0 this is the array's own closing bracket: it ends a bare scalar and stays unread.
        if (depth === 0) break;
        depth--;
        if (depth === 0) {
          p++;
          break;
        }
      } else if (c === COMMA) {
        if (depth === 0) break;
      } else if (isSpace(c)) {
        if (depth === 0) break;
        if (c === NL) this.line++;
      }
      p++;
    }
    this.pos = p;
    return skipping ? this.value(0, 0, true, startLine) : this.value(start, p, false, startLine);
  }

  private readRest(): ArchiveBytes {
    const startLine = this.line;
    let start = this.pos;
    let skipping = false;
    while (!this.eof) {
      if (!skipping && this.len - start >= this.maxValueBytes) skipping = true;
      start -= this.fill(skipping ? this.len : start);
    }
    for (let i = this.pos; i < this.len; i++) if (this.buf[i] === NL) this.line++;
    const end = this.len;
    this.pos = end;
    return skipping ? this.value(0, 0, true, startLine) : this.value(start, end, false, startLine);
  }
}
