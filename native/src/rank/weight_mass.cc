#include "rank/weight_mass.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "rank/argsort.h"

namespace ns {

void weight_mass_prefixes(const float* weight, size_t C, size_t D, const double* fractions, size_t F, bool ascending,
                          int32_t* order, int32_t* prefix) {
  std::vector<double> mass(D), cum(D);
  for (size_t c = 0; c < C; ++c) {
    const float* w = weight + c * D;
    for (size_t j = 0; j < D; ++j) mass[j] = std::fabs(static_cast<double>(w[j]));
    int32_t* o = order + c * D;
    if (ascending) argsort_ascending(mass.data(), D, o);
    else argsort_descending(mass.data(), D, o);
    double s = 0;
    for (size_t k = 0; k < D; ++k) cum[k] = s += mass[o[k]];
    const double total = D ? cum[D - 1] : 0.0;
    for (size_t f = 0; f < F; ++f) {
      // Running sums never decrease (|w| >= 0), so the first k with cum[k] >= target is a binary search.
      const double target = fractions[f] * total;
      const size_t k = static_cast<size_t>(std::lower_bound(cum.begin(), cum.end(), target) - cum.begin());
      prefix[c * F + f] = static_cast<int32_t>(k == D ? D : k + 1);
    }
  }
}

}  // namespace ns
