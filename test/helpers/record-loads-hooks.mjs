/** Module hooks of record-loads.mjs (they run on the loader thread): logs each resolved ES module URL. */
import { appendFileSync } from 'node:fs';

let log;

export function initialize(data) {
  log = data.log;
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(log, `esm ${resolved.url}\n`);
  return resolved;
}
