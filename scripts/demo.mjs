#!/usr/bin/env node
/**
 * `npm start`: the main job on bundled data, through the real CLI, ending with a short summary.
 *   1. neurosieve synth: a dataset with planted groups of redundant neurons and its ground truth;
 *   2. neurosieve corr on it, with a stats file, then a check that every planted group is recovered
 *      (members correlate above the threshold, with the truth file's expected |r|);
 *   2b. neurosieve cluster on that matrix (average linkage, cut at 1 − |r| = 0.3), scored by neurosieve score: each planted group should be
 *      one cluster of its own;
 *   3. neurosieve extract: real activations of the bundled code model (models/tiny-code-mlm) on held-out CPython
 *      sources (data/python-sample), with Python token labels;
 *   4. neurosieve analyze on the token-type task: the paper's whole analysis (oracle and its stability over seeds,
 *      layer probes, LS → CC → LCA, concept neurons with their top words), its summary table, then a few lines
 *      read from its results file; it also writes the HTML report (demo-output/analysis.html).
 * Outputs go to ./demo-output/ (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'demo-output');
const cli = join(root, 'dist/cli.js');

function run(args) {
  console.log(`\n$ neurosieve ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\nneurosieve ${args[0]} failed (exit code ${r.status}); see the message above.`);
    process.exit(r.status || 1);
  }
}

if (!existsSync(cli)) {
  console.error('dist/cli.js is missing: run `npm ci` (or `npm run build`) first.');
  process.exit(1);
}
mkdirSync(out, { recursive: true });

// 1-2. Synthetic data with ground truth, then its correlation.
const data = join(out, 'synth.npy');
const corrOut = join(out, 'synth-corr.npy');
run(['synth', '-o', data, '--tokens', '20000', '--neurons', '1024', '--groups', '48', '--seed', '7']);
run(['corr', data, '-o', corrOut, '--stats-out', join(out, 'synth.stats')]);

// 2b. Correlation clustering of the synthetic neurons: a planted group is recovered when all its members share a
// cluster and nothing else is in it (constant neurons have r = 0 with everyone, so they stay singletons).
const synthClusters = join(out, 'synth-clusters.json');
run(['cluster', corrOut, '--threshold', '0.3', '-o', synthClusters]);

// Ground-truth check, in a few lines: read the matrix and see whether each planted group stands out.
const { readNpy } = await import(join(root, 'dist/io/npy.js'));
const truth = JSON.parse(readFileSync(`${data}.truth.json`, 'utf8'));
const corr = readNpy(corrOut).data;
const D = truth.neurons;
let recovered = 0;
let worst = 1;
for (const g of truth.groups) {
  let min = 1;
  for (const a of g.neurons) for (const b of g.neurons) if (a < b) min = Math.min(min, Math.abs(corr[a * D + b]));
  worst = Math.min(worst, min);
  if (min >= 0.7) recovered++;
}
const summary = JSON.parse(readFileSync(`${corrOut}.json`, 'utf8'));
console.log('\nSummary');
console.log(`  synthetic: ${summary.count} tokens × ${D} neurons; ${truth.groups.length} planted groups, ${truth.constant.length} constant, ${truth.largeMean.length} large-mean neurons`);
console.log(`  planted groups whose members all correlate with |r| >= 0.7: ${recovered}/${truth.groups.length} (weakest pair |r| = ${worst.toFixed(3)})`);
console.log(`  zero-variance neurons found: ${summary.zeroVariance.length} (planted: ${truth.constant.length})`);
console.log(`  correlation pass: ${summary.seconds} s`);

// 2c. The same clustering scored against the truth by `neurosieve score`: ARI, NMI, redundant pairs, planted
// groups exact / split / merged, and the redundancy left among the kept neurons (max |r| to another kept one).
run(['score', `${data}.truth.json`, '--clusters', synthClusters, '--corr', corrOut, '-o', join(out, 'synth-score.json')]);
const scored = JSON.parse(readFileSync(join(out, 'synth-score.json'), 'utf8')).clusterings[0].cuts[0];
console.log(`  clustering at 1 − |r| = 0.3: ${scored.clusters} clusters of ${D} neurons; planted groups found exactly (same members, nothing else): ${scored.outcomes.exact}/${scored.planted}; ARI ${scored.ari.toFixed(3)}`);

// 3. Real activations: the bundled model on held-out sources (first 60k subwords keep the demo under a minute).
const acts = join(out, 'activations');
run(['extract', '--model', join(root, 'models/tiny-code-mlm'), '--source', join(root, 'data/python-sample'), '-o', acts, '--max-tokens', '60000', '--overwrite']);

// 4. The paper's whole analysis on the token-type task: every word of the extraction, split 90/10 as the
// reference scripts split (seed 7361); oracle over 5 seeds and an exact oracle, layer probes, LS → CC → LCA at
// the paper's thresholds and deltas, concept neurons. It prints the summary table itself.
const analysis = join(out, 'analysis.json');
run(['analyze', acts, '--splits', 'compat', '-o', analysis]);
const results = JSON.parse(readFileSync(analysis, 'utf8'));

const pct = (v) => `${(100 * v).toFixed(1)}%`;
const { data: task, stability, concepts } = results;
console.log('\nSummary (real activations)');
console.log(`  ${task.rows.train} train / ${task.rows.dev} dev words × ${task.neurons} neurons (${task.layers.length} layers of ${task.layers[0].width}); classes ${task.classes.join(', ')}`);
console.log(`  oracle: dev accuracy ${pct(results.oracle.dev)} (seeds ${stability.seeds.join(', ')}: ${pct(stability.dev.min)} … ${pct(stability.dev.max)}); exact oracle ${pct(stability.exact.dev)}`);
if (results.control) console.log(`  control task (a random label per word type): ${pct(results.control.dev)} on dev, selectivity ${pct(results.control.selectivity.dev)}`);
console.log(`  seeds share ${pct(stability.pairs.mean.topOverlap)} of their top ${stability.topN} neurons on average; the exact oracle shares ${pct(stability.exact.topOverlap)} with the kept one`);
const cc = results.ccOnly.map((c) => `${c.threshold < 0 ? 'none' : c.threshold}: ${c.neurons.length}`).join(', ');
console.log(`  neurons kept by correlation clustering of all layers, per threshold: ${cc}`);
console.log(`  concept neurons (5% of each class's weight mass; top words):`);
for (const [cls, list] of Object.entries(concepts.perClass)) {
  const shown = list.slice(0, 3).map((n) => `${n.neuron} (${n.layer}: ${(n.topWords ?? []).slice(0, 3).map((w) => w.word).join(' ')})`);
  console.log(`    ${cls}: ${shown.join(', ')}${list.length > 3 ? `, … ${list.length} in all` : ''}`);
}
for (const w of results.warnings) console.log(`  warning: ${w}`);
console.log(`  analysis: ${results.timings.probes} probes in ${results.timings.seconds.total} s; results in ${analysis}`);
console.log(`  report: ${analysis.replace(/\.json$/, '.html')} (open it in a browser; it needs no network)`);
console.log(`  outputs in ${out}`);
