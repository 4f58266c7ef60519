// Thresholded correlation edges from one tile job's co-moment (LLM-scale redundancy, README "Correlation edges").
//
// A tile job streams the data once for the columns of two neuron blocks A and B (A's columns first), exactly as
// the dense pass does for all columns (stats/stream.h), so each co-moment element is the same float64 the dense
// pass computes: the SYRK sums every element over the same rows in the same panel order whatever the other
// columns are (checked bit for bit in test/edges/). From it r is computed with correlation_from_comoment's
// expression, clamp, zero-variance rule and float32 rounding, so an edge's r is the dense matrix's entry.
//
// Kept: pairs with |r| >= tau (tau > 0, so a constant neuron's r = 0 never makes an edge). Every pair, kept or
// not, is counted in a histogram of |r| (bins equal parts of [0, 1], |r| = 1 in the last), so what the
// threshold dropped is known.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/thread_pool.h"

namespace ns::edges {

// Columns [start, start + len) of the job's co-moment are the neurons first, first + 1, ... (global ids).
struct Block {
  size_t start = 0;
  size_t len = 0;
  uint32_t first = 0;
};

// Edges in (i, j) order, i < j (global ids).
struct EdgeList {
  std::vector<uint32_t> i, j;
  std::vector<float> r;
};

// Pearson r of local columns p < q of a packed W-column co-moment, as correlation_from_comoment rounds it.
// inv[p] = 1 / sqrt(M_pp), 0 for a zero-variance column.
std::vector<double> inverse_stds(const double* M, size_t W);

// The pairs (i in a, j in b) when a and b differ (a's neurons all below b's), or i < j within a when `diagonal`
// (b ignored). Appends to out in (i, j) order; hist (bins counts) is incremented for every pair visited.
void tile_edges(const double* M, size_t W, const Block& a, const Block& b, bool diagonal, double tau, size_t bins,
                EdgeList& out, uint64_t* hist, ThreadPool& pool);

// Sorts edges by (i, j) in place (tiles arrive block by block; the file is in global order).
void sort_edges(EdgeList& e);

}  // namespace ns::edges
