// Gaussian neuron ranking: Torroba Hennigen, Williams & Cotterell 2020, "Intrinsic Probing through Dimension
// Selection" (EMNLP), as NeuroX's interpretation/gaussian_probe.py computes it. Each class c is a multivariate
// Gaussian over the neurons with the MAP covariance of a Normal–inverse-Wishart posterior whose prior is centred
// on the data:
//   μ_c = the class mean;   Σ_c = (Λ0_c + S_c) / (ν0 + N_c + D + 2),   Λ0_c = diag(S_c) / (N_c − 1),  ν0 = D + 2
// (S_c the class scatter matrix, N_c its rows, D all neurons given — not the selected ones; κ0 only enters μ_c,
// which it leaves at the class mean because μ0 is the class mean), with prior π_c = N_c / T. For a neuron set S,
//   log p(y = c | x_S) = log π_c + log N(x_S; μ_c,S, Σ_c,SS) − log Σ_c' π_c'·N(x_S; μ_c',S, Σ_c',SS),
// and the train-set mutual information I(S) = (H(π) + (1/T)·Σ_t log p(y_t | x_t,S)) / ln 2 bits.
// Greedy selection: start from S = ∅; at each step add the neuron that maximises I(S ∪ {j}) (ties: the lowest id).
//
// How it is computed (NeuroX builds a MultivariateNormal per candidate, O(k³ + T·k²) each): per class the Cholesky
// factor L of Σ_c,SS and the whitened residuals W[t] = L⁻¹(x_t,S − μ_c,S) of EVERY row (each row is scored under
// every class) are kept. A candidate j extends L by one row: l = L⁻¹Σ_c[S, j], conditional variance
// d = Σ_c[j, j] − ‖l‖², and row t's Mahalanobis distance grows by r_t²/d with r_t = (x_tj − μ_cj) − l·W[t]; the
// log-determinant by log d. So one step costs O(C·D·(k² + T·k)) and reads X once; the chosen neuron's column of
// every Σ_c (one pass over X) is all that must be added. Float64 throughout; candidates are scored in fixed blocks
// and compared in id order, so the result does not depend on the thread count.
//
// Degenerate neurons: a neuron without variance within some class makes Σ_c singular (NeuroX fails there). It is
// never a candidate and is reported; so is a candidate whose conditional variance given S vanishes (d ≤ 1e-12 of
// its variance: it is a linear function of S within a class) — skipped at that step, counted.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/thread_pool.h"

namespace ns {

struct GaussianRanking {
  std::vector<int32_t> order;        // the selected neurons, in selection order
  std::vector<double> information;   // I(S) in bits after each selection
  std::vector<double> accuracy;      // train accuracy of argmax_c p(c | x_S) after each selection
  double entropy = 0;                // H(π) in bits: the most I(S) can reach
  std::vector<int32_t> degenerate;   // neurons without variance within some class (never candidates)
  size_t dependent_skips = 0;        // (step, candidate) pairs skipped as linearly dependent on S
};

// x: row-major T×D finite; ids: T class ids in [0, C); every class with rows has at least 2. select ≤ D.
GaussianRanking gaussian_ranking(const float* x, size_t T, size_t D, const int32_t* ids, size_t C, size_t select,
                                 ThreadPool& pool, const std::atomic<bool>* cancel,
                                 const std::function<void(size_t done, size_t total)>& progress);

}  // namespace ns
