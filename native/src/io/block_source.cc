#include "io/block_source.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "common/error.h"
#include "io/half.h"

namespace ns {

size_t dtype_size(Dtype d) {
  switch (d) {
    case Dtype::F16: return 2;
    case Dtype::BF16: return 2;
    case Dtype::F32: return 4;
    case Dtype::F64: return 8;
  }
  return 4;
}

const char* dtype_name(Dtype d) {
  switch (d) {
    case Dtype::F16: return "float16";
    case Dtype::BF16: return "bfloat16";
    case Dtype::F32: return "float32";
    case Dtype::F64: return "float64";
  }
  return "float32";
}

namespace {
constexpr bool kLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

inline uint16_t load16(const unsigned char* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return kLittleEndian ? v : __builtin_bswap16(v);
}
inline uint32_t load32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return kLittleEndian ? v : __builtin_bswap32(v);
}
inline uint64_t load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return kLittleEndian ? v : __builtin_bswap64(v);
}
}  // namespace

void convert_to_float(Dtype d, const unsigned char* src, float* dst, size_t n) {
  switch (d) {
    case Dtype::F32:
      if (kLittleEndian) {
        std::memcpy(dst, src, n * 4);
      } else {
        for (size_t i = 0; i < n; ++i) {
          uint32_t b = load32(src + 4 * i);
          std::memcpy(dst + i, &b, 4);
        }
      }
      break;
    case Dtype::F16: {
      const float* t = half_table();
      for (size_t i = 0; i < n; ++i) dst[i] = t[load16(src + 2 * i)];
      break;
    }
    case Dtype::BF16:
      for (size_t i = 0; i < n; ++i) dst[i] = bfloat16_to_float(load16(src + 2 * i));
      break;
    case Dtype::F64:
      for (size_t i = 0; i < n; ++i) {
        uint64_t b = load64(src + 8 * i);
        double v;
        std::memcpy(&v, &b, 8);
        dst[i] = static_cast<float>(v);
      }
      break;
  }
}

BlockSource::BlockSource(File file, SourceInfo info, Dtype dtype, std::vector<ColumnBlock> blocks)
    : file_(std::move(file)), info_(std::move(info)), dtype_(dtype), blocks_(std::move(blocks)) {}

size_t BlockSource::read(float* out, size_t max_rows, size_t ld) {
  const int64_t total = info_.rows;
  if (pos_ >= total || max_rows == 0) return 0;
  const size_t n = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(max_rows), total - pos_));
  const size_t es = dtype_size(dtype_);
  size_t col0 = 0;
  for (const ColumnBlock& b : blocks_) {
    if (b.width == 0) continue;
    const size_t row_bytes = b.width * es;
    const size_t sub = std::max<size_t>(1, kMaxReadBytes / row_bytes);
    for (size_t r = 0; r < n; r += sub) {
      const size_t k = std::min(sub, n - r);
      const size_t bytes = k * row_bytes;
      if (buf_.size() < bytes) buf_.resize(bytes);
      const uint64_t row = static_cast<uint64_t>(pos_) + r;
      const uint64_t off = b.offset + row * row_bytes;
      const size_t got = file_.pread_some(buf_.data(), bytes, off);
      if (got != bytes)
        fail(Code::Format, info_.path + ": truncated while reading row " + std::to_string(row) + ": wanted " +
                               std::to_string(bytes) + " bytes at offset " + std::to_string(off) + ", found " +
                               std::to_string(got) + " (was the file changed while being read?)");
      for (size_t i = 0; i < k; ++i)
        convert_to_float(dtype_, buf_.data() + i * row_bytes, out + (r + i) * ld + col0, b.width);
    }
    col0 += b.width;
  }
  pos_ += static_cast<int64_t>(n);
  return n;
}

size_t BlockSource::skip(size_t rows) {
  const int64_t n = std::min<int64_t>(static_cast<int64_t>(rows), std::max<int64_t>(0, info_.rows - pos_));
  pos_ += n;
  return static_cast<size_t>(n);
}

}  // namespace ns
