// NeuroX HDF5 reader (neurox/data/writer.py, HDF5ActivationsWriter): one dataset per sentence named "0" … "N−1",
// each [layers, sentence length, hidden] float32 / float16 / float64, plus `sentence_to_index` (one JSON string
// mapping each sentence's text to its dataset name). Rows are the tokens in sentence order (dataset "0" first),
// columns the layers concatenated: row t of sentence s is [s[0][t][:], s[1][t][:], …], as NeuroX's own
// loader (swapaxes + reshape) lays them out.
//
// Built only when CMake finds libhdf5 (NS_HAVE_HDF5); without it every open fails with E_FORMAT saying how to
// get a build with HDF5 support (neurox_hdf5_missing.cc).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "io/source.h"

namespace ns {

// Opens one NeuroX HDF5 file: every sentence's shape and type are read and checked here (the data is not).
std::unique_ptr<Source> open_neurox_hdf5(const std::string& path);

// The per-layer files NeuroX writes with decompose_layers (<base>-layer<N>.hdf5, one layer each), joined side by
// side in the given order: every file must hold the same sentences with the same lengths.
// `group` is the path the joined source reports ("<base>-layer{0,1}.hdf5").
std::unique_ptr<Source> open_neurox_hdf5_layers(const std::string& group, const std::vector<std::string>& paths);

// True when this build can read HDF5.
bool have_hdf5();

}  // namespace ns
