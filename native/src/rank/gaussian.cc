#include "rank/gaussian.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.h"

namespace ns {

namespace {

constexpr size_t kCandidates = 32;  // candidates per task (consecutive ids): the inner loops run over them
constexpr size_t kColumns = 256;    // columns per task of the passes over X
constexpr double kDependent = 1e-12;

// One class's Gaussian: its statistics and the factorisation over the selected neurons.
struct ClassModel {
  size_t c = 0;
  double rows = 0, log_prior = 0, denominator = 0;  // N_c, log π_c, ν0 + N_c + D + 2
  std::vector<double> mean, scatter_diag;           // D each
  std::vector<double> cov;                          // select × D: row i = Σ_c[s_i, :]
  std::vector<double> chol;                         // select × select, lower
  std::vector<double> white;                        // T × select: W[t] = L⁻¹(x_t,S − μ_S)
  std::vector<double> maha;                         // T
  double logdet = 0;

  double variance(size_t j) const { return scatter_diag[j] * (1 + 1 / (rows - 1)) / denominator; }
};

// l = L⁻¹·Σ_c[S, j] (k values into l) and the conditional variance d = Σ_c[j, j] − ‖l‖².
double condition(const ClassModel& m, size_t k, size_t select, size_t D, size_t j, double* l) {
  double d = m.variance(j);
  for (size_t i = 0; i < k; ++i) {
    double v = m.cov[i * D + j];
    for (size_t q = 0; q < i; ++q) v -= m.chol[i * select + q] * l[q];
    l[i] = v / m.chol[i * select + i];
    d -= l[i] * l[i];
  }
  return d;
}

}  // namespace

GaussianRanking gaussian_ranking(const float* x, size_t T, size_t D, const int32_t* ids, size_t C, size_t select,
                                 ThreadPool& pool, const std::atomic<bool>* cancel,
                                 const std::function<void(size_t done, size_t total)>& progress) {
  GaussianRanking out;
  std::vector<double> counts(C, 0.0);
  for (size_t t = 0; t < T; ++t) counts[static_cast<size_t>(ids[t])] += 1;
  std::vector<ClassModel> models;
  for (size_t c = 0; c < C; ++c) {
    if (counts[c] == 0) continue;  // NeuroX's categorical gives such a class probability 0: it takes no part
    if (counts[c] < 2) fail(Code::Argument, "gaussian ranking: class " + std::to_string(c) + " has 1 row; every class needs at least 2 (its covariance needs N - 1 > 0)");
    ClassModel m;
    m.c = c;
    m.rows = counts[c];
    m.log_prior = std::log(counts[c] / static_cast<double>(T));
    m.denominator = counts[c] + 2.0 * static_cast<double>(D) + 4.0;
    m.mean.assign(D, 0.0);
    m.scatter_diag.assign(D, 0.0);
    m.cov.assign(select * D, 0.0);
    m.chol.assign(select * select, 0.0);
    m.white.assign(T * select, 0.0);
    m.maha.assign(T, 0.0);
    models.push_back(std::move(m));
  }
  const size_t M = models.size();
  std::vector<int> model_of(C, -1);
  for (size_t a = 0; a < M; ++a) model_of[models[a].c] = static_cast<int>(a);
  for (const ClassModel& m : models) {
    const double p = m.rows / static_cast<double>(T);
    out.entropy -= p * std::log(p);
  }

  // Class means, then the diagonal of each scatter matrix (two passes: no cancellation), by column blocks.
  const size_t col_tasks = (D + kColumns - 1) / kColumns;
  pool.parallel_for(col_tasks, [&](size_t task, size_t) {
    const size_t j0 = task * kColumns, j1 = std::min(D, j0 + kColumns);
    for (size_t t = 0; t < T; ++t) {
      ClassModel& m = models[static_cast<size_t>(model_of[static_cast<size_t>(ids[t])])];
      for (size_t j = j0; j < j1; ++j) m.mean[j] += x[t * D + j];
    }
    for (ClassModel& m : models)
      for (size_t j = j0; j < j1; ++j) m.mean[j] /= m.rows;
    for (size_t t = 0; t < T; ++t) {
      ClassModel& m = models[static_cast<size_t>(model_of[static_cast<size_t>(ids[t])])];
      for (size_t j = j0; j < j1; ++j) {
        const double e = x[t * D + j] - m.mean[j];
        m.scatter_diag[j] += e * e;
      }
    }
  });
  std::vector<char> excluded(D, 0);
  for (size_t j = 0; j < D; ++j) {
    for (const ClassModel& m : models)
      if (!(m.scatter_diag[j] > 0)) excluded[j] = 1;
    if (excluded[j]) out.degenerate.push_back(static_cast<int32_t>(j));
  }

  const double ln2 = std::log(2.0);
  std::vector<double> score(D), correct(D);
  std::vector<size_t> skipped((D + kCandidates - 1) / kCandidates);
  for (size_t k = 0; k < select; ++k) {
    if (cancel && cancel->load(std::memory_order_relaxed)) fail(Code::Cancelled, "gaussian ranking cancelled");
    // Score every candidate: I(S ∪ {j}) and its accuracy.
    const size_t tasks = (D + kCandidates - 1) / kCandidates;
    std::fill(skipped.begin(), skipped.end(), 0);
    pool.parallel_for(tasks, [&](size_t task, size_t) {
      const size_t j0 = task * kCandidates, j1 = std::min(D, j0 + kCandidates), B = j1 - j0;
      std::vector<double> l(M * std::max<size_t>(k, 1) * kCandidates), inv_d(M * kCandidates), half_logd(M * kCandidates);
      std::vector<char> ok(kCandidates, 0);
      std::vector<double> scratch(std::max<size_t>(k, 1));
      for (size_t b = 0; b < B; ++b) {
        const size_t j = j0 + b;
        ok[b] = !excluded[j];
        for (size_t a = 0; a < M && ok[b]; ++a) {
          const double d = condition(models[a], k, select, D, j, scratch.data());
          if (!(d > kDependent * models[a].variance(j))) {
            ok[b] = 0;
            ++skipped[task];
            break;
          }
          for (size_t i = 0; i < k; ++i) l[(a * k + i) * kCandidates + b] = scratch[i];
          inv_d[a * kCandidates + b] = 1 / d;
          half_logd[a * kCandidates + b] = 0.5 * std::log(d);
        }
      }
      std::vector<double> ll(kCandidates, 0.0), hits(kCandidates, 0.0), lp(M * kCandidates), r(kCandidates);
      for (size_t t = 0; t < T; ++t) {
        const float* row = x + t * D;
        for (size_t a = 0; a < M; ++a) {
          const ClassModel& m = models[a];
          for (size_t b = 0; b < B; ++b) r[b] = row[j0 + b] - m.mean[j0 + b];
          const double* w = m.white.data() + t * select;
          for (size_t i = 0; i < k; ++i) {
            const double wi = w[i];
            const double* li = l.data() + (a * k + i) * kCandidates;
            for (size_t b = 0; b < B; ++b) r[b] -= wi * li[b];
          }
          // The (k + 1)·log 2π term is the same for every class: it cancels in the posterior.
          const double base = m.log_prior - 0.5 * (m.logdet + m.maha[t]);
          for (size_t b = 0; b < B; ++b)
            lp[a * kCandidates + b] = base - half_logd[a * kCandidates + b] - 0.5 * r[b] * r[b] * inv_d[a * kCandidates + b];
        }
        const size_t truth = static_cast<size_t>(model_of[static_cast<size_t>(ids[t])]);
        for (size_t b = 0; b < B; ++b) {
          if (!ok[b]) continue;
          double top = lp[b];
          size_t arg = 0;
          for (size_t a = 1; a < M; ++a)
            if (lp[a * kCandidates + b] > top) {
              top = lp[a * kCandidates + b];
              arg = a;
            }
          double s = 0;
          for (size_t a = 0; a < M; ++a) s += std::exp(lp[a * kCandidates + b] - top);
          ll[b] += lp[truth * kCandidates + b] - (top + std::log(s));
          hits[b] += arg == truth;
        }
      }
      for (size_t b = 0; b < B; ++b) {
        score[j0 + b] = ok[b] ? (out.entropy + ll[b] / static_cast<double>(T)) / ln2 : -std::numeric_limits<double>::infinity();
        correct[j0 + b] = hits[b] / static_cast<double>(T);
      }
    });
    for (size_t s : skipped) out.dependent_skips += s;
    size_t best = D;
    for (size_t j = 0; j < D; ++j)
      if (score[j] > -std::numeric_limits<double>::infinity() && (best == D || score[j] > score[best])) best = j;
    if (best == D) break;  // every remaining neuron is degenerate or dependent on S: nothing more to add
    out.order.push_back(static_cast<int32_t>(best));
    out.information.push_back(score[best]);
    out.accuracy.push_back(correct[best]);
    excluded[best] = 1;

    // Add `best` to every class's factorisation: its scatter column (one pass over X), then L, W, the distances.
    std::vector<std::vector<double>> column(M, std::vector<double>(D, 0.0));
    pool.parallel_for(col_tasks, [&](size_t task, size_t) {
      const size_t j0 = task * kColumns, j1 = std::min(D, j0 + kColumns);
      for (size_t t = 0; t < T; ++t) {
        const size_t a = static_cast<size_t>(model_of[static_cast<size_t>(ids[t])]);
        const ClassModel& m = models[a];
        const double e = x[t * D + best] - m.mean[best];
        double* col = column[a].data();
        for (size_t j = j0; j < j1; ++j) col[j] += e * (x[t * D + j] - m.mean[j]);
      }
    });
    pool.parallel_for(M, [&](size_t a, size_t) {
      ClassModel& m = models[a];
      for (size_t j = 0; j < D; ++j) m.cov[k * D + j] = column[a][j] / m.denominator;
      m.cov[k * D + best] = m.variance(best);  // the diagonal carries the prior's Λ0 as well
      std::vector<double> l(std::max<size_t>(k, 1));
      const double d = condition(m, k, select, D, best, l.data());
      const double sd = std::sqrt(d);
      for (size_t i = 0; i < k; ++i) m.chol[k * select + i] = l[i];
      m.chol[k * select + k] = sd;
      m.logdet += std::log(d);
      for (size_t t = 0; t < T; ++t) {
        double r = x[t * D + best] - m.mean[best];
        const double* w = m.white.data() + t * select;
        for (size_t i = 0; i < k; ++i) r -= w[i] * l[i];
        m.white[t * select + k] = r / sd;
        m.maha[t] += r * r / d;
      }
    });
    if (progress) progress(k + 1, select);
  }
  out.entropy /= ln2;
  return out;
}

}  // namespace ns
