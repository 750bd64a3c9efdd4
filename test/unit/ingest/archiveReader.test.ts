import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveReader, detectArchiveFormat, type ArchiveCursor, type ArchiveFormat } from '../../../electron/services/ingest/archiveReader';
import { makeTempDir } from '../../support/tempDir';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('relais-reader-');
});
afterEach(() => tmp.cleanup());

interface Read {
  text: string | null;
  line: number;
  item: number;
  cursor: ArchiveCursor;
}

function readAll(content: string | Buffer, opts: { format?: ArchiveFormat; chunkBytes?: number; maxValueBytes?: number; from?: ArchiveCursor } = {}): Read[] {
  const file = path.join(tmp.dir, 'archive');
  fs.writeFileSync(file, content);
  const fd = fs.openSync(file, 'r');
  try {
    const reader = new ArchiveReader(fd, { format: opts.format ?? detectArchiveFormat(fd), chunkBytes: opts.chunkBytes, maxValueBytes: opts.maxValueBytes, from: opts.from });
    const out: Read[] = [];
    for (let v = reader.next(); v !== null; v = reader.next()) out.push({ ...v, cursor: reader.cursor });
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

describe('archive reader: one value per line', () => {
  it('splits on bytes, numbers lines, skips blank ones, accepts CRLF, a BOM and a missing final newline', () => {
    const content = '\uFEFF{"a":1}\r\n\n   \n{"b":"é\\n"}\n{"c":3}';
    const got = readAll(content);
    expect(got.map((v) => [v.line, v.item, v.text?.trim()])).toEqual([
      [1, 1, '{"a":1}'],
      [4, 2, '{"b":"é\\n"}'],
      [5, 3, '{"c":3}'],
    ]);
    expect(got.at(-1)!.cursor.offset).toBe(Buffer.byteLength(content));
    expect(readAll('')).toEqual([]);
    expect(readAll('\n\n')).toEqual([]);
  });

  it('gives the same values whatever the buffer size, even when a character is split across reads', () => {
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ i, text: 'plat du jour à 12 € 🍽️'.repeat(i % 5) }));
    const content = lines.join('\n') + '\n';
    const want = readAll(content).map((v) => v.text);
    expect(want).toEqual(lines);
    for (const chunkBytes of [1, 7, 64, 4096]) expect(readAll(content, { chunkBytes }).map((v) => v.text)).toEqual(want);
  });

  it('resumes from any cursor it handed out', () => {
    const content = Array.from({ length: 30 }, (_, i) => (i % 7 === 3 ? '' : JSON.stringify({ i }))).join('\n');
    const all = readAll(content, { chunkBytes: 16 });
    for (let k = 0; k < all.length; k++) {
      const rest = readAll(content, { chunkBytes: 16, from: all[k]!.cursor });
      expect(rest).toEqual(all.slice(k + 1));
    }
  });

  it('skips a line longer than the limit without keeping it, and goes on', () => {
    const content = `{"a":1}\n{"big":"${'x'.repeat(20_000)}"}\n{"b":2}\n`;
    const got = readAll(content, { maxValueBytes: 1000, chunkBytes: 256 });
    expect(got.map((v) => [v.line, v.text])).toEqual([
      [1, '{"a":1}'],
      [2, null],
      [3, '{"b":2}'],
    ]);
  });
});

describe('archive reader: a JSON array', () => {
  it('detects the format from the first meaningful byte', () => {
    const file = path.join(tmp.dir, 'f');
    for (const [content, format] of [
      ['  \n [ {} ]', 'json_array'],
      ['\uFEFF[]', 'json_array'],
      ['{"a":1}\n', 'ndjson'],
      ['', 'ndjson'],
    ] as const) {
      fs.writeFileSync(file, content);
      const fd = fs.openSync(file, 'r');
      expect(detectArchiveFormat(fd)).toBe(format);
      fs.closeSync(fd);
    }
  });

  it('hands out each element, tracking strings, escapes and depth, with the line where it starts', () => {
    const elements = [{ a: '[not, a] {bracket}', b: ['x', { c: '"quoted" \\ back' }] }, 42, 'text, with comma', null, [1, [2, [3]]], { e: '' }];
    const content = JSON.stringify(elements, null, 2);
    const got = readAll(content);
    expect(got.map((v) => JSON.parse(v.text!) as unknown)).toEqual(elements);
    const startLines = content.split('\n').flatMap((l, i) => (/^ {2}[^\s}\]]/.test(l) ? [i + 1] : []));
    expect(got.map((v) => v.line)).toEqual(startLines);
    expect(readAll('[]')).toEqual([]);
    expect(readAll('[ ]\n')).toEqual([]);
  });

  it('reports what follows the array, or a file that only starts like one, as one last value', () => {
    expect(readAll('[{"a":1}] {"b":2}\n').map((v) => v.text)).toEqual(['{"a":1}', '{"b":2}\n']);
    expect(readAll('[{"a":1},{"b":').map((v) => v.text)).toEqual(['{"a":1}', '{"b":']);
  });

  it('resumes from any cursor, for any buffer size, on any array of JSON values', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }), fc.constantFrom(0, 1, 2, '\t'), fc.integer({ min: 1, max: 64 }), (values, indent, chunkBytes) => {
        const content = JSON.stringify(values, null, indent);
        const all = readAll(content, { chunkBytes });
        expect(all.map((v) => JSON.parse(v.text!) as unknown)).toEqual(JSON.parse(content));
        for (let k = 0; k < all.length; k++) expect(readAll(content, { chunkBytes, from: all[k]!.cursor }).map((v) => v.text)).toEqual(all.slice(k + 1).map((v) => v.text));
      }),
      { numRuns: 150 },
    );
  });

  it('skips an element longer than the limit and goes on', () => {
    const content = JSON.stringify([{ a: 1 }, { big: 'y'.repeat(10_000) }, { b: 2 }]);
    expect(readAll(content, { maxValueBytes: 500, chunkBytes: 128 }).map((v) => v.text)).toEqual(['{"a":1}', null, '{"b":2}']);
  });
});
