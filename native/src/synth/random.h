// Seeded random numbers for synthetic data, chosen so that a stream depends only on (seed, stream id):
//  - SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) hashes a
//    64-bit key into well-mixed words; it seeds the generators below.
//  - xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 2021) is the
//    generator proper: 256 bits of state, period 2^256 - 1, seeded by four SplitMix64 outputs.
//  - Normal deviates use the ziggurat of Marsaglia & Tsang ("The ziggurat method for generating random
//    variables", J. Stat. Softw. 2000) in the ZIGNOR form of Doornik ("An improved ziggurat method to generate
//    normal random samples", 2005): 128 layers, layer index and uniform taken from disjoint bits of one 64-bit
//    word, exact tail by Marsaglia's (1964) method. ~4 ns per deviate, against ~15 ns for Box-Muller with libm.
// Everything here is plain IEEE double arithmetic plus std::exp/std::log (tables built once, and the rare
// wedge/tail tests), so a given build produces the same stream on every run and every thread.
#pragma once
#include <cmath>
#include <cstdint>

namespace ns {

inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

class Xoshiro256ss {
 public:
  // The stream for (seed, stream): the two keys are mixed by SplitMix64 before seeding, so neighbouring
  // streams (blocks 0, 1, 2, ...) are unrelated.
  Xoshiro256ss(uint64_t seed, uint64_t stream) {
    uint64_t key = seed;
    uint64_t mixed = splitmix64(key) ^ (stream * 0xd1342543de82ef95ull + 0x2545f4914f6cdd1dull);
    for (auto& w : s_) w = splitmix64(mixed);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1p-53; }

  // Uniform integer in [0, n), n >= 1 (Lemire's multiply-shift; the bias, < n / 2^64, is irrelevant here).
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }

  // Standard normal deviate (ZIGNOR, see the file comment).
  double normal();

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  double normal_tail(bool negative);
  uint64_t s_[4];
};

namespace zig {
constexpr int kLayers = 128;
constexpr double kR = 3.442619855899;            // start of the tail
constexpr double kV = 9.91256303526217e-3;        // area of each layer
struct Tables {
  double x[kLayers + 1];  // layer edges; x[0] is the base strip's pseudo-width V / f(R)
  double ratio[kLayers];  // x[i+1] / x[i]: |u| below it is inside the layer's rectangle
  Tables() {
    double f = std::exp(-0.5 * kR * kR);
    x[0] = kV / f;
    x[1] = kR;
    x[kLayers] = 0;
    for (int i = 2; i < kLayers; ++i) {
      x[i] = std::sqrt(-2 * std::log(kV / x[i - 1] + f));
      f = std::exp(-0.5 * x[i] * x[i]);
    }
    for (int i = 0; i < kLayers; ++i) ratio[i] = x[i + 1] / x[i];
  }
};
inline const Tables& tables() {
  static const Tables t;
  return t;
}
}  // namespace zig

inline double Xoshiro256ss::normal_tail(bool negative) {
  double a, b;
  do {
    a = std::log(1.0 - uniform()) / zig::kR;
    b = std::log(1.0 - uniform());
  } while (-2 * b < a * a);
  return negative ? a - zig::kR : zig::kR - a;
}

inline double Xoshiro256ss::normal() {
  const zig::Tables& t = zig::tables();
  for (;;) {
    const uint64_t r = next();
    const double u = static_cast<double>(static_cast<int64_t>(r >> 11)) * 0x1p-52 - 1.0;  // [-1, 1), bits 11..63
    const int i = static_cast<int>(r & 0x7f);                                               // layer, bits 0..6
    if (std::fabs(u) < t.ratio[i]) return u * t.x[i];  // ~99% of draws end here
    if (i == 0) return normal_tail(u < 0);
    const double x = u * t.x[i];
    const double f0 = std::exp(-0.5 * (t.x[i] * t.x[i] - x * x));
    const double f1 = std::exp(-0.5 * (t.x[i + 1] * t.x[i + 1] - x * x));
    if (f1 + uniform() * (f0 - f1) < 1.0) return x;
  }
}

}  // namespace ns
