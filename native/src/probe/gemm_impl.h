// Template of the probe GEMM kernels (see probe/gemm_kernels.h). Included by one .cc per ISA inside an anonymous
// namespace, so that nothing compiled with AVX flags is shared with baseline code. 8-lane vector types; the
// summation order is fixed by the code, never by the vector width:
//  - forward: 4 rows are widened to float64, then a 4-row × kGroup-class register block: each x and W vector is
//    loaded once per 4 FMAs; every (row, class) sum has the same order on every path (see forward_rows);
//  - backward: four rows at a time, out[j] += (r0·x0[j] + r1·x1[j]) + (r2·x2[j] + r3·x3[j]) (a quarter of the
//    loads and stores of one row at a time).
#pragma once
#include <cstddef>
#include <cstring>

// 64-byte vector values only live inside this file's inlined helpers: the ABI note does not concern us.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace {

// Eight float64 lanes as a GCC/Clang vector type: one zmm with AVX-512, two ymm with AVX2, four xmm in the
// baseline build. Lane k of a partial sum always holds the same terms, so the order of every sum is fixed by
// this code and the same for every ISA (the ISA builds differ only by FMA contraction).
typedef double v8d __attribute__((vector_size(64), aligned(8)));
typedef float v8f __attribute__((vector_size(32), aligned(4)));

inline v8d load8(const double* p) { return *reinterpret_cast<const v8d*>(p); }
inline void store8(double* p, const v8d& v) { *reinterpret_cast<v8d*>(p) = v; }
inline v8d widen8(const float* p) { return __builtin_convertvector(*reinterpret_cast<const v8f*>(p), v8d); }
inline double hsum(const v8d& s) { return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7])); }

// Classes whose dot products share one load of the widened row (each class's sum is the same whatever the
// group: the group only changes how often the row is read). An including file may set another group size.
#ifndef NS_PROBE_GROUP
#define NS_PROBE_GROUP 4
#endif
constexpr size_t kGroup = NS_PROBE_GROUP;

// Column block of one backward call's inner loop: four float64 row segments stay in L1.
constexpr size_t kSeg = 256;
// Widest row piece the forward kernel widens on the stack; longer rows are processed in pieces of this size.
constexpr size_t kRowPiece = 2048;

// One (row, class) dot product is always: an 8-lane partial sum over the 8-blocks in order, its lanes added as
// hsum() does, plus the scalar sum of the tail (< 8 values) in order; pieces of kRowPiece values add into z in
// order. The blocked and the single-row paths below compute exactly that, so a row's logits do not depend on
// which path (or thread) handled it.

// kRows rows × kGroup classes of one piece: each widened x vector and W vector is loaded once for kGroup
// (resp. kRows) FMAs. 4 × 4 needs 16 8-lane accumulators: registers with AVX-512 (NS_PROBE_ROWS 4 in
// gemm_avx512.cc), spills elsewhere (default 1).
#ifndef NS_PROBE_ROWS
#define NS_PROBE_ROWS 1
#endif
constexpr size_t kRows = NS_PROBE_ROWS;

void forward_rows(const double* const* xr, size_t n, const double* W, size_t D, size_t p0, size_t C,
                  double* const* z) {
  const size_t n8 = n & ~size_t(7);
  size_t c = 0;
  for (; c + kGroup <= C; c += kGroup) {
    const double* w[kGroup];
    for (size_t g = 0; g < kGroup; ++g) w[g] = W + (c + g) * D + p0;
    v8d acc[kRows][kGroup];
    for (size_t r = 0; r < kRows; ++r)
      for (size_t g = 0; g < kGroup; ++g) acc[r][g] = v8d{0};
    for (size_t j = 0; j < n8; j += 8) {
      v8d wv[kGroup];
      for (size_t g = 0; g < kGroup; ++g) wv[g] = load8(w[g] + j);
      for (size_t r = 0; r < kRows; ++r) {
        const v8d v = load8(xr[r] + j);
        for (size_t g = 0; g < kGroup; ++g) acc[r][g] += v * wv[g];
      }
    }
    for (size_t r = 0; r < kRows; ++r)
      for (size_t g = 0; g < kGroup; ++g) {
        double e = 0;
        for (size_t j = n8; j < n; ++j) e += xr[r][j] * w[g][j];
        z[r][c + g] += hsum(acc[r][g]) + e;
      }
  }
  for (; c < C; ++c) {
    const double* w = W + c * D + p0;
    for (size_t r = 0; r < kRows; ++r) {
      v8d acc = {0};
      for (size_t j = 0; j < n8; j += 8) acc += load8(xr[r] + j) * load8(w + j);
      double e = 0;
      for (size_t j = n8; j < n; ++j) e += xr[r][j] * w[j];
      z[r][c] += hsum(acc) + e;
    }
  }
}

void forward_one(const double* xd, size_t n, const double* W, size_t D, size_t p0, size_t C, double* z) {
  const size_t n8 = n & ~size_t(7);
  for (size_t c = 0; c < C; ++c) {
    const double* w = W + c * D + p0;
    v8d acc = {0};
    for (size_t j = 0; j < n8; j += 8) acc += load8(xd + j) * load8(w + j);
    double e = 0;
    for (size_t j = n8; j < n; ++j) e += xd[j] * w[j];
    z[c] += hsum(acc) + e;
  }
}

void widen(const float* src, size_t n, double* dst) {
  const size_t n8 = n & ~size_t(7);
  for (size_t j = 0; j < n8; j += 8) store8(dst + j, widen8(src + j));
  for (size_t j = n8; j < n; ++j) dst[j] = static_cast<double>(src[j]);
}

void forward_impl(const float* x, size_t D, size_t r0, size_t r1, const double* W, const double* b, size_t C,
                  double* Z) {
  alignas(64) double xd[kRows][kRowPiece];
  for (size_t t = r0; t < r1; ++t)
    for (size_t c = 0; c < C; ++c) Z[t * C + c] = 0;
  size_t t = r0;
  for (; t + kRows <= r1; t += kRows) {
    const double* xr[kRows];
    double* z[kRows];
    for (size_t r = 0; r < kRows; ++r) {
      xr[r] = xd[r];
      z[r] = Z + (t + r) * C;
    }
    for (size_t p0 = 0; p0 < D; p0 += kRowPiece) {
      const size_t n = D - p0 < kRowPiece ? D - p0 : kRowPiece;
      for (size_t r = 0; r < kRows; ++r) widen(x + (t + r) * D + p0, n, xd[r]);
      forward_rows(xr, n, W, D, p0, C, z);
    }
  }
  for (; t < r1; ++t)
    for (size_t p0 = 0; p0 < D; p0 += kRowPiece) {
      const size_t n = D - p0 < kRowPiece ? D - p0 : kRowPiece;
      widen(x + t * D + p0, n, xd[0]);
      forward_one(xd[0], n, W, D, p0, C, Z + t * C);
    }
  for (t = r0; t < r1; ++t)
    for (size_t c = 0; c < C; ++c) Z[t * C + c] += b[c];
}

void backward_impl(const float* x, size_t T, size_t D, size_t j0, size_t j1, const double* R, size_t C,
                   double* G) {
  const size_t n = j1 - j0;
  std::memset(G, 0, C * n * sizeof(double));
  alignas(64) double seg[4][kSeg];
  for (size_t s0 = 0; s0 < n; s0 += kSeg) {
    const size_t m = n - s0 < kSeg ? n - s0 : kSeg;
    const size_t m8 = m & ~size_t(7);
    size_t t = 0;
    // Four rows at a time: out[j] += (g0·x0[j] + g1·x1[j]) + (g2·x2[j] + g3·x3[j]).
    for (; t + 4 <= T; t += 4) {
      // The strip of a row lies in its own 4 KiB page (rows are D floats apart), where the hardware prefetcher
      // does not follow: ask for the strips of the rows 8 ahead.
      if (t + 12 <= T)
        for (size_t q = 8; q < 12; ++q)
          for (size_t j = 0; j < m; j += 16) __builtin_prefetch(x + (t + q) * D + j0 + s0 + j);
      for (size_t q = 0; q < 4; ++q) {
        const float* xt = x + (t + q) * D + j0 + s0;
        for (size_t j = 0; j < m8; j += 8) store8(seg[q] + j, widen8(xt + j));
        for (size_t j = m8; j < m; ++j) seg[q][j] = static_cast<double>(xt[j]);
      }
      for (size_t c = 0; c < C; ++c) {
        const double g0 = R[t * C + c], g1 = R[(t + 1) * C + c], g2 = R[(t + 2) * C + c], g3 = R[(t + 3) * C + c];
        double* out = G + c * n + s0;
        for (size_t j = 0; j < m8; j += 8) {
          const v8d a = g0 * load8(seg[0] + j) + g1 * load8(seg[1] + j);
          const v8d b = g2 * load8(seg[2] + j) + g3 * load8(seg[3] + j);
          store8(out + j, load8(out + j) + (a + b));
        }
        for (size_t j = m8; j < m; ++j) out[j] += (g0 * seg[0][j] + g1 * seg[1][j]) + (g2 * seg[2][j] + g3 * seg[3][j]);
      }
    }
    for (; t < T; ++t) {
      const float* xt = x + t * D + j0 + s0;
      for (size_t j = 0; j < m; ++j) seg[0][j] = static_cast<double>(xt[j]);
      for (size_t c = 0; c < C; ++c) {
        const double g = R[t * C + c];
        double* out = G + c * n + s0;
        for (size_t j = 0; j < m; ++j) out[j] += g * seg[0][j];
      }
    }
  }
}

}  // namespace
