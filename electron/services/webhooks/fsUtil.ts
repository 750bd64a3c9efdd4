import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * Makes a file creation, rename or deletion in `dir` durable. Without it a crash can
 * lose the directory entry even though the file's bytes were synced. Windows cannot
 * open a directory for syncing and journals its metadata itself, so it is skipped.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF') throw e;
  } finally {
    await fh.close();
  }
}

/** Replaces `file` so that after a crash it holds either the old or the new content, never a mix. */
export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  const fh = await fsp.open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
}

const CHUNK = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * Complete lines ('\n'-terminated) of `file` between byte offsets `start` and `end`,
 * each with the offset just past its newline. A trailing fragment without a newline
 * is not yielded: it is a write that never completed.
 */
export async function* iterateLines(file: string, start: number, end: number): AsyncGenerator<{ bytes: Buffer; end: number }> {
  const fh = await fsp.open(file, 'r');
  try {
    let pos = start;
    let carry: Buffer = EMPTY;
    let carryStart = start;
    while (pos < end) {
      const want = Math.min(CHUNK, end - pos);
      const chunk = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(chunk, 0, want, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let lineStart = 0;
      for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, lineStart)) {
        yield { bytes: data.subarray(lineStart, nl), end: carryStart + nl + 1 };
        lineStart = nl + 1;
      }
      carry = data.subarray(lineStart);
      carryStart += lineStart;
    }
  } finally {
    await fh.close();
  }
}

/** The last complete line of a file of `size` bytes that ends with '\n' (without the newline), or null. */
export async function readLastLine(file: string, size: number): Promise<string | null> {
  if (size === 0) return null;
  const fh = await fsp.open(file, 'r');
  try {
    for (let window = 64 * 1024; ; window *= 4) {
      const start = Math.max(0, size - window);
      const buf = Buffer.allocUnsafe(size - start);
      const { bytesRead } = await fh.read(buf, 0, buf.length, start);
      const data = buf.subarray(0, bytesRead);
      if (data.length === 0 || data[data.length - 1] !== 10) return null;
      const prev = data.lastIndexOf(10, data.length - 2);
      if (prev >= 0) return data.toString('utf8', prev + 1, data.length - 1);
      if (start === 0) return data.toString('utf8', 0, data.length - 1);
    }
  } finally {
    await fh.close();
  }
}

/** One byte at `offset`, or null past the end. */
export async function byteAt(file: string, offset: number): Promise<number | null> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(1);
    const { bytesRead } = await fh.read(buf, 0, 1, offset);
    return bytesRead === 1 ? buf[0]! : null;
  } finally {
    await fh.close();
  }
}
