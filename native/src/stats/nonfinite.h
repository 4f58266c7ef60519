// NaN / Inf in a chunk of activations: either found (first one, in row-major order, for the error message) or
// replaced by 0 and counted. Activation dumps with NaN are usually a bug upstream (fp16 overflow in the model),
// so the default is to stop and say where; `--nan zero` is the explicit opt-in.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/thread_pool.h"

namespace ns {

struct NonFiniteHit {
  bool found = false;
  size_t row = 0, col = 0;
  float value = 0;
};

// First non-finite value of the rows x D chunk, scanning rows in order.
NonFiniteHit find_nonfinite(const float* X, size_t rows, size_t D, size_t ld, ThreadPool& pool);

// Replaces every NaN/Inf by 0 and returns how many there were.
uint64_t zero_nonfinite(float* X, size_t rows, size_t D, size_t ld, ThreadPool& pool);

}  // namespace ns
