// One libFuzzer target per activation reader: the input bytes are written to a file with the reader's
// extension, opened with that reader, and read to the end. Every ns::Error is an accepted outcome (a bad file is
// refused with a message); a crash, a sanitizer report, a hang or an allocation beyond -rss_limit_mb is a
// finding. FUZZ_EXT (".npy", ".safetensors", ".jsonl") and FUZZ_FORMAT pick the reader.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "common/error.h"
#include "io/source.h"

namespace fuzz {

// A per-process file in /dev/shm (RAM), rewritten for each input.
inline const std::string& scratch_path(const char* ext) {
  static const std::string path = "/dev/shm/neurosieve-fuzz-" + std::to_string(getpid()) + ext;
  return path;
}

inline int read_whole(const uint8_t* data, size_t size, const char* ext, ns::Format format) {
  const std::string& path = scratch_path(ext);
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  if (size > 0) std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    auto src = ns::open_source(path, format);
    const size_t cols = src->info().cols;
    // The readers trust their own header checks for the width: at most 1 << 16 floats per row are read at once.
    if (cols == 0 || cols > (1u << 16)) return 0;
    std::vector<float> rows(cols * 16);
    while (src->read(rows.data(), 16, cols) > 0) {
    }
  } catch (const ns::Error&) {
    // refused with a message: the expected outcome for most inputs
  }
  return 0;
}

}  // namespace fuzz
