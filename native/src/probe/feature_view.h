// A neuron subset of an in-memory activation matrix, read where it lies. `neurosieve analyze` trains hundreds of
// probes on column subsets of one loaded matrix (a layer, a prefix of layers, the kept neurons of a clustering,
// the first k of a ranking); copying X for each would double the peak memory and the time of every probe.
// Instead the trainer gathers the rows it is about to use (one minibatch, one prediction block) into a small
// contiguous buffer and runs the same kernels on it, so a probe on a view computes exactly the bytes it would
// compute on a copied matrix.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ns {
namespace probe {

struct FeatureView {
  const float* x = nullptr;             // row-major, rows of `stride` floats
  size_t stride = 0;                    // floats per source row
  const uint32_t* columns = nullptr;    // `cols` source column ids, or null: the first `cols` columns
  size_t cols = 0;                      // features per row

  // True when rows are already contiguous `cols`-float rows: no gather needed.
  bool contiguous() const { return columns == nullptr && stride == cols; }

  // Rows [r0, r0 + n) of the view into out (n × cols, row-major).
  void gather(size_t r0, size_t n, float* out) const {
    for (size_t r = 0; r < n; ++r) {
      const float* src = x + (r0 + r) * stride;
      float* dst = out + r * cols;
      if (columns == nullptr) {
        std::memcpy(dst, src, cols * sizeof(float));
      } else {
        for (size_t j = 0; j < cols; ++j) dst[j] = src[columns[j]];
      }
    }
  }

  // A pointer to rows [r0, r0 + n) as contiguous `cols`-float rows: into x when contiguous, else gathered into
  // scratch (at least n × cols floats).
  const float* rows(size_t r0, size_t n, float* scratch) const {
    if (contiguous()) return x + r0 * cols;
    gather(r0, n, scratch);
    return scratch;
  }
};

}  // namespace probe
}  // namespace ns
