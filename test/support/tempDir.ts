import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh data folder per test; removed afterwards unless RELAIS_KEEP_TMP is set. */
export function makeTempDir(prefix = 'relais-test-'): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    cleanup: () => {
      if (!process.env.RELAIS_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
