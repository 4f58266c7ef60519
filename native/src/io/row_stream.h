// Several activation files of the same width read in order as one stream of rows, optionally keeping only a
// subset of the columns, with the NaN/Inf policy of the correlation pass (stats/stream.h): stop at the first
// non-finite value naming file, row and neuron, or replace by 0 and count. This is what probes and rankings
// load their data through, and what a GPU backend streams chunks from; unlike the correlation pass it hands the
// rows to the caller instead of folding them into statistics.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io/source.h"

namespace ns {

struct RowStreamOptions {
  std::vector<std::pair<std::string, Format>> files;
  // Columns to keep, in output order (original neuron ids, each < the files' width); empty = all columns.
  std::vector<uint32_t> columns;
  bool nan_zero = false;
};

class RowStream {
 public:
  // Opens the first file to learn the width; throws E_EMPTY (no files, 0 columns), E_ARGUMENT (a column out of
  // range) or any reader error.
  explicit RowStream(RowStreamOptions options);

  size_t width() const { return width_; }  // neurons per row in the files
  size_t cols() const { return options_.columns.empty() ? width_ : options_.columns.size(); }  // per output row

  // Reads up to max_rows rows into out (row-major, cols() floats per row) and returns how many were read; 0 means
  // the end of the last file. A call may span several files. Throws E_WIDTH when a file's width differs from the
  // first file's, E_NONFINITE (unless nan_zero) naming file, row and neuron (the original neuron id), and reader
  // errors. After an error the stream stays failed: the rows already delivered are not repeated.
  size_t read(float* out, size_t max_rows);

  uint64_t rows() const { return rows_; }             // rows delivered so far
  uint64_t non_finite() const { return non_finite_; }  // values replaced by 0 (nan_zero)
  size_t file() const { return file_; }                // index of the file being read (files.size() at the end)

 private:
  void open_next();
  void check(float* rows, size_t n, int64_t row0);

  RowStreamOptions options_;
  size_t width_ = 0;
  size_t file_ = 0;
  std::unique_ptr<Source> src_;
  std::vector<float> gather_;  // full-width rows when only some columns are kept
  uint64_t rows_ = 0;
  uint64_t non_finite_ = 0;
  bool failed_ = false;
};

}  // namespace ns
