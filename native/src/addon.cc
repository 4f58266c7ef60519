// The addon's entry point: it only registers the operations, each of which lives in its own ops/*.cc file.
#include <napi.h>

#include "ops/ops.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  ns::register_info(env, exports);
  ns::register_inspect(env, exports);
  ns::register_correlate(env, exports);
  ns::register_stats(env, exports);
  ns::register_synth(env, exports);
  ns::register_tile_comoments(env, exports);
  ns::register_rows(env, exports);
  ns::register_rank(env, exports);
  ns::register_quiet_stderr(env, exports);
  ns::register_to_half(env, exports);
  ns::register_cluster(env, exports);
  ns::register_probe_compat(env, exports);
  ns::register_probe_predict(env, exports);
  ns::register_find_nonfinite(env, exports);
  ns::register_label_merges(env, exports);
  ns::register_probe_exact(env, exports);
  ns::register_in_memory(env, exports);
  ns::register_views(env, exports);
  ns::register_pin_library(env, exports);
  ns::register_cka(env, exports);
  ns::register_score(env, exports);
  ns::register_measured_run(env, exports);
  ns::register_edges(env, exports);
  return exports;
}

NODE_API_MODULE(neurosieve, Init)
