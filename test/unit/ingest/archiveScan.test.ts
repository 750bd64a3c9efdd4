import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pageIdsOfValue, scanArchive } from '../../../electron/services/ingest/archiveScan';
import { makeTempDir } from '../../support/tempDir';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('relais-scan-');
});
afterEach(() => tmp.cleanup());

describe('the pre-scan', () => {
  it('finds the Page ids of bodies and wrapped bodies, without building them', () => {
    const body = { object: 'page', entry: [{ id: '1', time: 1, messaging: [{ sender: { id: 'not-a-page' }, recipient: { id: '1' } }] }, { time: 2, id: 22 }] };
    expect(pageIdsOfValue(JSON.stringify(body))).toEqual(['1', '22']);
    expect(pageIdsOfValue(JSON.stringify(body, null, 2))).toEqual(['1', '22']);
    expect(pageIdsOfValue(JSON.stringify({ raw: JSON.stringify(body), signature: 'sha256=00' }))).toEqual(['1', '22']);
    expect(pageIdsOfValue(JSON.stringify({ entry: [{ id: '\u00e9\\"x' }], object: 'page' }))).toEqual(['\u00e9\\"x']);
    expect(pageIdsOfValue(JSON.stringify({ ...body, object: 'instagram' }))).toEqual([]);
    expect(pageIdsOfValue(JSON.stringify(body).slice(0, -2))).toEqual([]);
    expect(pageIdsOfValue('{"object":"page","entry":[{"id":"1"}]} trailing')).toEqual([]);
  });

  it('agrees with JSON.parse on any page body', () => {
    const id = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 2 ** 40 }));
    const entry = fc.record({ id, time: fc.integer(), messaging: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 2 }), x: fc.jsonValue({ maxDepth: 2 }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 3 }), fc.constantFrom(undefined, 1), fc.boolean(), (entries, indent, wrap) => {
        const text = JSON.stringify({ entry: entries, object: 'page' }, null, indent);
        const want = entries.map((e) => String(e.id));
        expect(pageIdsOfValue(wrap ? JSON.stringify({ raw: text }) : text)).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it('fingerprints the content and lists each Page once', async () => {
    const lines = [
      { object: 'page', entry: [{ id: 'B', time: 1 }] },
      { object: 'page', entry: [{ id: 'A', time: 1 }, { id: 'B', time: 2 }] },
      { object: 'user', entry: [{ id: 'C', time: 1 }] },
    ].map((v) => JSON.stringify(v));
    const content = lines.join('\n') + '\nnot json\n';
    const file = path.join(tmp.dir, 'a.ndjson');
    fs.writeFileSync(file, content);
    const fd = fs.openSync(file, 'r');
    try {
      const scan = await scanArchive(fd, fs.fstatSync(fd).size);
      expect(scan).toEqual({ format: 'ndjson', size: Buffer.byteLength(content), fingerprint: crypto.createHash('sha256').update(content).digest('hex'), pageIds: ['A', 'B'], values: 4 });
    } finally {
      fs.closeSync(fd);
    }
  });
});
