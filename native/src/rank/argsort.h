// Rankings sort scores best first; equal scores keep ascending neuron ids, so a ranking is a pure function of
// the scores (NeuroX's np.argsort(s)[::-1] uses an unstable quicksort for n > 16, so its tie order is an
// accident of the input; we state ours instead).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>

namespace ns {

// out[0..n) = indices of s, larger first, ties by ascending index. NaN must not occur (callers check).
inline void argsort_descending(const double* s, size_t n, int32_t* out) {
  std::iota(out, out + n, 0);
  std::stable_sort(out, out + n, [s](int32_t a, int32_t b) { return s[a] > s[b]; });
}

// The same, smaller first.
inline void argsort_ascending(const double* s, size_t n, int32_t* out) {
  std::iota(out, out + n, 0);
  std::stable_sort(out, out + n, [s](int32_t a, int32_t b) { return s[a] < s[b]; });
}

}  // namespace ns
