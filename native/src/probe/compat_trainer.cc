#include "probe/compat_trainer.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "common/error.h"
#include "core/thread_pool.h"
#include "probe/compat_kernels.h"
#include "probe/linear_predict.h"
#include "probe/optimizer.h"
#include "probe/softmax_ce.h"
#include "probe/squared_error.h"

namespace ns {
namespace probe {

namespace {

constexpr size_t kForwardRows = 2;  // rows per forward task (the kernels' largest row tile)
// Row-group path: the minibatch goes through forward, softmax and Gᵀ·X on the calling thread in groups of this
// many rows, so each group's rows (8 × D floats, 320 KB at D = 9,984) are still in L2 when Gᵀ·X reads them again;
// only the update pass runs on the pool. Row-parallel path: the forward runs over rows and Gᵀ·X over columns on
// the pool (each task reads all rows of its columns, from L3 or memory). Both give the same bytes: Gᵀ·X is the same
// float32 chain over the rows in order either way (kernel `accumulate` vs `step`).
constexpr size_t kGroupRows = 8;
// Measured at 20,000 × 9,984 × 6 on the 2-core development machine (load ~4): row-parallel on 2 threads
// 0.21 s/epoch, row groups 0.16 s (1 thread) and 0.17 s (2 threads). So up to 2 threads take the row-group path;
// the row-parallel one is kept for pools of 3 or more, where memory bandwidth grows with cores (not measured here).
constexpr size_t kRowParallelFrom = 3;
constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;

// Σ|W| and ΣW² of the whole matrix, by column tasks added in order (the same partition as the step's).
void penalty_sums(const Kernel& k, const float* w, size_t cols, size_t classes, ThreadPool& pool,
                  std::vector<double>& partial, double& abs_sum, double& sq_sum) {
  const size_t tasks = (cols + kBlockCols - 1) / kBlockCols;
  pool.parallel_for(tasks, [&](size_t t, size_t) {
    k.norms(w, cols, classes, t * kBlockCols, std::min(cols, (t + 1) * kBlockCols), &partial[2 * t]);
  });
  abs_sum = sq_sum = 0;
  for (size_t t = 0; t < tasks; ++t) {
    abs_sum += partial[2 * t];
    sq_sum += partial[2 * t + 1];
  }
}

double accuracy(const LabelledRows& val, size_t cols, const std::vector<float>& w, const std::vector<float>& b,
                size_t classes, std::vector<int32_t>& predicted, ThreadPool& pool) {
  predict_linear(val.view(cols), val.rows, w.data(), b.data(), classes, predicted.data(), pool);
  size_t correct = 0;
  for (size_t t = 0; t < val.rows; ++t) correct += predicted[t] == val.y[t];
  return static_cast<double>(correct) / static_cast<double>(val.rows);
}

// Regression: the validation mean squared error (one output).
double mean_squared_error(const LabelledRows& val, size_t cols, const std::vector<float>& w,
                          const std::vector<float>& b, std::vector<double>& outputs, ThreadPool& pool) {
  linear_outputs(val.view(cols), val.rows, w.data(), b.data(), 1, outputs.data(), pool);
  double se = 0;
  for (size_t t = 0; t < val.rows; ++t) {
    const double e = outputs[t] - static_cast<double>(val.target[t]);
    se += e * e;
  }
  return se / static_cast<double>(val.rows);
}

}  // namespace

CompatResult train_compat(const CompatConfig& cfg, const LabelledRows& train, const LabelledRows& validation,
                          const double* class_weight, std::vector<float> weight, std::vector<float> bias,
                          const CompatHooks& hooks) {
  const Kernel& k = active_kernel();
  ThreadPool pool(cfg.threads);
  const size_t D = cfg.cols, C = cfg.classes, T = train.rows, B = cfg.batch;
  const size_t col_tasks = (D + kBlockCols - 1) / kBlockCols;

  CompatResult out;
  out.weight = std::move(weight);
  out.bias = std::move(bias);
  std::vector<float> m, v, mb, vb;
  if (cfg.adam) {
    m.assign(C * D, 0.f);
    v.assign(C * D, 0.f);
    mb.assign(C, 0.f);
    vb.assign(C, 0.f);
  }
  std::vector<double> s(B * C), partial(2 * col_tasks);
  std::vector<float> g(B * C), gb(C);
  const bool fused = pool.size() < kRowParallelFrom;
  std::vector<float> grad(fused ? C * D : 0);  // the data gradient of W, filled group by group (fused path)
  std::vector<std::vector<float>> scratch(pool.size(), std::vector<float>(kMaxClassTile * kBlockCols));
  std::vector<int32_t> predicted(cfg.regression ? 0 : validation.rows);
  std::vector<double> val_outputs(cfg.regression ? validation.rows : 0);
  // A column view of a bigger matrix: each minibatch is gathered here first (probe/feature_view.h).
  const FeatureView features = train.view(D);
  std::vector<float> batch_rows(features.contiguous() ? 0 : B * D);

  StepParams p{};
  p.cols = D;
  p.g = g.data();
  p.classes = C;
  p.w = out.weight.data();
  p.m = m.data();
  p.v = v.data();
  p.adam = cfg.adam;
  p.beta1 = static_cast<float>(kBeta1);
  p.one_minus_beta1 = static_cast<float>(1 - kBeta1);
  p.beta2 = static_cast<float>(kBeta2);
  p.one_minus_beta2 = static_cast<float>(1 - kBeta2);
  p.eps = static_cast<float>(kEps);
  p.l1 = static_cast<float>(cfg.l1);

  double abs_sum = 0, sq_sum = 0;  // of the current W: the loss and the L2 gradient of the next step need them
  penalty_sums(k, out.weight.data(), D, C, pool, partial, abs_sum, sq_sum);

  // The two per-batch jobs, built once (a std::function per batch would allocate); they read n, xb and p.
  size_t n = 0;
  const float* xb = nullptr;
  const std::function<void(size_t, size_t)> forward = [&](size_t t, size_t) {
    const size_t r0 = t * kForwardRows;
    k.dots(xb + r0 * D, std::min(kForwardRows, n - r0), D, out.weight.data(), C, s.data() + r0 * C);
  };
  const std::function<void(size_t, size_t)> backward = [&](size_t t, size_t worker) {
    if (fused) k.apply(p, grad.data(), t * kBlockCols, std::min(D, (t + 1) * kBlockCols), &partial[2 * t]);
    else k.step(p, t * kBlockCols, std::min(D, (t + 1) * kBlockCols), scratch[worker].data(), &partial[2 * t]);
  };

  const size_t batches = (T + B - 1) / B;
  double best = -INFINITY;
  uint64_t step = 0;
  for (size_t epoch = 0; epoch < cfg.epochs; ++epoch) {
    double loss_sum = 0;
    for (size_t start = 0; start < T; start += B) {
      if (hooks.cancel && hooks.cancel->load(std::memory_order_relaxed))
        fail(Code::Cancelled, "probe training cancelled");
      n = std::min(B, T - start);
      xb = features.rows(start, n, batch_rows.data());

      const int32_t* yb = cfg.regression ? nullptr : train.y + start;
      const float* tb = cfg.regression ? train.target + start : nullptr;
      // The loss's denominator: Σ of the rows' class weights, or the row count (regression).
      const double omega = cfg.regression ? static_cast<double>(n) : batch_weight(yb, n, class_weight);
      double ce_sum = 0;
      // The loss head of rows [r0, r0 + rn) of the minibatch, whose logits/outputs are at s + r0·C.
      const auto head = [&](size_t r0, size_t rn) {
        if (cfg.regression) squared_error(s.data() + r0, out.bias.data(), tb + r0, rn, n, g.data() + r0, ce_sum);
        else softmax_cross_entropy(s.data() + r0 * C, out.bias.data(), yb + r0, rn, C, class_weight, omega,
                                   g.data() + r0 * C, ce_sum);
      };
      if (fused) {
        // Forward, softmax and Gᵀ·X per row group, on the calling thread.
        for (size_t g0 = 0; g0 < n; g0 += kGroupRows) {
          const size_t gn = std::min(kGroupRows, n - g0);
          k.dots(xb + g0 * D, gn, D, out.weight.data(), C, s.data() + g0 * C);
          head(g0, gn);
          k.accumulate(xb + g0 * D, gn, D, g.data() + g0 * C, C, grad.data(), g0 == 0);
        }
      } else {
        // Forward: s = X_b·Wᵀ, rows in parallel; Gᵀ·X comes with the update pass below.
        pool.parallel_for((n + kForwardRows - 1) / kForwardRows, forward);
        head(0, n);
      }
      const double ce = ce_sum / omega;
      const double norm = std::sqrt(sq_sum);
      loss_sum += ce + cfg.l1 * abs_sum + cfg.l2 * norm;

      // Optimizer scalars of step k (float64, rounded once).
      ++step;
      if (cfg.adam) {
        const double bc1 = 1 - std::pow(kBeta1, static_cast<double>(step));
        const double bc2 = 1 - std::pow(kBeta2, static_cast<double>(step));
        p.neg_step = static_cast<float>(-cfg.lr / bc1);
        p.bc2_sqrt = static_cast<float>(std::sqrt(bc2));
      } else {
        p.neg_step = static_cast<float>(-cfg.lr);
      }
      p.l2_scale = norm > 0 ? static_cast<float>(cfg.l2 / norm) : 0.f;
      p.x = xb;
      p.rows = n;

      // Bias gradient Σ_t g[t, c] (float32, rows in order), taken before the pool runs.
      for (size_t c = 0; c < C; ++c) {
        float a = 0.f;
        for (size_t t = 0; t < n; ++t) a += g[t * C + c];
        gb[c] = a;
      }
      // (Backward and) update of W, column tasks; then the new Σ|W|, ΣW² in task order.
      pool.parallel_for(col_tasks, backward);
      abs_sum = sq_sum = 0;
      for (size_t t = 0; t < col_tasks; ++t) {
        abs_sum += partial[2 * t];
        sq_sum += partial[2 * t + 1];
      }
      // The bias: same optimizer, no penalty.
      for (size_t c = 0; c < C; ++c) {
        if (cfg.adam) adam_update(gb[c], out.bias[c], mb[c], vb[c], p);
        else sgd_update(gb[c], out.bias[c], p);
      }
    }
    const double epoch_loss = loss_sum / static_cast<double>(batches);
    out.epoch_loss.push_back(epoch_loss);
    out.epochs_run = epoch + 1;
    double acc = NAN;
    if (validation.rows) {
      acc = cfg.regression ? mean_squared_error(validation, D, out.weight, out.bias, val_outputs, pool)
                           : accuracy(validation, D, out.weight, out.bias, C, predicted, pool);
      out.val_accuracy.push_back(acc);
    }
    if (hooks.progress) hooks.progress(epoch + 1, cfg.epochs, epoch_loss, acc);
    if (cfg.patience && validation.rows) {
      // Higher accuracy is better; for regression, lower mean squared error.
      const double score = cfg.regression ? -acc : acc;
      if (score > best) best = score;
      else ++out.non_improving;  // never reset (the paper's variant)
      if (out.non_improving >= cfg.patience) {
        out.stopped_early = epoch + 1 < cfg.epochs;
        break;
      }
    }
  }
  return out;
}

}  // namespace probe
}  // namespace ns
