#include "rank/average_precision.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

#include "common/error.h"

namespace ns {

namespace {
// Neurons per task: their columns are copied out of the row-major matrix together, so each cache line read
// from X serves 16 neurons.
constexpr size_t kBlock = 16;

struct Item {
  uint32_t key;  // order-preserving image of the value, complemented: ascending key = descending value
  int32_t label;
};

// Maps a finite float to a uint32 whose unsigned order is the float order (flip all bits of negatives, the sign
// bit of positives), then complements it so that an ascending sort yields descending values. -0 is folded into
// +0 first: sklearn's thresholds compare values, and -0 == +0.
inline uint32_t descending_key(float v) {
  if (v == 0.0f) v = 0.0f;
  uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  u = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
  return ~u;
}

// LSD radix sort by key, 11 bits per pass (3 passes cover 32 bits): O(T) against std::sort's O(T log T), which
// dominated the AP pass. Equal keys end up adjacent, which is all the AP sweep needs.
void radix_sort(std::vector<Item>& a, std::vector<Item>& tmp) {
  constexpr int kBits = 11;
  constexpr uint32_t kBuckets = 1u << kBits;
  tmp.resize(a.size());
  uint32_t count[kBuckets];
  for (int shift = 0; shift < 32; shift += kBits) {
    std::memset(count, 0, sizeof count);
    for (const Item& it : a) ++count[(it.key >> shift) & (kBuckets - 1)];
    // A pass where every key falls in one bucket changes nothing: skip it (common for the high bits).
    if (count[(a.empty() ? 0 : (a[0].key >> shift)) & (kBuckets - 1)] == a.size()) continue;
    uint32_t sum = 0;
    for (uint32_t b = 0; b < kBuckets; ++b) {
      const uint32_t c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (const Item& it : a) tmp[count[(it.key >> shift) & (kBuckets - 1)]++] = it;
    a.swap(tmp);
  }
}
}  // namespace

std::vector<double> average_precision(const float* x, size_t T, size_t D, const int32_t* ids, size_t C,
                                      float zero_below, ThreadPool& pool, const double* mean, const double* std) {
  std::vector<double> ap(C * D, 0.0);
  std::vector<double> positives(C, 0.0);
  for (size_t t = 0; t < T; ++t) positives[ids[t]] += 1;
  const size_t blocks = (D + kBlock - 1) / kBlock;
  std::vector<std::pair<size_t, size_t>> bad(blocks, {SIZE_MAX, 0});
  struct Scratch {
    std::vector<float> cols;
    std::vector<Item> items, tmp;
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
      const double mu = mean ? mean[j0 + k] : 0.0, inv = std ? 1.0 / std[j0 + k] : 1.0;
      for (size_t t = 0; t < T; ++t) {
        const float v = mean ? static_cast<float>((col[t] - mu) * inv) : col[t];
        if (!std::isfinite(v)) {
          if (bad[b].first == SIZE_MAX || t < bad[b].first) bad[b] = {t, j0 + k};
          break;
        }
        s.items[t] = Item{descending_key(std::fabs(v) < zero_below ? 0.0f : v), ids[t]};
      }
      if (bad[b].first != SIZE_MAX) continue;
      radix_sort(s.items, s.tmp);
      std::fill(s.tp.begin(), s.tp.end(), 0.0);
      double* out = ap.data() + j0 + k;
      size_t i = 0;
      while (i < T) {
        size_t e = i;
        s.touched.clear();
        while (e < T && s.items[e].key == s.items[i].key) {
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
