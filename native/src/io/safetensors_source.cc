#include "io/safetensors_source.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "common/error.h"
#include "io/block_source.h"
#include "io/file.h"
#include "io/json.h"

namespace ns {
namespace {

// The reference implementation refuses headers above 100 MB; so do we (it also bounds our memory).
constexpr uint64_t kMaxHeader = uint64_t(100) << 20;

struct Tensor {
  std::string name;
  Dtype dtype = Dtype::F32;
  std::string dtype_text;
  std::vector<uint64_t> shape;
  uint64_t begin = 0, end = 0;  // relative to the data section
  std::string suffix;           // trailing decimal digits of the name, "" if none
};

std::string shape_text(const std::vector<uint64_t>& s) {
  std::string t = "[";
  for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
  return t + "]";
}

std::string numeric_suffix(const std::string& name) {
  size_t i = name.size();
  while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9') --i;
  return name.substr(i);
}

// Compares two digit strings as numbers, without overflow.
int compare_numeric(const std::string& a, const std::string& b) {
  size_t ia = a.find_first_not_of('0'), ib = b.find_first_not_of('0');
  std::string x = ia == std::string::npos ? "" : a.substr(ia);
  std::string y = ib == std::string::npos ? "" : b.substr(ib);
  if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
  return x.compare(y) < 0 ? -1 : x.compare(y) > 0 ? 1 : 0;
}

uint64_t le64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

std::unique_ptr<Source> open_safetensors(const std::string& path) {
  File file(path);
  const uint64_t fsize = file.size();
  if (fsize == 0) fail(Code::Format, path + ": empty file (0 bytes), not a safetensors file");
  if (fsize < 8)
    fail(Code::Format, path + ": truncated: " + std::to_string(fsize) +
                           " bytes is too short for a safetensors header length (8 bytes)");
  unsigned char pre[8];
  file.pread_exact(pre, 8, 0, "safetensors header length");
  const uint64_t n = le64(pre);
  if (n > fsize - 8)
    fail(Code::Format, path + ": corrupt safetensors header: header length " + std::to_string(n) +
                           " goes beyond the end of the file (" + std::to_string(fsize) + " bytes)");
  if (n > kMaxHeader)
    fail(Code::Format, path + ": corrupt safetensors header: header length " + std::to_string(n) +
                           " exceeds the 100 MB limit");
  if (n < 2) fail(Code::Format, path + ": corrupt safetensors header: header length " + std::to_string(n));
  std::string text(n, '\0');
  file.pread_exact(text.data(), n, 8, "safetensors header");
  const JsonValue root = parse_json(text, path + ": corrupt safetensors header (bad JSON)");
  if (root.kind != JsonValue::Object)
    fail(Code::Format, path + ": corrupt safetensors header: expected a JSON object, found " +
                           json_kind_name(root.kind));

  const uint64_t data_start = 8 + n;
  const uint64_t data_size = fsize - data_start;
  std::vector<Tensor> tensors;
  for (const auto& [name, v] : root.members) {
    if (name == "__metadata__") continue;
    const std::string where = path + ": tensor \"" + name + "\"";
    if (v.kind != JsonValue::Object) fail(Code::Format, where + ": corrupt safetensors header: entry is not an object");
    const JsonValue* dt = v.get("dtype");
    const JsonValue* sh = v.get("shape");
    const JsonValue* off = v.get("data_offsets");
    if (!dt || dt->kind != JsonValue::String || !sh || sh->kind != JsonValue::Array || !off ||
        off->kind != JsonValue::Array)
      fail(Code::Format, where + ": corrupt safetensors header: needs \"dtype\" (string), \"shape\" and "
                                 "\"data_offsets\" (arrays)");
    Tensor t;
    t.name = name;
    t.dtype_text = dt->text;
    for (const JsonValue& d : sh->items) {
      uint64_t x;
      if (!d.as_u64(&x)) fail(Code::Format, where + ": corrupt safetensors header: shape must hold non-negative integers");
      t.shape.push_back(x);
    }
    if (off->items.size() != 2 || !off->items[0].as_u64(&t.begin) || !off->items[1].as_u64(&t.end))
      fail(Code::Format, where + ": corrupt safetensors header: data_offsets must be two non-negative integers");
    if (dt->text == "F32") t.dtype = Dtype::F32;
    else if (dt->text == "F16") t.dtype = Dtype::F16;
    else if (dt->text == "BF16") t.dtype = Dtype::BF16;
    else if (dt->text == "F64") t.dtype = Dtype::F64;
    else
      fail(Code::Dtype, where + ": dtype " + dt->text + " is not supported (supported: F32, F16, BF16, F64)");
    if (t.begin > t.end || t.end > data_size)
      fail(Code::Format, where + ": corrupt safetensors header: data_offsets [" + std::to_string(t.begin) + ", " +
                             std::to_string(t.end) + "] out of range (the data section holds " +
                             std::to_string(data_size) + " bytes)");
    uint64_t elems = 1;
    for (uint64_t d : t.shape) {
      if (d != 0 && elems > std::numeric_limits<uint64_t>::max() / 8 / d)
        fail(Code::Format, where + ": shape " + shape_text(t.shape) + " is too large");
      elems *= d;
    }
    if (elems * dtype_size(t.dtype) != t.end - t.begin)
      fail(Code::Format, where + ": corrupt safetensors header: shape " + shape_text(t.shape) + " of " + dt->text +
                             " needs " + std::to_string(elems * dtype_size(t.dtype)) + " bytes but data_offsets span " +
                             std::to_string(t.end - t.begin));
    t.suffix = numeric_suffix(name);
    tensors.push_back(std::move(t));
  }
  if (tensors.empty()) fail(Code::Format, path + ": the safetensors file holds no tensors");
  // Each tensor owns its bytes: two tensors sharing bytes would read one's data as the other's (a corrupt or
  // hostile header), so overlapping non-empty ranges are refused, naming both. Sorted by start, only
  // neighbours can overlap first.
  {
    std::vector<const Tensor*> by_start;
    for (const Tensor& t : tensors)
      if (t.end > t.begin) by_start.push_back(&t);
    std::stable_sort(by_start.begin(), by_start.end(), [](const Tensor* a, const Tensor* b) { return a->begin < b->begin; });
    for (size_t i = 1; i < by_start.size(); ++i) {
      const Tensor& a = *by_start[i - 1];
      const Tensor& b = *by_start[i];
      if (b.begin < a.end)
        fail(Code::Format, path + ": corrupt safetensors header: tensors \"" + a.name + "\" (data_offsets [" +
                               std::to_string(a.begin) + ", " + std::to_string(a.end) + "]) and \"" + b.name +
                               "\" ([" + std::to_string(b.begin) + ", " + std::to_string(b.end) + "]) overlap");
    }
  }

  SourceInfo info;
  info.path = path;
  info.format = Format::Safetensors;
  std::vector<ColumnBlock> blocks;
  Dtype dtype = tensors[0].dtype;

  if (tensors.size() == 1) {
    const Tensor& t = tensors[0];
    if (t.shape.size() == 2) {
      info.rows = static_cast<int64_t>(t.shape[0]);
      info.cols = static_cast<size_t>(t.shape[1]);
      info.layers = 1;
      blocks.push_back({data_start + t.begin, static_cast<size_t>(t.shape[1])});
    } else if (t.shape.size() == 3) {
      const uint64_t L = t.shape[0], T = t.shape[1], H = t.shape[2];
      info.rows = static_cast<int64_t>(T);
      info.cols = static_cast<size_t>(L * H);
      info.layers = static_cast<size_t>(L);
      for (uint64_t l = 0; l < L; ++l)
        blocks.push_back({data_start + t.begin + l * T * H * dtype_size(dtype), static_cast<size_t>(H)});
    } else {
      fail(Code::Shape, path + ": tensor \"" + t.name + "\" has shape " + shape_text(t.shape) +
                            "; expected 2-D [tokens, neurons] (or 3-D [layers, tokens, neurons])");
    }
    info.tensor_names.push_back(t.name);
  } else {
    // Several tensors: one per layer, ordered by the numeric suffix of their names.
    std::string missing;
    for (const Tensor& t : tensors)
      if (t.suffix.empty()) missing += (missing.empty() ? "" : ", ") + ("\"" + t.name + "\"");
    if (!missing.empty()) {
      std::string all;
      for (const Tensor& t : tensors) all += (all.empty() ? "" : ", ") + ("\"" + t.name + "\"");
      fail(Code::Format, path + ": " + std::to_string(tensors.size()) + " tensors (" + all +
                             ") are read as one per layer, ordered by the number at the end of their names, but " +
                             missing + " ha" + (missing.find(',') == std::string::npos ? "s" : "ve") +
                             " no numeric suffix (name them e.g. layer_0, layer_1, ...)");
    }
    std::stable_sort(tensors.begin(), tensors.end(),
                     [](const Tensor& a, const Tensor& b) { return compare_numeric(a.suffix, b.suffix) < 0; });
    for (size_t i = 1; i < tensors.size(); ++i)
      if (compare_numeric(tensors[i - 1].suffix, tensors[i].suffix) == 0)
        fail(Code::Format, path + ": tensors \"" + tensors[i - 1].name + "\" and \"" + tensors[i].name +
                               "\" have the same layer number " + tensors[i].suffix);
    const Tensor& first = tensors[0];
    for (const Tensor& t : tensors) {
      if (t.shape.size() != 2)
        fail(Code::Shape, path + ": tensor \"" + t.name + "\" has shape " + shape_text(t.shape) +
                              "; with several tensors each must be 2-D [tokens, neurons] (one per layer)");
      if (t.dtype != dtype)
        fail(Code::Dtype, path + ": tensors have different dtypes (\"" + first.name + "\" is " + first.dtype_text +
                              ", \"" + t.name + "\" is " + t.dtype_text + ")");
      if (t.shape[0] != first.shape[0])
        fail(Code::Shape, path + ": tensor \"" + t.name + "\" has " + std::to_string(t.shape[0]) + " rows but \"" +
                              first.name + "\" has " + std::to_string(first.shape[0]) +
                              " (all layers must hold the same tokens)");
      if (t.shape[1] != first.shape[1])
        fail(Code::Shape, path + ": tensor \"" + t.name + "\" has " + std::to_string(t.shape[1]) +
                              " neurons but \"" + first.name + "\" has " + std::to_string(first.shape[1]) +
                              " (all layers must have the same width)");
      blocks.push_back({data_start + t.begin, static_cast<size_t>(t.shape[1])});
      info.tensor_names.push_back(t.name);
    }
    info.rows = static_cast<int64_t>(first.shape[0]);
    info.cols = static_cast<size_t>(first.shape[1] * tensors.size());
    info.layers = tensors.size();
  }
  info.dtype = dtype_name(dtype);
  return std::make_unique<BlockSource>(std::move(file), std::move(info), dtype, std::move(blocks));
}

}  // namespace ns
