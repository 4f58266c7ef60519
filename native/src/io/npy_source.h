// NumPy .npy reader (format versions 1.0, 2.0, 3.0). Reads '<f2', '<f4', '<f8' (also '=' and '|' byte-order
// markers, i.e. native little-endian), C order only. A 2-D array [tokens, neurons] gives rows = tokens; a 3-D
// array [layers, tokens, neurons] gives rows = tokens and cols = layers * neurons, layer-major. The header is
// parsed as the Python dict literal it is; shape and file size must agree exactly.
#pragma once
#include <memory>
#include <string>

#include "io/source.h"

namespace ns {
std::unique_ptr<Source> open_npy(const std::string& path);
}  // namespace ns
