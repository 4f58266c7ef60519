// Template of the probe GEMM kernels (see probe/gemm_kernels.h). Included by one .cc per ISA inside an anonymous
// namespace, so that nothing compiled with AVX flags is shared with baseline code. Plain loops written for the
// auto-vectoriser: fixed-width partial sums (forward) and a widened float64 axpy (backward).
#pragma once
#include <cstddef>
#include <cstring>

namespace {

// Column block of one backward call's inner loop: the float64 copy of a row segment stays in L1.
constexpr size_t kSeg = 256;

void forward_impl(const float* x, size_t D, size_t r0, size_t r1, const double* W, const double* b, size_t C,
                  double* Z) {
  const size_t D8 = D & ~size_t(7);
  for (size_t t = r0; t < r1; ++t) {
    const float* xt = x + t * D;
    for (size_t c = 0; c < C; ++c) {
      const double* w = W + c * D;
      double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (size_t j = 0; j < D8; j += 8)
        for (size_t k = 0; k < 8; ++k) s[k] += static_cast<double>(xt[j + k]) * w[j + k];
      for (size_t j = D8; j < D; ++j) s[j - D8] += static_cast<double>(xt[j]) * w[j];
      Z[t * C + c] = b[c] + (((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7])));
    }
  }
}

void backward_impl(const float* x, size_t T, size_t D, size_t j0, size_t j1, const double* R, size_t C,
                   double* G) {
  const size_t n = j1 - j0;
  std::memset(G, 0, C * n * sizeof(double));
  double seg[kSeg];
  for (size_t s0 = 0; s0 < n; s0 += kSeg) {
    const size_t m = n - s0 < kSeg ? n - s0 : kSeg;
    for (size_t t = 0; t < T; ++t) {
      const double* r = R + t * C;
      bool any = false;
      for (size_t c = 0; c < C; ++c) any |= r[c] != 0.0;
      if (!any) continue;
      const float* xt = x + t * D + j0 + s0;
      for (size_t j = 0; j < m; ++j) seg[j] = static_cast<double>(xt[j]);
      for (size_t c = 0; c < C; ++c) {
        const double g = r[c];
        double* out = G + c * n + s0;
        for (size_t j = 0; j < m; ++j) out[j] += g * seg[j];
      }
    }
  }
}

}  // namespace
