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

// Reads rows [i0, i1) of a square source into blk (double, row-major, (i1 - i0) x n), NaN -> 0, clipped to
// [-1, 1]; the conversion runs one row per task. Infinite values throw, naming the first (row, column) in
// row-major order whatever the thread count.
void read_square_rows(const CorrSource& src, const File* file, int64_t i0, int64_t i1, double* blk,
                      std::vector<float>& f32_scratch, ThreadPool& pool) {
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
  std::vector<int64_t> first_inf(static_cast<size_t>(i1 - i0), -1);  // column of each row's first infinity
  pool.parallel_for(static_cast<size_t>(i1 - i0), [&](size_t t, size_t) {
    double* row = blk + t * n;
    if (f32) {
      const float* in = f32 + static_cast<int64_t>(t) * ld;
      for (int64_t j = 0; j < n; ++j) row[j] = in[j];
    }
    for (int64_t j = 0; j < n; ++j) {
      const double v = row[j];
      if (std::isnan(v)) {
        row[j] = 0.0;
      } else if (v > 1.0 || v < -1.0) {
        if (std::isinf(v) && first_inf[t] < 0) first_inf[t] = j;
        row[j] = v > 1.0 ? 1.0 : -1.0;  // rounding noise beyond +-1: clipped, as np.corrcoef clips
      }
    }
  });
  for (size_t t = 0; t < first_inf.size(); ++t) {
    if (first_inf[t] >= 0) {
      fail(Code::NonFinite, (src.path.empty() ? std::string("correlation matrix") : src.path) + ": infinite correlation at row " +
                                std::to_string(i0 + static_cast<int64_t>(t)) + ", column " + std::to_string(first_inf[t]));
    }
  }
}

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
    read_square_rows(src, file.get(), i0, i1, blk.data(), scratch, pool);
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
    pool.parallel_for(tiles, [&](size_t tj, size_t) {
      const int64_t j0 = static_cast<int64_t>(tj) * kTile, j1 = std::min(jmax, j0 + kTile);
      for (int64_t j = j0; j < j1; ++j) {
        T* row = out + condensed_row(n, j) - (j + 1);  // row[i] = slot (j, i)
        for (int64_t i = std::max(i0, j + 1); i < i1; ++i) {
          double parked = static_cast<double>(row[i]);
          if (complement) parked = std::copysign(1.0 - std::fabs(parked), parked);
          row[i] = finish<T>(parked, blk[(i - i0) * n + j]);
        }
      }
    });
    if (hooks.progress) hooks.progress(i1);
  }
}

template <class T>
void build_from_stats(const CorrSource& src, T* out, ThreadPool& pool, const DistanceHooks& hooks) {
  const int64_t n = src.n;
  File file(src.path);
  const uint64_t need = src.offset + static_cast<uint64_t>(packed_size(n)) * 8;
  if (file.size() < need) fail(Code::Format, src.path + ": truncated: the co-moment needs " + std::to_string(need) + " bytes");
  std::vector<double> inv(n);
  for (int64_t i = 0; i < n; ++i) {
    double v;
    file.pread_exact(&v, 8, src.offset + static_cast<uint64_t>(packed_row_offset(i, n)) * 8, "co-moment diagonal");
    if (!std::isfinite(v)) fail(Code::NonFinite, src.path + ": non-finite co-moment on the diagonal at neuron " + std::to_string(i));
    inv[i] = v > 0 ? 1.0 / std::sqrt(v) : 0.0;  // zero variance -> r = 0, as correlation_from_comoment
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
    std::atomic<int64_t> bad{-1};
    pool.parallel_for(static_cast<size_t>(i1 - i0), [&](size_t t, size_t) {
      const int64_t i = i0 + static_cast<int64_t>(t);
      const double* row = blk.data() + (packed_row_offset(i, n) - first) - i;  // row[j] = M_ij, j >= i
      T* dst = out + condensed_row(n, i) - (i + 1);
      for (int64_t j = i + 1; j < n; ++j) {
        const double m = row[j];
        if (!std::isfinite(m)) {
          int64_t cur = bad.load();
          while ((cur < 0 || i < cur) && !bad.compare_exchange_weak(cur, i)) {
          }
          return;
        }
        double r = row[j] * inv[i] * inv[j];
        r = r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r);
        if (std::is_same<T, float>::value) r = static_cast<double>(static_cast<float>(r));
        dst[j] = static_cast<T>(1.0 - std::fabs(r));
      }
    });
    if (bad.load() >= 0) fail(Code::NonFinite, src.path + ": non-finite co-moment in row " + std::to_string(bad.load()));
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
