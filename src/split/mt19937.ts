/**
 * The part of numpy's legacy `RandomState` that the reference pipelines draw splits and balancing from, reproduced
 * bit for bit so that a compatible split selects the same rows as the Python scripts did:
 *
 * - seeding with an integer (`np.random.seed(s)`, `RandomState(s)`): Matsumoto & Nishimura's `init_genrand`
 *   (numpy `mt19937_seed`), seeds 0 … 2³²−1;
 * - `shuffle` of a 1-d array: Fisher–Yates from the last element down, `j = random_interval(i)` for i = n−1 … 1;
 * - `random_interval(max)`: draw 32-bit outputs, mask them to the smallest all-ones mask ≥ max, reject values
 *   above max (numpy switches to 64-bit draws only for max > 2³²−1, which a Uint32Array index never reaches);
 * - `permutation(n)` = shuffle(arange(n)); `choice(n, k, replace=False)` = permutation(n)[:k].
 *
 * Matsumoto, M. & Nishimura, T. (1998), "Mersenne Twister: a 623-dimensionally equidistributed uniform
 * pseudo-random number generator", ACM TOMACS 8(1). numpy has kept this legacy stream unchanged since 1.x (NEP 19),
 * which is why old scripts' splits can still be reproduced.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class LegacyRandomState {
  private readonly mt = new Uint32Array(N);
  private pos = N;

  /** `seed` is an integer in [0, 2³²−1] (the caller validated it). */
  constructor(seed: number) {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      // 1812433253 · (prev ^ prev>>30) + i, mod 2³²: Math.imul keeps the low 32 bits of the product exactly.
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.pos = N;
  }

  /** Regenerates the 624 words of state (the "twist"). */
  private twist(): void {
    const mt = this.mt;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M - N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /** The next tempered 32-bit output (genrand_int32), as an unsigned number. */
  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A uniform integer in [0, max], max < 2³², by masked rejection (numpy `random_interval`). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /** Shuffles `a` in place exactly as `RandomState.shuffle` shuffles a 1-d array. */
  shuffle(a: Uint32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  }

  /** `RandomState.permutation(n)`: 0 … n−1, shuffled. */
  permutation(n: number): Uint32Array {
    const a = new Uint32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    this.shuffle(a);
    return a;
  }
}
