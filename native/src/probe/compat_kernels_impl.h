// The compatible trainer's kernels, written once as a template over the register tiles and instantiated by
// probe/compat_kernels_{avx512,avx2,generic}.cc, each compiled with its own ISA flags. The arithmetic (lanes,
// blocks, orders) is the one documented in probe/compat_kernels.h and does not depend on the tile sizes, which
// only decide how many independent accumulator chains run at once:
//   RT × CT dot products share their x and w loads (forward);
//   CT classes × JV column vectors share each x load of the gradient pass (backward).
// Vectors are GCC vector extensions of 16 floats (one zmm; two ymm or four xmm on narrower ISAs), so every
// variant runs the same 16 lanes.
//
// Everything sits in an anonymous namespace on purpose (see core/syrk_impl.h): each ISA file gets its own copy.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "probe/compat_kernels.h"
#include "probe/optimizer.h"

// GCC warns that a 64-byte vector returned by value has no defined ABI without AVX-512. Those returns never leave
// this file (always inlined, anonymous namespace), so no calling convention is involved.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ns {
namespace probe {
namespace {

constexpr size_t kDotBlock = 512;  // float32 columns per lane block of a dot product (32 products per lane)
static_assert(kDotBlock % 16 == 0 && kBlockCols % 16 == 0, "blocks must be whole vectors");

template <int RT, int CT, int JV>
struct Impl {
  typedef float V __attribute__((vector_size(64)));
  typedef float VU __attribute__((vector_size(64), aligned(4)));  // unaligned access
  typedef double VD __attribute__((vector_size(128)));
  typedef int32_t VI __attribute__((vector_size(64)));

  __attribute__((always_inline)) static V load(const float* p) { return *reinterpret_cast<const VU*>(p); }
  __attribute__((always_inline)) static void store(float* p, V v) { *reinterpret_cast<VU*>(p) = v; }

  // Pairwise sum of 16 float64 lanes: (l0 + l8), … then halves again, a fixed tree.
  __attribute__((always_inline)) static double hsum(VD d) {
    double a[16];
    std::memcpy(a, &d, sizeof a);
    for (int h = 8; h >= 1; h /= 2)
      for (int i = 0; i < h; ++i) a[i] += a[i + h];
    return a[0];
  }

  // out[r·ldo + c] = Σ_j x[r·cols + j]·w[c·cols + j] for r < R, c < C (R <= RT, C <= CT).
  template <int R, int C>
  static void dot_tile(const float* x, const float* w, size_t cols, double* out, size_t ldo) {
    VD dacc[R][C];
    for (int r = 0; r < R; ++r)
      for (int c = 0; c < C; ++c) dacc[r][c] = VD{};
    for (size_t b0 = 0; b0 < cols; b0 += kDotBlock) {
      const size_t b1 = std::min(cols, b0 + kDotBlock);
      V acc[R][C];
      for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c) acc[r][c] = V{};
      size_t j = b0;
      for (; j + 16 <= b1; j += 16) {
        V xv[R];
#pragma GCC unroll 4
        for (int r = 0; r < R; ++r) xv[r] = load(x + r * cols + j);
#pragma GCC unroll 4
        for (int c = 0; c < C; ++c) {
          const V wv = load(w + c * cols + j);
#pragma GCC unroll 4
          for (int r = 0; r < R; ++r) acc[r][c] += xv[r] * wv;
        }
      }
      if (j < b1) {  // the last partial vector: column j + k goes to lane k, as in the full vectors
        for (int r = 0; r < R; ++r)
          for (int c = 0; c < C; ++c) {
            float lanes[16];
            std::memcpy(lanes, &acc[r][c], sizeof lanes);
            for (size_t k = j; k < b1; ++k) lanes[k - j] += x[r * cols + k] * w[c * cols + k];
            std::memcpy(&acc[r][c], lanes, sizeof lanes);
          }
      }
      for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c) dacc[r][c] += __builtin_convertvector(acc[r][c], VD);
    }
    for (int r = 0; r < R; ++r)
      for (int c = 0; c < C; ++c) out[r * ldo + c] = hsum(dacc[r][c]);
  }

  template <int R>
  static void dot_rows(const float* x, size_t cols, const float* w, size_t classes, double* s) {
    size_t c0 = 0;
    for (; c0 + CT <= classes; c0 += CT) dot_tile<R, CT>(x, w + c0 * cols, cols, s + c0, classes);
    switch (classes - c0) {  // the remainder, < CT
      case 0: break;
      case 1: dot_tile<R, 1>(x, w + c0 * cols, cols, s + c0, classes); break;
      case 2: dot_tile<R, (2 < CT ? 2 : CT)>(x, w + c0 * cols, cols, s + c0, classes); break;
      case 3: dot_tile<R, (3 < CT ? 3 : CT)>(x, w + c0 * cols, cols, s + c0, classes); break;
      case 4: dot_tile<R, (4 < CT ? 4 : CT)>(x, w + c0 * cols, cols, s + c0, classes); break;
      default: dot_tile<R, (5 < CT ? 5 : CT)>(x, w + c0 * cols, cols, s + c0, classes); break;
    }
  }

  static void dots(const float* x, size_t rows, size_t cols, const float* w, size_t classes, double* s) {
    static_assert(CT >= 1 && CT <= kMaxClassTile && RT >= 1 && RT <= 2, "tile sizes");
    size_t r = 0;
    if (RT == 2)
      for (; r + 2 <= rows; r += 2) dot_rows<(RT == 2 ? 2 : 1)>(x + r * cols, cols, w, classes, s + r * classes);
    for (; r < rows; ++r) dot_rows<1>(x + r * cols, cols, w, classes, s + r * classes);
  }

  // gs[c·kBlockCols + (j − j0)] = Σ_t g[t, c0 + c]·x[t, j] for c < C, j in [j0, j1): one float32 chain per
  // element, rows in order.
  template <int C>
  static void grad_tile(const StepParams& p, size_t c0, size_t j0, size_t j1, float* gs) {
    const size_t K = p.classes, D = p.cols;
    size_t j = j0;
    for (; j + 16 * JV <= j1; j += 16 * JV) {
      V acc[C][JV];
      for (int c = 0; c < C; ++c)
        for (int u = 0; u < JV; ++u) acc[c][u] = V{};
      for (size_t t = 0; t < p.rows; ++t) {
        V xv[JV];
#pragma GCC unroll 4
        for (int u = 0; u < JV; ++u) xv[u] = load(p.x + t * D + j + 16 * u);
        const float* gt = p.g + t * K + c0;
#pragma GCC unroll 4
        for (int c = 0; c < C; ++c)
#pragma GCC unroll 4
          for (int u = 0; u < JV; ++u) acc[c][u] += gt[c] * xv[u];
      }
      for (int c = 0; c < C; ++c)
        for (int u = 0; u < JV; ++u) store(gs + c * kBlockCols + (j - j0) + 16 * u, acc[c][u]);
    }
    for (; j + 16 <= j1; j += 16) {
      V acc[C];
      for (int c = 0; c < C; ++c) acc[c] = V{};
      for (size_t t = 0; t < p.rows; ++t) {
        const V xv = load(p.x + t * D + j);
        const float* gt = p.g + t * K + c0;
        for (int c = 0; c < C; ++c) acc[c] += gt[c] * xv;
      }
      for (int c = 0; c < C; ++c) store(gs + c * kBlockCols + (j - j0), acc[c]);
    }
    for (; j < j1; ++j)
      for (int c = 0; c < C; ++c) {
        float a = 0.f;
        for (size_t t = 0; t < p.rows; ++t) a += p.g[t * K + c0 + c] * p.x[t * D + j];
        gs[c * kBlockCols + (j - j0)] = a;
      }
  }

  // Penalty gradient and optimizer step for row c over [j0, j1); gd holds the data gradient from j0 on.
  static void update_row(const StepParams& p, size_t c, size_t j0, size_t j1, const float* gd) {
    float* __restrict w = p.w + c * p.cols;
    const float l1 = p.l1, l2 = p.l2_scale;
    if (p.adam) {
      float* __restrict m = p.m + c * p.cols;
      float* __restrict v = p.v + c * p.cols;
      for (size_t j = j0; j < j1; ++j) {
        const float wj = w[j];
        const float g = gd[j - j0] + (l1 * sign_of(wj) + l2 * wj);
        adam_update(g, w[j], m[j], v[j], p);
      }
    } else {
      for (size_t j = j0; j < j1; ++j) {
        const float wj = w[j];
        const float g = gd[j - j0] + (l1 * sign_of(wj) + l2 * wj);
        sgd_update(g, w[j], p);
      }
    }
  }

  static void norms(const float* w, size_t cols, size_t classes, size_t j0, size_t j1, double* sums) {
    VD a = {}, q = {};
    double la[16] = {}, lq[16] = {};
    for (size_t c = 0; c < classes; ++c) {
      const float* wr = w + c * cols;
      size_t j = j0;
      for (; j + 16 <= j1; j += 16) {
        const V f = load(wr + j);
        const VD d = __builtin_convertvector(f, VD);
        // |f| by clearing the sign bit (a vector ?: would be scalarised), exact, then widened.
        a += __builtin_convertvector(reinterpret_cast<V>(reinterpret_cast<VI>(f) & 0x7fffffff), VD);
        q += d * d;
      }
      for (size_t k = j; k < j1; ++k) {  // lane k − j, as in the full vectors
        const double d = wr[k];
        la[k - j] += std::fabs(d);
        lq[k - j] += d * d;
      }
    }
    VD ta, tq;
    std::memcpy(&ta, la, sizeof la);
    std::memcpy(&tq, lq, sizeof lq);
    sums[0] = hsum(a + ta);
    sums[1] = hsum(q + tq);
  }

  // grad[c·D + j] (+)= Σ_t g[t, c0 + c]·x[t, j] for c < C, all j: the chain of grad_tile, resumed from grad.
  template <int C>
  static void accumulate_tile(const float* x, size_t rows, size_t D, const float* g, size_t K, size_t c0, float* grad,
                              bool first) {
    size_t j = 0;
    for (; j + 16 <= D; j += 16) {
      V acc[C];
      for (int c = 0; c < C; ++c) acc[c] = first ? V{} : load(grad + (c0 + c) * D + j);
      for (size_t t = 0; t < rows; ++t) {
        const V xv = load(x + t * D + j);
        const float* gt = g + t * K + c0;
#pragma GCC unroll 6
        for (int c = 0; c < C; ++c) acc[c] += gt[c] * xv;
      }
      for (int c = 0; c < C; ++c) store(grad + (c0 + c) * D + j, acc[c]);
    }
    for (; j < D; ++j)
      for (int c = 0; c < C; ++c) {
        float a = first ? 0.f : grad[(c0 + c) * D + j];
        for (size_t t = 0; t < rows; ++t) a += g[t * K + c0 + c] * x[t * D + j];
        grad[(c0 + c) * D + j] = a;
      }
  }

  static void accumulate(const float* x, size_t rows, size_t cols, const float* g, size_t classes, float* grad,
                         bool first) {
    for (size_t c0 = 0; c0 < classes; c0 += CT) {
      switch (std::min<size_t>(CT, classes - c0)) {
        case 1: accumulate_tile<1>(x, rows, cols, g, classes, c0, grad, first); break;
        case 2: accumulate_tile<(2 < CT ? 2 : CT)>(x, rows, cols, g, classes, c0, grad, first); break;
        case 3: accumulate_tile<(3 < CT ? 3 : CT)>(x, rows, cols, g, classes, c0, grad, first); break;
        case 4: accumulate_tile<(4 < CT ? 4 : CT)>(x, rows, cols, g, classes, c0, grad, first); break;
        case 5: accumulate_tile<(5 < CT ? 5 : CT)>(x, rows, cols, g, classes, c0, grad, first); break;
        default: accumulate_tile<CT>(x, rows, cols, g, classes, c0, grad, first); break;
      }
    }
  }

  static void apply(const StepParams& p, const float* grad, size_t j0, size_t j1, double* sums) {
    for (size_t c = 0; c < p.classes; ++c) update_row(p, c, j0, j1, grad + c * p.cols + j0);
    norms(p.w, p.cols, p.classes, j0, j1, sums);
  }

  static void step(const StepParams& p, size_t j0, size_t j1, float* scratch, double* sums) {
    for (size_t c0 = 0; c0 < p.classes; c0 += CT) {
      const size_t n = std::min<size_t>(CT, p.classes - c0);
      switch (n) {
        case 1: grad_tile<1>(p, c0, j0, j1, scratch); break;
        case 2: grad_tile<(2 < CT ? 2 : CT)>(p, c0, j0, j1, scratch); break;
        case 3: grad_tile<(3 < CT ? 3 : CT)>(p, c0, j0, j1, scratch); break;
        case 4: grad_tile<(4 < CT ? 4 : CT)>(p, c0, j0, j1, scratch); break;
        case 5: grad_tile<(5 < CT ? 5 : CT)>(p, c0, j0, j1, scratch); break;
        default: grad_tile<CT>(p, c0, j0, j1, scratch); break;
      }
      for (size_t c = 0; c < n; ++c) update_row(p, c0 + c, j0, j1, scratch + c * kBlockCols);
    }
    norms(p.w, p.cols, p.classes, j0, j1, sums);
  }
};

}  // namespace
}  // namespace probe
}  // namespace ns
