// NeuroX JSON lines reader: one JSON object per line (one sentence),
//   {"linex_index": i, "features": [{"token": w, "layers": [{"index": l, "values": [...]}, ...]}, ...]}
// One row per token; columns are the token's layers concatenated in ascending "index" (layer-major). The file is
// read through a buffered reader, one line at a time, so memory is bounded by the longest line. Keys may come in
// any order, unknown keys are skipped, blank lines are ignored, and NaN / Infinity / -Infinity (as Python's json
// writes them) are accepted. The first line fixes the layer indices and the width; every later token must match.
#pragma once
#include <memory>
#include <string>

#include "io/source.h"

namespace ns {
std::unique_ptr<Source> open_neurox_jsonl(const std::string& path);
}  // namespace ns
