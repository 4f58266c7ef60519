// One entry point for every linkage: validates nothing (the TS layer did), dispatches on the method (single:
// MST; the others: NN-chain) and returns scipy's Z. T is the storage type of the condensed matrix, which the
// NN-chain overwrites.
#pragma once
#include <cstdint>
#include <vector>

#include "cluster/condensed.h"
#include "cluster/label.h"
#include "cluster/mst_single.h"
#include "cluster/nn_chain.h"

namespace ns {

template <class T>
std::vector<double> linkage(T* D, int64_t n, Method method, const LinkageHooks& hooks) {
  std::vector<Merge> merges;
  if (method == Method::Single) mst_single(D, n, merges, hooks);
  else nn_chain(D, n, method, merges, hooks);
  return label_merges(std::move(merges), n);
}

}  // namespace ns
