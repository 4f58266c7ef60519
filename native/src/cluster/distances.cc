#include "cluster/distances.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "cluster/condensed.h"
#include "common/error.h"
#include "core/syrk.h"
#include "io/file.h"
#include "stats/check.h"

namespace ns {

namespace {

constexpr size_t kBlockBytes = size_t(32) << 20;

void check_cancel(const DistanceHooks& hooks) {
  if (hooks.cancel && hooks.cancel->load(std::memory_order_relaxed)) fail(Code::Cancelled, "clustering cancelled");
}

template <class T>
inline T finish(double upper, double lower) {
  const double s = (upper + lower) / 2;
  return static_cast<T>(1.0 - std::fabs(s));
}

constexpr double kCorrTolerance = 1e-6;  // see distances.h: ~8 float32 ulps at 1

std::string source_name(const CorrSource& src) { return src.path.empty() ? std::string("correlation matrix") : src.path; }

const char* const kRepairHint =
    " (repair: true, or --repair on the command line, applies NeuroX's repair instead: NaN -> 0, clip to [-1, 1], "
    "symmetrise, ignore the diagonal)";

// The first problem of one row, in column order.
struct RowIssue {
  enum Kind { None, NaN, Inf, Range, Diagonal } kind = None;
  int64_t col = -1;
  double value = 0;
};

[[noreturn]] void fail_issue(const CorrSource& src, int64_t row, const RowIssue& issue) {
  const std::string name = source_name(src);
  const std::string at = " at row " + std::to_string(row) + ", column " + std::to_string(issue.col);
  switch (issue.kind) {
    case RowIssue::Inf:
      fail(Code::NonFinite, name + ": infinite correlation at row " + std::to_string(row) + ", column " + std::to_string(issue.col));
    case RowIssue::NaN:
      fail(Code::NonFinite, name + ": Expected a correlation (not NaN)" + at + " but received NaN" + kRepairHint);
    case RowIssue::Range:
      fail(Code::Format, name + ": Expected a correlation in [-1, 1] (within 1e-6)" + at + " but received " +
                             number_text(issue.value) + kRepairHint);
    default:
      fail(Code::Format, name + ": Expected 1 on the diagonal (within 1e-6; 0 for a constant neuron whose row is 0)" + at +
                             " but received " + number_text(issue.value) + kRepairHint);
  }
}

// Reads rows [i0, i1) of a square source into blk (double, row-major, (i1 - i0) x n), checked (or repaired) as
// distances.h says and clipped to [-1, 1]; the conversion runs one row per task. The error names the first
// offending (row, column) in row-major order whatever the thread count.
void read_square_rows(const CorrSource& src, const File* file, int64_t i0, int64_t i1, double* blk,
                      std::vector<float>& f32_scratch, ThreadPool& pool, RepairCounts* repairs) {
  const int64_t n = src.n;
  const size_t count = static_cast<size_t>((i1 - i0) * n);
  const float* f32 = nullptr;
  int64_t ld = n;  // values between the rows f32 points to
  if (src.kind == CorrSource::Kind::MemoryF32) {
    ld = src.stride ? src.stride : n;
    f32 = src.f32 + i0 * ld;
  } else if (src.kind == CorrSource::Kind::MemoryF64) {
    const int64_t s = src.stride ? src.stride : n;
    for (int64_t i = i0; i < i1; ++i) std::memcpy(blk + (i - i0) * n, src.f64 + i * s, static_cast<size_t>(n) * sizeof(double));
  } else if (src.file_f64) {
    file->pread_exact(blk, count * sizeof(double), src.offset + static_cast<uint64_t>(i0 * n) * 8, "correlation rows");
  } else {
    f32_scratch.resize(count);
    file->pread_exact(f32_scratch.data(), count * sizeof(float), src.offset + static_cast<uint64_t>(i0 * n) * 4,
                      "correlation rows");
    f32 = f32_scratch.data();
  }
  const size_t rows = static_cast<size_t>(i1 - i0);
  std::vector<RowIssue> issues(rows);
  std::vector<RepairCounts> counts(rows);
  const bool repair = src.repair;
  pool.parallel_for(rows, [&](size_t t, size_t) {
    const int64_t i = i0 + static_cast<int64_t>(t);
    double* row = blk + t * n;
    if (f32) {
      const float* in = f32 + static_cast<int64_t>(t) * ld;
      for (int64_t j = 0; j < n; ++j) row[j] = in[j];
    }
    RowIssue& issue = issues[t];
    RepairCounts& c = counts[t];
    const double diagonal = row[i];
    bool constant = true;  // every off-diagonal entry is 0 (after repair)
    for (int64_t j = 0; j < n; ++j) {
      const double v = row[j];
      if (j == i && !std::isinf(v)) {  // the diagonal is judged below, as a whole (never stored)
        row[j] = 0.0;
        continue;
      }
      if (std::isnan(v)) {
        row[j] = 0.0;
        if (repair) ++c.nan;
        else if (issue.col < 0) issue = {RowIssue::NaN, j, v};
      } else if (v > 1.0 || v < -1.0) {
        if (std::isinf(v)) {
          if (issue.col < 0 || issue.kind != RowIssue::Inf) issue = {RowIssue::Inf, j, v};  // an error in both modes
        } else if (std::fabs(v) > 1.0 + kCorrTolerance) {
          if (repair) ++c.clipped;
          else if (issue.col < 0) issue = {RowIssue::Range, j, v};
        }
        row[j] = v > 1.0 ? 1.0 : -1.0;
      }
      if (j != i && row[j] != 0.0) constant = false;
    }
    if (!(std::fabs(diagonal - 1.0) <= kCorrTolerance) && !std::isinf(diagonal) && !(diagonal == 0.0 && constant)) {
      if (repair) ++c.diagonal;
      else if (issue.kind != RowIssue::Inf && (issue.col < 0 || i < issue.col)) issue = {RowIssue::Diagonal, i, diagonal};
    }
  });
  // Infinities first (an error in both modes, as before the checks), then the first issue in row-major order.
  for (size_t t = 0; t < rows; ++t)
    if (issues[t].kind == RowIssue::Inf) fail_issue(src, i0 + static_cast<int64_t>(t), issues[t]);
  for (size_t t = 0; t < rows; ++t)
    if (issues[t].col >= 0) fail_issue(src, i0 + static_cast<int64_t>(t), issues[t]);
  if (repairs) {
    for (const RepairCounts& c : counts) {
      repairs->nan += c.nan;
      repairs->clipped += c.clipped;
      repairs->diagonal += c.diagonal;
    }
  }
}

// The first asymmetric pair of a tile of columns (row < col, values as read), and how many it holds.
struct Asymmetry {
  int64_t row = -1, col = -1;
  double upper = 0, lower = 0;
  int64_t count = 0;
};

template <class T>
void build_from_square(const CorrSource& src, T* out, ThreadPool& pool, const DistanceHooks& hooks) {
  const int64_t n = src.n;
  std::unique_ptr<File> file;
  if (src.kind == CorrSource::Kind::NpyFile) file = std::make_unique<File>(src.path);
  const int64_t rows = std::max<int64_t>(1, std::min<int64_t>(n, static_cast<int64_t>(kBlockBytes / (8 * n))));
  std::vector<double> blk(static_cast<size_t>(rows * n));
  std::vector<float> scratch;
  // What is parked in slot (i, j) until r_ji arrives: r_ij itself, except for a float64 source in float
  // storage, where float(r_ij) would cost up to 3e-8 absolute on d = 1 - |r| (relative error 3e-5 at
  // d = 1e-3). There we park q = copysign(1 - |r_ij|, r_ij): d's own scale, sign kept (even for 0).
  const bool complement = std::is_same<T, float>::value &&
                          (src.kind == CorrSource::Kind::MemoryF64 || (src.kind == CorrSource::Kind::NpyFile && src.file_f64));
  for (int64_t i0 = 0; i0 < n; i0 += rows) {
    check_cancel(hooks);
    const int64_t i1 = std::min(n, i0 + rows);
    read_square_rows(src, file.get(), i0, i1, blk.data(), scratch, pool, hooks.repairs);
    // Upper phase: park r_ij, j > i, in slot (i, j).
    pool.parallel_for(static_cast<size_t>(i1 - i0), [&](size_t t, size_t) {
      const int64_t i = i0 + static_cast<int64_t>(t);
      const double* r = blk.data() + t * n;
      T* dst = out + condensed_row(n, i) - (i + 1);
      if (complement) {
        for (int64_t j = i + 1; j < n; ++j) dst[j] = static_cast<T>(std::copysign(1.0 - std::fabs(r[j]), r[j]));
      } else {
        for (int64_t j = i + 1; j < n; ++j) dst[j] = static_cast<T>(r[j]);
      }
    });
    // Lower phase: finish (j, i) for every j < i with i in the block, tiles of columns j in parallel; each
    // task writes the contiguous run (j, max(i0, j + 1) .. i1 - 1) of condensed row j.
    constexpr int64_t kTile = 32;
    const int64_t jmax = i1 - 1;  // columns j < i <= i1 - 1
    const size_t tiles = static_cast<size_t>((jmax + kTile - 1) / kTile);
    // Per tile: the first asymmetric pair (j, i) in row-major order, or the number of them (repair). A parked
    // value differs from r_ij by at most ~6e-8 (complement) or not at all, well inside the 1e-6 tolerance.
    std::vector<Asymmetry> asym(tiles);
    pool.parallel_for(tiles, [&](size_t tj, size_t) {
      const int64_t j0 = static_cast<int64_t>(tj) * kTile, j1 = std::min(jmax, j0 + kTile);
      Asymmetry& a = asym[tj];
      for (int64_t j = j0; j < j1; ++j) {
        T* row = out + condensed_row(n, j) - (j + 1);  // row[i] = slot (j, i)
        for (int64_t i = std::max(i0, j + 1); i < i1; ++i) {
          double parked = static_cast<double>(row[i]);
          if (complement) parked = std::copysign(1.0 - std::fabs(parked), parked);
          const double lower = blk[(i - i0) * n + j];
          if (std::fabs(parked - lower) > kCorrTolerance) {
            ++a.count;
            if (a.row < 0) a = {j, i, parked, lower, a.count};
          }
          row[i] = finish<T>(parked, lower);
        }
      }
    });
    for (const Asymmetry& a : asym) {
      if (a.count == 0) continue;
      if (!src.repair) {
        fail(Code::Format, source_name(src) + ": Expected a symmetric matrix (|r_ij - r_ji| <= 1e-6) at row " +
                               std::to_string(a.row) + ", column " + std::to_string(a.col) + " but received " +
                               number_text(a.upper) + " there and " + number_text(a.lower) + " at row " +
                               std::to_string(a.col) + ", column " + std::to_string(a.row) + kRepairHint);
      }
      if (hooks.repairs) hooks.repairs->asymmetric += a.count;
    }
    if (hooks.progress) hooks.progress(i1);
  }
}

template <class T>
void build_from_stats(const CorrSource& src, T* out, ThreadPool& pool, const DistanceHooks& hooks) {
  const int64_t n = src.n;
  File file(src.path);
  const uint64_t need = src.offset + static_cast<uint64_t>(packed_size(n)) * 8;
  if (file.size() < need) fail(Code::Format, src.path + ": truncated: the co-moment needs " + std::to_string(need) + " bytes");
  // The state is checked as stats/check.h checks one in memory, on the way: means and diagonal first, each
  // pair as its row block is read (the first offending entry in row-major order).
  std::vector<double> mean(n), var(n), slack(n), inv(n);
  file.pread_exact(mean.data(), static_cast<size_t>(n) * 8, src.mean_offset, "means");
  for (int64_t i = 0; i < n; ++i) check_mean(src.path, static_cast<size_t>(i), mean[i]);
  for (int64_t i = 0; i < n; ++i) {
    double v;
    file.pread_exact(&v, 8, src.offset + static_cast<uint64_t>(packed_row_offset(i, n)) * 8, "co-moment diagonal");
    slack[i] = diagonal_slack(src.count, mean[i]);
    var[i] = checked_variance(src.path, static_cast<size_t>(i), v, slack[i]);
    inv[i] = var[i] > 0 ? 1.0 / std::sqrt(var[i]) : 0.0;  // zero variance -> r = 0, as correlation_from_comoment
  }
  std::vector<double> blk;
  for (int64_t i0 = 0; i0 < n;) {
    check_cancel(hooks);
    // As many packed rows as fit in the block budget (at least one).
    int64_t i1 = i0 + 1;
    while (i1 < n && (packed_row_offset(i1 + 1, n) - packed_row_offset(i0, n)) * 8 <= kBlockBytes) ++i1;
    const size_t first = packed_row_offset(i0, n), count = packed_row_offset(i1, n) - first;
    blk.resize(count);
    file.pread_exact(blk.data(), count * 8, src.offset + first * 8, "co-moment rows");
    std::vector<int64_t> bad(static_cast<size_t>(i1 - i0), -1);  // per row: first failing column
    pool.parallel_for(static_cast<size_t>(i1 - i0), [&](size_t t, size_t) {
      const int64_t i = i0 + static_cast<int64_t>(t);
      const double* row = blk.data() + (packed_row_offset(i, n) - first) - i;  // row[j] = M_ij, j >= i
      T* dst = out + condensed_row(n, i) - (i + 1);
      for (int64_t j = i + 1; j < n; ++j) {
        const double m = row[j];
        if (!pair_ok(m, var[i], var[j], slack[i], slack[j])) {
          bad[t] = j;
          return;
        }
        double r = row[j] * inv[i] * inv[j];
        r = r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r);
        if (std::is_same<T, float>::value) r = static_cast<double>(static_cast<float>(r));
        dst[j] = static_cast<T>(1.0 - std::fabs(r));
      }
    });
    for (size_t t = 0; t < bad.size(); ++t) {
      if (bad[t] < 0) continue;
      const int64_t i = i0 + static_cast<int64_t>(t), j = bad[t];
      fail_pair(src.path, static_cast<size_t>(i), static_cast<size_t>(j),
                blk[packed_row_offset(i, n) - first + static_cast<size_t>(j - i)], var[i], var[j]);
    }
    i0 = i1;
    if (hooks.progress) hooks.progress(i0);
  }
}

}  // namespace

template <class T>
void build_distances(const CorrSource& src, T* out, ThreadPool& pool, const DistanceHooks& hooks) {
  if (src.kind == CorrSource::Kind::StatsFile) build_from_stats(src, out, pool, hooks);
  else build_from_square(src, out, pool, hooks);
}

template void build_distances<float>(const CorrSource&, float*, ThreadPool&, const DistanceHooks&);
template void build_distances<double>(const CorrSource&, double*, ThreadPool&, const DistanceHooks&);

}  // namespace ns
