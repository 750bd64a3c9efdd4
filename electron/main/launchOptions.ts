/**
 * `--data-dir DIR` or `--data-dir=DIR` anywhere in Electron's argv. Scanned by
 * hand: Electron's argv mixes our flags with Chromium's switches and differs
 * between `electron main.cjs …` and a packaged executable, so a strict parser
 * would reject legitimate launches.
 */
export function dataDirFlag(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--data-dir') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) found = next;
      i++;
    } else if (arg?.startsWith('--data-dir=')) {
      found = arg.slice('--data-dir='.length);
    }
  }
  return found && found.length > 0 ? found : undefined;
}
