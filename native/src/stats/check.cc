#include "stats/check.h"

#include <cstdio>
#include <vector>

#include "common/error.h"
#include "core/syrk.h"

namespace ns {

std::string number_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void check_mean(const std::string& name, size_t i, double mean) {
  if (!std::isfinite(mean))
    fail(Code::NonFinite, name + ": Expected a finite mean for neuron " + std::to_string(i) + " but received " + number_text(mean));
}

double checked_variance(const std::string& name, size_t i, double m_ii, double slack) {
  if (!std::isfinite(m_ii))
    fail(Code::NonFinite, name + ": Expected a finite co-moment diagonal M[" + std::to_string(i) + "][" + std::to_string(i) +
                              "] but received " + number_text(m_ii));
  if (m_ii >= 0) return m_ii;
  if (-m_ii <= slack) return 0.0;
  fail(Code::Format, name + ": Expected a non-negative co-moment diagonal M[" + std::to_string(i) + "][" + std::to_string(i) +
                         "] (a sum of squares; rounding may leave at most -" + number_text(slack) +
                         " = -1e-12 * count * mean^2) but received " + number_text(m_ii));
}

void fail_pair(const std::string& name, size_t i, size_t j, double m_ij, double v_i, double v_j) {
  const std::string at = "M[" + std::to_string(i) + "][" + std::to_string(j) + "]";
  if (!std::isfinite(m_ij)) fail(Code::NonFinite, name + ": Expected a finite co-moment " + at + " but received " + number_text(m_ij));
  fail(Code::Format, name + ": Expected |" + at + "| <= sqrt(M[" + std::to_string(i) + "][" + std::to_string(i) + "] * M[" +
                         std::to_string(j) + "][" + std::to_string(j) + "]) * (1 + 1e-6) (Cauchy-Schwarz: |r| <= 1) but received " +
                         at + " = " + number_text(m_ij) + " with variances " + number_text(v_i) + " and " + number_text(v_j));
}

void check_stats(const std::string& name, uint64_t count, const double* mean, const double* M, size_t D, ThreadPool& pool) {
  std::vector<double> var(D), slack(D);
  for (size_t i = 0; i < D; ++i) check_mean(name, i, mean[i]);
  for (size_t i = 0; i < D; ++i) {
    slack[i] = diagonal_slack(count, mean[i]);
    var[i] = checked_variance(name, i, M[packed_row_offset(i, D)], slack[i]);
  }
  std::vector<int64_t> first_bad(D, -1);  // per row: the first column j > i that fails
  pool.parallel_for(D, [&](size_t i, size_t) {
    const double* row = M + packed_row_offset(i, D) - i;  // row[j] = M_ij, j >= i
    for (size_t j = i + 1; j < D; ++j) {
      if (!pair_ok(row[j], var[i], var[j], slack[i], slack[j])) {
        first_bad[i] = static_cast<int64_t>(j);
        return;
      }
    }
  });
  for (size_t i = 0; i < D; ++i) {
    if (first_bad[i] >= 0) {
      const size_t j = static_cast<size_t>(first_bad[i]);
      fail_pair(name, i, j, M[packed_row_offset(i, D) + j - i], var[i], var[j]);
    }
  }
}

}  // namespace ns
