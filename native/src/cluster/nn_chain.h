// The nearest-neighbour chain algorithm for the reducible linkages (complete, average, weighted, ward):
// Murtagh (1983), "A survey of recent advances in hierarchical clustering algorithms", The Computer Journal
// 26(4), after Benzécri (1982) and Juan (1982); in the form of Müllner (2011), "Modern hierarchical,
// agglomerative clustering algorithms", arXiv:1109.2378, Figure 4 (NN-chain-linkage), which is what
// scipy.cluster.hierarchy.nn_chain runs. O(n^2) time, no memory beyond the condensed matrix (updated in place).
//
// Ties are broken exactly as scipy 1.10 breaks them, so that with the same input the merge list, after
// label_merges(), is scipy's Z:
//   1. A new chain starts at the lowest-numbered live slot.
//   2. The nearest neighbour of the chain's tip x is the previous chain element p when d(x, p) is minimal
//      (this prevents cycles); otherwise the lowest-numbered slot i among those at the minimal distance
//      (slots are scanned in increasing order with a strict "<").
//   3. When x and y are reciprocal nearest neighbours they merge; with a = min(x, y), b = max(x, y), the new
//      cluster lives in slot b and slot a dies. The chain keeps its remaining elements.
//   4. The merge list is then stably sorted by height and relabelled (label.h): merges of equal height keep
//      the order in which the chain found them.
// Dead slots are handled differently from scipy but with the same outcome: scipy skips slots of size 0 in
// every scan; here their distances are set to +inf when they die, so a scan is a plain branch-free minimum
// over one contiguous row segment and one strided column. Live distances are finite (the caller rejects
// NaN/inf input, and every Lance-Williams update of finite values between reciprocal nearest neighbours is
// finite), so a +inf entry never wins a strict "<" and the chosen neighbours are those scipy chooses.
//
// Scans are saved with an exact cache of every slot's nearest neighbour (kept through merges as explained at
// the update loop); a slot's cache is only rebuilt by a full scan when its neighbour was one of the merged
// pair. The neighbour a query returns is the one scipy's full scan would return.
//
// With T = double every comparison and update is scipy's. With T = float the distances are stored in float32
// (updates computed in double from the stored values and rounded once); the merge order then equals the
// float64 one unless two candidate distances differ by less than float32 rounding (~6e-8 relative).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "cluster/condensed.h"
#include "cluster/lance_williams.h"
#include "common/error.h"

namespace ns {

namespace nn_chain_detail {

// Minimum of x's distances to every other slot and the lowest slot attaining it (strict "<" in slot order).
template <class T>
inline void nearest(const T* D, int64_t n, int64_t x, T& best, int64_t& arg) {
  best = std::numeric_limits<T>::infinity();
  arg = -1;
  // Column part: d(i, x) for i < x, one element per condensed row; the offset of (i, x) grows by n - i - 2.
  // The loads are one cache line each and hop by a varying stride, which hardware prefetchers do not follow:
  // prefetch kAhead rows ahead by software.
  constexpr int64_t kAhead = 24;
  int64_t off = x - 1;  // (0, x)
  int64_t ahead = off;
  const int64_t lead = std::min<int64_t>(kAhead, x);
  for (int64_t i = 0; i < lead; ++i) ahead += n - i - 2;
  for (int64_t i = 0; i < x; ++i) {
    if (i + kAhead < x) {
      __builtin_prefetch(D + ahead);
      ahead += n - (i + kAhead) - 2;
    }
    const T v = D[off];
    if (v < best) {
      best = v;
      arg = i;
    }
    off += n - i - 2;
  }
  // Row part: d(x, j) for j > x, contiguous. First the minimum (vectorisable), then its first position.
  const T* row = D + condensed_row(n, x);
  const int64_t len = n - x - 1;
  T m = std::numeric_limits<T>::infinity();
  constexpr int kLanes = 16;
  T acc[kLanes];
  for (int l = 0; l < kLanes; ++l) acc[l] = m;
  int64_t j = 0;
  for (; j + kLanes <= len; j += kLanes)
    for (int l = 0; l < kLanes; ++l) acc[l] = row[j + l] < acc[l] ? row[j + l] : acc[l];
  for (int l = 0; l < kLanes; ++l) m = acc[l] < m ? acc[l] : m;
  for (; j < len; ++j) m = row[j] < m ? row[j] : m;
  if (m < best) {
    for (j = 0; row[j] != m; ++j) {
    }
    best = m;
    arg = x + 1 + j;
  }
}

template <class T>
inline double update(Method method, double d_xi, double d_yi, double d_xy, int nx, int ny, int ni) {
  switch (method) {
    case Method::Complete: return lance_williams::complete(d_xi, d_yi, d_xy, nx, ny, ni);
    case Method::Average: return lance_williams::average(d_xi, d_yi, d_xy, nx, ny, ni);
    case Method::Weighted: return lance_williams::weighted(d_xi, d_yi, d_xy, nx, ny, ni);
    case Method::Ward: return lance_williams::ward(d_xi, d_yi, d_xy, nx, ny, ni);
    case Method::Single: return lance_williams::single(d_xi, d_yi, d_xy, nx, ny, ni);
  }
  return 0;
}

template <class T, Method M>
void run(T* D, int64_t n, std::vector<Merge>& merges, const LinkageHooks& hooks) {
  constexpr T kInf = std::numeric_limits<T>::infinity();
  std::vector<int32_t> size(n, 1);
  std::vector<int32_t> chain(n);
  // Cached nearest neighbour of each slot (the lowest slot at the minimal distance) and that distance;
  // nn[i] = -1 when unknown. See the update loop for why a cached entry stays exact.
  std::vector<int32_t> nn(n, -1);
  std::vector<T> nnd(n, kInf);
  int64_t chain_length = 0;
  int64_t first_live = 0;
  const int64_t report_every = std::max<int64_t>(1, (n - 1) / 256);
  merges.clear();
  merges.reserve(n - 1);
  for (int64_t k = 0; k < n - 1; ++k) {
    if (hooks.cancel && hooks.cancel->load(std::memory_order_relaxed)) fail(Code::Cancelled, "linkage cancelled");
    if (chain_length == 0) {
      while (size[first_live] == 0) ++first_live;
      chain[0] = static_cast<int32_t>(first_live);
      chain_length = 1;
    }
    int64_t x, y;
    T current_min;
    for (;;) {
      x = chain[chain_length - 1];
      if (nn[x] < 0) {
        T b;
        int64_t a;
        nearest(D, n, x, b, a);
        // Only an update overflowing to +inf (ward on distances near the top of the type's range) can
        // leave a live slot with no finite neighbour; scipy would go on with inf heights, we stop.
        if (a < 0) fail(Code::NonFinite, "linkage: a Lance-Williams update overflowed to infinity (distances too large for the storage type)");
        nn[x] = static_cast<int32_t>(a);
        nnd[x] = b;
      }
      const T best = nnd[x];
      const int64_t arg = nn[x];
      if (chain_length > 1) {
        const int64_t p = chain[chain_length - 2];
        const T dp = D[p < x ? condensed_index(n, p, x) : condensed_index(n, x, p)];
        // The previous element wins ties (scipy starts its scan with it as the current minimum).
        if (!(best < dp)) {
          y = p;
          current_min = dp;
          break;
        }
      }
      y = arg;
      current_min = best;
      chain[chain_length++] = static_cast<int32_t>(y);
    }
    chain_length -= 2;
    if (x > y) std::swap(x, y);
    const int nx = size[x], ny = size[y];
    merges.push_back({static_cast<int32_t>(x), static_cast<int32_t>(y), static_cast<double>(current_min)});
    size[x] = 0;
    size[y] = nx + ny;
    // Lance-Williams update of the new cluster's distances (slot y); slot x's distances become +inf. Dead
    // slots need no test: their entries are +inf on both sides and every formula maps (inf, inf) to inf
    // (size 0 included), so the loop over i > y is branch-free and contiguous in both rows.
    //
    // Nearest-neighbour cache (exact, not a heuristic): slot i's entry (c, d(i, c)), c the lowest slot at
    // i's minimal distance, stays exact through this merge unless c is x or y (then it is dropped and
    // recomputed by a full scan when next needed): d(i, x) disappears, and x could not tie with c below c
    // (c is the lowest at the minimum), and the one changed distance, the new d(i, y), takes over exactly
    // when it is smaller, or equal with y < c. Comparisons are on the stored T values, as a scan's are.
    const double d_xy = static_cast<double>(current_min);
    auto refresh = [&](int64_t i, T v) {
      const int32_t c = nn[i];
      if (c == x || c == y) {
        nn[i] = -1;
      } else if (c >= 0 && (v < nnd[i] || (v == nnd[i] && y < c))) {
        nn[i] = static_cast<int32_t>(y);
        nnd[i] = v;
      }
    };
    auto lw = [&](T* pix, T* piy, int64_t i) {
      *piy = static_cast<T>(update<T>(M, static_cast<double>(*pix), static_cast<double>(*piy), d_xy, nx, ny, size[i]));
      *pix = kInf;
      refresh(i, *piy);
    };
    nn[y] = -1;
    int64_t off_x = x - 1, off_y = y - 1;  // (i, x) and (i, y) for i = 0, then down the columns
    constexpr int64_t kAhead = 24;          // software prefetch, as in nearest()
    int64_t ahead = off_x;
    for (int64_t i = 0; i < std::min<int64_t>(kAhead, x); ++i) ahead += n - i - 2;
    for (int64_t i = 0; i < x; ++i) {
      if (i + kAhead < x) {
        __builtin_prefetch(D + ahead);
        __builtin_prefetch(D + ahead + (y - x));
        ahead += n - (i + kAhead) - 2;
      }
      if (size[i] != 0) lw(D + off_x, D + off_y, i);
      off_x += n - i - 2;
      off_y += n - i - 2;
    }
    T* row_x = D + condensed_row(n, x) - (x + 1);  // row_x[i] = (x, i), i > x
    row_x[y] = kInf;
    off_y += n - x - 2;
    for (int64_t i = x + 1; i < y; ++i) {
      if (size[i] != 0) lw(row_x + i, D + off_y, i);
      off_y += n - i - 2;
    }
    T* row_y = D + condensed_row(n, y) - (y + 1);  // row_y[i] = (y, i), i > y
    for (int64_t i = y + 1; i < n; ++i) {
      const double v = update<T>(M, static_cast<double>(row_x[i]), static_cast<double>(row_y[i]), d_xy, nx, ny, size[i]);
      row_y[i] = static_cast<T>(v);
      row_x[i] = kInf;
    }
    for (int64_t i = y + 1; i < n; ++i)
      if (size[i] != 0) refresh(i, row_y[i]);
    if (hooks.progress && ((k + 1) % report_every == 0 || k + 2 == n)) hooks.progress(hooks.ctx, k + 1);
  }
}

}  // namespace nn_chain_detail

// Runs the NN-chain on the condensed matrix D of n >= 2 points (destroyed: it holds the inter-cluster
// distances as the algorithm goes) and fills `merges` with the n - 1 merges in the order found.
template <class T>
void nn_chain(T* D, int64_t n, Method method, std::vector<Merge>& merges, const LinkageHooks& hooks) {
  switch (method) {
    case Method::Complete: return nn_chain_detail::run<T, Method::Complete>(D, n, merges, hooks);
    case Method::Average: return nn_chain_detail::run<T, Method::Average>(D, n, merges, hooks);
    case Method::Weighted: return nn_chain_detail::run<T, Method::Weighted>(D, n, merges, hooks);
    case Method::Ward: return nn_chain_detail::run<T, Method::Ward>(D, n, merges, hooks);
    case Method::Single: fail(Code::Internal, "nn_chain: single linkage runs on the MST (mst_single.h)");
  }
}

}  // namespace ns
