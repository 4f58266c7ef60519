// The 'central' representative of each flat cluster: the member with the highest mean |r| to the rest of its
// cluster, |r| = 1 - d read back from the condensed distances (so the same symmetrisation and NaN rule as the
// clustering). Deterministic: each member's sum runs over the other members in increasing order, in double,
// by one task; ties go to the lowest-numbered neuron. A singleton is its own representative.
#pragma once
#include <cstdint>
#include <vector>

#include "core/thread_pool.h"

namespace ns {

// labels[i] in 1..k (fcluster numbering). Returns k representatives, rep[c - 1] for cluster c.
template <class T>
std::vector<int32_t> central_representatives(const T* D, int64_t n, const int32_t* labels, ThreadPool& pool);

}  // namespace ns
