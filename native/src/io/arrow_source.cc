#include "io/arrow_source.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "common/error.h"
#include "io/block_source.h"
#include "io/file.h"
#include "io/flatbuffer.h"

namespace ns {
namespace {

// Type ids of the Type union (Schema.fbs).
enum TypeId : uint8_t {
  kNull = 1, kInt = 2, kFloat = 3, kBinary = 4, kUtf8 = 5, kBool = 6, kDecimal = 7, kDate = 8, kTime = 9,
  kTimestamp = 10, kInterval = 11, kList = 12, kStruct = 13, kUnion = 14, kFixedSizeBinary = 15,
  kFixedSizeList = 16, kMap = 17, kDuration = 18, kLargeBinary = 19, kLargeUtf8 = 20, kLargeList = 21,
};
// Field slots (Schema.fbs table Field).
constexpr int kFieldName = 0, kFieldTypeType = 2, kFieldType = 3, kFieldDictionary = 4, kFieldChildren = 5;
// MessageHeader union ids (Message.fbs).
constexpr uint8_t kSchemaMessage = 1, kRecordBatchMessage = 3;
// Metadata above this is refused (it also bounds what one message makes us allocate).
constexpr uint64_t kMaxMetadata = uint64_t(64) << 20;

uint8_t type_of(const FbTable& field) { return field.scalar<uint8_t>(kFieldTypeType, 0); }
bool is_list(uint8_t t) { return t == kList || t == kLargeList || t == kFixedSizeList; }
FbTable child(const FbTable& field) {
  const FbTable::Vec kids = field.vector(kFieldChildren, 4);
  if (kids.size != 1) fail(Code::Format, "corrupt Arrow schema: a list type without exactly one child");
  return field.element(kids, 0);
}

std::string type_name(const FbTable& field) {
  const uint8_t t = type_of(field);
  switch (t) {
    case kNull: return "null";
    case kInt: {
      const FbTable i = field.table(kFieldType, "Int type");
      return std::string(i.scalar<uint8_t>(1, 0) ? "int" : "uint") + std::to_string(i.scalar<int32_t>(0, 0));
    }
    case kFloat: {
      const int16_t p = field.table(kFieldType, "FloatingPoint type").scalar<int16_t>(0, 0);
      return p == 0 ? "float16" : p == 1 ? "float32" : "float64";
    }
    case kBinary: return "binary";
    case kUtf8: return "string";
    case kBool: return "bool";
    case kLargeUtf8: return "large_string";
    case kLargeBinary: return "large_binary";
    case kStruct: return "struct";
    case kList: case kLargeList: case kFixedSizeList: {
      const std::string inner = type_name(child(field));
      if (t == kFixedSizeList)
        return "fixed_size_list<" + inner + ", " +
               std::to_string(field.table(kFieldType, "FixedSizeList type").scalar<int32_t>(0, 0)) + ">";
      return std::string(t == kList ? "list<" : "large_list<") + inner + ">";
    }
    default: return "type " + std::to_string(t);
  }
}

// Nodes and buffers a field takes in a record batch (depth first, a parent before its children), for the
// columns before the activation column. Types whose layout is not counted here are refused rather than guessed.
void count_layout(const FbTable& field, const std::string& path, size_t* nodes, size_t* buffers) {
  const uint8_t t = type_of(field);
  *nodes += 1;
  if (field.has(kFieldDictionary)) {  // dictionary-encoded: the batch holds the integer indices only
    *buffers += 2;
    return;
  }
  switch (t) {
    case kNull: break;
    case kInt: case kFloat: case kBool: case kDecimal: case kDate: case kTime: case kTimestamp: case kInterval:
    case kFixedSizeBinary: case kDuration: *buffers += 2; break;
    case kBinary: case kUtf8: case kLargeBinary: case kLargeUtf8: *buffers += 3; break;
    case kList: case kLargeList: case kMap: *buffers += 2; break;
    case kFixedSizeList: case kStruct: *buffers += 1; break;
    default:
      fail(Code::Format, path + ": column \"" + field.string(kFieldName) + "\" is of " + type_name(field) +
                             ", whose layout this reader does not walk, and it comes before the activation column");
  }
  const FbTable::Vec kids = field.vector(kFieldChildren, 4);
  for (uint32_t i = 0; i < kids.size; ++i) count_layout(field.element(kids, i), path, nodes, buffers);
}

// The activation column's shape: one or two list levels over floats.
struct Level {
  uint8_t type = kList;
  uint64_t fixed = 0;  // FixedSizeList's size
  bool variable() const { return type != kFixedSizeList; }
  size_t offset_size() const { return type == kLargeList ? 8 : 4; }
};

bool float_list(const FbTable& field, std::vector<Level>* levels, Dtype* dtype) {
  levels->clear();
  FbTable f = field;
  for (int depth = 0; depth < 2; ++depth) {
    const uint8_t t = type_of(f);
    if (!is_list(t) || f.has(kFieldDictionary)) return false;
    Level l;
    l.type = t;
    if (t == kFixedSizeList) {
      const int32_t n = f.table(kFieldType, "FixedSizeList type").scalar<int32_t>(0, 0);
      if (n < 0) return false;
      l.fixed = static_cast<uint64_t>(n);
    }
    levels->push_back(l);
    const FbTable c = child(f);
    if (type_of(c) == kFloat && !c.has(kFieldDictionary)) {
      const int16_t p = c.table(kFieldType, "FloatingPoint type").scalar<int16_t>(0, 0);
      *dtype = p == 0 ? Dtype::F16 : p == 1 ? Dtype::F32 : Dtype::F64;
      return true;
    }
    f = c;
  }
  return false;
}

struct Range {
  uint64_t at = 0, size = 0;  // absolute file offset and length
};

// One record batch, reduced to what the column needs: the row-level list's elements [first, first + rows).
struct Batch {
  int64_t records = 0;
  uint64_t first = 0, rows = 0;
  Range offsets;        // the row-level list's offsets (variable lists)
  Range values;         // the floats
  uint64_t values_count = 0;
};

class ArrowSource : public Source {
 public:
  ArrowSource(const std::string& path, const std::string& column, const std::string& as)
      : path_(path), as_(as), file_(path) {
    const uint64_t size = file_.size();
    if (size == 0) fail(Code::Format, path + ": empty file (0 bytes), not an Arrow file");
    unsigned char head[8] = {};
    const size_t got = file_.pread_some(head, 8, 0);
    try {
      if (got >= 6 && std::memcmp(head, "ARROW1", 6) == 0) open_file_format(size, column);
      else open_stream_format(size, column);
    } catch (const Error& e) {
      // Messages from the schema walk that could not know the file: name it.
      if (std::string(e.what()).rfind(path, 0) == 0) throw;
      fail(e.code, path + ": " + e.what());
    }
  }

  const SourceInfo& info() const override { return info_; }
  int64_t position() const override { return pos_; }

  size_t read(float* out, size_t max_rows, size_t ld) override {
    const size_t esize = dtype_size(dtype_);
    if (width_ == 0) return 0;  // no rows at all (finish() refuses rows of width 0)
    const size_t cap = std::max<size_t>(1, BlockSource::kMaxReadBytes / (width_ * esize));
    size_t done = 0;
    while (done < max_rows && batch_ < batches_.size()) {
      const Batch& b = batches_[batch_];
      if (row_ == b.rows) {
        ++batch_;
        row_ = 0;
        continue;
      }
      const size_t k = static_cast<size_t>(std::min<uint64_t>({b.rows - row_, max_rows - done, cap}));
      const uint64_t e = b.first + row_;  // row-level list element of the first row read
      if (!row_level_.variable()) {
        read_values(b, e * width_, k, out + done * ld, ld);
      } else {
        // Offsets of rows e … e+k: every list must hold `width_` floats; consecutive lists are read in one pread.
        starts_.resize(k + 1);
        read_offsets(b, e, k + 1, starts_.data());
        for (size_t i = 0; i < k; ++i)
          if (starts_[i + 1] < starts_[i] || starts_[i + 1] - starts_[i] != width_)
            fail(Code::Shape, where(batch_) + ": row " + std::to_string(row_ + i) + " of the batch has " +
                                  (starts_[i + 1] < starts_[i] ? std::string("a negative number of")
                                                               : std::to_string(starts_[i + 1] - starts_[i])) +
                                  " floats, but the column's rows have " + std::to_string(width_) +
                                  " (a ragged list: every row must have the same width)");
        size_t i = 0;
        while (i < k) {
          size_t j = i + 1;
          while (j < k && starts_[j] == starts_[j - 1] + width_) ++j;
          read_values(b, starts_[i], j - i, out + (done + i) * ld, ld);
          i = j;
        }
      }
      row_ += k;
      done += k;
    }
    pos_ += static_cast<int64_t>(done);
    return done;
  }

 private:
  std::string where(size_t b) const { return path_ + ": record batch " + std::to_string(b) + ", column \"" + column_ + "\""; }

  // n rows of width_ floats starting at float index v of the batch's values.
  void read_values(const Batch& b, uint64_t v, size_t n, float* out, size_t ld) {
    const size_t esize = dtype_size(dtype_);
    const uint64_t count = static_cast<uint64_t>(n) * width_;
    if (v > b.values_count || count > b.values_count - v)
      fail(Code::Format, where(batch_) + ": rows point past the column's " + std::to_string(b.values_count) +
                             " floats (corrupt offsets)");
    buf_.resize(count * esize);
    file_.pread_exact(buf_.data(), buf_.size(), b.values.at + v * esize, "record batch " + std::to_string(batch_) + " values");
    for (size_t i = 0; i < n; ++i) convert_to_float(dtype_, buf_.data() + i * width_ * esize, out + i * ld, width_);
  }

  // Offsets [e, e + n) of the row-level list, as unsigned values (a negative one is corrupt).
  void read_offsets(const Batch& b, uint64_t e, size_t n, uint64_t* out) {
    const size_t os = row_level_.offset_size();
    if (e > b.offsets.size / os || n > b.offsets.size / os - e)
      fail(Code::Format, where(batch_) + ": the offsets buffer is too short for the batch's rows");
    raw_.resize(n * os);
    file_.pread_exact(raw_.data(), raw_.size(), b.offsets.at + e * os, "record batch offsets");
    for (size_t i = 0; i < n; ++i) {
      int64_t v;
      if (os == 4) {
        int32_t x;
        std::memcpy(&x, raw_.data() + 4 * i, 4);
        v = x;
      } else {
        std::memcpy(&v, raw_.data() + 8 * i, 8);
      }
      if (v < 0) fail(Code::Format, where(batch_) + ": a negative list offset (corrupt)");
      out[i] = static_cast<uint64_t>(v);
    }
  }

  // An encapsulated message at `at`: (metadata, body offset, body length, position after it). Returns false at
  // the end-of-stream marker (or the end of the file).
  struct Message {
    std::vector<unsigned char> meta;
    uint64_t body = 0, body_len = 0, next = 0;
  };
  bool read_message(uint64_t at, uint64_t limit, Message* m, const std::string& what) {
    if (at + 4 > limit) return false;
    unsigned char pre[8] = {};
    file_.pread_exact(pre, std::min<uint64_t>(8, limit - at), at, what + " length");
    uint32_t first;
    std::memcpy(&first, pre, 4);
    uint64_t meta_at = at + 4;
    int32_t len = static_cast<int32_t>(first);
    if (first == 0xFFFFFFFFu) {  // continuation marker (format ≥ 0.15), then the length
      if (at + 8 > limit) fail(Code::Format, path_ + ": truncated: " + what + " ends after its marker");
      std::memcpy(&len, pre + 4, 4);
      meta_at = at + 8;
    }
    if (len == 0) return false;
    if (len < 0 || static_cast<uint64_t>(len) > kMaxMetadata)
      fail(Code::Format, path_ + ": not an Arrow IPC file (" + what + " has a metadata length of " + std::to_string(len) + ")");
    if (meta_at + static_cast<uint64_t>(len) > limit)
      fail(Code::Format, path_ + ": truncated: " + what + " needs " + std::to_string(len) + " bytes of metadata at byte " +
                             std::to_string(meta_at) + ", past the end of the data (" + std::to_string(limit) + " bytes)");
    m->meta.resize(static_cast<size_t>(len));
    file_.pread_exact(m->meta.data(), m->meta.size(), meta_at, what);
    const FbTable msg = FbTable::root(m->meta.data(), m->meta.size(), path_ + ": " + what);
    const int64_t body_len = msg.scalar<int64_t>(3, 0);
    m->body = meta_at + static_cast<uint64_t>(len);
    if (body_len < 0 || static_cast<uint64_t>(body_len) > limit - m->body)
      fail(Code::Format, path_ + ": truncated: " + what + " has a body of " + std::to_string(body_len) +
                             " bytes at byte " + std::to_string(m->body) + ", past the end of the data (" + std::to_string(limit) + " bytes)");
    m->body_len = static_cast<uint64_t>(body_len);
    m->next = m->body + m->body_len;
    return true;
  }

  void open_stream_format(uint64_t size, const std::string& column) {
    Message m;
    if (!read_message(0, size, &m, "the schema message"))
      fail(Code::Format, path_ + ": an Arrow stream with no schema");
    const FbTable msg = FbTable::root(m.meta.data(), m.meta.size(), path_ + ": the schema message");
    if (msg.scalar<uint8_t>(1, 0) != kSchemaMessage)
      fail(Code::Format, path_ + ": not an Arrow IPC file (the first message is not a schema)");
    schema_meta_ = m.meta;
    choose_column(FbTable::root(schema_meta_.data(), schema_meta_.size(), path_ + ": schema").table(2, "schema"), column);
    uint64_t at = m.next;
    for (size_t i = 0;; ++i) {
      Message r;
      if (!read_message(at, size, &r, "message " + std::to_string(i + 1))) break;
      const FbTable rm = FbTable::root(r.meta.data(), r.meta.size(), path_ + ": message " + std::to_string(i + 1));
      if (rm.scalar<uint8_t>(1, 0) == kRecordBatchMessage) add_batch(rm.table(2, "record batch"), r.body, r.body_len);
      at = r.next;
    }
    finish();
  }

  void open_file_format(uint64_t size, const std::string& column) {
    if (size < 8 + 10) fail(Code::Format, path_ + ": truncated: " + std::to_string(size) + " bytes is too short for an Arrow file");
    unsigned char tail[10];
    file_.pread_exact(tail, 10, size - 10, "Arrow footer");
    if (std::memcmp(tail + 4, "ARROW1", 6) != 0)
      fail(Code::Format, path_ + ": truncated: an Arrow file (ARROW1 at the start) without ARROW1 at its end");
    int32_t flen;
    std::memcpy(&flen, tail, 4);
    if (flen <= 0 || static_cast<uint64_t>(flen) > size - 18 || static_cast<uint64_t>(flen) > kMaxMetadata)
      fail(Code::Format, path_ + ": corrupt Arrow footer (length " + std::to_string(flen) + ")");
    footer_.resize(static_cast<size_t>(flen));
    file_.pread_exact(footer_.data(), footer_.size(), size - 10 - static_cast<uint64_t>(flen), "Arrow footer");
    const FbTable footer = FbTable::root(footer_.data(), footer_.size(), path_ + ": footer");
    choose_column(footer.table(1, "schema"), column);
    const uint64_t limit = size - 10 - static_cast<uint64_t>(flen);
    const FbTable::Vec blocks = footer.vector(3, 24);
    for (uint32_t i = 0; i < blocks.size; ++i) {
      const int64_t off = footer.load<int64_t>(blocks.at + 24 * size_t(i));
      if (off < 0 || static_cast<uint64_t>(off) >= limit)
        fail(Code::Format, path_ + ": corrupt Arrow footer (record batch " + std::to_string(i) + " at byte " + std::to_string(off) + ")");
      Message r;
      const std::string what = "record batch " + std::to_string(i);
      if (!read_message(static_cast<uint64_t>(off), limit, &r, what))
        fail(Code::Format, path_ + ": corrupt Arrow footer (" + what + " is an end-of-stream marker)");
      const FbTable rm = FbTable::root(r.meta.data(), r.meta.size(), path_ + ": " + what);
      if (rm.scalar<uint8_t>(1, 0) != kRecordBatchMessage)
        fail(Code::Format, path_ + ": corrupt Arrow footer (" + what + " is not a record batch message)");
      add_batch(rm.table(2, "record batch"), r.body, r.body_len);
    }
    finish();
  }

  void choose_column(const FbTable& schema, const std::string& column) {
    if (schema.scalar<int16_t>(0, 0) == 1)
      fail(Code::Format, path_ + ": a big-endian Arrow file; only little-endian files are read");
    const FbTable::Vec fields = schema.vector(1, 4);
    std::string listing, candidates;
    int found = -1, float_lists = 0;
    size_t nodes = 0, buffers = 0, chosen_nodes = 0, chosen_buffers = 0;
    for (uint32_t i = 0; i < fields.size; ++i) {
      const FbTable f = schema.element(fields, i);
      const std::string name = f.string(kFieldName);
      std::vector<Level> levels;
      Dtype dt = Dtype::F32;
      const bool ok = float_list(f, &levels, &dt);
      listing += (listing.empty() ? "" : ", ") + ("\"" + name + "\" (" + type_name(f) + ")");
      const bool pick = column.empty() ? ok : name == column;
      if (pick && found < 0) {
        if (!ok)
          fail(Code::Dtype, path_ + ": column \"" + name + "\" is " + type_name(f) +
                                ", not a list of floats (float16, float32 or float64) per row");
        found = static_cast<int>(i);
        levels_ = levels;
        dtype_ = dt;
        column_ = name;
        chosen_nodes = nodes;
        chosen_buffers = buffers;
      }
      if (ok) {
        ++float_lists;
        candidates += (candidates.empty() ? "\"" : ", \"") + name + "\"";
      }
      if (found < 0) count_layout(f, path_, &nodes, &buffers);
    }
    if (!column.empty() && found < 0)
      fail(Code::Argument, path_ + ": no column \"" + column + "\" (columns: " + (listing.empty() ? "none" : listing) + ")");
    if (column.empty() && float_lists == 0)
      fail(Code::Dtype, path_ + ": no column holds a list of floats per row (columns: " + (listing.empty() ? "none" : listing) + ")");
    if (column.empty() && float_lists > 1)
      fail(Code::Argument, path_ + ": several columns hold lists of floats (" + candidates +
                               "); name one (--column, or <file>#<column>)");
    node_ = chosen_nodes;
    buffer_ = chosen_buffers;
    row_level_ = levels_.back();
    if (!row_level_.variable()) width_ = row_level_.fixed;
  }

  // The column's nodes and buffers in one record batch.
  void add_batch(const FbTable& rb, uint64_t body, uint64_t body_len) {
    const size_t index = batches_.size();
    const std::string w = where(index);
    if (rb.has(3)) fail(Code::Format, w + ": the batch is compressed (LZ4/ZSTD); write the file uncompressed");
    Batch b;
    b.records = rb.scalar<int64_t>(0, 0);
    const FbTable::Vec nodes = rb.vector(1, 16);
    const FbTable::Vec bufs = rb.vector(2, 16);
    const size_t depth = levels_.size();
    size_t need_buffers = 2;
    for (const Level& l : levels_) need_buffers += l.variable() ? 2 : 1;
    if (node_ + depth + 1 > nodes.size || buffer_ + need_buffers > bufs.size)
      fail(Code::Format, w + ": the batch holds fewer arrays than the schema has columns (corrupt)");
    int64_t len[3] = {0, 0, 0};
    for (size_t d = 0; d <= depth; ++d) {
      len[d] = rb.load<int64_t>(nodes.at + 16 * (node_ + d));
      const int64_t nulls = rb.load<int64_t>(nodes.at + 16 * (node_ + d) + 8);
      if (len[d] < 0) fail(Code::Format, w + ": a negative array length (corrupt)");
      if (nulls != 0)
        fail(Code::Format, w + ": holds " + std::to_string(nulls) + " null " +
                               (d == 0 ? "rows" : d == depth ? "floats" : "lists") + "; activations cannot be null");
    }
    auto buffer = [&](size_t i) {
      const int64_t off = rb.load<int64_t>(bufs.at + 16 * (buffer_ + i));
      const int64_t n = rb.load<int64_t>(bufs.at + 16 * (buffer_ + i) + 8);
      if (off < 0 || n < 0 || static_cast<uint64_t>(off) > body_len || static_cast<uint64_t>(n) > body_len - static_cast<uint64_t>(off))
        fail(Code::Format, w + ": a buffer lies outside the batch's body (corrupt or truncated)");
      return Range{body + static_cast<uint64_t>(off), static_cast<uint64_t>(n)};
    };
    // Buffers in order: per level its validity (+ offsets), then the floats' validity and data.
    size_t bi = 0;
    Range level_offsets[2];
    for (size_t d = 0; d < depth; ++d) {
      ++bi;  // validity: no nulls (checked above), so not read
      if (levels_[d].variable()) level_offsets[d] = buffer(bi++);
    }
    ++bi;
    b.values = buffer(bi);
    b.values_count = static_cast<uint64_t>(len[depth]);
    if (b.values.size / dtype_size(dtype_) < b.values_count)
      fail(Code::Format, w + ": the float buffer holds fewer than its " + std::to_string(b.values_count) + " floats (corrupt)");
    // The row-level list's element range.
    if (depth == 1) {
      b.first = 0;
      b.rows = static_cast<uint64_t>(b.records);
    } else if (!levels_[0].variable()) {
      b.first = 0;
      b.rows = static_cast<uint64_t>(b.records) * levels_[0].fixed;
    } else {
      const size_t os = levels_[0].offset_size();
      const uint64_t need = (static_cast<uint64_t>(b.records) + 1) * os;
      if (level_offsets[0].size < need) fail(Code::Format, w + ": the outer offsets buffer is too short (corrupt)");
      int64_t o0 = 0, oL = 0;
      unsigned char tmp[8] = {};
      file_.pread_exact(tmp, os, level_offsets[0].at, "record batch offsets");
      o0 = os == 4 ? int64_t(*reinterpret_cast<int32_t*>(tmp)) : *reinterpret_cast<int64_t*>(tmp);
      file_.pread_exact(tmp, os, level_offsets[0].at + static_cast<uint64_t>(b.records) * os, "record batch offsets");
      oL = os == 4 ? int64_t(*reinterpret_cast<int32_t*>(tmp)) : *reinterpret_cast<int64_t*>(tmp);
      if (o0 < 0 || oL < o0 || oL > len[1]) fail(Code::Format, w + ": outer list offsets out of range (corrupt)");
      b.first = static_cast<uint64_t>(o0);
      b.rows = static_cast<uint64_t>(oL - o0);
    }
    const uint64_t row_level_len = static_cast<uint64_t>(len[depth - 1]);
    if (b.first + b.rows > row_level_len && !(depth == 1))
      fail(Code::Format, w + ": rows point past the column's lists (corrupt)");
    if (depth == 1 && static_cast<uint64_t>(len[0]) != static_cast<uint64_t>(b.records))
      fail(Code::Format, w + ": the column holds " + std::to_string(len[0]) + " rows, but the batch " + std::to_string(b.records));
    if (row_level_.variable()) b.offsets = level_offsets[depth - 1];
    else if (width_ > 0 && (b.first + b.rows) > b.values_count / width_)
      fail(Code::Format, w + ": holds " + std::to_string(b.values_count) + " floats, fewer than its " +
                             std::to_string(b.first + b.rows) + " rows of " + std::to_string(width_) + " (corrupt)");
    batches_.push_back(b);
  }

  void finish() {
    int64_t rows = 0;
    for (const Batch& b : batches_) rows += static_cast<int64_t>(b.rows);
    // A variable inner list: the width is the first row's, and every row is checked against it as it is read.
    if (row_level_.variable()) {
      for (size_t i = 0; i < batches_.size() && width_ == 0; ++i) {
        if (batches_[i].rows == 0) continue;
        uint64_t o[2];
        batch_ = i;
        read_offsets(batches_[i], batches_[i].first, 2, o);
        if (o[1] < o[0]) fail(Code::Format, where(i) + ": a negative list length (corrupt)");
        width_ = o[1] - o[0];
        if (width_ == 0) fail(Code::Shape, where(i) + ": row 0 of the batch is an empty list (no neurons)");
      }
      batch_ = 0;
    }
    if (width_ == 0 && rows > 0) fail(Code::Shape, path_ + ": column \"" + column_ + "\" has lists of 0 floats (no neurons)");
    info_.path = as_;
    info_.format = Format::Arrow;
    info_.dtype = dtype_name(dtype_);
    info_.rows = rows;
    info_.cols = width_;
    info_.layers = 1;
    info_.tensor_names = {column_};
  }

  std::string path_, as_;
  File file_;
  SourceInfo info_;
  std::vector<unsigned char> schema_meta_, footer_;
  std::string column_;
  std::vector<Level> levels_;
  Level row_level_;
  Dtype dtype_ = Dtype::F32;
  size_t node_ = 0, buffer_ = 0;
  uint64_t width_ = 0;
  std::vector<Batch> batches_;
  size_t batch_ = 0;
  uint64_t row_ = 0;
  int64_t pos_ = 0;
  std::vector<unsigned char> buf_, raw_;
  std::vector<uint64_t> starts_;
};

}  // namespace

std::unique_ptr<Source> open_arrow(const std::string& path, const std::string& column, const std::string& as) {
  return std::make_unique<ArrowSource>(path, column, as);
}

}  // namespace ns
