// libFuzzer target: the check every stats state passes before use (native/src/stats/check.h: count, finite
// means, non-negative diagonal within its slack, Cauchy-Schwarz per pair), on states built from arbitrary bytes:
// byte 0 gives the width D (1..24), bytes 1..8 the count, then D means and the packed D(D+1)/2 co-moments as
// float64 (missing bytes read as zero). Refusals (ns::Error) are expected; anything else is a finding.
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "core/thread_pool.h"
#include "stats/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 9) return 0;
  const size_t D = 1 + data[0] % 24;
  uint64_t count = 0;
  std::memcpy(&count, data + 1, 8);
  const size_t packed = D * (D + 1) / 2;
  std::vector<double> values(D + packed, 0.0);
  std::memcpy(values.data(), data + 9, std::min(size - 9, values.size() * sizeof(double)));
  static ns::ThreadPool pool(2);
  try {
    ns::check_stats("fuzz.stats", count, values.data(), values.data() + D, D, pool);
  } catch (const ns::Error&) {
  }
  return 0;
}
