#include "stats/comoments.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ns {

namespace {
constexpr size_t kColBlock = 256;  // columns per task in the column passes: 2 KiB of float64 sums, L1-resident
constexpr size_t kRowBlock = 64;   // rows of the packed triangle per task in the rank-1 correction
}  // namespace

Comoments::Comoments(size_t D)
    : D_(D),
      mean_(D, 0.0),
      buf_(big_alloc_zeroed(packed_size(D) * sizeof(double))),
      shift_(D, 0.0f),
      scratch_(D, 0.0) {
  pending_v_.reserve(kPendingTerms * D);
}

void column_means(const float* X, size_t rows, size_t D, size_t ld, double* mean, ThreadPool& pool) {
  const size_t blocks = (D + kColBlock - 1) / kColBlock;
  pool.parallel_for(blocks, [&](size_t b, size_t) {
    const size_t c0 = b * kColBlock, c1 = std::min(D, c0 + kColBlock);
    double sum[kColBlock] = {};
    for (size_t r = 0; r < rows; ++r) {
      const float* x = X + r * ld;
      for (size_t c = c0; c < c1; ++c) sum[c - c0] += x[c];
    }
    for (size_t c = c0; c < c1; ++c) mean[c] = sum[c - c0] / static_cast<double>(rows);
  });
}

void Comoments::add_chunk(const float* X, size_t rows, size_t ld, const double* mu2, ThreadPool& pool) {
  if (rows == 0) return;
  for (size_t c = 0; c < D_; ++c) {
    shift_[c] = static_cast<float>(mu2[c]);
    scratch_[c] = mu2[c] - static_cast<double>(shift_[c]);  // e = mu - fl32(mu)
  }
  syrk_accumulate(X, rows, D_, ld, comoment(), pool, &ws_, shift_.data());  // M += M2 + n2 e e^T
  queue_rank1(-static_cast<double>(rows), scratch_.data(), pool);
  chan_correction(rows, mu2, pool);
}

void Comoments::add_shifted_correction(uint64_t rows, const double* mu2, const float* shift, ThreadPool& pool) {
  if (rows == 0) return;
  for (size_t c = 0; c < D_; ++c) scratch_[c] = mu2[c] - static_cast<double>(shift[c]);  // e = mu - shift
  queue_rank1(-static_cast<double>(rows), scratch_.data(), pool);
  chan_correction(rows, mu2, pool);
}

void Comoments::merge(uint64_t n2, const double* mu2, const double* M2, ThreadPool& pool) {
  if (n2 == 0) return;
  flush(pool);
  double* M = comoment();
  const size_t n = packed_size(D_);
  const size_t tasks = (n + (1 << 20) - 1) >> 20;
  pool.parallel_for(tasks, [&](size_t t, size_t) {
    const size_t e1 = std::min(n, (t + 1) << 20);
    for (size_t e = t << 20; e < e1; ++e) M[e] += M2[e];
  });
  chan_correction(n2, mu2, pool);
  flush(pool);
}

void Comoments::chan_correction(uint64_t n2, const double* mu2, ThreadPool& pool) {
  const uint64_t n1 = count_;
  const uint64_t n = n1 + n2;
  if (n1 > 0) {
    for (size_t i = 0; i < D_; ++i) scratch_[i] = mu2[i] - mean_[i];  // delta
    const double f = static_cast<double>(n1) * static_cast<double>(n2) / static_cast<double>(n);
    queue_rank1(f, scratch_.data(), pool);
    const double w = static_cast<double>(n2) / static_cast<double>(n);
    for (size_t i = 0; i < D_; ++i) mean_[i] += scratch_[i] * w;
  } else {
    std::memcpy(mean_.data(), mu2, D_ * sizeof(double));
  }
  count_ = n;
}

void Comoments::queue_rank1(double coef, const double* v, ThreadPool& pool) {
  if (pending_coef_.size() == kPendingTerms) flush(pool);
  pending_v_.insert(pending_v_.end(), v, v + D_);
  pending_coef_.push_back(coef);
}

void Comoments::flush(ThreadPool& pool) {
  const size_t terms = pending_coef_.size();
  if (terms == 0) return;
  // Row i of the triangle: M[i][j] += sum_t coef_t v_t[i] v_t[j] for j >= i. Each row is written by one task
  // and the terms are added in queue order, so the result does not depend on the thread count.
  double* M = comoment();
  const double* V = pending_v_.data();
  const double* coef = pending_coef_.data();
  const size_t blocks = (D_ + kRowBlock - 1) / kRowBlock;
  pool.parallel_for(blocks, [&](size_t b, size_t) {
    const size_t i1 = std::min(D_, (b + 1) * kRowBlock);
    for (size_t i = b * kRowBlock; i < i1; ++i) {
      double* row = M + packed_row_offset(i, D_) - i;
      for (size_t t = 0; t < terms; ++t) {
        const double* v = V + t * D_;
        const double a = coef[t] * v[i];
        if (a == 0.0) continue;
        for (size_t j = i; j < D_; ++j) row[j] += a * v[j];
      }
    }
  });
  pending_v_.clear();
  pending_coef_.clear();
}

void Comoments::assign(uint64_t count, const double* mean, const double* comoment_in) {
  pending_v_.clear();
  pending_coef_.clear();
  count_ = count;
  std::memcpy(mean_.data(), mean, D_ * sizeof(double));
  std::memcpy(comoment(), comoment_in, packed_size(D_) * sizeof(double));
}

BigBuffer Comoments::release_comoment() {
  BigBuffer b = buf_;
  buf_ = BigBuffer{};
  return b;
}

void correlation_from_comoment(const double* M, size_t D, float* out, ThreadPool& pool) {
  std::vector<double> inv(D);
  for (size_t i = 0; i < D; ++i) {
    const double v = M[packed_row_offset(i, D)];
    inv[i] = v > 0 ? 1.0 / std::sqrt(v) : 0.0;  // zero variance -> r = 0 off the diagonal
  }
  // Tiles of kTile x kTile on and above the diagonal; each task writes one tile and its mirror image, so the
  // strided mirror writes stay within a few cache lines per row.
  constexpr size_t kTile = 64;
  const size_t nb = (D + kTile - 1) / kTile;
  pool.parallel_for(nb, [&](size_t bi, size_t) {
    const size_t i0 = bi * kTile, i1 = std::min(D, i0 + kTile);
    for (size_t bj = bi; bj < nb; ++bj) {
      const size_t j0 = bj * kTile, j1 = std::min(D, j0 + kTile);
      for (size_t i = i0; i < i1; ++i) {
        const double* row = M + packed_row_offset(i, D) - i;
        for (size_t j = std::max(i, j0); j < j1; ++j) {
          const float rf = i == j ? 1.0f : pearson_f32(row[j], inv[i], inv[j]);
          out[i * D + j] = rf;
          out[j * D + i] = rf;
        }
      }
    }
  });
}

float* correlation_in_place(double* M, size_t D) {
  std::vector<double> inv(D);
  for (size_t i = 0; i < D; ++i) {
    const double v = M[packed_row_offset(i, D)];
    inv[i] = v > 0 ? 1.0 / std::sqrt(v) : 0.0;
  }
  float* out = reinterpret_cast<float*>(M);
  // 1. r of the packed triangle, as floats, in packed order: float p lands at byte 4p, below the double it is
  //    read from (byte 8p), and every double before it has been read already.
  size_t p = 0;
  for (size_t i = 0; i < D; ++i) {
    for (size_t j = i; j < D; ++j, ++p) {
      const float rf = i == j ? 1.0f : pearson_f32(M[p], inv[i], inv[j]);
      std::memcpy(out + p, &rf, sizeof rf);
    }
  }
  // 2. The packed float triangle unfolded into the full matrix, last row first: row i goes to [iD, iD + D),
  //    at or above where its packed row starts (packed_row_offset(i) <= iD), so the packed rows still to be read
  //    (0 … i, all below packed_row_offset(i) + D − i) are intact until row i is written: first its upper part
  //    (memmove: it may overlap its own source), then its lower part, read from the columns of rows j < i.
  for (size_t i = D; i-- > 0;) {
    std::memmove(out + i * D + i, out + packed_row_offset(i, D), (D - i) * sizeof(float));
    for (size_t j = 0; j < i; ++j) out[i * D + j] = out[packed_row_offset(j, D) + (i - j)];
  }
  return out;
}

}  // namespace ns
