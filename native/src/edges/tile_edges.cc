#include "edges/tile_edges.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/syrk.h"
#include "stats/comoments.h"

namespace ns::edges {

std::vector<double> inverse_stds(const double* M, size_t W) {
  std::vector<double> inv(W);
  for (size_t p = 0; p < W; ++p) {
    const double v = M[packed_row_offset(p, W)];
    inv[p] = v > 0 ? 1.0 / std::sqrt(v) : 0.0;
  }
  return inv;
}

void tile_edges(const double* M, size_t W, const Block& a, const Block& b, bool diagonal, double tau, size_t bins,
                EdgeList& out, uint64_t* hist, ThreadPool& pool) {
  const std::vector<double> inv = inverse_stds(M, W);
  // One task per row of block a; each keeps its row's edges and histogram, joined in row order afterwards so
  // the result does not depend on the thread count.
  struct Row {
    std::vector<uint32_t> j;
    std::vector<float> r;
    std::vector<uint64_t> hist;
  };
  std::vector<Row> rows(a.len);
  pool.parallel_for(a.len, [&](size_t ia, size_t) {
    Row& row = rows[ia];
    row.hist.assign(bins, 0);
    const size_t p = a.start + ia;
    const double* Mp = M + packed_row_offset(p, W) - p;  // Mp[q] = M_pq for q >= p
    const size_t q0 = diagonal ? p + 1 : b.start;
    const size_t q1 = diagonal ? a.start + a.len : b.start + b.len;
    const uint32_t id0 = diagonal ? a.first + static_cast<uint32_t>(ia + 1) : b.first;
    for (size_t q = q0; q < q1; ++q) {
      const float rf = pearson_f32(Mp[q], inv[p], inv[q]);
      const double ar = std::fabs(static_cast<double>(rf));
      ++row.hist[std::min(bins - 1, static_cast<size_t>(ar * static_cast<double>(bins)))];
      if (ar >= tau) {
        row.j.push_back(id0 + static_cast<uint32_t>(q - q0));
        row.r.push_back(rf);
      }
    }
  });
  for (size_t ia = 0; ia < a.len; ++ia) {
    const Row& row = rows[ia];
    out.i.insert(out.i.end(), row.j.size(), a.first + static_cast<uint32_t>(ia));
    out.j.insert(out.j.end(), row.j.begin(), row.j.end());
    out.r.insert(out.r.end(), row.r.begin(), row.r.end());
    for (size_t k = 0; k < bins; ++k) hist[k] += row.hist[k];
  }
}

void sort_edges(EdgeList& e) {
  const size_t n = e.i.size();
  std::vector<uint64_t> key(n);
  for (size_t k = 0; k < n; ++k) key[k] = (uint64_t(e.i[k]) << 32) | e.j[k];
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return key[x] < key[y]; });
  EdgeList s;
  s.i.resize(n);
  s.j.resize(n);
  s.r.resize(n);
  for (size_t k = 0; k < n; ++k) {
    s.i[k] = e.i[order[k]];
    s.j[k] = e.j[order[k]];
    s.r[k] = e.r[order[k]];
  }
  e = std::move(s);
}

}  // namespace ns::edges
