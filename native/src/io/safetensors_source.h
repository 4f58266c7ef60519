// safetensors reader: one 2-D tensor [tokens, neurons] (any name), or several 2-D tensors with the same number
// of rows and the same width, one per layer, placed in column order by the numeric suffix of their names
// (layer_2 before layer_10). A single 3-D tensor [layers, tokens, neurons] is read like a 3-D .npy.
// Dtypes F32, F16, BF16, F64. Header length and every tensor's data_offsets are checked against the file size.
#pragma once
#include <memory>
#include <string>

#include "io/source.h"

namespace ns {
std::unique_ptr<Source> open_safetensors(const std::string& path);
}  // namespace ns
