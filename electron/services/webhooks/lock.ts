import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'spool.lock';

export class SpoolLockedError extends Error {
  readonly code = 'SPOOL_LOCKED';
  constructor(
    /** What is locked, in words ("the event store /srv/relais"). */
    readonly what: string,
    readonly pid: number,
  ) {
    super(`${what[0]!.toUpperCase()}${what.slice(1)} is already in use by another Relais process${pid > 0 ? ` (PID ${pid})` : ''}. Stop that process first, or use another folder.`);
    this.name = 'SpoolLockedError';
  }
}

/** Lock files this process holds, so a PID equal to ours can be told apart from a stale lock of a previous run. */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else — still a live writer.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isFresh(file: string): boolean {
  try {
    return Date.now() - fs.statSync(file).mtimeMs < 5_000;
  } catch {
    return false;
  }
}

export interface HeldLock {
  release(): void;
}

/**
 * One writer per store (or pull file): a lock file holding the writer's PID. A lock left by a process
 * that no longer runs (kill -9, power loss) is taken over; a live one is refused. In a
 * container a restarted relay can get the same PID as its dead predecessor, hence the
 * in-process registry rather than "pid === process.pid means us".
 */
export function acquireLock(lockFile: string, what: string): HeldLock {
  const file = path.resolve(lockFile);
  if (heldHere.has(file)) throw new SpoolLockedError(what, process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      try {
        fs.writeSync(fd, `${process.pid}\n`);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      heldHere.add(file);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          heldHere.delete(file);
          try {
            if (readPid(file) === process.pid) fs.unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = readPid(file);
      if (pid !== null && pid !== process.pid && isAlive(pid)) throw new SpoolLockedError(what, pid);
      // No PID yet: another process may be between creating the file and writing to it.
      if (pid === null && isFresh(file)) throw new SpoolLockedError(what, 0);
      // Stale (dead owner, our own PID from a previous incarnation, or unreadable): take it over.
      try {
        fs.unlinkSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
  throw new SpoolLockedError(what, readPid(file) ?? 0);
}
