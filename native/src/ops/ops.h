// Registration functions, one per ops/*.cc file. Each adds its functions to the addon's exports.
#pragma once
#include <napi.h>

namespace ns {
void register_info(Napi::Env env, Napi::Object exports);        // ops/info.cc: kernel name, threads, version
void register_inspect(Napi::Env env, Napi::Object exports);     // ops/inspect.cc: read a file's header
void register_correlate(Napi::Env env, Napi::Object exports);   // ops/correlate.cc: stream files -> co-moments
void register_stats(Napi::Env env, Napi::Object exports);       // ops/stats.cc: merge, co-moment -> correlation
void register_synth(Napi::Env env, Napi::Object exports);       // ops/synth.cc: synthetic activations
void register_cluster(Napi::Env env, Napi::Object exports);     // ops/cluster.cc: linkage, correlation clustering
}  // namespace ns
