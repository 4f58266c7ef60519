#!/usr/bin/env node
/**
 * The package as a library user gets it (issue 19), checked end to end; `.ci/run` runs it after the tests.
 *
 * 1. `npm pack`, with its lifecycle (prepack builds the prebuilt binary, prepare the TypeScript): the tarball must
 *    be < 3 MB, hold the library, the prebuilt binary, the addon's sources and build files, and no tests,
 *    fixtures, demo model, bench or tools.
 * 2. Installs it into an empty project twice, with no network (`unshare --net` when this user may; npm's --offline
 *    otherwise) and no compiler, cmake or make on PATH:
 *    - as npm installs dependencies by default (recent npm, 11.19 here, blocks dependency install scripts: the prebuilt must
 *      load at run time with no install step at all);
 *    - with neurosieve's install script allowed (package.json "allowScripts"): it must take the prebuilt, not build.
 *    The packages come from the npm cache that `npm ci` filled. npm ci caches tarballs, not the full package
 *    documents `npm install <spec>` resolves versions from, so the project gets a package-lock.json made from
 *    this repository's (the closure of neurosieve's dependencies), and `npm ci --offline` installs from it.
 * 3. Runs test/package/consumer.mjs there (correlate, linkage, a probe, against float64 references; extract and the
 *    WebGPU backend without their optional packages), type-checks a TypeScript user of the package with
 *    skipLibCheck off (the declarations must compile without the optional packages), then, with the prebuilt
 *    hidden, checks that loading fails with every cause and fix.
 * Install times are printed, not asserted (timed tests are not allowed here: the machine is shared).
 *
 *   node test/package/run.mjs [--keep]      (a fresh seed per run, printed; NEUROSIEVE_TEST_SEED=n reproduces one)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_BYTES = 3 * 1024 * 1024;
const seed = process.env.NEUROSIEVE_TEST_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
console.log(`package: consumer data seed ${seed} (set NEUROSIEVE_TEST_SEED to reproduce)`);
const keep = process.argv.includes('--keep');
let failures = 0;
const fail = (msg) => {
  failures++;
  console.error(`package: FAILED ${msg}`);
};
const ok = (msg) => console.log(`package: ok ${msg}`);

const work = mkdtempSync(join(tmpdir(), 'neurosieve-package-'));
const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());

// 1. Pack. The lifecycle scripts print to the same stdout as --json: the report is the JSON array at the end.
const packOut = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const packed = JSON.parse(packOut.slice(packOut.lastIndexOf('[\n  {')))[0];
const tarball = join(work, packed.filename);
const files = packed.files.map((f) => f.path);
console.log(`package: ${packed.filename}: ${(packed.size / 1e6).toFixed(2)} MB packed, ${(packed.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${packed.entryCount} files`);
if (packed.size >= MAX_BYTES) fail(`tarball is ${packed.size} bytes, not < ${MAX_BYTES}`);
else ok(`tarball ${packed.size} bytes < 3 MB`);
const must = ['dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'dist/report/d3.min.js', 'dist/report/plot.umd.min.js', 'native/CMakeLists.txt', 'native/package.json', 'native/tools/measure_child.cc', 'scripts/install.mjs', 'shaders/syrk-centred.wgsl', 'README.md', 'LICENSE', 'CHANGELOG.md', `prebuilds/${process.platform}-${process.arch}/napi-v8/neurosieve.node`, `prebuilds/${process.platform}-${process.arch}/napi-v8/neurosieve-measure`];
const missing = must.filter((f) => !files.includes(f));
if (missing.length) fail(`tarball lacks ${missing.join(', ')}`);
else ok(`tarball holds the library, the prebuilt binary, the addon's sources and build files`);
const stray = files.filter((f) => /^(test|bench|tools|models|data|src|native\/build|\.ci)\/|\.map$|\.test\.ts$/.test(f));
if (stray.length) fail(`tarball holds ${stray.length} files it should not, e.g. ${stray.slice(0, 5).join(', ')}`);
else ok('tarball holds no tests, fixtures, demo model, bench, tools, sources maps');
if (!files.some((f) => f.startsWith('native/src/') && f.endsWith('.cc'))) fail('tarball lacks the C++ sources (native/src)');

// 2. The consumer's lock: neurosieve from the tarball, its dependencies at the positions this repository's lock has.
const repoLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
function closure(deps) {
  const out = new Map();
  const visit = (from, name) => {
    for (let base = from; ; base = base.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '')) {
      const at = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (repoLock[at]) {
        if (!out.has(at)) {
          out.set(at, repoLock[at]);
          for (const n of Object.keys({ ...repoLock[at].dependencies, ...repoLock[at].optionalDependencies })) visit(at, n);
        }
        return;
      }
      if (!base) break;
    }
    if (!(manifest.peerDependencies ?? {})[name]) fail(`${name} (needed from ${from || 'neurosieve'}) is not in package-lock.json`);
  };
  for (const n of Object.keys(deps)) visit('', n);
  return out;
}
const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
const spec = `file:${packed.filename}`;
function project(name, allowScripts) {
  const dir = join(work, name);
  mkdirSync(dir);
  cpSync(tarball, join(dir, packed.filename));
  const pkg = { name: `consumer-${name}`, version: '1.0.0', private: true, type: 'module', dependencies: { neurosieve: spec } };
  // Recent npm (11.19 here) runs a dependency's install script only when the project allows it (`npm install-scripts approve`).
  if (allowScripts) pkg.allowScripts = { neurosieve: true };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  const entries = { '': { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies } };
  const { version, license, dependencies, peerDependencies, peerDependenciesMeta, engines, bin } = manifest;
  entries['node_modules/neurosieve'] = { version, resolved: spec, integrity, hasInstallScript: true, license, dependencies, peerDependencies, peerDependenciesMeta, engines, bin };
  for (const [at, e] of closure(manifest.dependencies ?? {})) {
    const { dev, devOptional, peer, ...rest } = e;
    entries[at] = rest;
  }
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages: entries }, null, 2));
  cpSync(join(root, 'test/package/consumer.mjs'), join(dir, 'consumer.mjs'));
  return dir;
}

// No compiler: PATH holds only node and sh (npm runs scripts through sh).
const bin = join(work, 'bin');
mkdirSync(bin);
symlinkSync(process.execPath, join(bin, 'node'));
symlinkSync(realpathSync(execFileSync('sh', ['-c', 'command -v sh'], { encoding: 'utf8' }).trim()), join(bin, 'sh'));
const env = { HOME: process.env.HOME, PATH: bin, npm_config_cache: execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim(), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
for (const tool of ['cc', 'gcc', 'g++', 'c++', 'clang', 'cmake', 'make', 'ninja']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`], { env }).status === 0) fail(`${tool} is on the consumer's PATH`);
}
// unshare by its full path: the consumer's PATH does not have it.
const unshare = spawnSync('sh', ['-c', 'command -v unshare'], { encoding: 'utf8' }).stdout.trim();
const isolated = unshare !== '' && spawnSync(unshare, ['--net', 'true']).status === 0;
const offline = (cmd) => (isolated ? [unshare, ['--net', ...cmd]] : [cmd[0], cmd.slice(1)]);
console.log(`package: installs run ${isolated ? 'in a network namespace with no network (unshare --net)' : 'with npm --offline (unshare not permitted here)'}, PATH=${bin} (node, sh)`);

function install(name, allowScripts) {
  const dir = project(name, allowScripts);
  const extra = allowScripts ? ['(allowScripts: neurosieve)'] : [];
  const [cmd, args] = offline([process.execPath, npmCli, 'ci', '--offline', '--foreground-scripts']);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    fail(`npm ci ${extra.join(' ')} in ${dir} exited ${r.status}${r.error ? ` (${r.error.message})` : ''}:\n${r.stdout}\n${r.stderr}`);
    return { dir, seconds, out: '' };
  }
  ok(`installed offline with no compiler (${extra.join(' ') || 'default: dependency scripts blocked'}) in ${seconds.toFixed(1)} s`);
  return { dir, seconds, out: `${r.stdout}\n${r.stderr}` };
}

function consumer(dir) {
  const scratch = join(dir, 'scratch');
  mkdirSync(scratch);
  const [cmd, args] = offline([process.execPath, 'consumer.mjs', scratch, seed]);
  const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8' });
  process.stdout.write(r.stdout.replace(/^/gm, '  '));
  if (r.status !== 0) fail(`consumer.mjs in ${dir}:\n${r.stderr}`);
  else ok(`consumer.mjs passed in ${dir}`);
}

// A TypeScript user, strict and with skipLibCheck off, compiled with this repository's TypeScript and @types/node.
function typecheck(dir) {
  writeFileSync(
    join(dir, 'use.ts'),
    [
      "import { correlate, linkage, fcluster, trainProbe, NeurosieveError, type CorrelationResult, type Probe } from 'neurosieve';",
      "const r: CorrelationResult = await correlate('acts.npy');",
      "const z: Float64Array = await linkage(new Float64Array([1]), { method: 'average' });",
      'const labels: Int32Array = fcluster(z, 0.5);',
      "const p: Probe = await trainProbe({ activations: 'acts.npy', labels: 'y.txt' });",
      'console.log(r.corr.length, labels.length, p.classes, NeurosieveError.name);',
      '',
    ].join('\n'),
  );
  const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, typeRoots: [join(root, 'node_modules/@types')], types: ['node'] };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['use.ts'] }));
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) fail(`a TypeScript user does not compile (skipLibCheck off):\n${r.stdout}${r.stderr}`);
  else ok('the type declarations compile for a strict TypeScript user (skipLibCheck off) without the optional packages');
}

const installed = (dir) => join(dir, 'node_modules/neurosieve');
const plain = install('default', false);
if (plain.out) {
  if (existsSync(join(installed(plain.dir), 'native/build'))) fail('the default install built the addon');
  consumer(plain.dir);
  typecheck(plain.dir);
}
const scripted = install('scripts-allowed', true);
if (scripted.out) {
  const used = /neurosieve: using (\S+)/.exec(scripted.out);
  if (!used || !used[1].includes(`${join('prebuilds', `${process.platform}-${process.arch}`)}`)) fail(`the install script did not report the prebuilt:\n${scripted.out}`);
  else ok(`the install script took the prebuilt (${used[1].slice(installed(scripted.dir).length + 1)})`);
  if (existsSync(join(installed(scripted.dir), 'native/build'))) fail('the install script built the addon although the prebuilt loads');
  consumer(scripted.dir);

  // Nothing loads: the prebuilt hidden, no source build. The message must name each place, and the fixes.
  const pre = join(installed(scripted.dir), 'prebuilds');
  renameSync(pre, `${pre}.hidden`);
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', "import { kernelInfo } from 'neurosieve'; try { kernelInfo(); } catch (e) { console.log(e.code); console.log(e.message); }"], { cwd: scripted.dir, env, encoding: 'utf8' });
  renameSync(`${pre}.hidden`, pre);
  const text = r.stdout;
  console.log(text.replace(/^/gm, '  | '));
  const wanted = [/^E_DEPENDENCY$/m, /native\/build\/Release\/neurosieve\.node \(built from source\): not found/, /no prebuilt binaries/, /npm rebuild neurosieve --build-from-source/, /cmake-js node-addon-api/, /NEUROSIEVE_ADDON/];
  const lacking = wanted.filter((w) => !w.test(text));
  if (lacking.length) fail(`the loader's message lacks ${lacking.join(', ')}`);
  else ok('with no binary, the loader names every place it looked and every fix');
}

console.log(`package: install times (offline, no compiler): default ${plain.seconds.toFixed(1)} s, scripts allowed ${scripted.seconds.toFixed(1)} s`);
if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`package: kept ${work}`);
console.log(failures ? `package: ${failures} check(s) failed` : 'package: all checks passed');
process.exit(failures ? 1 : 0);
