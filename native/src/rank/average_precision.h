// Neuron ranking by average precision, NeuroX's iou_probe.get_neuron_ordering: activations with |x| below a
// threshold (0.05) are set to 0, and each neuron's activations score the rows as detectors of a class;
// AP is scikit-learn's average_precision_score (step-wise, no interpolation):
//   AP = sum over distinct score values v, in decreasing order, of (R(v) - R(prev)) * P(v),
// with P(v) and R(v) precision and recall of "score >= v"; tied scores form one threshold. A class with no
// rows gets AP 0 (sklearn returns -0.0 with a warning). Every class is scored one-vs-rest in a single sweep
// over the neuron's activations sorted by a radix sort: O(T) per neuron, whatever C.
// NeuroX takes binary labels only; the multiclass use (one AP per class) is ours.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/thread_pool.h"

namespace ns {

// x: row-major T x D, finite (E_NONFINITE otherwise); ids: T class ids in [0, C). Returns C x D APs.
// mean/std (both or neither, D values, std > 0): score z-scored activations float((x - mean) * (1 / std)), the
// values a z-scoring probe sees, before the |z| < zero_below test.
std::vector<double> average_precision(const float* x, size_t T, size_t D, const int32_t* ids, size_t C,
                                      float zero_below, ThreadPool& pool, const double* mean = nullptr,
                                      const double* std = nullptr);

}  // namespace ns
