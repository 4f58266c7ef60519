/**
 * Extraction throughput: `neurosieve extract` over the bundled Python sample (data/python-sample, 40 held-out
 * CPython files, ~139k subwords) with the bundled model (models/tiny-code-mlm), hidden states of all 5 layers,
 * float32, default windows (128 tokens, stride 63: every subword is computed about twice), 2 onnxruntime threads.
 * Issue #6 target: ≥ 3,000 tokens/s on 2 cores. Imports the compiled library, so run `npm run build:ts` first.
 *
 * runExtractBench() → { tokensPerSecond, tokens, seconds, markdown }
 *   tokensPerSecond: source subwords per second of model time (overlapping windows counted once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function runExtractBench({ maxTokens = 0, threads = 2 } = {}) {
  const { extractActivations } = await import(join(root, 'dist/extract/index.js'));
  const parent = mkdtempSync(join(tmpdir(), 'neurosieve-bench-extract-'));
  const load = loadavg()[0];
  try {
    const t0 = performance.now();
    const s = await extractActivations({
      model: join(root, 'models/tiny-code-mlm'),
      sources: [join(root, 'data/python-sample')],
      output: join(parent, 'out'),
      threads,
      maxTokens,
    });
    const seconds = (performance.now() - t0) / 1000;
    const tokensPerSecond = s.tokensPerSecond;
    const markdown = [
      '### Extraction (neurosieve extract, bundled tiny-code-mlm + Python sample)',
      '',
      '| sources | subwords | model positions | windows | wall time | tokens/s (model time) | target |',
      '|---|---|---|---|---|---|---|',
      `| ${s.sources} | ${s.tokens} | ${s.modelTokens} | ${s.windows} | ${seconds.toFixed(1)} s | ${Math.round(tokensPerSecond)} | ≥ 3,000 ${tokensPerSecond >= 3000 ? '✓' : '✗'} |`,
      '',
      `${threads} onnxruntime threads on ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), 1-min load average ${load.toFixed(2)} at start; ` +
        `${s.tokenTask.rows} token rows, ${s.sentenceTask.rows} statement rows, ${s.manifest.columns} columns.`,
    ].join('\n');
    return { tokensPerSecond, tokens: s.tokens, seconds, markdown };
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

// Run directly: node bench/extract.mjs
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runExtractBench();
  console.log(r.markdown);
}
