// Single linkage through a minimum spanning tree: Prim's algorithm on the complete graph as in Rohlf (1973),
// "Algorithm 76: Hierarchical clustering using the minimum spanning tree", The Computer Journal 16(1), and
// Müllner (2011), arXiv:1109.2378, Figure 6 (MST-linkage-core), which is what scipy's mst_single_linkage runs.
// O(n^2) time, O(n) memory beyond the condensed matrix (read only).
//
// Ties are broken as scipy 1.10 breaks them: the tree grows from point 0; at each step the point outside the
// tree with the smallest distance to it joins, the lowest-numbered one among equals (strict "<" in point
// order). Each step is recorded as a merge of the point added in the previous step (a) and the new point (b)
// at that distance: after the stable sort by height and relabelling (label.h) this gives scipy's Z exactly.
#pragma once
#include <cstdint>
#include <limits>
#include <vector>

#include "cluster/condensed.h"
#include "common/error.h"

namespace ns {

template <class T>
void mst_single(const T* D, int64_t n, std::vector<Merge>& merges, const LinkageHooks& hooks) {
  std::vector<T> dist(n, std::numeric_limits<T>::infinity());  // distance of each point to the tree
  std::vector<uint8_t> merged(n, 0);
  const int64_t report_every = std::max<int64_t>(1, (n - 1) / 256);
  merges.clear();
  merges.reserve(n - 1);
  int64_t x = 0;
  for (int64_t k = 0; k < n - 1; ++k) {
    if (hooks.cancel && hooks.cancel->load(std::memory_order_relaxed)) fail(Code::Cancelled, "linkage cancelled");
    merged[x] = 1;
    T current_min = std::numeric_limits<T>::infinity();
    int64_t y = -1;
    int64_t off = x - 1;  // (i, x) for i = 0
    for (int64_t i = 0; i < x; ++i, off += n - i - 1) {
      if (merged[i]) continue;
      const T d = D[off];
      if (dist[i] > d) dist[i] = d;
      if (dist[i] < current_min) {
        current_min = dist[i];
        y = i;
      }
    }
    const T* row = D + condensed_row(n, x) - (x + 1);  // row[i] = d(x, i) for i > x
    for (int64_t i = x + 1; i < n; ++i) {
      if (merged[i]) continue;
      const T d = row[i];
      if (dist[i] > d) dist[i] = d;
      if (dist[i] < current_min) {
        current_min = dist[i];
        y = i;
      }
    }
    if (y < 0) fail(Code::Internal, "mst_single: no point left to add (non-finite distance?)");
    merges.push_back({static_cast<int32_t>(x), static_cast<int32_t>(y), static_cast<double>(current_min)});
    x = y;
    if (hooks.progress && ((k + 1) % report_every == 0 || k + 2 == n)) hooks.progress(hooks.ctx, k + 1);
  }
}

}  // namespace ns
