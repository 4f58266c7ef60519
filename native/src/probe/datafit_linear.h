// What every datafit of the exact probe shares: a linear model Z = X·Wᵀ + 1·bᵀ (T×C outputs) on float32 features,
// per-row loss weights a_t, and the passes over X a first-order solver needs (the skglm split: datafit / penalty /
// solver). The loss itself — its value, residual, Bregman divergence, the intercept optimal for W = 0 and the
// curvature constant of its Hessian bound — is the subclass's (probe/datafit_multinomial.h: classification,
// probe/datafit_quadratic.h: regression).
//
// Implicit centring: the solver works with outputs (X − 1μᵀ)·Wᵀ + 1·b̃ᵀ, μ = column means. This is the same model
// (b = b̃ − W·μ, the penalty does not see b) but decouples the intercept from features with large means, which
// otherwise make the problem ill-conditioned (raw activations often have |mean| ≫ std). It costs nothing: the
// forward pass uses the bias b̃ − W·μ and the backward pass subtracts (Σ_t R_t)·μᵀ.
// Both GEMM-like passes run over fixed blocks (rows for X·Wᵀ, columns for Rᵀ·X), each summed in a fixed order
// by one task, so every number is identical for any thread count.
//
// Lipschitz constant of ∇f in (W, b): every loss here has a Hessian in the outputs bounded by κ·diag(a) ⊗ M with
// M ≼ I (κ = ½ for softmax cross-entropy by Böhning 1992, 1 for squared error), so L ≤ κ·λ_max(X̃ᵀ·diag(a)·X̃),
// X̃ = [X − 1μᵀ, 1], estimated by power iteration; the trace gives a guaranteed bound without a pass.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/thread_pool.h"
#include "probe/gemm_kernels.h"

namespace ns {
namespace probe {

class LinearDatafit {
 public:
  virtual ~LinearDatafit() = default;

  size_t rows() const { return T_; }
  size_t cols() const { return D_; }
  // Outputs of the model: classes for classification, targets per row for regression.
  size_t classes() const { return C_; }

  // The intercept of the uncentred model, b̃ − W·μ.
  void uncentred_bias(const double* W, const double* b_centred, double* b) const;
  // Its inverse, b̃ = b + W·μ (a warm start given for the uncentred model).
  void centred_bias(const double* W, const double* b, double* b_centred) const;
  // Column means μ of X (float64).
  const std::vector<double>& means() const { return mu_; }
  // Z = (X − 1μᵀ)·Wᵀ + b (T×C, float64). W row-major C×D.
  void logits(const double* W, const double* b, double* Z, ThreadPool& pool) const;
  // grad_W = Rᵀ·(X − 1μᵀ) (C×D).
  void gradient_w(const double* R, double* grad_W, ThreadPool& pool) const;
  // κ·λ_max(X̃ᵀ diag(a) X̃) estimated by a few power steps (relative change < 1e-2 or 8 steps: 2 passes each),
  // times 1.1. Only a starting point: the solver's backtracking corrects it.
  double lipschitz(ThreadPool& pool) const;
  // A guaranteed bound without a pass: λ_max ≤ trace ≤ max_t a_t·Σ_t (‖x_t − μ‖² + 1), times κ.
  double lipschitz_upper() const { return upper_; }
  size_t passes() const { return passes_; }

  // f at outputs Z; fills the residual R = ∂f/∂Z (T×C) and grad_b = Σ_t R_t (C).
  virtual double value_residual(const double* Z, double* R, double* grad_b, ThreadPool& pool) const = 0;
  // Bregman divergence f(x⁺) − f(y) − ⟨∇f(y), x⁺ − y⟩ from the outputs of y and x⁺ (≥ 0), computed directly where
  // the difference of two objective values would be pure rounding near a solution.
  virtual double bregman(const double* Zy, const double* Zn, ThreadPool& pool) const = 0;
  // f at outputs Z, without the residual.
  virtual double value(const double* Z, ThreadPool& pool) const = 0;
  // The centred intercept optimal for W = 0 (C values): where every λ path starts.
  virtual std::vector<double> zero_model_intercept() const = 0;

 protected:
  // x: row-major T×D (borrowed). a: the per-row loss weights. kappa: the loss's curvature constant (above).
  LinearDatafit(const float* x, size_t T, size_t D, size_t C, std::vector<double> a, double kappa, ThreadPool& pool);

  // value_residual's reduction: the row blocks' losses (nb) and intercept gradients (nb × C) added in block
  // order into grad_b; returns the loss.
  double sum_blocks(const std::vector<double>& loss, const std::vector<double>& gb, double* grad_b) const;

  const float* x_;
  size_t T_, D_, C_;
  std::vector<double> a_;  // per row
  std::vector<double> mu_;  // column means

 private:
  double kappa_;
  double upper_ = 0;  // lipschitz_upper()
  const GemmKernel& gemm_;
  mutable size_t passes_ = 0;  // reads of X so far (the cost measure the solver reports)
};

// Fixed partitions (never derived from the thread count): rows for the forward pass and the elementwise work,
// columns for the backward pass. Shared by the subclasses' elementwise loops.
constexpr size_t kDatafitRowBlock = 256;
constexpr size_t kDatafitColBlock = 128;
inline size_t datafit_blocks(size_t n, size_t b) { return (n + b - 1) / b; }

}  // namespace probe
}  // namespace ns
