// Lance & Williams (1967), "A general theory of classificatory sorting strategies: 1. Hierarchical systems",
// The Computer Journal 9(4): the distance from cluster i to the union of clusters x and y, from d(x, i),
// d(y, i), d(x, y) and the sizes. One function per formula.
//
// Each expression is written with the same operand order as scipy's _hierarchy_distance_update.pxi
// (integers converted to double, left-to-right evaluation), so that with double storage our heights are
// bit-identical to scipy's. That also needs the compiler not to fuse a*b + c into an FMA: the addon's baseline
// x86-64 build has no FMA instructions (and test/linkage.test.ts compares with scipy bit for bit, so a build
// that contracts would fail there). The condensed storage may be float: the update is then computed in double
// from the stored floats and rounded once when stored.
#pragma once
#include <algorithm>
#include <cmath>

namespace ns::lance_williams {

// Single linkage: min (only used by the naive reference; production single linkage is the MST, mst_single.h).
inline double single(double d_xi, double d_yi, double, int, int, int) { return d_xi < d_yi ? d_xi : d_yi; }

// Complete linkage: max.
inline double complete(double d_xi, double d_yi, double, int, int, int) { return d_yi > d_xi ? d_yi : d_xi; }

// Average linkage (UPGMA, Sokal & Michener 1958): the size-weighted mean.
inline double average(double d_xi, double d_yi, double, int size_x, int size_y, int) {
  return (size_x * d_xi + size_y * d_yi) / (size_x + size_y);
}

// Weighted linkage (WPGMA, McQuitty 1966): the plain mean.
inline double weighted(double d_xi, double d_yi, double, int, int, int) { return 0.5 * (d_xi + d_yi); }

// Ward (1963), minimum variance, in the form of Wishart (1969) for distances (not squared distances).
// Inside the root is >= 0 whenever x, y are reciprocal nearest neighbours (d_xy <= d_xi, d_yi), which is the
// only case the NN-chain merges.
inline double ward(double d_xi, double d_yi, double d_xy, int size_x, int size_y, int size_i) {
  const double t = 1.0 / (size_x + size_y + size_i);
  return std::sqrt((size_i + size_x) * t * d_xi * d_xi + (size_i + size_y) * t * d_yi * d_yi - size_i * t * d_xy * d_xy);
}

}  // namespace ns::lance_williams
