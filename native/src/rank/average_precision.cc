#include "rank/average_precision.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/error.h"

namespace ns {

namespace {
// Neurons per task: their columns are copied out of the row-major matrix together, so each cache line read
// from X serves 16 neurons.
constexpr size_t kBlock = 16;

struct Item {
  float v;
  int32_t label;
};
}  // namespace

std::vector<double> average_precision(const float* x, size_t T, size_t D, const int32_t* ids, size_t C,
                                      float zero_below, ThreadPool& pool) {
  std::vector<double> ap(C * D, 0.0);
  std::vector<double> positives(C, 0.0);
  for (size_t t = 0; t < T; ++t) positives[ids[t]] += 1;
  const size_t blocks = (D + kBlock - 1) / kBlock;
  std::vector<std::pair<size_t, size_t>> bad(blocks, {SIZE_MAX, 0});
  struct Scratch {
    std::vector<float> cols;
    std::vector<Item> items;
    std::vector<double> tp, group;
    std::vector<int32_t> touched;
  };
  std::vector<Scratch> scratch(pool.size());
  pool.parallel_for(blocks, [&](size_t b, size_t worker) {
    Scratch& s = scratch[worker];
    const size_t j0 = b * kBlock, j1 = std::min(D, j0 + kBlock), w = j1 - j0;
    s.cols.resize(w * T);
    s.items.resize(T);
    s.tp.assign(C, 0.0);
    s.group.assign(C, 0.0);
    for (size_t t = 0; t < T; ++t) {
      const float* row = x + t * D + j0;
      for (size_t k = 0; k < w; ++k) s.cols[k * T + t] = row[k];
    }
    for (size_t k = 0; k < w; ++k) {
      const float* col = s.cols.data() + k * T;
      for (size_t t = 0; t < T; ++t) {
        const float v = col[t];
        if (!std::isfinite(v)) {
          if (bad[b].first == SIZE_MAX || t < bad[b].first) bad[b] = {t, j0 + k};
          break;
        }
        s.items[t] = Item{std::fabs(v) < zero_below ? 0.0f : v, ids[t]};
      }
      if (bad[b].first != SIZE_MAX) continue;
      // Only the grouping of equal values matters below, so an unstable sort gives identical results.
      std::sort(s.items.begin(), s.items.end(), [](const Item& a, const Item& c) { return a.v > c.v; });
      std::fill(s.tp.begin(), s.tp.end(), 0.0);
      double* out = ap.data() + j0 + k;
      size_t i = 0;
      while (i < T) {
        size_t e = i;
        s.touched.clear();
        while (e < T && s.items[e].v == s.items[i].v) {
          const int32_t c = s.items[e].label;
          if (s.group[c] == 0) s.touched.push_back(c);
          s.group[c] += 1;
          ++e;
        }
        const double predicted = static_cast<double>(e);  // rows scoring >= this value
        for (int32_t c : s.touched) {
          s.tp[c] += s.group[c];
          // Recall grows by group/P for this class only; precision at this threshold is tp/predicted.
          out[static_cast<size_t>(c) * D] += (s.group[c] / positives[c]) * (s.tp[c] / predicted);
          s.group[c] = 0;
        }
        i = e;
      }
    }
  });
  for (const auto& h : bad) {
    if (h.first != SIZE_MAX) {
      std::ostringstream m;
      m << "activations: non-finite value at row " << h.first << ", neuron " << h.second;
      fail(Code::NonFinite, m.str());
    }
  }
  return ap;
}

}  // namespace ns
