/**
 * Preload (`node --import`) that records every module a process loads, into the file named by $NEUROSIEVE_LOAD_LOG:
 * ES modules as the module hooks resolve them ("esm <url>"), and, at exit, every CommonJS module in require's cache
 * ("cjs <path>"; native addons and packages required through createRequire show up there).
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const log = process.env.NEUROSIEVE_LOAD_LOG;
if (!log) throw new Error('record-loads.mjs: set NEUROSIEVE_LOAD_LOG to the log file');
register('./record-loads-hooks.mjs', import.meta.url, { data: { log } });
process.on('exit', () => {
  appendFileSync(log, Object.keys(createRequire(import.meta.url).cache).map((f) => `cjs ${f}\n`).join(''));
});
