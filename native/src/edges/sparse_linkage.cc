#include "edges/sparse_linkage.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "common/error.h"
#include "core/syrk.h"
#include "edges/tile_edges.h"
#include "stats/comoments.h"

namespace ns::edges {

namespace {

// d = 1 - |r| from the stored float32 r, as cluster/distances.h computes it.
inline double distance(float r) { return 1.0 - std::fabs(static_cast<double>(r)); }

int32_t find(std::vector<int32_t>& parent, int32_t x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

}  // namespace

SparseLinkage::SparseLinkage(size_t n, const uint32_t* i, const uint32_t* j, const float* r, size_t edges,
                             Method method, double tau, double t_max, size_t max_columns)
    : n_(n), method_(method), tau_(tau), t_max_(t_max), max_columns_(max_columns) {
  if (method != Method::Single && method != Method::Complete && method != Method::Average)
    fail(Code::Argument, "clustering from edges: method must be single, complete or average");
  if (!(tau > 0 && tau <= 1) || !(t_max >= 0 && t_max <= 1 - tau))
    fail(Code::Argument, "clustering from edges: need 0 < tau <= 1 and 0 <= t_max <= 1 - tau (tau " + std::to_string(tau) +
                             ", t_max " + std::to_string(t_max) + ")");
  for (size_t e = 0; e < edges; ++e)
    if (i[e] >= j[e] || j[e] >= n || !(std::fabs(r[e]) >= tau && std::fabs(r[e]) <= 1))
      fail(Code::Format, "clustering from edges: edge " + std::to_string(e) + " (" + std::to_string(i[e]) + ", " +
                             std::to_string(j[e]) + ", r = " + std::to_string(r[e]) +
                             ") is not a pair i < j < n with tau <= |r| <= 1");
  if (method == Method::Single) {
    single_linkage(i, j, r, edges);
    return;
  }
  size_.assign(n, 1);
  members_.resize(n);
  for (size_t k = 0; k < n; ++k) members_[k] = {static_cast<uint32_t>(k)};
  nbr_.resize(n);
  for (size_t e = 0; e < edges; ++e) {
    const Pair p{distance(r[e]), 1, false};
    if (!nbr_[i[e]].emplace(static_cast<int32_t>(j[e]), p).second)
      fail(Code::Format, "clustering from edges: the pair (" + std::to_string(i[e]) + ", " + std::to_string(j[e]) + ") appears twice");
    nbr_[j[e]].emplace(static_cast<int32_t>(i[e]), p);
  }
  for (size_t e = 0; e < edges; ++e) push(static_cast<int32_t>(i[e]), static_cast<int32_t>(j[e]));
}

void SparseLinkage::single_linkage(const uint32_t* i, const uint32_t* j, const float* r, size_t edges) {
  // Kruskal: edges by (d, i, j), each joining two components is a merge at its d (the slots are the
  // components' smallest neurons, so the labels match flat_clusters' numbering).
  std::vector<size_t> order;
  for (size_t e = 0; e < edges; ++e)
    if (distance(r[e]) <= t_max_) order.push_back(e);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const double dx = distance(r[x]), dy = distance(r[y]);
    return dx != dy ? dx < dy : (i[x] != i[y] ? i[x] < i[y] : j[x] < j[y]);
  });
  std::vector<int32_t> parent(n_);
  std::iota(parent.begin(), parent.end(), 0);
  for (size_t e : order) {
    const int32_t a = find(parent, static_cast<int32_t>(i[e])), b = find(parent, static_cast<int32_t>(j[e]));
    if (a == b) continue;
    const int32_t lo = std::min(a, b), hi = std::max(a, b);
    parent[hi] = lo;
    merges_.push_back({lo, hi, distance(r[e])});
    ++cert_.merges_by_bounds;
  }
}

double SparseLinkage::lower(const Pair& p, int32_t a, int32_t b) const {
  const int64_t all = members_product(a, b);
  if (method_ == Method::Complete) return p.known == all ? p.v : 2.0;  // a missing member: beyond t_max
  // Each missing member distance is > 1 - tau.
  return (p.v + static_cast<double>(all - p.known) * (1.0 - tau_)) / static_cast<double>(all);
}

double SparseLinkage::upper(const Pair& p, int32_t a, int32_t b) const {
  const int64_t all = members_product(a, b);
  return (p.v + static_cast<double>(all - p.known)) / static_cast<double>(all);
}

void SparseLinkage::push(int32_t a, int32_t b) {
  const Pair& p = nbr_[a].at(b);
  const double L = lower(p, a, b);
  if (L <= t_max_) heap_.push({L, std::min(a, b), std::max(a, b)});
}

std::vector<uint32_t> SparseLinkage::step() {
  if (method_ == Method::Single) return {};
  while (!heap_.empty()) {
    const Entry top = heap_.top();
    // Stale entries: a slot merged away, or the pair's bound changed since (a newer entry holds it).
    const auto it = size_[top.a] > 0 && size_[top.b] > 0 ? nbr_[top.a].find(top.b) : nbr_[top.a].end();
    if (it == nbr_[top.a].end() || lower(it->second, top.a, top.b) != top.bound) {
      heap_.pop();
      continue;
    }
    const Pair& p = it->second;
    if (p.known == members_product(top.a, top.b)) {
      heap_.pop();
      // Exact, and <= every other pair's lower bound: the closest pair.
      const bool recomputed = p.recomputed;
      merge(top.a, top.b, method_ == Method::Complete ? p.v : p.v / static_cast<double>(members_product(top.a, top.b)));
      ++(recomputed ? cert_.merges_after_recompute : cert_.merges_by_bounds);
      continue;
    }
    // Average linkage, the smallest lower bound has missing members: its exact value decides. Every other
    // inexact pair whose interval reaches below this pair's upper bound could decide next, so they are
    // recomputed in the same pass, as far as max_columns allows (the top pair always).
    const double reach = std::min(upper(p, top.a, top.b), t_max_);
    std::vector<Entry> put_back;  // popped but not asked for now: exact pairs, and pairs past max_columns
    std::vector<uint32_t> cols;
    pending_.clear();
    while (!heap_.empty() && heap_.top().bound <= reach) {
      const Entry e = heap_.top();
      heap_.pop();
      const auto jt = size_[e.a] > 0 && size_[e.b] > 0 ? nbr_[e.a].find(e.b) : nbr_[e.a].end();
      if (jt == nbr_[e.a].end() || lower(jt->second, e.a, e.b) != e.bound) continue;
      if (jt->second.known == members_product(e.a, e.b)) {
        put_back.push_back(e);
        continue;
      }
      std::vector<uint32_t> with = cols;
      with.insert(with.end(), members_[e.a].begin(), members_[e.a].end());
      with.insert(with.end(), members_[e.b].begin(), members_[e.b].end());
      std::sort(with.begin(), with.end());
      with.erase(std::unique(with.begin(), with.end()), with.end());
      if (!pending_.empty() && with.size() > max_columns_) {
        put_back.push_back(e);  // next pass
        continue;
      }
      cols = std::move(with);
      pending_.push_back({e.a, e.b});
    }
    for (const Entry& e : put_back) heap_.push(e);
    pending_columns_ = cols;
    ++cert_.passes;
    return cols;
  }
  return {};
}

void SparseLinkage::supply(const double* M, size_t W) {
  if (W != pending_columns_.size()) fail(Code::Argument, "SparseLinkage.supply: the co-moment's width is not the asked column count");
  const std::vector<double> inv = inverse_stds(M, W);
  std::unordered_map<uint32_t, size_t> local;
  for (size_t k = 0; k < W; ++k) local[pending_columns_[k]] = k;
  for (const auto& [a, b] : pending_) {
    double sum = 0;
    for (uint32_t x : members_[a]) {
      for (uint32_t y : members_[b]) {
        size_t p = local.at(x), q = local.at(y);
        if (p > q) std::swap(p, q);
        sum += distance(pearson_f32(M[packed_row_offset(p, W) + q - p], inv[p], inv[q]));
      }
    }
    const Pair exact{sum, members_product(a, b), true};
    nbr_[a][b] = exact;
    nbr_[b][a] = exact;
    ++cert_.cluster_pairs_recomputed;
    cert_.pairs_recomputed += members_product(a, b);
    push(a, b);
  }
  pending_.clear();
  pending_columns_.clear();
}

void SparseLinkage::merge(int32_t a, int32_t b, double height) {
  // The survivor keeps the larger neighbour map (small-to-large keeps the total work O(E log n)); the merge
  // records the slots as (smaller id, larger id) so flat_clusters numbers clusters by their smallest neuron.
  merges_.push_back({std::min(a, b), std::max(a, b), height});
  int32_t keep = a, gone = b;
  if (nbr_[keep].size() < nbr_[gone].size()) std::swap(keep, gone);
  nbr_[keep].erase(gone);
  nbr_[gone].erase(keep);
  const int32_t size_keep = size_[keep], size_gone = size_[gone];
  // Pairs of the merged cluster: keep's entries plus gone's, member counts added.
  for (auto& [k, pg] : nbr_[gone]) {
    nbr_[k].erase(gone);
    auto it = nbr_[keep].find(k);
    if (it == nbr_[keep].end()) {
      nbr_[keep].emplace(k, Pair{pg.v, pg.known, false});
    } else if (method_ == Method::Complete) {
      it->second = Pair{std::max(it->second.v, pg.v), it->second.known + pg.known, false};
    } else {
      it->second = Pair{it->second.v + pg.v, it->second.known + pg.known, false};
    }
  }
  nbr_[gone].clear();
  nbr_[gone].rehash(0);
  size_[keep] = size_keep + size_gone;
  size_[gone] = 0;
  members_[keep].insert(members_[keep].end(), members_[gone].begin(), members_[gone].end());
  std::vector<uint32_t>().swap(members_[gone]);
  for (auto& [k, p] : nbr_[keep]) {
    p.recomputed = false;
    nbr_[k][keep] = p;
    push(keep, k);
  }
}

std::vector<int32_t> flat_clusters(size_t n, const std::vector<SparseMerge>& merges, double t) {
  std::vector<int32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  for (const SparseMerge& m : merges) {
    if (m.height > t) continue;
    const int32_t a = find(parent, m.a), b = find(parent, m.b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
  std::vector<int32_t> label(n, -1), of_root(n, -1);
  int32_t next = 0;
  for (size_t k = 0; k < n; ++k) {
    const int32_t root = find(parent, static_cast<int32_t>(k));
    if (of_root[root] < 0) of_root[root] = next++;
    label[k] = of_root[root];
  }
  return label;
}

}  // namespace ns::edges
