/** neurosieve report: the HTML page of one analysis results file (src/report/write-report.ts). */
import { extname } from 'node:path';
import { checkOutputs } from '../io/output-paths.js';
import { writeReport } from '../report/write-report.js';
import type { Command } from './command.js';
import { reportSpec as spec } from './specs/report.js';

/** analysis.json → analysis.html; a name without .json gets .html added. */
function defaultOutput(input: string): string {
  return extname(input).toLowerCase() === '.json' ? `${input.slice(0, -'.json'.length)}.html` : `${input}.html`;
}

export const reportCommand: Command = {
  spec,
  async run(ctx) {
    const input = ctx.positionals[0]!;
    const output = (ctx.options.output as string | undefined) ?? defaultOutput(input);
    checkOutputs({ command: 'neurosieve report', outputs: { '-o': output }, inputs: [input] });
    const { bytes } = writeReport(input, output);
    ctx.log(`report (${(bytes / 1e6).toFixed(2)} MB) -> ${output}`);
    return { output, bytes };
  },
};
