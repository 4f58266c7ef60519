/**
 * Loads the compiled addon. This is the only file that knows where the binary lives; on failure it says every
 * place it looked, why each did not load, and how to fix it.
 *
 * Order: NEUROSIEVE_ADDON (a build made elsewhere), then a build from source (native/build: a clone after
 * `npm ci`, or a package installed with `--build-from-source`), then the binary shipped in the package,
 * prebuilds/<platform>-<arch>[-musl]/napi-v<N>/neurosieve.node, for the highest Node-API version N this Node
 * supports. A source build wins over the prebuilt because it may have what the prebuilt lacks (HDF5). On Linux the
 * glibc folder is tried before the musl one rather than asking which libc runs (Node's report says, in ~30 ms that
 * every start would pay); a binary of the other libc fails to load, and the error names the libc.
 */
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NeurosieveError } from './errors.js';
import type { NativeAddon } from './native-types.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The package root: this file is dist/core/native.js (or src/core/native.ts in tests). */
export const PACKAGE_ROOT = resolve(here, '../..');

export interface AddonCandidate {
  file: string;
  /** Where it comes from, as the error message names it. */
  origin: 'NEUROSIEVE_ADDON' | 'built from source' | 'prebuilt';
  /** Set when the candidate is known not to fit without trying it (e.g. a newer Node-API than this Node has). */
  skip?: string;
}

/** 'musl' on Alpine-style Linux, 'glibc' on other Linux, undefined elsewhere. For error messages only (~30 ms). */
function linuxLibc(): 'glibc' | 'musl' | undefined {
  if (process.platform !== 'linux') return undefined;
  // Node's diagnostic report names the glibc it runs on; a musl Node has no such field.
  const report = process.report as unknown as { excludeNetwork?: boolean; getReport(): { header?: { glibcVersionRuntime?: string } } };
  report.excludeNetwork = true;
  return report.getReport().header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/** The folders that may hold this machine's prebuilt binaries: linux-x64 and linux-x64-musl, darwin-arm64, … */
function prebuiltFolders(): string[] {
  const own = `${process.platform}-${process.arch}`;
  return process.platform === 'linux' ? [own, `${own}-musl`] : [own];
}

/** The Node-API version this Node implements (Node ≥ 20.17 has ≥ 9). */
function nodeApiVersion(): number {
  return Number(process.versions.napi ?? 0);
}

function prebuiltCandidates(root: string): { list: AddonCandidate[]; none?: string } {
  const base = join(root, 'prebuilds');
  const folders = prebuiltFolders();
  const dirs = folders.map((f) => join(base, f)).filter((d) => existsSync(d));
  if (dirs.length === 0) {
    const shipped = existsSync(base) ? readdirSync(base).sort() : [];
    return {
      list: [],
      none: shipped.length
        ? `${base}: no prebuilt binary for ${folders.join(' or ')} (this package ships: ${shipped.join(', ')})`
        : `${base}: no prebuilt binaries in this copy of neurosieve (a clone of the repository has none: npm pack builds them)`,
    };
  }
  const have = nodeApiVersion();
  const list: AddonCandidate[] = [];
  for (const dir of dirs) {
    const versions = readdirSync(dir)
      .map((d) => /^napi-v(\d+)$/.exec(d))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => b - a);
    for (const v of versions) {
      list.push({
        file: join(dir, `napi-v${v}`, 'neurosieve.node'),
        origin: 'prebuilt',
        skip: v > have ? `built for Node-API ${v} but this Node (${process.version}) has Node-API ${have}: upgrade Node` : undefined,
      });
    }
  }
  return list.length ? { list } : { list, none: `${dirs.join(', ')}: no napi-v<N> folder` };
}

/** Every place the addon may be, in the order tried, and (when no prebuilt fits) why none does. */
export function addonCandidates(root = PACKAGE_ROOT): { list: AddonCandidate[]; noPrebuilt?: string } {
  const list: AddonCandidate[] = [];
  if (process.env.NEUROSIEVE_ADDON) list.push({ file: resolve(process.env.NEUROSIEVE_ADDON), origin: 'NEUROSIEVE_ADDON' });
  list.push({ file: join(root, 'native/build/Release/neurosieve.node'), origin: 'built from source' });
  list.push({ file: join(root, 'native/build/Debug/neurosieve.node'), origin: 'built from source' });
  const pre = prebuiltCandidates(root);
  list.push(...pre.list);
  return { list, noPrebuilt: pre.none };
}

/** The fixes, most likely first; `tried` (the causes) decides which apply. */
function fixes(tried: string[]): string[] {
  const out: string[] = [];
  if (tried.some((t) => /GLIBC(XX)?_[\d.]+' not found/.test(t))) {
    out.push('  - the prebuilt binary needs a newer glibc than this system has: build from source (below) or upgrade the system');
  }
  if (tried.some((t) => /Node-API \d+: upgrade Node/.test(t))) out.push(`  - upgrade Node.js (this is ${process.version})`);
  out.push(
    '  - in a project that depends on neurosieve, build the addon from source: install cmake >= 3.15 and a C++17 compiler',
    '    (apt-get install cmake g++), add the build tools (npm install --save-dev cmake-js node-addon-api), then run',
    '    npm rebuild neurosieve --build-from-source',
    '  - in a clone of the repository: npm ci (builds it), or npm run build:native',
    '  - a binary built elsewhere: set NEUROSIEVE_ADDON=/path/to/neurosieve.node',
  );
  return out;
}

let cached: NativeAddon | undefined;
/** Which file was loaded (for `neurosieve doctor` and the install script). */
export let loadedAddonFile: string | undefined;

export function native(): NativeAddon {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const { list, noPrebuilt } = addonCandidates();
  const tried: string[] = [];
  for (const c of list) {
    if (c.skip) {
      tried.push(`${c.file} (${c.origin}): ${c.skip}`);
      continue;
    }
    if (!existsSync(c.file)) {
      tried.push(`${c.file} (${c.origin}): not found`);
      continue;
    }
    try {
      cached = require(c.file) as NativeAddon;
      loadedAddonFile = c.file;
      return cached;
    } catch (err) {
      tried.push(`${c.file} (${c.origin}): ${(err as Error).message}`);
    }
  }
  if (noPrebuilt) tried.push(noPrebuilt);
  const libc = linuxLibc();
  const where = `${process.platform}-${process.arch}${libc ? ` (${libc})` : ''}, Node ${process.version}, Node-API ${nodeApiVersion()}`;
  throw new NeurosieveError(
    'E_DEPENDENCY',
    [`The neurosieve native addon could not be loaded on ${where}. Tried:`, ...tried.map((t) => `  - ${t}`), 'Possible fixes:', ...fixes(tried)].join('\n'),
  );
}
