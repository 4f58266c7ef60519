// Redundancy left among kept neurons (neurosieve score, src/score/redundancy-left.ts): for each kept neuron, the
// largest |r| to another kept neuron and which one. O(m²) reads of the correlation matrix for m kept neurons.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/thread_pool.h"

namespace ns::score {

// corr: rows of `stride` floats. Kept neuron j (0 ≤ j < m) has its column at col_of[j]; the rows given are those of
// kept neurons first … first + b − 1, row i of them at corr + row_of[i] · stride (so the rows may be the full
// matrix, a block of rows read from a file, or an m × m subset). For each of those b neurons:
// max_abs[i] = max over j ≠ first + i of |corr[row_of[i], col_of[j]]|, arg[i] = that j (the lowest on ties);
// with m = 1, max_abs = 0 and arg = −1. A NaN entry is never the maximum (it compares false). One task per row.
void max_abs_to_others(const float* corr, size_t stride, const int32_t* row_of, size_t b, size_t first, const int32_t* col_of, size_t m,
                       ThreadPool& pool, double* max_abs, int32_t* arg);

}  // namespace ns::score
