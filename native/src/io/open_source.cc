// Format detection and dispatch: an explicit format wins; Auto decides by extension, then by magic bytes.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/error.h"
#include "io/file.h"
#include "io/neurox_jsonl_source.h"
#include "io/npy_source.h"
#include "io/safetensors_source.h"
#include "io/source.h"

namespace ns {

const char* format_name(Format f) {
  switch (f) {
    case Format::Npy: return "npy";
    case Format::Safetensors: return "safetensors";
    case Format::NeuroxJsonl: return "neurox-jsonl";
    default: return "auto";
  }
}

namespace {

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

Format by_extension(const std::string& path) {
  std::string lower = path;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ends_with(lower, ".npy")) return Format::Npy;
  if (ends_with(lower, ".safetensors")) return Format::Safetensors;
  if (ends_with(lower, ".jsonl") || ends_with(lower, ".json")) return Format::NeuroxJsonl;
  return Format::Auto;
}

Format by_magic(const std::string& path) {
  File file(path);
  unsigned char head[16] = {};
  const size_t got = file.pread_some(head, sizeof head, 0);
  if (got == 0)
    fail(Code::Format, path + ": empty file (0 bytes) with no known extension (.npy, .safetensors, .jsonl, .json)");
  if (got >= 6 && std::memcmp(head, "\x93NUMPY", 6) == 0) return Format::Npy;
  if (got >= 9) {
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | head[i];
    if (head[8] == '{' && n >= 2 && n <= file.size() - 8) return Format::Safetensors;
  }
  size_t i = 0;
  if (got >= 3 && std::memcmp(head, "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (i < got && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) ++i;
  if (i < got && head[i] == '{') return Format::NeuroxJsonl;
  fail(Code::Format, path + ": cannot tell the format from the extension or the first bytes (expected a .npy, "
                            ".safetensors or NeuroX .jsonl file); pass the format explicitly");
}

}  // namespace

std::unique_ptr<Source> open_source(const std::string& path, Format format) {
  if (format == Format::Auto) format = by_extension(path);
  if (format == Format::Auto) format = by_magic(path);
  switch (format) {
    case Format::Npy: return open_npy(path);
    case Format::Safetensors: return open_safetensors(path);
    case Format::NeuroxJsonl: return open_neurox_jsonl(path);
    default: break;
  }
  fail(Code::Internal, path + ": unknown format");
}

}  // namespace ns
