/** The options and help of `neurosieve doctor`, kept apart from its implementation (src/cli/doctor.ts) so that help and
 * argument parsing load no command code. */
import type { CommandSpec } from '../args.js';

export const doctorSpec: CommandSpec = {
  name: 'doctor',
  summary: 'adapters, limits, features, and a self-test of each compute backend',
  usage: 'neurosieve doctor [--skip-self-test] [--strict]',
  options: [
    { name: 'skip-self-test', kind: 'boolean', help: 'only list backends and adapters' },
    { name: 'strict', kind: 'boolean', help: 'exit with status 1 unless a WebGPU adapter passes its self-test' },
  ],
};
