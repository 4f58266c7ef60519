// Arrow IPC reader (https://arrow.apache.org/docs/format/Columnar.html#serialization-and-interprocess-communication-ipc):
// the file format ("ARROW1" … footer) and the stream format (what Hugging Face `datasets` writes as data-*.arrow).
// One column holds the activations, as a list of floats per row, or a list of such lists per record (SAELens's
// Array2D [tokens, d_in] per sequence: every inner list is one row):
//   [FixedSize|Large]List<float16|float32|float64>                 one row per record
//   [FixedSize|Large]List<[FixedSize|Large]List<float…>>          one row per inner list
// Every inner list must hold the same number of floats (the width); no nulls. Only the column's buffers are read,
// a chunk of rows at a time by pread, so memory is bounded by the chunk whatever the size of a record batch.
#pragma once
#include <memory>
#include <string>

#include "io/source.h"

namespace ns {

// `column` empty: the one column whose type is a list of floats (an error names them when there are several).
// `as` is the path the source reports ("<path>#<column>" when the column was named that way).
std::unique_ptr<Source> open_arrow(const std::string& path, const std::string& column, const std::string& as);

}  // namespace ns
