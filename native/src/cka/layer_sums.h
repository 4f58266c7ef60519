// The per-row sums that debiased (unbiased-HSIC) CKA needs beyond the co-moment, accumulated in the same
// streaming pass (Song et al. 2012, "Feature Selection via Dependence Maximization", JMLR 13, eq. 5;
// Kornblith et al. 2019, debiased=True). With n_a(r) = ||x'_r restricted to layer a||^2 for x' = x - shift:
//     q_a = sum_r n_a(r)            (L)
//     P_ab = sum_r n_a(r) n_b(r)    (L x L)
//     R_a = sum_r n_a(r) x'_r       (L x D)
// Plain sums, so chunks and shards add exactly once they share a shift (src/cka/layer-sums.ts moves a state to
// another shift). The shift (the first chunk's mean) keeps the fourth-order sums from cancelling
// catastrophically on activations with large means: the estimator is invariant to it.
#pragma once
#include <cstddef>
#include <vector>

#include "core/thread_pool.h"

namespace ns {

class LayerSums {
 public:
  // offsets: L + 1 increasing column boundaries, offsets[0] = 0, offsets[L] = D.
  explicit LayerSums(std::vector<size_t> offsets);

  // Folds in a float32 chunk (row stride ld). The first chunk fixes the shift to its column means `chunk_mean`.
  void add_chunk(const float* X, size_t rows, size_t ld, const double* chunk_mean, ThreadPool& pool);

  size_t layers() const { return offsets_.size() - 1; }
  const std::vector<double>& shift() const { return shift_; }
  const std::vector<double>& q() const { return q_; }
  const std::vector<double>& P() const { return P_; }
  const std::vector<double>& R() const { return R_; }

 private:
  std::vector<size_t> offsets_;
  size_t D_;
  bool started_ = false;
  std::vector<double> shift_, q_, P_, R_;
  std::vector<double> norms_;  // rows x L of the current chunk
};

}  // namespace ns
