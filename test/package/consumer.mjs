/**
 * Runs inside the throw-away project test/package/run.mjs installs the packed tarball into: what a library user
 * does first, with none of the optional packages (webgpu, onnxruntime-node, @huggingface/tokenizers) installed.
 * Planted structure, checked against float64 references computed here (an installed package must give the same
 * numbers as the repository). Prints one line per check; any failure throws (exit 1).
 *
 *   node consumer.mjs <scratch dir> <seed>
 */
import { join } from 'node:path';
import {
  correlate, linkage, fcluster, trainProbe, evaluate, labelsFromArray, writeNpy, extractActivations, kernelInfo,
  NeurosieveError,
} from 'neurosieve';

const [scratch, seedArg] = process.argv.slice(2);
const seed = Number(seedArg ?? 1);
const ok = (what) => console.log(`consumer: ok ${what}`);
const check = (cond, what) => {
  if (!cond) throw new Error(`consumer: FAILED ${what}`);
  ok(what);
};

// mulberry32 + Box–Muller: reproducible planted data from the seed.
function prng(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(seed);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

// 8 neurons: {0,1,2} follow factor a, {3,4,5} factor b (noise 0.1), 6 and 7 are independent noise.
const T = 3000;
const D = 8;
const GROUPS = [[0, 1, 2], [3, 4, 5], [6], [7]];
const x = new Float32Array(T * D);
const a = new Float64Array(T);
for (let t = 0; t < T; t++) {
  a[t] = gauss();
  const b = gauss();
  for (let j = 0; j < D; j++) x[t * D + j] = (j < 3 ? a[t] : j < 6 ? b : 0) * (1 + j / 10) + (j < 6 ? 0.1 : 1) * gauss();
}
const npy = join(scratch, 'acts.npy');
writeNpy(npy, x, [T, D]);

console.log(`consumer: addon kernel ${kernelInfo().kernel}`);

// correlate vs. Pearson in float64 on the same float32 values. Tolerance 1e-6: the result is float32 (one ulp is
// ≤ 1.2e-7 for |r| ≤ 1; 24 seeds gave at most 1.2e-7); the accumulation is float64 either way.
const r = await correlate(npy, { threads: 1 });
let worst = 0;
for (let i = 0; i < D; i++) {
  for (let j = 0; j < D; j++) {
    let si = 0, sj = 0;
    for (let t = 0; t < T; t++) { si += x[t * D + i]; sj += x[t * D + j]; }
    const mi = si / T, mj = sj / T;
    let cij = 0, cii = 0, cjj = 0;
    for (let t = 0; t < T; t++) {
      const di = x[t * D + i] - mi, dj = x[t * D + j] - mj;
      cij += di * dj; cii += di * di; cjj += dj * dj;
    }
    worst = Math.max(worst, Math.abs(r.corr[i * D + j] - cij / Math.sqrt(cii * cjj)));
  }
}
check(worst <= 1e-6, `correlate matches float64 Pearson (max |diff| ${worst.toExponential(2)} ≤ 1e-6), backend ${r.backend}`);

// linkage (average, on d = 1 − |r| condensed, float64) vs. a naive UPGMA here: same merge heights (1e-12: both sum
// the same float64 distances, in different orders), and the planted groups are the clusters at height 0.5.
const d = new Float64Array((D * (D - 1)) / 2);
for (let i = 0, k = 0; i < D; i++) for (let j = i + 1; j < D; j++, k++) d[k] = 1 - Math.abs(r.corr[i * D + j]);
const Z = await linkage(d, { method: 'average' });
const members = Array.from({ length: D }, (_, i) => [i]);
const heights = [];
while (members.filter(Boolean).length > 1) {
  let best = [Infinity, -1, -1];
  for (let p = 0; p < members.length; p++) {
    for (let q = p + 1; q < members.length; q++) {
      if (!members[p] || !members[q]) continue;
      let s = 0;
      for (const i of members[p]) for (const j of members[q]) s += d[i < j ? D * i - (i * (i + 1)) / 2 + j - i - 1 : D * j - (j * (j + 1)) / 2 + i - j - 1];
      const h = s / (members[p].length * members[q].length);
      if (h < best[0]) best = [h, p, q];
    }
  }
  heights.push(best[0]);
  members.push([...members[best[1]], ...members[best[2]]]);
  members[best[1]] = members[best[2]] = undefined;
}
const got = Array.from({ length: D - 1 }, (_, k) => Z[4 * k + 2]);
const dh = Math.max(...got.map((h, k) => Math.abs(h - heights[k])));
check(dh <= 1e-12, `linkage heights match a naive UPGMA (max |diff| ${dh.toExponential(2)} ≤ 1e-12)`);
const flat = fcluster(Z, 0.5, 'distance');
const same = (i, j) => flat[i] === flat[j];
const planted = GROUPS.every((g) => g.every((i) => same(i, g[0]))) && GROUPS.every((g, p) => GROUPS.every((h, q) => p === q || !same(g[0], h[0])));
check(planted, `fcluster at 0.5 gives the planted groups (${Array.from(flat).join(' ')})`);

// A probe: the sign of factor a, which neurons 0–2 carry with noise 0.1 → nearly separable (errors only where
// |a| is within the noise: expected accuracy ≈ 0.97; 0.9 leaves room for any seed).
const labels = labelsFromArray(Array.from(a, (v) => (v > 0 ? 1 : 0)));
const probe = await trainProbe({ activations: npy, labels }, { mode: 'exact', threads: 1 });
const metrics = await evaluate(probe, npy, labels, { threads: 1 });
check(metrics.accuracy >= 0.9, `exact probe accuracy ${metrics.accuracy.toFixed(3)} ≥ 0.9`);

// Without the optional packages: extract names both, the WebGPU backend names webgpu, 'auto' quietly stays native.
async function errorOf(p) {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('consumer: FAILED expected an error, got none');
}
const ex = await errorOf(extractActivations({ model: join(scratch, 'model'), sources: [npy], output: join(scratch, 'out') }));
check(
  ex instanceof NeurosieveError && ex.code === 'E_DEPENDENCY' && /onnxruntime-node@\^/.test(ex.message) && /@huggingface\/tokenizers@\^/.test(ex.message) && /npm install/.test(ex.message),
  `extract without onnxruntime: ${ex.code}: ${ex.message.slice(0, 160)}…`,
);
const gx = await errorOf(correlate(npy, { backend: 'webgpu' }));
check(gx instanceof NeurosieveError && gx.code === 'E_DEPENDENCY' && /npm install webgpu@\^/.test(gx.message), `backend 'webgpu' without webgpu: ${gx.code}: ${gx.message}`);
const auto = await correlate(npy, { backend: 'auto', threads: 1 });
check(auto.backend === 'native', "backend 'auto' without webgpu runs natively");
