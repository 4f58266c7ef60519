// One pass over a dataset (several files of the same width, read in order as one stream of rows): each chunk is
// read on a reader thread while the previous one is being folded into the co-moments, so disk and arithmetic
// overlap. Memory: two chunk buffers + the O(D^2) state, whatever the number of rows.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cka/layer_sums.h"
#include "io/source.h"
#include "stats/comoments.h"

namespace ns {

struct StreamOptions {
  std::vector<std::pair<std::string, Format>> files;
  // Rows [first, second) of each file (second = -1: to its end); empty = every row of every file. A file with
  // fewer rows than a range names fails with E_SHAPE naming it (a shard planned on another version of the file).
  std::vector<std::pair<int64_t, int64_t>> row_ranges;
  size_t threads = 0;
  size_t chunk_rows = 4096;
  bool nan_zero = false;  // false: stop at the first NaN/Inf with E_NONFINITE
  // Columns to keep, in output order (original neuron ids < the files' width, distinct, checked in TypeScript);
  // empty = all. The statistics are those of the kept columns only: D = columns.size().
  std::vector<uint32_t> columns;
  // Layer boundaries (L + 1, over the kept columns) for debiased CKA's per-row sums (cka/layer_sums.h), folded
  // in the same pass; empty = none.
  std::vector<size_t> layer_offsets;
};

struct StreamResult {
  std::unique_ptr<Comoments> stats;
  std::unique_ptr<LayerSums> layer_sums;  // when options.layer_offsets is set
  uint64_t non_finite = 0;
  std::vector<int64_t> rows_per_file;
};

// progress(rows so far, index of the file being read) is called after every chunk, on the calling thread.
// Throws ns::Error: E_CANCELLED when `cancel` becomes true (checked between chunks), E_WIDTH when a file's width
// differs from the first file's, E_NONFINITE naming file, row and neuron, and any reader error.
StreamResult accumulate_files(const StreamOptions& options, const std::atomic<bool>& cancel,
                              const std::function<void(uint64_t, size_t)>& progress);

}  // namespace ns
