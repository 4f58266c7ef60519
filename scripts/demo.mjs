#!/usr/bin/env node
/**
 * `npm start`: the main job on bundled data, through the real CLI, ending with a short summary.
 *   1. neurosieve synth: a dataset with planted groups of redundant neurons and its ground truth;
 *   2. neurosieve corr on it, with a stats file, then a check that every planted group is recovered
 *      (members correlate above the threshold, with the truth file's expected |r|);
 *   2b. neurosieve cluster on that matrix (average linkage, cut at 1 − |r| = 0.3): each planted group should be
 *      one cluster of its own;
 *   3. neurosieve extract: real activations of the bundled code model (models/tiny-code-mlm) on held-out CPython
 *      sources (data/python-sample), with Python token labels;
 *   4. neurosieve corr on those activations, and how redundant each layer looks at |r| >= 0.7;
 *   5. neurosieve cluster on them at the paper's thresholds 0.1 … 0.9: neurons kept (general redundancy);
 *   6. neurosieve probe on the token-type task (train split, dev for validation), exact and NeuroX-compatible,
 *      neurosieve evaluate on the test split, and neurosieve rank: the concept neurons of each token type
 *      (method.md §4: top neurons at 5% of each class's weight mass), with their layers.
 * Outputs go to ./demo-output/ (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const cut = JSON.parse(readFileSync(synthClusters, 'utf8')).cuts[0];

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
let exact = 0;
for (const g of truth.groups) {
  const label = cut.labels[g.neurons[0]];
  const together = g.neurons.every((i) => cut.labels[i] === label);
  if (together && cut.sizes[label - 1] === g.neurons.length) exact++;
}
console.log(`  clustering at 1 − |r| = 0.3: ${cut.clusters} clusters of ${D} neurons; planted groups found exactly (same members, nothing else): ${exact}/${truth.groups.length}`);

// 3-4. Real activations: the bundled model on held-out sources (first 60k subwords keep the demo under a minute).
const acts = join(out, 'activations');
run(['extract', '--model', join(root, 'models/tiny-code-mlm'), '--source', join(root, 'data/python-sample'), '-o', acts, '--max-tokens', '60000', '--overwrite']);
const realCorr = join(out, 'tokens-corr.npy');
run(['corr', join(acts, 'tokens/activations-*.npy'), '-o', realCorr]);
const manifest = JSON.parse(readFileSync(join(acts, 'manifest.json'), 'utf8'));
const real = JSON.parse(readFileSync(`${realCorr}.json`, 'utf8'));
const R = readNpy(realCorr).data;
const n = real.neurons;

// 5. General redundancy as the paper measures it: average-linkage clusters of 1 − |r|, one neuron kept per cluster.
const thresholds = ['0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9'];
const realClusters = join(out, 'tokens-clusters.json');
run(['cluster', realCorr, '--threshold', ...thresholds, '-o', realClusters]);
const cuts = JSON.parse(readFileSync(realClusters, 'utf8')).cuts;

// 6. Task-specific analysis. The split labels are class ids into the manifest's label list: give them their names.
const task = manifest.tokens;
const split = (name) => {
  const s = task.splits[name];
  const labels = join(out, `tokens-${name}-labels.json`);
  writeFileSync(labels, JSON.stringify({ labels: Array.from(readNpy(join(acts, s.labels)).data), classes: task.labels }));
  return { activations: join(acts, s.activations), labels };
};
const [train, dev, test] = ['train', 'dev', 'test'].map(split);
const probes = {};
for (const [mode, extra] of [['exact', []], ['compat', ['--epochs', '10', '--l1', '1e-5', '--l2', '1e-5']]]) {
  const probe = join(out, `probe-${mode}.json`);
  run(['probe', train.activations, '--labels', train.labels, '--validation-activations', dev.activations, '--validation-labels', dev.labels, '--mode', mode, ...extra, '-o', probe]);
  const metrics = join(out, `probe-${mode}-test.json`);
  run(['evaluate', probe, test.activations, '--labels', test.labels, '-o', metrics]);
  probes[mode] = { probe: JSON.parse(readFileSync(probe, 'utf8')), test: JSON.parse(readFileSync(metrics, 'utf8')) };
}
const concepts = join(out, 'concept-neurons.json');
run(['rank', join(out, 'probe-exact.json'), '--selection', 'top', '--fraction', '0.05', '-o', concepts]);
const perClass = JSON.parse(readFileSync(concepts, 'utf8')).perClass;

// The summary of the real-activation steps.
const layerOf = (i) => manifest.blocks.find((b) => i >= b.offset && i < b.offset + b.width).name;
const pct = (v) => `${(100 * v).toFixed(1)}%`;
const exactSolver = probes.exact.probe.solver;
console.log('\nSummary (real activations)');
console.log(`  ${real.count} words × ${n} neurons from ${manifest.sources.length} held-out source files (${Math.round(manifest.tokensPerSecond)} tokens/s)`);
console.log(`  zero-variance neurons: ${real.zeroVariance.length}`);
// General redundancy at a glance: per layer, neurons with a partner |r| >= 0.7 in the same layer / anywhere else.
for (const block of manifest.blocks) {
  let within = 0;
  let elsewhere = 0;
  for (let i = block.offset; i < block.offset + block.width; i++) {
    let w = false;
    let e = false;
    for (let j = 0; j < n && !(w && e); j++) {
      if (j === i || Math.abs(R[i * n + j]) < 0.7) continue;
      if (j >= block.offset && j < block.offset + block.width) w = true;
      else e = true;
    }
    within += w;
    elsewhere += e;
  }
  console.log(`  ${block.name}: ${within}/${block.width} neurons have a partner with |r| >= 0.7 in the same layer, ${elsewhere}/${block.width} in another layer`);
}
console.log(`  neurons kept per threshold (of ${n}): ${cuts.map((c) => `${c.threshold}: ${c.kept}`).join(', ')}`);
console.log(`  token-type probes (${task.labels.join(', ')}; ${task.splits.train.rows} train / ${task.splits.test.rows} test rows):`);
console.log(`    exact (elastic net, α = 0.5): test accuracy ${pct(probes.exact.test.accuracy)}, ${exactSolver.nonzeros} non-zero weights of ${task.labels.length * n}`);
console.log(`    NeuroX-compatible (Adam, 10 epochs): test accuracy ${pct(probes.compat.test.accuracy)}`);
console.log(`  concept neurons (5% of each class's weight mass, exact probe):`);
for (const [cls, ids] of Object.entries(perClass)) console.log(`    ${cls}: ${ids.map((i) => `${i} (${layerOf(i)})`).join(', ')}`);
console.log(`  outputs in ${out}`);
