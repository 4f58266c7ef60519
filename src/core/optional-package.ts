/**
 * The optional peer dependencies (package.json peerDependenciesMeta): `npm i neurosieve` installs none of them, so
 * the core (read, corr, stats, cluster, probe, rank, analyze, …) runs without Dawn, onnxruntime, the tokenizer or BullMQ.
 * Only the calls that need one load it, on first use; when it is missing they fail with E_DEPENDENCY naming the
 * package, the version range this release was tested with (read from package.json: one source of truth), and the
 * command that adds it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { NeurosieveError } from './errors.js';
import { PACKAGE_ROOT } from './native.js';

export type OptionalPackage = 'webgpu' | 'onnxruntime-node' | '@huggingface/tokenizers' | 'bullmq';

/** Extra advice for a package whose own install step does more than unpack (onnxruntime-node downloads CUDA). */
const INSTALL_NOTES: Partial<Record<OptionalPackage, string>> = {
  'onnxruntime-node':
    "; its own install step downloads CUDA binaries from outside the npm registry, which neurosieve does not use (the CPU runtime is inside the package): set ONNXRUNTIME_NODE_INSTALL=skip for that install, or put onnxruntime-node-install=skip in the project's .npmrc",
};

function peerRange(name: OptionalPackage): string {
  try {
    const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { peerDependencies?: Record<string, string> };
    return manifest.peerDependencies?.[name] ?? 'latest';
  } catch {
    return 'latest';
  }
}

/** The install command for the missing packages, e.g. `npm install webgpu@^0.6.2`. */
export function installCommand(names: readonly OptionalPackage[]): string {
  return `npm install ${names.map((n) => `${n}@${peerRange(n)}`).join(' ')}`;
}

/** The error for `names` missing, `what` being the feature that needs them ("extract", "the WebGPU backend"). */
export function missingPackageError(names: readonly OptionalPackage[], what: string, cause?: unknown): NeurosieveError {
  const list = names.length === 1 ? `the optional package ${names[0]}` : `the optional packages ${names.join(' and ')}`;
  const notes = names.map((n) => INSTALL_NOTES[n] ?? '').join('');
  const them = names.length === 1 ? 'it' : 'them';
  return new NeurosieveError('E_DEPENDENCY', `${what} needs ${list}, not installed: add ${them} with ${installCommand(names)}${notes}`, cause === undefined ? undefined : { cause });
}

/** True when `err` says that `name` itself (not something it imports) cannot be found. */
function isMissing(err: unknown, name: string): boolean {
  const e = err as { code?: string; message?: string };
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return false;
  // ESM: "Cannot find package 'webgpu' imported from …"; CommonJS: "Cannot find module 'webgpu'".
  return new RegExp(`Cannot find (package|module) '${name.replace(/[/]/g, '\\/')}'`).test(e.message ?? '');
}

/** The packages of `names` that are not installed (resolvable from this package). */
export function missingPackages(names: readonly OptionalPackage[]): OptionalPackage[] {
  const require = createRequire(import.meta.url);
  return names.filter((n) => {
    try {
      require.resolve(n);
      return false;
    } catch (err) {
      // ERR_PACKAGE_PATH_NOT_EXPORTED and the like: the package is there, only not require()-able as a whole.
      return isMissing(err, n);
    }
  });
}

/** import(name), with a missing package turned into E_DEPENDENCY; other failures are rethrown as they are. */
export async function importOptional<T>(name: OptionalPackage, what: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (err) {
    if (isMissing(err, name)) throw missingPackageError([name], what, err);
    throw err;
  }
}

/** require(name) for a synchronous caller, with a missing package turned into E_DEPENDENCY. */
export function requireOptional<T>(name: OptionalPackage, what: string): T {
  try {
    return createRequire(import.meta.url)(name) as T;
  } catch (err) {
    if (isMissing(err, name)) throw missingPackageError([name], what, err);
    throw err;
  }
}
