import { createRequire } from 'node:module';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

/**
 * Bundles a TypeScript entry into one CommonJS file that plain `node` (or a worker thread) can
 * run from anywhere. better-sqlite3 stays outside, required by absolute path: its native
 * binding is found relative to its own package.
 */
export async function bundleForNode(entry: string, outfile: string): Promise<void> {
  const sqlite = require.resolve('better-sqlite3');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'silent',
    plugins: [
      {
        name: 'better-sqlite3-in-place',
        setup(b) {
          b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqlite, external: true }));
        },
      },
    ],
  });
}
