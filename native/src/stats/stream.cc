#include "stats/stream.h"

#include <cmath>
#include <future>
#include <sstream>

#include "common/error.h"
#include "stats/nonfinite.h"

namespace ns {

namespace {

struct Chunk {
  std::vector<float> data;
  size_t rows = 0;
  size_t file = 0;     // index in options.files
  int64_t row0 = 0;    // row of the file where the chunk starts
  bool end = false;    // no more rows in any file
};

// Walks the files in order, opening each lazily; a chunk never spans two files, so row numbers in messages are
// exact and the chunk boundaries of a file do not depend on the files before it.
class ChunkReader {
 public:
  // D: floats per delivered row (the kept columns); W: the files' width.
  ChunkReader(const StreamOptions& o, size_t D, size_t W) : o_(o), D_(D), W_(W) {}

  void next(Chunk& c) {
    c.rows = 0;
    c.end = false;
    while (true) {
      if (!src_) {
        if (file_ >= o_.files.size()) {
          c.end = true;
          return;
        }
        src_ = open_source(o_.files[file_].first, o_.files[file_].second);
        check_width(src_->info());
        end_ = -1;
        if (!o_.row_ranges.empty()) enter_range(o_.row_ranges[file_]);
      }
      c.file = file_;
      c.row0 = src_->position();
      c.data.resize(o_.chunk_rows * D_);
      // With a column subset the rows are read whole into full_ and gathered: sources read whole rows anyway.
      float* dst = o_.columns.empty() ? c.data.data() : (full_.resize(o_.chunk_rows * W_), full_.data());
      while (c.rows < o_.chunk_rows) {
        size_t want = o_.chunk_rows - c.rows;
        if (end_ >= 0) want = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(want), end_ - src_->position()));
        if (want == 0) break;
        const size_t got = src_->read(dst + c.rows * W_, want, W_);
        if (got == 0) break;
        c.rows += got;
      }
      if (end_ >= 0 && src_->position() < end_ && c.rows < o_.chunk_rows) short_of(end_);
      if (!o_.columns.empty()) gather(c);
      if (c.rows > 0) return;
      src_.reset();  // this file is exhausted
      ++file_;
    }
  }

 private:
  void gather(Chunk& c) const {
    const uint32_t* cols = o_.columns.data();
    for (size_t r = 0; r < c.rows; ++r) {
      const float* in = full_.data() + r * W_;
      float* out = c.data.data() + r * D_;
      for (size_t j = 0; j < D_; ++j) out[j] = in[cols[j]];
    }
  }

  // Moves to the first row of a range; a file shorter than the range is refused, never read as a smaller shard.
  void enter_range(const std::pair<int64_t, int64_t>& r) {
    end_ = r.second;
    if (r.first > 0 && src_->skip(static_cast<size_t>(r.first)) != static_cast<size_t>(r.first)) short_of(r.first);
  }

  [[noreturn]] void short_of(int64_t row) const {
    std::ostringstream m;
    m << src_->info().path << ": has " << src_->position() << " rows, fewer than the " << row
      << " its row range needs (was the file changed since the plan was made?)";
    fail(Code::Shape, m.str());
  }

  void check_width(const SourceInfo& info) {
    if (info.cols != W_) {
      std::ostringstream m;
      m << info.path << ": has " << info.cols << " neurons per row, but " << o_.files[0].first << " has " << W_
        << "; all files of a dataset must have the same width";
      fail(Code::Width, m.str());
    }
  }

  const StreamOptions& o_;
  size_t D_;
  size_t W_;
  std::vector<float> full_;  // full-width rows of a chunk when only some columns are kept
  size_t file_ = 0;
  int64_t end_ = -1;  // row of the current file where its range ends; -1: its end
  std::unique_ptr<Source> src_;
};

std::string describe_hit(const SourceInfo& info, int64_t row, size_t col, float value) {
  std::ostringstream m;
  m << info.path << ": " << (std::isnan(value) ? "NaN" : (value > 0 ? "+Inf" : "-Inf")) << " at row " << row
    << ", neuron " << col;
  if (info.layers > 1) {
    const size_t H = info.cols / info.layers;
    m << " (layer " << col / H << ", unit " << col % H << ")";
  }
  m << "; pass --nan zero (API: nan: 'zero') to replace non-finite values by 0 and count them";
  return m.str();
}

bool all_finite(const std::vector<double>& v) {
  for (double x : v)
    if (!std::isfinite(x)) return false;
  return true;
}

}  // namespace

StreamResult accumulate_files(const StreamOptions& o, const std::atomic<bool>& cancel,
                              const std::function<void(uint64_t, size_t)>& progress) {
  if (o.files.empty()) fail(Code::Empty, "no input files");
  // chunkRows is validated once, in TypeScript (CHUNK_ROWS_RANGE of src/io/chunk-rows.ts); 0 would never end.
  if (o.chunk_rows == 0) fail(Code::Internal, "accumulate_files: chunk_rows is 0");
  // The first file fixes the width; it is opened again by the reader (headers are cheap).
  const size_t W = open_source(o.files[0].first, o.files[0].second)->info().cols;
  if (W == 0) fail(Code::Empty, o.files[0].first + ": has no neurons (0 columns)");
  for (uint32_t c : o.columns)
    if (c >= W) fail(Code::Internal, "accumulate_files: column " + std::to_string(c) + " is beyond the width " + std::to_string(W));
  const size_t D = o.columns.empty() ? W : o.columns.size();

  StreamResult result;
  result.stats = std::make_unique<Comoments>(D);
  result.rows_per_file.assign(o.files.size(), 0);
  if (!o.layer_offsets.empty()) {
    if (o.layer_offsets.back() != D) fail(Code::Internal, "accumulate_files: layer offsets do not end at the width");
    result.layer_sums = std::make_unique<LayerSums>(o.layer_offsets);
  }
  ThreadPool pool(o.threads);
  ChunkReader reader(o, D, W);

  std::vector<double> chunk_mean(D);
  Chunk a, b;
  Chunk* cur = &a;
  Chunk* nxt = &b;
  reader.next(*cur);
  uint64_t rows_done = 0;
  // Each loop: start reading chunk k+1 on a reader thread, fold chunk k in here, then wait for the read.
  while (!cur->end) {
    if (cancel.load()) fail(Code::Cancelled, "cancelled");
    std::future<void> pending = std::async(std::launch::async, [&] { reader.next(*nxt); });
    try {
      float* X = cur->data.data();
      // A non-finite value makes its column's float64 sum non-finite (finite float32 values cannot overflow a
      // float64 sum of < 2^100 rows), so the mean pass doubles as the NaN/Inf check; the slow scan runs only
      // when something was found.
      column_means(X, cur->rows, D, D, chunk_mean.data(), pool);
      if (!all_finite(chunk_mean)) {
        if (o.nan_zero) {
          result.non_finite += zero_nonfinite(X, cur->rows, D, D, pool);
          column_means(X, cur->rows, D, D, chunk_mean.data(), pool);
        } else {
          const NonFiniteHit h = find_nonfinite(X, cur->rows, D, D, pool);
          SourceInfo info = open_source(o.files[cur->file].first, o.files[cur->file].second)->info();
          const size_t neuron = o.columns.empty() ? h.col : o.columns[h.col];  // messages name original ids
          fail(Code::NonFinite, describe_hit(info, cur->row0 + static_cast<int64_t>(h.row), neuron, h.value));
        }
      }
      result.stats->add_chunk(X, cur->rows, D, chunk_mean.data(), pool);
      if (result.layer_sums) result.layer_sums->add_chunk(X, cur->rows, D, chunk_mean.data(), pool);
    } catch (...) {
      pending.wait();  // never leave the reader thread running on our buffers
      throw;
    }
    result.rows_per_file[cur->file] += static_cast<int64_t>(cur->rows);
    rows_done += cur->rows;
    const size_t file = cur->file;
    pending.get();  // rethrows reader errors (truncation, width, malformed line)
    std::swap(cur, nxt);
    progress(rows_done, cur->end ? file : cur->file);
  }
  result.stats->flush(pool);
  return result;
}

}  // namespace ns
