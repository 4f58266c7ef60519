#include "cluster/central.h"

#include <algorithm>

#include "cluster/condensed.h"
#include "common/error.h"

namespace ns {

template <class T>
std::vector<int32_t> central_representatives(const T* D, int64_t n, const int32_t* labels, ThreadPool& pool) {
  int32_t k = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (labels[i] < 1) fail(Code::Argument, "central representatives: cluster labels must be >= 1");
    k = std::max(k, labels[i]);
  }
  // Members of each cluster in increasing order (counting sort).
  std::vector<int64_t> start(static_cast<size_t>(k) + 1, 0);
  for (int64_t i = 0; i < n; ++i) ++start[labels[i]];
  for (int32_t c = 1; c <= k; ++c) start[c] += start[c - 1];
  std::vector<int32_t> members(n);
  {
    std::vector<int64_t> fill(start.begin(), start.end() - 1);
    for (int64_t i = 0; i < n; ++i) members[fill[labels[i] - 1]++] = static_cast<int32_t>(i);
  }
  std::vector<double> score(n, 0.0);
  pool.parallel_for(static_cast<size_t>(n), [&](size_t task, size_t) {
    const int64_t i = static_cast<int64_t>(task);
    const int32_t c = labels[i] - 1;
    double s = 0;
    for (int64_t m = start[c]; m < start[c + 1]; ++m) {
      const int64_t j = members[m];
      if (j == i) continue;
      const T d = i < j ? D[condensed_index(n, i, j)] : D[condensed_index(n, j, i)];
      s += 1.0 - static_cast<double>(d);
    }
    score[i] = s;
  });
  std::vector<int32_t> rep(k);
  for (int32_t c = 0; c < k; ++c) {
    if (start[c] == start[c + 1]) fail(Code::Argument, "central representatives: cluster " + std::to_string(c + 1) + " is empty");
    int32_t best = members[start[c]];
    for (int64_t m = start[c] + 1; m < start[c + 1]; ++m)
      if (score[members[m]] > score[best]) best = members[m];
    rep[c] = best;
  }
  return rep;
}

template std::vector<int32_t> central_representatives<float>(const float*, int64_t, const int32_t*, ThreadPool&);
template std::vector<int32_t> central_representatives<double>(const double*, int64_t, const int32_t*, ThreadPool&);

}  // namespace ns
