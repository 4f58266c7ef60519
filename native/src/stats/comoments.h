// Mergeable second-order statistics of a stream of rows: count n, float64 means mu and the centred co-moment
// matrix M = sum_r (x_r - mu)(x_r - mu)^T (packed upper triangle, float64; see core/syrk.h for the layout).
//
// Chunks are folded in with the pairwise update of Chan, Golub & LeVeque (1982), "Updating formulae and a
// pairwise algorithm for computing sample variances":
//     n = n1 + n2,  delta = mu2 - mu1,  mu = mu1 + delta * n2 / n,  M = M1 + M2 + delta delta^T * n1 n2 / n.
// Each chunk is centred by its own mean (rounded to float32, subtracted while the SYRK packs its panels), so the
// float32 products never see the raw magnitudes: a neuron with mean 1e4 and unit variance keeps full precision,
// where the one-pass E[xy] - E[x]E[y] loses all of it. Centring by mu_f = fl32(mu) instead of mu adds exactly
// n e e^T with e = mu - mu_f (since sum(x - mu) = 0), which is subtracted again below.
//
// Rank-1 terms (Chan's delta delta^T n1 n2 / n, and -n e e^T) do not depend on M, so they are queued and applied
// kPendingTerms at a time: one pass over the D^2/2 doubles of M per batch instead of two per chunk (at D = 9984
// a pass over M is ~0.1 s of memory traffic).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/big_alloc.h"
#include "core/syrk.h"
#include "core/thread_pool.h"

namespace ns {

// Owns its packed co-moment buffer (huge-page backed; can be handed over to JS with release_comoment()).
class Comoments {
 public:
  explicit Comoments(size_t D);
  ~Comoments() { big_free(buf_); }
  Comoments(const Comoments&) = delete;
  Comoments& operator=(const Comoments&) = delete;

  size_t cols() const { return D_; }
  uint64_t count() const { return count_; }
  const std::vector<double>& mean() const { return mean_; }
  double* comoment() { return static_cast<double*>(buf_.ptr); }
  const double* comoment() const { return static_cast<const double*>(buf_.ptr); }

  // Folds in a float32 chunk of `rows` rows (row stride ld) whose float64 column means the caller has computed
  // (column_means; the caller checks them for NaN/Inf on the way).
  void add_chunk(const float* X, size_t rows, size_t ld, const double* chunk_mean, ThreadPool& pool);

  // The second half of add_chunk for a chunk whose shifted co-moment S = sum_r (x_r - shift)(x_r - shift)^T the
  // caller has already added into comoment() (the WebGPU backend computes S on the device): subtracts
  // rows * e e^T with e = mu2 - shift and applies Chan's update with (rows, mu2). Same algebra as add_chunk.
  void add_shifted_correction(uint64_t rows, const double* mu2, const float* shift, ThreadPool& pool);

  // Folds in another state given as raw arrays (count, means, packed co-moment) of the same width.
  void merge(uint64_t count, const double* mean, const double* comoment, ThreadPool& pool);

  // Sets the state (used to start a merge from an existing state without copying the co-moment twice).
  void assign(uint64_t count, const double* mean, const double* comoment);

  // Applies the queued rank-1 terms; comoment() is complete only after this.
  void flush(ThreadPool& pool);

  // Gives up ownership of the co-moment buffer (the caller must big_free it; call flush() first).
  BigBuffer release_comoment();

 private:
  static constexpr size_t kPendingTerms = 32;
  // Queues M += coef * v v^T.
  void queue_rank1(double coef, const double* v, ThreadPool& pool);
  // mu <- Chan update with a state (n2, mu2) whose co-moment has already been added into M; queues the
  // delta delta^T n1 n2 / n term.
  void chan_correction(uint64_t n2, const double* mu2, ThreadPool& pool);

  size_t D_;
  uint64_t count_ = 0;
  std::vector<double> mean_;
  BigBuffer buf_;
  std::vector<double> pending_v_;     // kPendingTerms x D
  std::vector<double> pending_coef_;  // one coefficient per queued term
  std::vector<float> shift_;
  std::vector<double> scratch_;
  SyrkWorkspace ws_;
};

// Column means of a float32 chunk in float64; deterministic (each column summed by one task, rows in order).
void column_means(const float* X, size_t rows, size_t D, size_t ld, double* mean, ThreadPool& pool);

// Pearson r of one co-moment element, as every path rounds it: float64 product with the two inverse standard
// deviations (0 for a zero-variance neuron), clamped to [-1, 1], rounded to float32. The dense matrix, the stats
// file's distances and the tiled edges (edges/tile_edges.h) all use it, so their r agree bit for bit.
inline float pearson_f32(double m_ij, double inv_i, double inv_j) {
  double r = m_ij * inv_i * inv_j;
  r = r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r);
  return static_cast<float>(r);
}

// Pearson r from a co-moment: out is a full symmetric row-major D x D float32 matrix,
// r_ij = M_ij / sqrt(M_ii M_jj) computed in float64 and clamped to [-1, 1]. Neurons with M_ii == 0 (exactly:
// a constant float32 column centres to exact zeros) get r = 0 with every other neuron and 1 with themselves.
void correlation_from_comoment(const double* M, size_t D, float* out, ThreadPool& pool);

// The same matrix written over the co-moment's own buffer (its D(D+1)/2 doubles hold the D² floats), so that
// the triangle and the matrix never exist side by side (`analyze` holds X and the matrix, nothing else). Same
// arithmetic as correlation_from_comoment, so the same bytes; single-threaded (~1 s at D = 9,984), because the
// float32 values move down over the doubles they are computed from. Returns the matrix (= M's address).
float* correlation_in_place(double* M, size_t D);

}  // namespace ns
