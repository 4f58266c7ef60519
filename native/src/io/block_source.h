// The common reader behind .npy and safetensors: a file whose rows are split into column blocks, each block a
// contiguous row-major [rows, width] array at a known byte offset (one block per layer, or a single block).
// A read of k rows issues one pread per block (per sub-block of at most kMaxReadBytes), so memory stays bounded
// by the chunk no matter how large the file is.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "io/file.h"
#include "io/source.h"

namespace ns {

// Element types the binary readers convert from. Values on disk are little-endian.
enum class Dtype { F16, BF16, F32, F64 };

size_t dtype_size(Dtype d);
const char* dtype_name(Dtype d);  // "float16" | "bfloat16" | "float32" | "float64"
// Converts n little-endian elements of type d at src into float32.
void convert_to_float(Dtype d, const unsigned char* src, float* dst, size_t n);

struct ColumnBlock {
  uint64_t offset = 0;  // byte offset of row 0 of this block in the file
  size_t width = 0;     // columns in this block; rows are contiguous, stride width * dtype_size
};

class BlockSource : public Source {
 public:
  // info must already hold path, format, dtype, rows, cols, layers (cols = sum of block widths).
  BlockSource(File file, SourceInfo info, Dtype dtype, std::vector<ColumnBlock> blocks);
  const SourceInfo& info() const override { return info_; }
  size_t read(float* out, size_t max_rows, size_t ld) override;
  int64_t position() const override { return pos_; }
  size_t skip(size_t rows) override;

  static constexpr size_t kMaxReadBytes = size_t(4) << 20;

 private:
  File file_;
  SourceInfo info_;
  Dtype dtype_;
  std::vector<ColumnBlock> blocks_;
  int64_t pos_ = 0;
  std::vector<unsigned char> buf_;
};

}  // namespace ns
