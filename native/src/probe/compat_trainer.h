// NeuroX's train_logistic_regression_probe (neurox/interpretation/linear_probe.py; method.md §3), reproduced:
// logits = X·Wᵀ + b, softmax cross-entropy (binary = two-way softmax), and per minibatch
//     loss = CE (mean, or torch's weighted mean Σω·CE / Σω with class weights) + λ1·Σ|W| + λ2·sqrt(ΣW²)
// (the Frobenius norm unsquared; only W is penalised; ∂|w| = sign(w), 0 at 0; ∂‖W‖ = W/‖W‖, 0 when ‖W‖ = 0),
// one Adam or SGD step per minibatch (probe/optimizer.h), minibatches walking the rows in order with no reshuffle
// (the last one partial), a fixed number of epochs. The initial W and b come from the caller (probe/compat_init.h).
//
// Early stopping (the paper's token-tagging variant), when patience > 0 and validation rows are given: after each
// epoch the validation accuracy of the current model; an epoch whose accuracy is not strictly above the best so far
// adds 1 to a counter that is never reset; training stops when the counter reaches `patience`, and the LAST model
// (not the best) is returned. Validation accuracy is also recorded without patience.
//
// Per minibatch, on pools of 1 or 2 threads: forward, softmax and Gᵀ·X in groups of 8 rows on the calling thread
// (the rows are re-read from L2 rather than from memory), then one pass over W's columns (tasks of kBlockCols
// columns, on the pool) doing the penalty gradient, the optimizer step and the new Σ|W|, ΣW² (per task, added in
// task order). On pools of 3 or more: forward dots over the batch's rows (tasks of 2 rows, in parallel), softmax/CE
// on the calling thread, then the column pass computes Gᵀ·X too (compat_trainer.cc says why, with timings). Both
// paths compute every value with the same operations in the same order, so results are bit-identical for any
// thread count. No allocation inside the loop.
// Float64: logits' block sums, softmax/CE, the loss, Σ|W| and ΣW², bias corrections. Float32: X, W, b, Adam
// moments, the logit gradient and Gᵀ·X (≤ batch terms), as in torch.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "probe/feature_view.h"

namespace ns {
namespace probe {

struct CompatConfig {
  size_t cols = 0;
  size_t classes = 0;
  bool adam = true;
  double lr = 1e-3;
  size_t epochs = 10;
  size_t batch = 32;
  double l1 = 0;
  double l2 = 0;
  size_t patience = 0;  // 0: fixed epochs
  size_t threads = 0;   // 0: all hardware threads
  // NeuroX's train_linear_regression_probe: one output (classes = 1), torch's MSELoss (mean over the minibatch's
  // rows) instead of the cross-entropy, the same penalty and optimizer (probe/squared_error.h). Validation then
  // records the mean squared error, and early stopping counts epochs whose error is not strictly below the best.
  bool regression = false;
};

// Rows of float32 features and a class id in [0, classes) per row. rows = 0: absent. The features are x's rows
// (row-major, `stride` floats apart; 0 means cols) restricted to `columns` (cols source ids; null: the first
// cols), read in place (probe/feature_view.h).
struct LabelledRows {
  const float* x = nullptr;
  const int32_t* y = nullptr;
  const float* target = nullptr;  // regression (CompatConfig::regression): one real target per row, instead of y
  size_t rows = 0;
  size_t stride = 0;
  const uint32_t* columns = nullptr;

  FeatureView view(size_t cols) const { return FeatureView{x, stride ? stride : cols, columns, cols}; }
};

struct CompatResult {
  std::vector<float> weight, bias;
  std::vector<double> epoch_loss;    // per epoch: mean over its minibatches of the minibatch loss (penalty included)
  std::vector<double> val_accuracy;  // per epoch, when validation rows were given (regression: the mean squared error)
  size_t epochs_run = 0;
  size_t non_improving = 0;  // the early-stopping counter at the end
  bool stopped_early = false;  // the counter reached patience before the last epoch
};

struct CompatHooks {
  const std::atomic<bool>* cancel = nullptr;  // checked before every minibatch
  // After every epoch: epochs done, total, its loss, validation accuracy (NaN without validation).
  std::function<void(size_t done, size_t total, double loss, double accuracy)> progress;
};

// weight (classes × cols) and bias (classes) are the initial values. class_weight: classes positive values, or
// null. Inputs are trusted (validated by src/probe/train-compat.ts). Throws Error(Code::Cancelled) on cancel.
CompatResult train_compat(const CompatConfig& cfg, const LabelledRows& train, const LabelledRows& validation,
                          const double* class_weight, std::vector<float> weight, std::vector<float> bias,
                          const CompatHooks& hooks);

}  // namespace probe
}  // namespace ns
