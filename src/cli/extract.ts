/** neurosieve extract: labelled activations of Python sources from an ONNX code model (see src/extract/). */
import { NeurosieveError } from '../core/errors.js';
import { AGGREGATIONS, extractActivations, EXTRACT_DEFAULTS, LAYER_SETS, OUTPUT_DTYPES, SENTENCE_REPRESENTATIONS, TOKEN_LABELS, type ExtractOptions, type SplitSizes } from '../extract/index.js';
import type { CommandSpec } from './args.js';
import type { Command } from './command.js';
import { choice, threadsOption } from './options.js';
import { progressBar } from './progress.js';

const d = EXTRACT_DEFAULTS;
const splits = (s: SplitSizes) => `${s.train} ${s.dev} ${s.test}`;

const spec: CommandSpec = {
  name: 'extract',
  summary: 'activations + Python token/statement labels from an ONNX code model',
  usage: 'neurosieve extract --model <dir> --source <files, dirs or globs...> -o <dir> [options]',
  positionals: { name: 'more sources', min: 0 },
  options: [
    { name: 'model', short: 'm', kind: 'string', value: 'dir', required: true, help: 'model directory (model.onnx or model.fp16.onnx, tokenizer.json, config.json) or an .onnx file' },
    { name: 'source', short: 's', kind: 'list', value: 'files...', help: 'Python files, directories (every *.py below) or globs (quote them)' },
    { name: 'output', short: 'o', kind: 'string', value: 'dir', required: true, help: 'output directory (new or empty): manifest.json, tokens/, sentences/' },
    choice('aggregation', AGGREGATIONS, d.aggregation, 'subword → word aggregation'),
    choice('layers', LAYER_SETS, d.layers, 'columns: per-layer hidden states, FFN neurons, or both'),
    choice('dtype', OUTPUT_DTYPES, d.dtype, 'element type of the activation .npy files'),
    choice('sentence-repr', SENTENCE_REPRESENTATIONS, d.sentenceRepresentation, "a statement's row: mean or first of its subwords (in context)"),
    { name: 'max-length', kind: 'int', value: 'N', help: 'tokens per window incl. <s> </s> (default from config.json: 128 for the bundled model)' },
    { name: 'stride', kind: 'int', value: 'N', help: 'subwords between window starts (default half a window)' },
    { name: 'batch-size', kind: 'int', value: 'N', default: d.batchSize, help: 'windows per model call' },
    threadsOption('onnxruntime threads, 0 = all cores'),
    { name: 'max-tokens', kind: 'int', value: 'N', default: d.maxTokens, help: 'stop after N subwords in total (quick runs), 0 = no limit' },
    { name: 'shard-rows', kind: 'int', value: 'N', default: d.shardRows, help: 'rows per activation shard' },
    { name: 'split', kind: 'list', value: 'train dev test', help: `token task: examples per class (default ${splits(d.splits)})` },
    { name: 'sentence-split', kind: 'list', value: 'train dev test', help: 'sentence task: examples per class (default: as --split)' },
    { name: 'min-class-count', kind: 'int', value: 'N', default: d.minClassCount, help: 'leave classes with fewer examples out of the splits' },
    { name: 'token-classes', kind: 'list', value: 'names...', help: `token task classes (default ${TOKEN_LABELS.join(' ')})` },
    { name: 'seed', kind: 'int', value: 'N', default: d.seed, help: 'seed of the balanced sampling' },
    { name: 'overwrite', kind: 'boolean', help: 'replace an existing non-empty output directory' },
  ],
};

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
    const bar = progressBar('extract', 'tokens', ctx.interactive);
    const warnings: string[] = [];
    let summary;
    try {
      summary = await extractActivations({
        model: o.model as string,
        sources,
        output: o.output as string,
        aggregation: o.aggregation as ExtractOptions['aggregation'],
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
