import fs from 'node:fs';
import path from 'node:path';

/**
 * better-sqlite3 is a native module and Node and Electron have different ABIs.
 * node_modules keeps the Node build (tests, CLI, browser shell). The Electron
 * build lives apart — `.native/electron-<platform>-<arch>/better_sqlite3.node` in
 * development, `resources/native/better_sqlite3.node` inside an installer — and is
 * handed to better-sqlite3 through its `nativeBinding` option. Neither build ever
 * overwrites the other.
 */
export function electronNativeBindingPath(opts: {
  isPackaged: boolean;
  resourcesPath: string;
  appRoot: string;
  platform?: string;
  arch?: string;
}): string {
  if (opts.isPackaged) return path.join(opts.resourcesPath, 'native', 'better_sqlite3.node');
  return path.join(opts.appRoot, '.native', `electron-${opts.platform ?? process.platform}-${opts.arch ?? process.arch}`, 'better_sqlite3.node');
}

/** `undefined` under plain Node: better-sqlite3 then loads its own build. */
export function nativeBindingForRuntime(candidate: string | undefined): string | undefined {
  if (!process.versions.electron) return undefined;
  if (!candidate || !fs.existsSync(candidate)) {
    throw new Error(
      `The SQLite module built for Electron is missing (${candidate ?? 'no path'}). Run "npm run native:electron" (needs Electron headers or prebuilt binaries), or use the browser shell.`,
    );
  }
  return candidate;
}
