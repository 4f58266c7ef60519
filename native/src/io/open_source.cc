// Format detection and dispatch: an explicit format wins; Auto decides by extension, then by magic bytes.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "io/arrow_source.h"
#include "io/file.h"
#include "io/neurox_hdf5_source.h"
#include "io/neurox_jsonl_source.h"
#include "io/npy_source.h"
#include "io/safetensors_source.h"
#include "io/source.h"

namespace ns {

size_t Source::skip(size_t rows) {
  const size_t W = info().cols;
  const size_t step = std::max<size_t>(1, (size_t(4) << 20) / (std::max<size_t>(W, 1) * sizeof(float)));
  std::vector<float> scratch(std::min(rows, step) * W);
  size_t done = 0;
  while (done < rows) {
    const size_t got = read(scratch.data(), std::min(step, rows - done), W);
    if (got == 0) break;
    done += got;
  }
  return done;
}

const char* format_name(Format f) {
  switch (f) {
    case Format::Npy: return "npy";
    case Format::Safetensors: return "safetensors";
    case Format::NeuroxJsonl: return "neurox-jsonl";
    case Format::NeuroxHdf5: return "neurox-hdf5";
    case Format::Arrow: return "arrow";
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
  if (ends_with(lower, ".hdf5") || ends_with(lower, ".h5")) return Format::NeuroxHdf5;
  if (ends_with(lower, ".arrow") || ends_with(lower, ".arrows") || ends_with(lower, ".feather")) return Format::Arrow;
  return Format::Auto;
}

Format by_magic(const std::string& path) {
  File file(path);
  unsigned char head[16] = {};
  const size_t got = file.pread_some(head, sizeof head, 0);
  if (got == 0)
    fail(Code::Format, path + ": empty file (0 bytes) with no known extension (.npy, .safetensors, .jsonl, .json)");
  if (got >= 6 && std::memcmp(head, "\x93NUMPY", 6) == 0) return Format::Npy;
  if (got >= 8 && std::memcmp(head, "\x89HDF\r\n\x1a\n", 8) == 0) return Format::NeuroxHdf5;
  // Arrow: the file format's magic, or a stream's first message (continuation marker 0xFFFFFFFF).
  if (got >= 6 && std::memcmp(head, "ARROW1", 6) == 0) return Format::Arrow;
  if (got >= 8 && std::memcmp(head, "\xFF\xFF\xFF\xFF", 4) == 0) return Format::Arrow;
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
                            ".safetensors, NeuroX .jsonl, NeuroX .hdf5 or Arrow file); pass the format explicitly");
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// "<base>-layer{0,1,2}.hdf5" → <base>-layer0.hdf5, <base>-layer1.hdf5, <base>-layer2.hdf5; false when path is
// not of that form.
bool layer_group(const std::string& path, std::vector<std::string>* files) {
  const size_t open = path.rfind("-layer{");
  if (open == std::string::npos || !ends_with(path, "}.hdf5")) return false;
  const std::string base = path.substr(0, open) + "-layer";
  const std::string list = path.substr(open + 7, path.size() - open - 7 - 6);
  size_t i = 0;
  while (i <= list.size()) {
    size_t j = list.find(',', i);
    if (j == std::string::npos) j = list.size();
    const std::string n = list.substr(i, j - i);
    if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) return false;
    files->push_back(base + n + ".hdf5");
    i = j + 1;
  }
  return files->size() >= 2;
}

}  // namespace

std::unique_ptr<Source> open_source(const std::string& path, Format format) {
  std::vector<std::string> layer_files;
  if ((format == Format::Auto || format == Format::NeuroxHdf5) && layer_group(path, &layer_files)) {
    return open_neurox_hdf5_layers(path, layer_files);
  }
  // "<file>#<column>": a column of an Arrow file, when no file has that exact name.
  const size_t hash = path.rfind('#');
  if ((format == Format::Auto || format == Format::Arrow) && hash != std::string::npos && !exists(path)) {
    const std::string file = path.substr(0, hash);
    return open_arrow(file, path.substr(hash + 1), path);
  }
  if (format == Format::Auto) format = by_extension(path);
  if (format == Format::Auto) format = by_magic(path);
  switch (format) {
    case Format::Npy: return open_npy(path);
    case Format::Safetensors: return open_safetensors(path);
    case Format::NeuroxJsonl: return open_neurox_jsonl(path);
    case Format::NeuroxHdf5: return open_neurox_hdf5(path);
    case Format::Arrow: return open_arrow(path, "", path);
    default: break;
  }
  fail(Code::Internal, path + ": unknown format");
}

}  // namespace ns
