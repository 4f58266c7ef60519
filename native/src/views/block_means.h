// Mean |r| over blocks of a correlation matrix, for the report's downsampled heatmaps: entry (a, b) is the mean
// of |r_ij| over neurons i in block a and j in block b. One task per row block, summing its member rows in id
// order, so the result does not depend on the thread count.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/thread_pool.h"

namespace ns::views {

// corr: n × n row-major (row stride `stride`); block_of[i] the block of neuron i, or −1 to leave it out.
// out: blocks × blocks means (0 for an empty block pair).
void block_mean_abs(const float* corr, size_t n, size_t stride, const int32_t* block_of, size_t blocks, ThreadPool& pool, double* out);

}  // namespace ns::views
