/**
 * Loads the compiled addon. This is the only file that knows where the binary lives; on failure it says
 * every place it looked and how to fix it.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NeurosieveError } from './errors.js';
import type { NativeAddon } from './native-types.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

function candidates(): string[] {
  const list: string[] = [];
  // NEUROSIEVE_ADDON lets developers point at a build made elsewhere (e.g. a Debug build).
  if (process.env.NEUROSIEVE_ADDON) list.push(resolve(process.env.NEUROSIEVE_ADDON));
  list.push(resolve(root, 'native/build/Release/neurosieve.node'));
  list.push(resolve(root, 'native/build/Debug/neurosieve.node'));
  return list;
}

let cached: NativeAddon | undefined;

export function native(): NativeAddon {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const tried: string[] = [];
  for (const file of candidates()) {
    if (!existsSync(file)) {
      tried.push(`${file}: not found`);
      continue;
    }
    try {
      cached = require(file) as NativeAddon;
      return cached;
    } catch (err) {
      tried.push(`${file}: ${(err as Error).message}`);
    }
  }
  throw new NeurosieveError(
    'E_INTERNAL',
    [
      'The neurosieve native addon could not be loaded.',
      ...tried.map((t) => `  - ${t}`),
      'Possible fixes:',
      '  - build it: npm run build:native (needs cmake >= 3.15 and a C++17 compiler: apt-get install cmake g++)',
      '  - reinstall: npm ci (runs the native build as its install step)',
    ].join('\n'),
  );
}
