// Seeded random numbers for the benchmarks' synthetic inputs: the project's mulberry32 (src/core/random.ts, built to
// dist/) and a Box–Muller normal drawn from it, so every suite makes the same data from the same seed.
export { prng } from '../dist/core/random.js';

/** A standard normal from two uniforms of `rand` (Box–Muller, cosine branch). */
export function gauss(rand) {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}
