/** neurosieve extract: labelled activations of Python sources from an ONNX code model (see src/extract/). */
import { NeurosieveError } from '../core/errors.js';
import { extractActivations, type ExtractOptions, type SplitSizes } from '../extract/index.js';
import type { Command } from './command.js';
import { checkOutputs } from '../io/output-paths.js';
import { progressBar } from './progress.js';
import { extractSpec as spec } from './specs/extract.js';

function splitSizes(v: unknown, name: string): SplitSizes | undefined {
  if (v === undefined) return undefined;
  const list = v as string[];
  if (list.length !== 3 || !list.every((x) => /^\d+$/.test(x))) {
    throw new NeurosieveError('E_ARGUMENT', `Expected three non-negative integers (train dev test) for --${name} of 'neurosieve extract' but received '${list.join(' ')}'`);
  }
  const [train, dev, test] = list.map(Number) as [number, number, number];
  return { train, dev, test };
}

export const extractCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    const sources = [...((o.source as string[] | undefined) ?? []), ...ctx.positionals];
    // The model directory and the sources are inputs; --overwrite replaces the output directory as a whole.
    checkOutputs({ command: 'neurosieve extract', directories: { '-o': o.output as string }, inputs: [o.model as string, ...sources] });
    const bar = progressBar('extract', 'tokens', ctx.interactive);
    const warnings: string[] = [];
    let summary;
    try {
      summary = await extractActivations({
        model: o.model as string,
        sources,
        output: o.output as string,
        aggregation: o.aggregation as ExtractOptions['aggregation'],
        unit: o.unit as ExtractOptions['unit'],
        layers: o.layers as ExtractOptions['layers'],
        dtype: o.dtype as ExtractOptions['dtype'],
        sentenceRepresentation: o['sentence-repr'] as ExtractOptions['sentenceRepresentation'],
        maxLength: o['max-length'] as number | undefined,
        stride: o.stride as number | undefined,
        batchSize: o['batch-size'] as number,
        threads: o.threads as number,
        maxTokens: o['max-tokens'] as number,
        shardRows: o['shard-rows'] as number,
        splits: splitSizes(o.split, 'split'),
        sentenceSplits: splitSizes(o['sentence-split'], 'sentence-split'),
        minClassCount: o['min-class-count'] as number,
        tokenClasses: o['token-classes'] as string[] | undefined,
        seed: o.seed as number,
        overwrite: o.overwrite === true,
        signal: ctx.signal,
        onProgress: (p) => bar.update(p.tokens, p.totalTokens),
        onWarning: (m) => {
          warnings.push(m);
          if (o.quiet !== true) {
            bar.done();
            process.stderr.write(`neurosieve extract: warning: ${m}\n`);
          }
        },
      });
    } finally {
      bar.done();
    }
    const s = summary;
    const counts = (c: Record<string, number>) => Object.entries(c).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
    ctx.log(`extracted ${s.tokens} subwords from ${s.sources} files (${s.skipped.length} skipped) in ${s.seconds.toFixed(1)} s: ${Math.round(s.tokensPerSecond)} tokens/s`);
    ctx.log(`columns: ${s.manifest.columns} (${(s.manifest.blocks as unknown[]).length} layers)`);
    ctx.log(`token task: ${s.tokenTask.rows} words (${counts(s.tokenTask.counts)})`);
    ctx.log(`  splits per class: ${s.tokenTask.splits.train.perClass} / ${s.tokenTask.splits.dev.perClass} / ${s.tokenTask.splits.test.perClass}`);
    ctx.log(`sentence task: ${s.sentenceTask.rows} statements (${counts(s.sentenceTask.counts)})`);
    ctx.log(`  splits per class: ${s.sentenceTask.splits.train.perClass} / ${s.sentenceTask.splits.dev.perClass} / ${s.sentenceTask.splits.test.perClass}`);
    ctx.log(`output: ${s.output}`);
    return {
      output: s.output,
      sources: s.sources,
      skipped: s.skipped,
      warnings,
      tokens: s.tokens,
      modelTokens: s.modelTokens,
      windows: s.windows,
      seconds: Number(s.seconds.toFixed(3)),
      tokensPerSecond: Math.round(s.tokensPerSecond),
      columns: s.manifest.columns,
      tokenTask: s.tokenTask,
      sentenceTask: s.sentenceTask,
    };
  },
};
