// The exact probe solver: minimise  F(W, b) = f(W, b) + h(W)  (a datafit of probe/datafit_linear.h — multinomial
// cross-entropy or squared error — and probe/penalty_elastic_net.h)
// along a geometric λ path from λ_max with warm starts.
//
// Why accelerated proximal gradient (FISTA, Beck & Teboulle 2009) and not coordinate descent: the full-batch
// gradient is two GEMM-like passes over X (X·Wᵀ, then Rᵀ·X) that parallelise over fixed blocks (deterministic),
// stream X sequentially and map onto the WebGPU kernels unchanged; multinomial coordinate descent updates one
// weight at a time and must refresh a T-long column of logits after each, a serial walk over X by columns.
// The prox gives exact zeros.
//
// One iteration: y = x + β(x − x_prev); the logits of y are the same combination of the stored logits of x and
// x_prev (they are linear in (W, b)), so the data are read twice per iteration — Rᵀ·X at y, then X·Wᵀ at the
// new point x⁺ = prox(y − ∇f(y)/L), whose value also serves the backtracking test
// f(x⁺) ≤ f(y) + ⟨∇f(y), x⁺ − y⟩ + L/2‖x⁺ − y‖². L starts at a power-iteration estimate of the Böhning bound, is
// multiplied by 0.8 before each iteration (the local curvature is often far below the global bound) and doubled
// on failure, up to the trace bound (valid by theory, so a step there is always accepted).
// Monotone by restart (O'Donoghue & Candès 2015, function scheme): a step that raises F is discarded and the
// momentum reset, so the next step is a plain proximal gradient step from x.
//
// Stopping criterion ("kkt"): the largest violation of the optimality conditions at x,
//   max( max_{c,j} dist(−∇_W f, ∂h(W)_{cj}),  max_c |∇_b f| ),
// checked every `check_every` iterations (one extra Rᵀ·X pass), stops when ≤ tol·s where s = ‖∇_W f(0, b*)‖∞
// (the gradient scale of the problem, = α·λ_max; 1 if that is 0); the intermediate λ of the path, which only
// provide warm starts, stop at path_tol_factor·tol·s. Not reaching it within max_iterations is reported (converged = false),
// never silent.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/thread_pool.h"
#include "probe/datafit_linear.h"

namespace ns {
namespace probe {

struct FistaOptions {
  double alpha = 0.5;
  // The last λ of the path; if not > 0, lambda_ratio·λ_max.
  double lambda = 0;
  double lambda_ratio = 1e-2;
  size_t path_steps = 10;
  double tol = 1e-6;
  // The path's intermediate λ (warm starts only) stop at path_tol_factor·tol·s.
  double path_tol_factor = 1000;
  size_t max_iterations = 10000;
  size_t check_every = 5;
  // Warm start (W C×D, b C, the uncentred model; both empty = none): the path starts from it instead of W = 0.
  // λ_max and s are still those of W = 0, so a warm start changes where the solve begins, never what it solves
  // (the WebGPU backend polishes its float32 solution this way, with path_steps = 1).
  std::vector<double> warm_W, warm_b;
};

// Where every path starts: λ_max, the scale s of the stopping rule, and the centred intercept b* optimal for
// W = 0 (the datafit's zero_model_intercept). Two passes over X.
struct PathStart {
  double lambda_max = 0;
  double scale = 1;
  std::vector<double> b;  // centred (probe/datafit_multinomial.h)
};
PathStart path_start(const LinearDatafit& f, double alpha, ThreadPool& pool);

struct PathStep {
  double lambda = 0;
  size_t iterations = 0;
  double objective = 0;
  double criterion = 0;
  bool converged = false;
  size_t nonzeros = 0;
};

struct FistaResult {
  std::vector<double> W;  // C×D
  std::vector<double> b;  // C
  std::vector<PathStep> path;
  double lambda_max = 0;
  double scale = 0;          // s of the stopping rule
  double lipschitz = 0;      // final L (after any backtracking)
  double lipschitz_bound = 0;  // Böhning's estimate it started from
  size_t passes = 0;           // reads of X (forward and backward passes, power iteration included)
};

struct FistaHooks {
  const std::atomic<bool>* cancel = nullptr;
  // After each λ of the path: steps done, total, objective.
  std::function<void(size_t done, size_t total, double objective)> progress;
};

FistaResult solve_path(const LinearDatafit& f, const FistaOptions& options, ThreadPool& pool,
                       const FistaHooks& hooks);

}  // namespace probe
}  // namespace ns
