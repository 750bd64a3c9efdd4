// electron-builder hooks (see electron-builder.yml). CommonJS because
// electron-builder require()s hook files and package.json says "type": "module".
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

/** electron-builder's Arch enum (builder-util), by value: the context gives a number. */
const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

/** The Node-style platform/arch the packaged app will run on, as nativeElectron.mjs and .native/ name them. */
function nativeTargetOf(context) {
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch];
  if (!arch) throw new Error(`Relais: unknown target architecture ${String(context.arch)}`);
  if (arch === 'universal') {
    // A universal app would need both modules merged with lipo; build x64 and arm64 separately instead.
    throw new Error('Relais: macOS universal builds are not supported; build --x64 and --arm64 separately.');
  }
  return { platform, arch };
}

/**
 * Before each platform/arch is packed, make sure .native/electron-<platform>-<arch>/
 * holds better-sqlite3 built for Electron's ABI; extraResources then copies it to
 * resources/native/. An installer without it could not open its database, so a
 * failure stops the build.
 */
async function beforePack(context) {
  const { platform, arch } = nativeTargetOf(context);
  const script = path.join(root, 'electron', 'tools', 'nativeElectron.mjs');
  const r = spawnSync(process.execPath, [script, '--platform', platform, '--arch', arch], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error(`Relais: the SQLite module for Electron ${platform}-${arch} is missing (see the message above).`);
  }
}

module.exports = { beforePack, nativeTargetOf, default: beforePack };
