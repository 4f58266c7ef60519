// Registration functions, one per ops/*.cc file. Each adds its functions to the addon's exports.
#pragma once
#include <napi.h>

namespace ns {
void register_info(Napi::Env env, Napi::Object exports);        // ops/info.cc: kernel name, threads, version
void register_inspect(Napi::Env env, Napi::Object exports);     // ops/inspect.cc: read a file's header
void register_correlate(Napi::Env env, Napi::Object exports);   // ops/correlate.cc: stream files -> co-moments
void register_stats(Napi::Env env, Napi::Object exports);       // ops/stats.cc: merge, co-moment -> correlation
void register_synth(Napi::Env env, Napi::Object exports);       // ops/synth.cc: synthetic activations
void register_tile_comoments(Napi::Env env, Napi::Object exports);  // ops/tile_comoments.cc: WebGPU tiles -> co-moments
void register_rows(Napi::Env env, Napi::Object exports);         // ops/rows.cc: RowReader, rows into Float32Arrays
void register_rank(Napi::Env env, Napi::Object exports);         // ops/rank.cc: neuron rankings (weight mass, probeless, AP)
void register_quiet_stderr(Napi::Env env, Napi::Object exports);  // ops/quiet_stderr.cc: silence Dawn's adapter warnings
void register_to_half(Napi::Env env, Napi::Object exports);  // ops/to_half.cc: float32 -> float16 bits for uploads
void register_cluster(Napi::Env env, Napi::Object exports);     // ops/cluster.cc: linkage, correlation clustering
void register_probe_compat(Napi::Env env, Napi::Object exports);  // ops/probe_compat.cc: NeuroX-compatible probe trainer
void register_probe_predict(Napi::Env env, Napi::Object exports);  // ops/probe_predict.cc: argmax predictions of a linear probe
void register_find_nonfinite(Napi::Env env, Napi::Object exports);  // ops/find_nonfinite.cc: first NaN/Inf of an in-memory matrix
void register_label_merges(Napi::Env env, Napi::Object exports);  // ops/label_merges.cc: merge list -> scipy's Z (WebGPU linkage)
void register_probe_exact(Napi::Env env, Napi::Object exports);  // ops/probe_exact.cc: exact probe solver, z-scoring
void register_in_memory(Napi::Env env, Napi::Object exports);  // ops/in_memory.cc: gather columns, permute rows of a matrix in memory
void register_views(Napi::Env env, Napi::Object exports);  // ops/views.cc: column profiles and block means for the report
void register_pin_library(Napi::Env env, Napi::Object exports);  // ops/pin_library.cc: keep Mesa's EGL driver mapped (Dawn's OpenGL backend)
void register_cka(Napi::Env env, Napi::Object exports);  // ops/cka.cc: layer-block Frobenius norms for linear CKA
void register_score(Napi::Env env, Napi::Object exports);  // ops/score.cc: redundancy left among kept neurons
void register_measured_run(Napi::Env env, Napi::Object exports);  // ops/measured_run.cc: a child process timed, its peak RSS from wait4
void register_edges(Napi::Env env, Napi::Object exports);  // ops/edges.cc: thresholded correlation edges, clustering from them
}  // namespace ns
