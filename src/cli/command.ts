/** What every CLI command file exports: its option declaration and a runner that calls the public API. */
import type { CommandSpec, ParsedOptions } from './args.js';

export interface CommandContext {
  options: ParsedOptions;
  positionals: string[];
  /** True when a progress bar may be drawn (stderr is a TTY, no --json/--quiet). */
  interactive: boolean;
  /** Aborted on SIGINT/SIGTERM: commands pass it to the API, which stops at the next chunk boundary. */
  signal: AbortSignal;
  /** Human summary lines go here (stdout), unless --json or --quiet. */
  log(line: string): void;
}

export interface Command {
  spec: CommandSpec;
  /** Returns the JSON summary printed with --json. */
  run(ctx: CommandContext): Promise<Record<string, unknown>>;
}
