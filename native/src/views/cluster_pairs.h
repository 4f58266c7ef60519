// The |r| of every pair of neurons inside a cluster, as a histogram per cluster (the report's cluster pages):
// bins equal on [0, 1], |r| = 1 in the last bin. One task per cluster, so counts do not depend on the threads.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/thread_pool.h"

namespace ns::views {

// corr: n × n row-major (row stride `stride`), labels[i] in 1 … clusters. out: clusters × bins counts, cluster c
// at row c − 1. Cost: the sum over clusters of size², at most n².
void within_cluster_histograms(const float* corr, size_t n, size_t stride, const int32_t* labels, size_t clusters, size_t bins, ThreadPool& pool,
                               uint32_t* out);

}  // namespace ns::views
