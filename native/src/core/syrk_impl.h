// The packed-panel SYRK kernel, written once as a template over the SIMD width and the register tile, and
// instantiated by core/syrk_{avx512,avx2,generic}.cc, each compiled with its own ISA flags.
//
// Everything here sits in an anonymous namespace on purpose: each ISA file must get its own private copy of every
// function (compiled for its ISA). With external linkage the linker could keep the AVX-512 copy of an inline
// function for the baseline callers too, and the program would die with SIGILL on a CPU without AVX-512.
//
// Algorithm, for each K-panel of kc <= kPanelRows rows of X (two panel buffers: panel p+1 is packed while p is used):
//  1. pack: a panel buffer holds the panel as column micro-panels of NR columns, each kc x NR contiguous (zero-padded past D).
//     Both operands of the micro-kernel come from P: the NR-wide micro-panel of columns j0.. is "B", and the
//     MR-wide slice of the micro-panel holding rows i0.. is "A" (MR divides NR), read with stride NR.
//  2. compute: the upper triangle is cut into row blocks of MC rows; a task is one row block x a run of column
//     micro-panels. For each column micro-panel j (in L1/L2 while used), the MR x NR register tiles of the row
//     block (whose A panels, MC x kc floats, stay in L2) are computed in float32 over the kc rows, then converted
//     and added into float64 C. Tiles entirely below the diagonal are skipped; tiles crossing it write only j >= i.
// Every element of C is computed by exactly one tile, with a fixed k order, so the result does not depend on the
// task partition or the thread count. Tasks never split K.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "core/syrk.h"
#include "core/syrk_kernels.h"

namespace ns {
namespace syrk {
namespace {

template <int W, int MR, int NV, int MC_MIN>
struct Impl {
  static constexpr int NR = W * NV;
  static constexpr int MC = ((MC_MIN + NR - 1) / NR) * NR;  // row-block height, a multiple of NR (and of MR)
  static_assert(NR % MR == 0, "A is read as a slice of a B micro-panel: MR must divide NR");
  typedef float V __attribute__((vector_size(W * sizeof(float))));
  typedef float VU __attribute__((vector_size(W * sizeof(float)), aligned(4)));  // unaligned access

  // P[b][k][c] = X[k][b*NR + c] - shift[b*NR + c] for column micro-panels b in [b0, b1), zero past D.
  // shift (may be null) centres the chunk while packing, so the caller needs no separate centring pass.
  static void pack(const float* X, size_t kc, size_t D, size_t ld, const float* shift, size_t b0, size_t b1,
                   float* P) {
    for (size_t b = b0; b < b1; ++b) {
      const size_t c0 = b * NR;
      float* dst = P + b * kc * NR;
      if (c0 + NR <= D) {
        V s[NV] = {};
        if (shift)
          for (int v = 0; v < NV; ++v) s[v] = *reinterpret_cast<const VU*>(shift + c0 + v * W);
        for (size_t k = 0; k < kc; ++k) {
          const float* src = X + k * ld + c0;
          V* d = reinterpret_cast<V*>(dst + k * NR);
#pragma GCC unroll 8
          for (int v = 0; v < NV; ++v) d[v] = *reinterpret_cast<const VU*>(src + v * W) - s[v];
        }
      } else {
        const size_t n = D - c0;
        for (size_t k = 0; k < kc; ++k) {
          const float* src = X + k * ld + c0;
          float* d = dst + k * NR;
          size_t c = 0;
          for (; c < n; ++c) d[c] = src[c] - (shift ? shift[c0 + c] : 0.0f);
          for (; c < static_cast<size_t>(NR); ++c) d[c] = 0.0f;
        }
      }
    }
  }

  // One MR x NR tile: rows i0.., columns j0.. of C += A^T B over kc rows, float32 inside, float64 into C.
  // a: P + (i0 / NR) * kc * NR + i0 % NR, b: P + (j0 / NR) * kc * NR; both advance by NR per row.
  static inline void tile(const float* __restrict a, const float* __restrict b, size_t kc, double* __restrict C,
                          size_t D, size_t i0, size_t j0) {
    const size_t mr = std::min<size_t>(MR, D - i0);
    const size_t jend = std::min<size_t>(j0 + NR, D);
    // C of this tile is touched once per panel and usually comes from memory: ask for it now, it is needed in
    // kc * MR * NV FMAs' time.
    for (size_t r = 0; r < mr; ++r) {
      const size_t i = i0 + r;
      const double* row = C + packed_row_offset(i, D) - i;
      const size_t js = std::max(j0, i);
      for (size_t j = js; j < jend; j += 8) __builtin_prefetch(row + j, 1, 2);
      if (js < jend) __builtin_prefetch(row + jend - 1, 1, 2);
    }

    // Blocked summation: the registers sum kSubRows rows, then are added into the float32 tile t (L1-resident).
    // The float32 error bound drops from ~kc·u to ~(kSubRows + kc/kSubRows)·u (72u instead of 512u for a full
    // panel), which keeps results within 1e-6 whatever the chunk size, for ~3% of the kernel's time.
    constexpr size_t kSubRows = 64;
    alignas(64) float t[MR][NR];
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) *reinterpret_cast<V*>(&t[r][v * W]) = V{};

    for (size_t k0 = 0; k0 < kc; k0 += kSubRows) {
      const size_t k1 = std::min(kc, k0 + kSubRows);
      V acc[MR][NV];
#pragma GCC unroll 32
      for (int r = 0; r < MR; ++r)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[r][v] = V{};

      for (size_t k = k0; k < k1; ++k) {
        V bv[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) bv[v] = *reinterpret_cast<const V*>(b + v * W);
#pragma GCC unroll 32
        for (int r = 0; r < MR; ++r) {
          const float s = a[r];
#pragma GCC unroll 8
          for (int v = 0; v < NV; ++v) acc[r][v] += s * bv[v];
        }
        a += NR;
        b += NR;
      }
#pragma GCC unroll 32
      for (int r = 0; r < MR; ++r)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) *reinterpret_cast<V*>(&t[r][v * W]) += acc[r][v];
    }

    if (mr == static_cast<size_t>(MR) && j0 + NR <= D && j0 + 1 >= i0 + MR) {
      // Interior tile: every column is on or above the diagonal for every row.
      for (int r = 0; r < MR; ++r) {
        const size_t i = i0 + r;
        double* row = C + packed_row_offset(i, D) - i + j0;
        for (int c = 0; c < NR; ++c) row[c] += static_cast<double>(t[r][c]);
      }
    } else {
      // Edge or diagonal-crossing tile: only columns j >= i exist in packed storage.
      for (size_t r = 0; r < mr; ++r) {
        const size_t i = i0 + r;
        double* row = C + packed_row_offset(i, D) - i;
        for (size_t j = std::max(j0, i); j < jend; ++j) row[j] += static_cast<double>(t[r][j - j0]);
      }
    }
  }

  struct Task {
    size_t i0, i1;  // rows [i0, i1), one row block
    size_t b0, b1;  // column micro-panels [b0, b1)
  };

  // Row blocks of MC rows; each is cut into runs of at most `chunk` column micro-panels. The partition depends on
  // D only; since each tile's arithmetic does not depend on it either, any partition gives the same bits.
  static size_t make_tasks(size_t D, Task* out) {
    const size_t nb = (D + NR - 1) / NR;
    const size_t chunk = std::max<size_t>(MC / NR * 2, (nb + 3) / 4);
    size_t n = 0;
    for (size_t i0 = 0; i0 < D; i0 += MC) {
      const size_t i1 = std::min(D, i0 + MC);
      for (size_t b = i0 / NR; b < nb; b += chunk) {
        if (out) out[n] = Task{i0, i1, b, std::min(nb, b + chunk)};
        ++n;
      }
    }
    return n;
  }

  static void compute(const float* P, size_t kc, size_t D, double* C, const Task& t) {
    const size_t panel = kc * NR;
    for (size_t b = t.b0; b < t.b1; ++b) {
      const size_t j0 = b * NR;
      const float* bp = P + b * panel;
      // Tiles with rows beyond the last column of this micro-panel are entirely below the diagonal.
      const size_t iend = std::min(t.i1, j0 + NR);
      for (size_t i0 = t.i0; i0 < iend; i0 += MR) {
        const float* ap = P + (i0 / NR) * panel + i0 % NR;
        tile(ap, bp, kc, C, D, i0, j0);
      }
    }
  }

  // P: 2 x min(rows, kPanelRows) x round_up(D, NR) floats, 64-byte aligned.
  static void run(const float* X, size_t rows, size_t D, size_t ld, const float* shift, double* C, ThreadPool& pool,
                  float* P) {
    if (rows == 0 || D == 0) return;
    const size_t nb = (D + NR - 1) / NR;
    const size_t ntasks = make_tasks(D, nullptr);
    // Task table on the stack when small, else on the heap (plain new[]: no std container is instantiated here).
    Task small[256];
    Task* tasks = ntasks <= 256 ? small : new Task[ntasks];
    make_tasks(D, tasks);
    const size_t npack = std::min(nb, 4 * pool.size());
    const size_t npanels = (rows + kPanelRows - 1) / kPanelRows;
    const size_t kc_max = std::min(kPanelRows, rows);
    // Two panel buffers: the pack tasks of panel p + 1 run in the same parallel_for as the compute tasks of panel
    // p (they come first in the task order), so there is one barrier per panel, not two.
    float* buf[2] = {P, P + kc_max * nb * NR};
    auto pack_panel = [&](size_t p, size_t task) {
      const size_t r0 = p * kPanelRows;
      const size_t kc = std::min(kPanelRows, rows - r0);
      pack(X + r0 * ld, kc, D, ld, shift, nb * task / npack, nb * (task + 1) / npack, buf[p & 1]);
    };
    try {
      pool.parallel_for(npack, [&](size_t task, size_t) { pack_panel(0, task); });
      for (size_t p = 0; p < npanels; ++p) {
        const size_t kc = std::min(kPanelRows, rows - p * kPanelRows);
        const size_t nnext = p + 1 < npanels ? npack : 0;
        pool.parallel_for(nnext + ntasks, [&](size_t task, size_t) {
          if (task < nnext)
            pack_panel(p + 1, task);
          else
            compute(buf[p & 1], kc, D, C, tasks[task - nnext]);
        });
      }
    } catch (...) {
      if (tasks != small) delete[] tasks;
      throw;
    }
    if (tasks != small) delete[] tasks;
  }
};

// FMA peak probe: CH independent chains of W-wide FMAs, iters times. The multiplier is read through a volatile so
// it is not a compile-time constant, and every chain is summed into *sink at the end.
template <int W, int CH>
struct Peak {
  typedef float V __attribute__((vector_size(W * sizeof(float))));
  static double run(uint64_t iters, float* sink) {
    volatile float mv = 0.999999f, av = 1e-7f;
    const float m = mv, ad = av;
    V acc[CH];
#pragma GCC unroll 32
    for (int c = 0; c < CH; ++c) acc[c] = V{} + static_cast<float>(c) * 1e-3f;
    const V vm = V{} + m, va = V{} + ad;
    for (uint64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 32
      for (int c = 0; c < CH; ++c) acc[c] = acc[c] * vm + va;
      // Keeps the compiler from collapsing iterations into a closed form.
#if defined(__x86_64__) || defined(__i386__)
      __asm__ volatile("" : "+x"(acc[0]));
#endif
    }
    V s = V{};
#pragma GCC unroll 32
    for (int c = 0; c < CH; ++c) s += acc[c];
    alignas(64) float lanes[W];
    *reinterpret_cast<V*>(lanes) = s;
    float total = 0;
    for (int l = 0; l < W; ++l) total += lanes[l];
    *sink = total;
    return 2.0 * W * CH * static_cast<double>(iters);
  }
};

}  // namespace
}  // namespace syrk
}  // namespace ns
