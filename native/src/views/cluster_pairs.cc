#include "views/cluster_pairs.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ns::views {

void within_cluster_histograms(const float* corr, size_t n, size_t stride, const int32_t* labels, size_t clusters, size_t bins, ThreadPool& pool,
                               uint32_t* out) {
  std::vector<std::vector<size_t>> members(clusters);
  for (size_t i = 0; i < n; ++i) members[static_cast<size_t>(labels[i]) - 1].push_back(i);
  pool.parallel_for(clusters, [&](size_t c, size_t) {
    uint32_t* counts = out + c * bins;
    std::fill(counts, counts + bins, 0u);
    const auto& m = members[c];
    for (size_t a = 0; a < m.size(); ++a) {
      const float* row = corr + m[a] * stride;
      for (size_t b = a + 1; b < m.size(); ++b) {
        const double r = std::min(1.0, std::fabs(static_cast<double>(row[m[b]])));
        ++counts[std::min(bins - 1, static_cast<size_t>(r * static_cast<double>(bins)))];
      }
    }
  });
}

}  // namespace ns::views
