/** neurosieve report: the HTML page of one analysis results file (src/report/write-report.ts). */
import { checkOutputs } from '../io/output-paths.js';
import { reportPathFor, writeReport } from '../report/write-report.js';
import type { Command } from './command.js';
import { reportSpec as spec } from './specs/report.js';

export const reportCommand: Command = {
  spec,
  async run(ctx) {
    const input = ctx.positionals[0]!;
    const output = (ctx.options.output as string | undefined) ?? reportPathFor(input);
    checkOutputs({ command: 'neurosieve report', outputs: { '-o': output }, inputs: [input] });
    const { bytes } = writeReport(input, output);
    ctx.log(`report (${(bytes / 1e6).toFixed(2)} MB) -> ${output}`);
    return { output, bytes };
  },
};
