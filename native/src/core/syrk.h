// Centred SYRK: the chunk kernel of the correlation engine.
//
//   C[i][j] += sum_r X[r][i] * X[r][j]     for 0 <= i <= j < D (upper triangle only)
//
// X is a float32 chunk, rows x D, row-major with row stride ld (>= D), centred by the caller or by `shift` below.
// C is float64 in packed upper-triangular row storage: element (i, j), j >= i, lives at C[row_offset(i, D) + j - i].
// Elements below the diagonal do not exist and are never touched.
//
// Accuracy contract: partial sums are kept in float32 over at most kPanelRows rows, then added into float64 C,
// so the float32 error of a sum stays bounded by ~kPanelRows ulps whatever the number of rows.
// Determinism contract: every element of C is computed by exactly one task, over rows in increasing panel order,
// so results are bit-identical for any thread count.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/big_alloc.h"
#include "core/thread_pool.h"

namespace ns {

// Rows 0..i-1 hold D, D-1, ..., D-i+1 elements.
inline size_t packed_row_offset(size_t i, size_t D) { return i * (2 * D - i + 1) / 2; }
inline size_t packed_size(size_t D) { return D * (D + 1) / 2; }

// Which micro-kernel runs: chosen once at run time from CPUID unless forced by NEUROSIEVE_KERNEL=generic|avx2|avx512.
const char* syrk_kernel_name();

// Scratch for the packed panels, kept across calls by a streaming caller: fresh big buffers cost page faults
// (~10 us per 4 KiB page here), which at D = 9984 would add ~0.1 s to every chunk.
class SyrkWorkspace {
 public:
  SyrkWorkspace() = default;
  ~SyrkWorkspace() { big_free(buf_); }
  SyrkWorkspace(const SyrkWorkspace&) = delete;
  SyrkWorkspace& operator=(const SyrkWorkspace&) = delete;
  // At least `floats` floats, 64-byte aligned; contents unspecified (the kernel packs and zero-pads itself).
  float* get(size_t floats) {
    if (floats > floats_) {
      big_free(buf_);
      buf_ = BigBuffer{};
      buf_ = big_alloc_zeroed(floats * sizeof(float));
      floats_ = floats;
    }
    return static_cast<float*>(buf_.ptr);
  }

 private:
  BigBuffer buf_;
  size_t floats_ = 0;
};

// ws may be null: the panels are then allocated for this call only. shift (may be null) is subtracted from every
// row while packing, in float32: C += sum_r (x_r - shift)(x_r - shift)^T. The streaming engine passes the chunk
// mean rounded to float32 here instead of centring the chunk in a separate pass.
void syrk_accumulate(const float* X, size_t rows, size_t D, size_t ld, double* C, ThreadPool& pool,
                     SyrkWorkspace* ws = nullptr, const float* shift = nullptr);

}  // namespace ns
