#!/usr/bin/env node
/**
 * Builds the binary shipped inside the npm package (package.json "prepack": runs on `npm pack` and `npm publish`):
 * prebuilds/<platform>-<arch>/napi-v<N>/neurosieve.node and neurosieve-measure beside it, where src/core/native.ts
 * looks. It is linked from the objects of the regular build in native/build (the ones the tests ran), so after
 * `npm ci` this costs one more link, not a second compile: see NS_PREBUILT in native/CMakeLists.txt for what the
 * prebuilt leaves out (HDF5) and what it needs of the system (glibc, libstdc++).
 *
 * Then, before copying: on x86-64 scripts/check-portable.mjs (nothing beyond SSE2 outside the dispatched kernels,
 * no -march=native), the shared libraries it needs (only glibc's and the C++ runtime Node itself links), and that it
 * loads in a fresh Node. The copies are stripped of symbols. Prints the newest glibc and libstdc++ symbol versions
 * it needs (README "Installing as a library" quotes them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fail = (msg) => {
  console.error(`prebuilt: ${msg}`);
  process.exit(1);
};

if (process.platform !== 'linux') fail(`only Linux prebuilts are made here (this is ${process.platform}); see README "Installing as a library"`);
// The Node-API version the addon is compiled for (cmake-js reads it here; -DNAPI_VERSION in CMakeLists.txt matches).
const manifest = JSON.parse(readFileSync(join(root, 'native/package.json'), 'utf8'));
const napi = manifest.binary?.napi_versions?.[0];
if (!napi) fail('native/package.json has no binary.napi_versions');

// The same build directory and configuration as `npm ci`'s build, plus the prebuilt targets. Release and no
// sanitizer are forced: a developer's cache may hold other values, and those are not binaries to ship.
const require = createRequire(join(root, 'package.json'));
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const build = join(root, 'native/build');
// `configure` first: `compile` on an existing build directory only builds, ignoring new -D options.
const where = ['-d', 'native', '-O', 'native/build'];
for (const step of [['configure', ...where, '--CDNS_PREBUILT=ON', '--CDNS_SANITIZE=OFF', '--CDCMAKE_BUILD_TYPE=Release'], ['build', ...where]]) {
  const b = spawnSync(process.execPath, [cmakeJs, ...step], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (b.status !== 0) fail(`cmake-js ${step[0]} failed (output above)`);
}

const addon = join(build, 'prebuilt/neurosieve.node');
const helper = join(build, 'prebuilt/neurosieve-measure');
for (const f of [addon, helper]) if (!existsSync(f)) fail(`${f} was not built`);

if (process.arch === 'x64') {
  const c = spawnSync(process.execPath, [join(root, 'scripts/check-portable.mjs'), addon, join(build, 'CMakeFiles/ns_objects.dir'), join(build, 'build.ninja')], { stdio: 'inherit' });
  if (c.status !== 0) fail('the binary is not portable (above)');
}

// Only glibc's libraries and the C++ runtime (which Node's own Linux builds link too) may be needed: anything else
// (libhdf5 and its ~40 dependencies) may be missing elsewhere.
const GLIBC_LIBS = /^(libc|libm|libdl|libpthread|librt|ld-linux[-\w]*|libstdc\+\+|libgcc_s)\.so(\.\d+)*$/;
for (const f of [addon, helper]) {
  const needed = [...execFileSync('readelf', ['-d', f], { encoding: 'utf8' }).matchAll(/\(NEEDED\).*\[(.+)\]/g)].map((m) => m[1]);
  const extra = needed.filter((n) => !GLIBC_LIBS.test(n));
  if (extra.length) fail(`${f} needs ${extra.join(', ')}, which other systems may not have`);
}
const symbols = execFileSync('objdump', ['-T', addon], { encoding: 'utf8' });
/** The newest version of `tag` (GLIBC, GLIBCXX) among the symbols the addon imports, e.g. "2.34". */
const newest = (tag) =>
  [...symbols.matchAll(new RegExp(`\\(${tag}_([\\d.]+)\\)`, 'g'))]
    .map((m) => m[1])
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .at(-1);

const dest = join(root, 'prebuilds', `${process.platform}-${process.arch}`, `napi-v${napi}`);
rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
mkdirSync(dest, { recursive: true });
for (const [from, name] of [[addon, 'neurosieve.node'], [helper, 'neurosieve-measure']]) {
  execFileSync('strip', ['--strip-unneeded', '-o', join(dest, name), from]);
  chmodSync(join(dest, name), 0o755);
}

// It must load in a plain Node, and be the build without HDF5 (what the README promises for the prebuilt).
const probe = `const a = require(${JSON.stringify(join(dest, 'neurosieve.node'))}); const i = a.info(); if (typeof i.kernel !== 'string') throw new Error('info() returned ' + JSON.stringify(i));`;
const l = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
if (l.status !== 0) fail(`the stripped binary does not load: ${l.stderr}`);
console.log(`prebuilt: ${dest}/neurosieve.node (Node-API ${napi}, needs glibc >= ${newest('GLIBC')} and GLIBCXX_${newest('GLIBCXX')}, no HDF5)`);
