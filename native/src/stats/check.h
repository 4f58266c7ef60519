// What a statistics state (count, means, packed co-moment M; stats/comoments.h) must satisfy to be one, checked
// wherever a state comes from outside (a stats file, a JS object): every mean and M_ij finite, M_ii >= 0, and
// Cauchy-Schwarz |M_ij| <= sqrt(M_ii M_jj). Anything else is not the co-moment of any rows, and turning it into
// correlations would be a silent wrong answer (a NaN or negative variance reads as a zero-variance neuron).
//
// Tolerances, and why:
//  - A diagonal may be negative by at most 1e-12 * count * mean_i^2 and is then read as 0. Our own states have
//    M_ii >= 0 up to the rank-1 correction -count e e^T (e = mu - fl32(mu), comoments.h), which for a constant
//    neuron leaves about -count * (1e-16 mean_i)^2; a state built elsewhere by the one-pass sum x^2 - count mu^2
//    cancels to within ~count * eps * mean_i^2 per term summed. 1e-12 (~4500 eps) covers both with room and is
//    still far below any real variance: a neuron whose variance is 1e-12 of its squared mean is constant to
//    float32's eye. With a zero mean the tolerance is 0: only exact zeros pass.
//  - Cauchy-Schwarz is checked as |M_ij| <= sqrt(M_ii M_jj) (1 + 1e-6) + sqrt(s_i s_j) (s: the diagonal
//    tolerances above): the rounding of a float64 dot product over n rows is ~n eps relative (1e-10 at 500k
//    rows), so 1e-6 never refuses a real state, while any r beyond 1 + 1e-6 is a corrupt one; the absolute term
//    keeps a neuron read as constant from failing on its own rounding residue.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/thread_pool.h"

namespace ns {

constexpr double kStatsDiagonalTolerance = 1e-12;
constexpr double kStatsCauchySchwarzTolerance = 1e-6;

// How far below zero M_ii may round (see above).
inline double diagonal_slack(uint64_t count, double mean) {
  return kStatsDiagonalTolerance * static_cast<double>(count) * mean * mean;
}

// A double as the messages print it: shortest round-trip-ish (%.9g), NaN / Inf / -Inf.
std::string number_text(double v);

// Checks mean_i, returns nothing; throws E_NONFINITE naming `name` and neuron i.
void check_mean(const std::string& name, size_t i, double mean);

// Checks M_ii and returns the variance to use (a negative within `slack` reads as 0). Throws naming `name` and i.
double checked_variance(const std::string& name, size_t i, double m_ii, double slack);

// Whether M_ij (i < j) is finite and within Cauchy-Schwarz given the checked variances and slacks (NaN fails).
inline bool pair_ok(double m_ij, double v_i, double v_j, double s_i, double s_j) {
  return std::isfinite(m_ij) &&
         std::fabs(m_ij) <= std::sqrt(v_i * v_j) * (1 + kStatsCauchySchwarzTolerance) + std::sqrt(s_i * s_j);
}

// Throws the error for a pair that failed pair_ok.
[[noreturn]] void fail_pair(const std::string& name, size_t i, size_t j, double m_ij, double v_i, double v_j);

// The whole check of an in-memory state of width D: means, diagonals, every pair (O(D^2), rows in parallel);
// the error names the first offending entry in row-major order whatever the thread count.
void check_stats(const std::string& name, uint64_t count, const double* mean, const double* M, size_t D, ThreadPool& pool);

}  // namespace ns

