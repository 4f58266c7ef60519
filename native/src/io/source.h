// A stream of activation rows read from one file, converted to float32. Readers never load a whole file:
// .npy and safetensors use pread at computed offsets, NeuroX JSON lines are parsed line by line.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ns {

enum class Format { Auto, Npy, Safetensors, NeuroxJsonl, NeuroxHdf5, Arrow };

// What a file holds, known after reading its header (and, for JSON lines, its first line).
struct SourceInfo {
  std::string path;
  Format format = Format::Auto;
  std::string dtype;           // "float32" | "float16" | "float64" | "bfloat16"
  int64_t rows = -1;           // tokens; -1 when unknown before the whole file is read (JSON lines)
  size_t cols = 0;             // neurons: layers * neurons_per_layer
  size_t layers = 1;           // columns [l*H, (l+1)*H) belong to layer l
  std::vector<std::string> tensor_names;  // safetensors: the tensors read, in column order
};

class Source {
 public:
  virtual ~Source() = default;
  virtual const SourceInfo& info() const = 0;
  // Reads up to max_rows rows into out (row-major, row stride ld >= cols) and returns how many were read;
  // 0 means the end of the file. Throws ns::Error naming the file (and the row where it applies) on any
  // inconsistency found while reading (truncation, malformed line, ...). Values are converted, not checked:
  // NaN/Inf checks belong to the caller, which knows the global row number.
  virtual size_t read(float* out, size_t max_rows, size_t ld) = 0;
  // Rows delivered so far.
  virtual int64_t position() const = 0;
  // Moves past up to `rows` rows without delivering them; returns how many (fewer only at the end of the file).
  // The default reads them into a scratch buffer (formats whose rows are found by parsing: JSON lines, Arrow);
  // block formats override it with arithmetic.
  virtual size_t skip(size_t rows);
};

// Opens a file; Format::Auto decides by extension (.npy, .safetensors, .jsonl/.json, .hdf5/.h5) and then by magic
// bytes. Validates the header completely (dtype, order, shape vs. file size) before returning. A NeuroX HDF5 path
// "<base>-layer{0,1,2}.hdf5" (braces, no such file) names the per-layer files <base>-layer0.hdf5, … joined side by
// side (decompose_layers): src/io/dataset.ts groups them so. An Arrow path "<file>#<column>" (no file of that name)
// reads that column of <file>; without it, the file's one column of float lists.
std::unique_ptr<Source> open_source(const std::string& path, Format format = Format::Auto);

const char* format_name(Format f);

}  // namespace ns
