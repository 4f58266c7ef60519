// Template of the probe GEMM kernels (see probe/gemm_kernels.h). Included by one .cc per ISA inside an anonymous
// namespace, so that nothing compiled with AVX flags is shared with baseline code. 8-lane vector types; the
// summation order is fixed by the code, never by the vector width:
//  - forward: a row is widened to float64 once, then dot products run kGroup classes at a time (the row is
//    loaded once per group) with an 8-lane partial sum per class and a scalar sum of the tail;
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
inline void store8(double* p, v8d v) { *reinterpret_cast<v8d*>(p) = v; }
inline v8d widen8(const float* p) { return __builtin_convertvector(*reinterpret_cast<const v8f*>(p), v8d); }
inline double hsum(v8d s) { return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7])); }

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

void forward_impl(const float* x, size_t D, size_t r0, size_t r1, const double* W, const double* b, size_t C,
                  double* Z) {
  alignas(64) double xd[kRowPiece + 8];
  for (size_t t = r0; t < r1; ++t) {
    const float* xt = x + t * D;
    double* z = Z + t * C;
    for (size_t c = 0; c < C; ++c) z[c] = 0;
    // Pieces of the row in order; within a piece, one 8-lane partial sum per class plus a scalar sum of the
    // tail (< 8 values); pieces add into z in order.
    for (size_t p0 = 0; p0 < D; p0 += kRowPiece) {
      const size_t n = D - p0 < kRowPiece ? D - p0 : kRowPiece;
      const size_t n8 = n & ~size_t(7);
      for (size_t j = 0; j < n8; j += 8) store8(xd + j, widen8(xt + p0 + j));
      for (size_t j = n8; j < n; ++j) xd[j] = static_cast<double>(xt[p0 + j]);
      size_t c = 0;
      for (; c + kGroup <= C; c += kGroup) {
        const double* w[kGroup];
        v8d acc[kGroup];
        double e[kGroup];  // the tail (< 8 values), in order, kept out of the vectors
        for (size_t g = 0; g < kGroup; ++g) {
          w[g] = W + (c + g) * D + p0;
          acc[g] = v8d{0};
          e[g] = 0;
        }
        for (size_t j = 0; j < n8; j += 8) {
          const v8d v = load8(xd + j);
          for (size_t g = 0; g < kGroup; ++g) acc[g] += v * load8(w[g] + j);
        }
        for (size_t j = n8; j < n; ++j)
          for (size_t g = 0; g < kGroup; ++g) e[g] += xd[j] * w[g][j];
        for (size_t g = 0; g < kGroup; ++g) z[c + g] += hsum(acc[g]) + e[g];
      }
      for (; c < C; ++c) {
        const double* w = W + c * D + p0;
        v8d s = {0};
        for (size_t j = 0; j < n8; j += 8) s += load8(xd + j) * load8(w + j);
        double e = 0;
        for (size_t j = n8; j < n; ++j) e += xd[j] * w[j];
        z[c] += hsum(s) + e;
      }
    }
    for (size_t c = 0; c < C; ++c) z[c] += b[c];
  }
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
