import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatWebhookLine, type WebhookLine } from '../../../electron/services/webhooks/line';
import { openPullFile, PullFileError } from '../../../electron/services/webhooks/pullFile';
import { SpoolLockedError } from '../../../electron/services/webhooks/spool';
import { makeTempDir } from '../../support/tempDir';
import { sign, webhookBody } from './helpers';

let tmp: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  tmp = makeTempDir('relais-pullfile-');
  file = path.join(tmp.dir, 'inbox', 'relay.ndjson');
});
afterEach(() => tmp.cleanup());

const line = (i: number): WebhookLine => ({ raw: webhookBody(i), signature: sign(webhookBody(i)), received_at: 1_700_000_000_000 + i });
const lines = (from: number, to: number) => [...Array(to - from).keys()].map((k) => line(from + k));
const fileLines = () =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as WebhookLine);

describe('pulled-events file', () => {
  it('appends each batch and commits its cursor, for the importer to read', async () => {
    const sink = await openPullFile({ file });
    expect(sink.cursor).toBeNull();
    await sink.onBatch(lines(0, 3), 'c3');
    await sink.onBatch([], 'c3b');
    await sink.onBatch(lines(3, 5), 'c5');
    expect(sink.cursor).toBe('c5');
    await sink.close();
    expect(fileLines()).toEqual(lines(0, 5));
    expect(fs.readFileSync(file, 'utf8')).toBe(lines(0, 5).map(formatWebhookLine).join(''));
    const state = JSON.parse(fs.readFileSync(`${file}.cursor.json`, 'utf8'));
    expect(state).toMatchObject({ version: 1, cursor: 'c5', bytes: fs.statSync(file).size });
    // Only the two files (and no temp or lock left behind).
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['relay.ndjson', 'relay.ndjson.cursor.json']);
    const again = await openPullFile({ file });
    expect(again).toMatchObject({ cursor: 'c5', discardedBytes: 0 });
    await again.close();
  });

  it('cuts a batch that a crash left uncommitted, so pulling it again does not duplicate it', async () => {
    const sink = await openPullFile({ file });
    await sink.onBatch(lines(0, 3), 'c3');
    await sink.close();
    // Crash after the lines were synced but before the cursor file was replaced.
    const torn = lines(3, 6).map(formatWebhookLine).join('');
    fs.appendFileSync(file, torn);
    const reopened = await openPullFile({ file });
    expect(reopened).toMatchObject({ cursor: 'c3', discardedBytes: Buffer.byteLength(torn) });
    await reopened.onBatch(lines(3, 6), 'c6');
    await reopened.close();
    expect(fileLines()).toEqual(lines(0, 6));
  });

  it('empties the file after an import and keeps the cursor, even if a crash interrupts it', async () => {
    const sink = await openPullFile({ file });
    await sink.onBatch(lines(0, 3), 'c3');
    await sink.clear();
    expect(fs.statSync(file).size).toBe(0);
    expect(sink).toMatchObject({ cursor: 'c3', bytes: 0 });
    await sink.onBatch(lines(3, 4), 'c4');
    await sink.close();
    expect(fileLines()).toEqual([line(3)]);
    // "Cleared" committed, truncate not done: the next open finishes the job.
    fs.writeFileSync(`${file}.cursor.json`, JSON.stringify({ version: 1, cursor: 'c4', bytes: 0, updated_at: 1 }));
    const reopened = await openPullFile({ file });
    expect(reopened.discardedBytes).toBeGreaterThan(0);
    expect(fs.statSync(file).size).toBe(0);
    await reopened.close();
  });

  it('refuses a file shorter than its cursor says, a damaged cursor file and a second writer', async () => {
    const sink = await openPullFile({ file });
    await sink.onBatch(lines(0, 2), 'c2');
    await expect(openPullFile({ file })).rejects.toBeInstanceOf(SpoolLockedError);
    await sink.close();
    fs.truncateSync(file, 10);
    await expect(openPullFile({ file })).rejects.toThrow(/shorter than its cursor file records/);
    fs.writeFileSync(`${file}.cursor.json`, '{"version":1,');
    await expect(openPullFile({ file })).rejects.toBeInstanceOf(PullFileError);
  });
});
