// From a core's merge list to scipy's linkage matrix Z, as scipy's nn_chain / mst_single_linkage finish:
//   1. a stable sort of the merges by height (numpy's argsort(kind='mergesort')): equal heights keep the
//      order in which the core found them;
//   2. relabelling with a union-find over 2n - 1 nodes (scipy's LinkageUnionFind / label): merge i joins the
//      clusters currently holding slots a and b, the new cluster gets id n + i, Z[i] = (smaller root id,
//      larger root id, height, size).
// Z is (n - 1) x 4 row-major float64.
#pragma once
#include <cstdint>
#include <vector>

#include "cluster/condensed.h"

namespace ns {

std::vector<double> label_merges(std::vector<Merge> merges, int64_t n);

}  // namespace ns
