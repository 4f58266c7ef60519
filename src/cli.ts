#!/usr/bin/env node
/**
 * The neurosieve command line. This file only dispatches: each command lives in src/cli/<name>.ts, declares its
 * options as data (src/cli/specs/<name>.ts) and calls the public API; its code is loaded only when it runs, so
 * help and bad usage answer at once. Exit codes: 0 success, 1 failure (message on stderr), 2 bad usage,
 * 130 interrupted.
 */
import { NeurosieveError } from './core/errors.js';
import { helpText, parseArgs } from './cli/args.js';
import { commands, type CommandEntry } from './cli/commands.js';

const VERSION = '0.1.0';

function topHelp(): string {
  const w = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'neurosieve: neuron redundancy and concept analysis for neural networks',
    '',
    'Usage: neurosieve <command> [options]     neurosieve <command> --help',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(w)}${c.summary}`),
  ].join('\n');
}

/** Finds the command for argv, matching two-word commands ("stats merge") before one-word ones. */
function findCommand(argv: string[]): [CommandEntry, string[]] | undefined {
  for (const c of commands) {
    const words = c.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return [c, argv.slice(words.length)];
  }
  return undefined;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(topHelp() + '\n');
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    process.stderr.write(`neurosieve: unknown command '${argv.join(' ')}'\n\n${topHelp()}\n`);
    return 2;
  }
  const [cmd, rest] = found;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const spec = await cmd.spec();
    const parsed = parseArgs(spec, rest);
    if (parsed.help) {
      process.stdout.write(helpText(spec) + '\n');
      return 0;
    }
    const json = parsed.options.json === true;
    const quiet = parsed.options.quiet === true;
    const command = await cmd.load();
    const summary = await command.run({
      options: parsed.options,
      positionals: parsed.positionals,
      interactive: !json && !quiet && process.stderr.isTTY === true,
      signal: controller.signal,
      log: (line) => {
        if (!json && !quiet) process.stdout.write(line + '\n');
      },
    });
    if (json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return 0;
  } catch (err) {
    const e = err instanceof NeurosieveError ? err : new NeurosieveError('E_INTERNAL', (err as Error)?.stack ?? String(err));
    process.stderr.write(`neurosieve ${cmd.name}: error ${e.code}: ${e.message}\n`);
    if (e.code === 'E_CANCELLED') return 130;
    return e.code === 'E_ARGUMENT' ? 2 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`neurosieve: ${(err as Error)?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
