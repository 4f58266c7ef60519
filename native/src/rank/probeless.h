// Probeless neuron ranking of Antverg & Belinkov 2022, "On the Pitfalls of Analyzing Individual Neurons in
// Language Models" (ICLR), as NeuroX's probeless.py computes it: q_c = mean activation of each neuron over the
// rows of class c; overall score of neuron j = sum over class pairs a < b of |q_a[j] - q_b[j]|; the score of
// neuron j for class c = sum over the other classes b of |q_c[j] - q_b[j]|. Classes without rows take no part
// (NeuroX only sees the labels that occur). Means are float64 sums over float32 activations divided by the
// count (NeuroX: numpy float32 mean), so scores do not depend on the thread count.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/thread_pool.h"

namespace ns {

struct ProbelessResult {
  std::vector<double> means;    // C x D class means (0 for classes without rows)
  std::vector<double> counts;   // rows per class
  std::vector<double> overall;  // D
  std::vector<double> per_class;  // C x D (0 for classes without rows)
};

// x: row-major T x D, finite (E_NONFINITE naming row and neuron otherwise); ids: T class ids in [0, C).
ProbelessResult probeless_scores(const float* x, size_t T, size_t D, const int32_t* ids, size_t C, ThreadPool& pool);

}  // namespace ns
