#!/usr/bin/env node
/**
 * npm's install step for neurosieve (package.json "install"), the way sharp does it:
 * - In a project that depends on neurosieve: if the prebuilt binary shipped in the package loads here, that is
 *   all (no compiler, no cmake, no download). Otherwise the addon is built from source with cmake-js when the
 *   build tools are installed; when they are not, the install fails with every cause and fix
 *   (src/core/native.ts writes that message, the same one a failed import gives).
 * - `npm install --build-from-source` (or `npm rebuild neurosieve --build-from-source`, or the environment
 *   variable npm_config_build_from_source=true) skips the prebuilt and builds.
 * - In the repository itself (`npm ci` in a clone: the package is the project being installed), the addon is
 *   built from source as always: developers and CI test what they compile, with HDF5 when libhdf5-dev is there.
 * Plain Node, no dependencies: it runs before anything else of the package is set up.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (msg) => console.error(`neurosieve: ${msg}`);

/** npm sets npm_package_json to the package being installed and npm_config_local_prefix to the project root. */
function isRootProject() {
  const pkg = process.env.npm_package_json;
  const prefix = process.env.npm_config_local_prefix;
  return Boolean(pkg && prefix && resolve(dirname(pkg)) === resolve(prefix));
}

const fromSourceFlag = /^(true|1)$/i.test(process.env.npm_config_build_from_source ?? '');

function buildFromSource(why) {
  const require = createRequire(join(root, 'package.json'));
  let cmakeJs;
  try {
    cmakeJs = require.resolve('cmake-js/bin/cmake-js');
    require.resolve('node-addon-api');
  } catch {
    log(`${why}, but the build tools are not installed: add them with npm install --save-dev cmake-js@^8 node-addon-api@^8 (and cmake >= 3.15 and a C++17 compiler: apt-get install cmake g++), then npm rebuild neurosieve --build-from-source`);
    return false;
  }
  log(`${why}: building the addon from source (cmake-js compile; needs cmake >= 3.15 and a C++17 compiler)`);
  const r = spawnSync(process.execPath, [cmakeJs, 'compile', '-d', 'native', '-O', 'native/build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) log('the build from source failed (its output is above)');
  return r.status === 0;
}

/** Loads the addon the way `import 'neurosieve'` will; returns the file, or the loader's message. */
async function tryLoad() {
  const loader = join(root, 'dist/core/native.js');
  if (!existsSync(loader)) return { error: `${loader} is missing: the package is incomplete (reinstall it)` };
  const mod = await import(pathToFileURL(loader).href);
  try {
    mod.native();
    return { file: mod.loadedAddonFile };
  } catch (err) {
    return { error: err.message };
  }
}

async function main() {
  if (isRootProject()) {
    process.exit(buildFromSource('installing the repository itself') ? 0 : 1);
  }
  if (fromSourceFlag) {
    if (!buildFromSource('--build-from-source')) process.exit(1);
    const after = await tryLoad();
    if (after.error) {
      log(after.error);
      process.exit(1);
    }
    log(`built from source: ${after.file}`);
    return;
  }
  const first = await tryLoad();
  if (first.file) {
    log(`using ${first.file}`);
    return;
  }
  if (buildFromSource('no prebuilt binary loads here')) {
    const after = await tryLoad();
    if (after.file) {
      log(`built from source: ${after.file}`);
      return;
    }
    log(after.error);
    process.exit(1);
  }
  log(first.error);
  process.exit(1);
}

await main();
