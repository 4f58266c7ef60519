// The data term of the exact probe: weighted multinomial cross-entropy of logits Z = X·Wᵀ + 1·bᵀ,
//   f(W, b) = Σ_t a_t · (logsumexp(Z_t) − Z_t[y_t]),   a_t = w[y_t] / T
// (scikit-learn's class_weight convention: the weights scale each row's loss, the mean still divides by T).
// The three things a first-order solver needs (the skglm split: datafit / penalty / solver):
//   value and residual  R[t, c] = a_t·(softmax(Z_t)[c] − [c = y_t])  from logits (elementwise, T×C),
//   gradient            ∇_W f = Rᵀ·X (C×D), ∇_b f = Σ_t R[t, :],
//   Lipschitz bound     of ∇f in (W, b): Böhning (1992) bounds the softmax Hessian by ½(I − 11ᵀ/C), so
//                       L ≤ ½·λ_max(X̃ᵀ·diag(a)·X̃), X̃ = [X 1], estimated by power iteration.
// Implicit centring: the solver works with logits (X − 1μᵀ)·Wᵀ + 1·b̃ᵀ, μ = column means. This is the same model
// (b = b̃ − W·μ, the penalty does not see b) but decouples the intercept from features with large means, which
// otherwise make the problem ill-conditioned (raw activations often have |mean| ≫ std). It costs nothing: the
// forward pass uses the bias b̃ − W·μ and the backward pass subtracts (Σ_t R_t)·μᵀ.
// Both GEMM-like passes run over fixed blocks (rows for X·Wᵀ, columns for Rᵀ·X), each summed in a fixed order
// by one task, so every number is identical for any thread count.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/thread_pool.h"
#include "probe/gemm_kernels.h"

namespace ns {
namespace probe {

class MultinomialDatafit {
 public:
  // x: row-major T×D (borrowed), y: class ids in [0, C), class_weight: C positive weights (borrowed).
  MultinomialDatafit(const float* x, size_t T, size_t D, const int32_t* y, size_t C, const double* class_weight,
                     ThreadPool& pool);

  size_t rows() const { return T_; }
  size_t cols() const { return D_; }
  size_t classes() const { return C_; }
  // Σ_t a_t over the rows of each class (the class's share of the loss weight).
  const std::vector<double>& class_mass() const { return mass_; }

  // The intercept of the uncentred model, b̃ − W·μ.
  void uncentred_bias(const double* W, const double* b_centred, double* b) const;
  // Its inverse, b̃ = b + W·μ (a warm start given for the uncentred model).
  void centred_bias(const double* W, const double* b, double* b_centred) const;
  // Column means μ of X (float64).
  const std::vector<double>& means() const { return mu_; }
  // Z = (X − 1μᵀ)·Wᵀ + b (T×C, float64). W row-major C×D.
  void logits(const double* W, const double* b, double* Z, ThreadPool& pool) const;
  // f at logits Z; fills R (T×C) and grad_b (C).
  double value_residual(const double* Z, double* R, double* grad_b, ThreadPool& pool) const;
  // Bregman divergence f(x⁺) − f(y) − ⟨∇f(y), x⁺ − y⟩ from the logits of y and x⁺, summed as the nonnegative
  // per-row terms a_t·(log Σ_c p_c·e^{d_c} − Σ_c p_c·d_c), p = softmax(Z_y), d = Z⁺ − Z_y, with log1p / expm1.
  // Accurate where the difference of two objective values would be pure rounding (near a solution, where the
  // backtracking test would otherwise be decided by the last bits).
  double bregman(const double* Zy, const double* Zn, ThreadPool& pool) const;
  // f at logits Z, without the residual.
  double value(const double* Z, ThreadPool& pool) const;
  // grad_W = Rᵀ·(X − 1μᵀ) (C×D).
  void gradient_w(const double* R, double* grad_W, ThreadPool& pool) const;
  // Böhning's bound ½·λ_max(X̃ᵀ diag(a) X̃) estimated by a few power steps (relative change < 1e-2 or 8 steps:
  // 2 passes each), times 1.1. Only a starting point: the solver's backtracking corrects it.
  double lipschitz(ThreadPool& pool) const;
  // A guaranteed bound without a pass: λ_max ≤ trace, ½·max_t a_t·Σ_t (‖x_t − μ‖² + 1) = ½·max a·T·(Σ_j var_j + 1).
  double lipschitz_upper() const { return upper_; }

 private:
  const float* x_;
  size_t T_, D_, C_;
  const int32_t* y_;
  std::vector<double> a_;     // per row
  std::vector<double> mass_;  // per class
  std::vector<double> mu_;    // column means
  double upper_ = 0;          // lipschitz_upper()
  const GemmKernel& gemm_;
  mutable size_t passes_ = 0;  // reads of X so far (the cost measure the solver reports)

 public:
  size_t passes() const { return passes_; }
};

}  // namespace probe
}  // namespace ns
