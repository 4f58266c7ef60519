// Correlation distances d = 1 - |r| written straight into a condensed upper triangle (condensed.h), from a
// square correlation matrix (in memory, or a .npy file read in row blocks) or from a stats file's packed
// co-moment (read in row blocks). Never a float64 square copy: besides the output, memory is one block of
// rows (~32 MiB) and, for stats files, the n inverse standard deviations.
//
// The method (shared/spec/method.md section 2, NeuroX's create_correlation_clusters): symmetrise
// (r + r^T) / 2, d = 1 - |r| (the diagonal is not stored). Exactly, per pair i < j:
//     s = (double(r_ij) + double(r_ji)) / 2,  d = 1 - |s|   (in double), stored as T.
// A square matrix must be a correlation matrix, or it is refused naming the source and the first offending
// (row, column) in reading order: no NaN (E_NONFINITE), |r| <= 1 + 1e-6, |r_ij - r_ji| <= 1e-6, and r_ii = 1
// within 1e-6 -- or r_ii = 0 for a constant neuron whose off-diagonal row is all 0 (np.corrcoef's NaN row after
// NeuroX's NaN -> 0). 1e-6 is ~8 float32 ulps at 1: every float32 or float64 Pearson matrix computed from data
// passes, while a matrix that is not one fails. Within the tolerance, values beyond +-1 are clipped (as
// np.corrcoef clips) so distances stay >= 0, which scipy's fcluster requires of a linkage. With `repair`
// (NeuroX's behaviour): NaN -> 0, any value clipped to [-1, 1], any asymmetry averaged, the diagonal ignored,
// each counted in RepairCounts. An infinite r is an error in both modes.
//
// The square matrix is read once, row block after row block: r_ij (j > i) is parked in the output slot of
// (i, j) as T when row i is read, and finished with r_ji when row j is read. A float32 input (what
// `neurosieve corr` writes) is parked exactly. A float64 input in float storage is parked as
// copysign(1 - |r_ij|, r_ij), rounded to float: an error of ~6e-8 relative to d rather than to r, so heights
// stay within ~1e-7 relative of the float64 run even for d near 0.
//
// Stats file: checked as stats/check.h checks a state (finite means and co-moments, M_ii >= 0, Cauchy-Schwarz;
// never repaired), then r_ij = M_ij / sqrt(M_ii M_jj) by the same expression, clamp and zero-variance rule as
// correlation_from_comoment (stats/comoments.h), then, with T = float, rounded to float32 like the matrix
// `neurosieve corr` writes, so that clustering a stats file and clustering its corr.npy give the same Z.
// With T = double r is used unrounded.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "core/thread_pool.h"

namespace ns {

struct CorrSource {
  enum class Kind { MemoryF32, MemoryF64, NpyFile, StatsFile } kind = Kind::MemoryF32;
  int64_t n = 0;
  const float* f32 = nullptr;   // MemoryF32: row-major, rows `stride` apart; the source is its top-left n x n
  const double* f64 = nullptr;  // MemoryF64
  int64_t stride = 0;           // Memory*: values per row of the array (0: n). A leading block is read in place.
  std::string path;             // NpyFile / StatsFile
  uint64_t offset = 0;          // NpyFile: first data byte; StatsFile: first byte of the packed co-moment
  bool file_f64 = false;        // NpyFile: '<f8' instead of '<f4'
  bool repair = false;          // square sources: NeuroX's silent repair instead of errors (see the top)
  uint64_t count = 0;           // StatsFile: rows (for the diagonal's tolerance, stats/check.h)
  uint64_t mean_offset = 0;     // StatsFile: first byte of the float64 means
};

// What repair mode changed (square sources): NaN entries set to 0, entries beyond +-(1 + 1e-6) clipped, pairs
// i < j with |r_ij - r_ji| > 1e-6 averaged, diagonal entries that are neither 1 (within 1e-6) nor the 0 of a
// constant neuron (ignored: the diagonal is never stored).
struct RepairCounts {
  int64_t nan = 0, clipped = 0, asymmetric = 0, diagonal = 0;
};

struct DistanceHooks {
  std::function<void(int64_t rows_done)> progress;  // called after each row block
  const std::atomic<bool>* cancel = nullptr;
  RepairCounts* repairs = nullptr;  // filled (added to) with repair mode
};

// Fills out[condensed_size(n)]. Deterministic: each output element is computed by one task from the same
// inputs whatever the thread count.
template <class T>
void build_distances(const CorrSource& src, T* out, ThreadPool& pool, const DistanceHooks& hooks);

}  // namespace ns
