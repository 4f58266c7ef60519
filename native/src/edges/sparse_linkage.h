// Hierarchical clustering from a thresholded edge list (tile_edges.h), exact for every cut <= t_max.
//
// The edge list holds every pair with |r| >= tau; a missing pair has d = 1 - |r| > 1 - tau >= t_max. Why each
// method is exact below t_max:
//  - single: the clusters at cut t are the connected components of the pairs with d <= t (the single-linkage
//    tree is the minimum spanning tree), and every such pair is an edge. Kruskal over the edges by d.
//  - complete: a cluster pair's distance is its largest member distance, so a pair of clusters with a missing
//    member pair is farther than t_max and never merges below it. The pairs whose members are all edges have
//    their exact maxima; the greedy merge of the closest pair (complete linkage is reducible, so greedy and
//    scipy's nearest-neighbour chain build the same tree up to ties) runs on them alone.
//  - average: a cluster pair's distance is the mean of its |A||B| member distances. The known ones are summed;
//    each missing one lies in (1 - tau, 1], so the distance lies in an interval [L, U]. The greedy merge pops
//    the pair with the smallest L; when that pair has no missing member it is the closest pair for certain (its
//    exact value is <= every other pair's lower bound) and merges. When it has missing members, its exact value
//    is needed: the run stops and asks for the pairwise values of some neurons (step()), which the caller
//    computes from the data (one pass over the asked columns, the same arithmetic as the edges) and hands back
//    (supply()). Only decisions the bounds cannot settle cost a recomputation.
// Heights: d = 1 - |double(r)| from the float32 r, as the dense path computes them; average heights are
// (sum of member distances) / (|A||B|), the value Lance-Williams' recursion reaches with other roundings.
//
// Not built: the tree above t_max. Cluster numbering is ours (see flat_clusters), not scipy's fcluster's.
#pragma once
#include <cstddef>
#include <cstdint>
#include <queue>
#include <unordered_map>
#include <vector>

#include "cluster/condensed.h"

namespace ns::edges {

struct SparseMerge {
  int32_t a;  // slots (neuron ids of the clusters' first members), as cluster/condensed.h's Merge
  int32_t b;
  double height;
};

// What the average-linkage run did: merges whose pair was known from the edges alone, merges whose pair was
// recomputed first, cluster pairs recomputed, member pairs recomputed, passes over the data asked for.
struct Certificate {
  int64_t merges_by_bounds = 0;
  int64_t merges_after_recompute = 0;
  int64_t cluster_pairs_recomputed = 0;
  int64_t pairs_recomputed = 0;
  int64_t passes = 0;
};

class SparseLinkage {
 public:
  // n neurons; edges (i < j, |r| >= tau) as tile_edges writes them. t_max <= 1 - tau.
  SparseLinkage(size_t n, const uint32_t* i, const uint32_t* j, const float* r, size_t edges, Method method, double tau,
                double t_max, size_t max_columns);

  // Runs until every merge <= t_max is done (returns an empty list) or until the exact values of some cluster
  // pairs are needed (returns the neuron ids, ascending, whose pairwise co-moment supply() expects).
  std::vector<uint32_t> step();
  // The packed co-moment (core/syrk.h layout) of the columns step() returned, in that order.
  void supply(const double* M, size_t W);

  const std::vector<SparseMerge>& merges() const { return merges_; }
  const Certificate& certificate() const { return cert_; }

 private:
  struct Pair {
    double v = 0;           // average: sum of known member distances; complete: their maximum
    int64_t known = 0;      // member pairs known
    bool recomputed = false;  // made exact by supply()
  };
  struct Entry {
    double bound;
    int32_t a, b;
    bool operator>(const Entry& o) const { return bound != o.bound ? bound > o.bound : (a != o.a ? a > o.a : b > o.b); }
  };

  double lower(const Pair& p, int32_t a, int32_t b) const;
  double upper(const Pair& p, int32_t a, int32_t b) const;
  int64_t members_product(int32_t a, int32_t b) const { return int64_t(size_[a]) * size_[b]; }
  void push(int32_t a, int32_t b);
  void merge(int32_t a, int32_t b, double height);
  void single_linkage(const uint32_t* i, const uint32_t* j, const float* r, size_t edges);

  size_t n_;
  Method method_;
  double tau_, t_max_;
  size_t max_columns_;
  std::vector<int32_t> size_;
  std::vector<std::vector<uint32_t>> members_;
  std::vector<std::unordered_map<int32_t, Pair>> nbr_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
  std::vector<std::pair<int32_t, int32_t>> pending_;
  std::vector<uint32_t> pending_columns_;
  std::vector<SparseMerge> merges_;
  Certificate cert_;
};

// Flat clusters at cut t from merges (heights non-decreasing, as single, complete and average produce):
// every merge with height <= t applied. Labels 0, 1, ... numbered by each cluster's smallest neuron.
std::vector<int32_t> flat_clusters(size_t n, const std::vector<SparseMerge>& merges, double t);

}  // namespace ns::edges
