#include "io/row_stream.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/error.h"

namespace ns {

namespace {

// Rows gathered per pread batch when only some columns are kept: bounds the scratch buffer at ~4 MiB.
constexpr size_t kGatherBytes = size_t(4) << 20;

inline bool is_bad(float x) { return !std::isfinite(x); }

}  // namespace

RowStream::RowStream(RowStreamOptions options) : options_(std::move(options)) {
  if (options_.files.empty()) fail(Code::Empty, "no input files");
  // The first file fixes the width; it is opened again by open_next (headers are cheap).
  width_ = open_source(options_.files[0].first, options_.files[0].second)->info().cols;
  if (width_ == 0) fail(Code::Empty, options_.files[0].first + ": has no neurons (0 columns)");
  for (uint32_t c : options_.columns) {
    if (c >= width_) {
      std::ostringstream m;
      m << "column " << c << " is out of range: " << options_.files[0].first << " has " << width_ << " neurons";
      fail(Code::Argument, m.str());
    }
  }
}

void RowStream::open_next() {
  src_ = open_source(options_.files[file_].first, options_.files[file_].second);
  const SourceInfo& info = src_->info();
  if (info.cols != width_) {
    std::ostringstream m;
    m << info.path << ": has " << info.cols << " neurons per row, but " << options_.files[0].first << " has "
      << width_ << "; all files of a dataset must have the same width";
    src_.reset();
    fail(Code::Width, m.str());
  }
}

// rows [0, n) of `rows` (cols() wide) came from the current file starting at its row row0.
void RowStream::check(float* rows, size_t n, int64_t row0) {
  const size_t C = cols();
  const size_t total = n * C;
  size_t first = total;
  for (size_t i = 0; i < total; ++i) {
    if (is_bad(rows[i])) {
      first = i;
      break;
    }
  }
  if (first == total) return;
  if (options_.nan_zero) {
    for (size_t i = first; i < total; ++i) {
      if (is_bad(rows[i])) {
        rows[i] = 0.0f;
        ++non_finite_;
      }
    }
    return;
  }
  const SourceInfo& info = src_->info();
  const size_t col = first % C;
  const size_t neuron = options_.columns.empty() ? col : options_.columns[col];
  const float v = rows[first];
  std::ostringstream m;
  m << info.path << ": " << (std::isnan(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf")) << " at row "
    << row0 + static_cast<int64_t>(first / C) << ", neuron " << neuron;
  if (info.layers > 1) {
    const size_t H = info.cols / info.layers;
    m << " (layer " << neuron / H << ", unit " << neuron % H << ")";
  }
  m << "; pass --nan zero (API: nan: 'zero') to replace non-finite values by 0 and count them";
  fail(Code::NonFinite, m.str());
}

size_t RowStream::read(float* out, size_t max_rows) {
  if (failed_) fail(Code::Argument, "the row stream failed earlier and cannot be read further");
  const size_t C = cols();
  size_t got = 0;
  try {
    while (got < max_rows) {
      if (!src_) {
        if (file_ >= options_.files.size()) break;
        open_next();
      }
      const int64_t row0 = src_->position();
      float* dst = out + got * C;
      size_t n;
      if (options_.columns.empty()) {
        n = src_->read(dst, max_rows - got, C);
      } else {
        const size_t batch = std::max<size_t>(1, std::min(max_rows - got, kGatherBytes / (width_ * sizeof(float))));
        gather_.resize(batch * width_);
        n = src_->read(gather_.data(), batch, width_);
        const uint32_t* cols = options_.columns.data();
        for (size_t r = 0; r < n; ++r) {
          const float* src = gather_.data() + r * width_;
          float* d = dst + r * C;
          for (size_t j = 0; j < C; ++j) d[j] = src[cols[j]];
        }
      }
      if (n == 0) {
        src_.reset();
        ++file_;
        continue;
      }
      check(dst, n, row0);
      got += n;
      rows_ += n;
    }
  } catch (...) {
    failed_ = true;
    throw;
  }
  return got;
}

}  // namespace ns
