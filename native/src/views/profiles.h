// Per-neuron profiles of an activation matrix in memory, for the report's neuron pages: each column's range,
// an equal-width histogram over that range, and its k highest rows. One column block per task, every column's
// result a function of that column alone, so the output does not depend on the thread count.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/thread_pool.h"

namespace ns::views {

struct ProfileOut {
  float* min;             // [cols]
  float* max;             // [cols]
  uint32_t* counts;       // [cols, bins]
  int32_t* top_rows;      // [cols, k], highest value first, ties to the lower row; −1 past the row count
  float* top_values;      // [cols, k]
};

// x: rows × cols row-major. Bin b of column j holds values in [min + b·w, min + (b+1)·w) with w = (max − min) /
// bins, the last bin closed; a constant column puts every row in bin 0. Values must be finite (the caller
// checks: analyze's held data is).
void column_profiles(const float* x, size_t rows, size_t cols, size_t bins, size_t k, ThreadPool& pool, const ProfileOut& out);

}  // namespace ns::views
