// correlate(options, onProgress) -> { promise, cancel }: one streaming pass over a dataset on a worker thread
// (stats/stream.h), resolving with the count, means and packed co-moment; the co-moment buffer is handed to JS
// without a copy. Progress { rows, file } is delivered on the JS thread, coalesced by node-addon-api.
// Options arrive validated from src/correlate/correlate.ts (threads, chunkRows in CHUNK_ROWS_RANGE, nan, and
// columns: an optional Uint32Array of distinct neuron ids, the statistics' columns in that order).
#include "ops/args.h"
#include "ops/job.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "stats/stream.h"

namespace ns {

namespace {

struct CorrelateJob {
  struct Event {
    double rows, file;
  };
  static constexpr JobInfo kJob{"neurosieve.correlate", "out of memory while allocating the co-moment state"};

  StreamOptions options;
  StreamResult out;

  void execute(const JobContext<Event>& job) {
    out = accumulate_files(options, *job.cancel, [&](uint64_t rows, size_t file) {
      job.report({static_cast<double>(rows), static_cast<double>(file)});
    });
  }

  static Napi::Value progress(Napi::Env env, const Event& e) { return numbers_object(env, {{"rows", e.rows}, {"file", e.file}}); }

  Napi::Value result(Napi::Env env) {
    Comoments& s = *out.stats;
    Napi::Object o = Napi::Object::New(env);
    o.Set("count", static_cast<double>(s.count()));
    o.Set("mean", float64_copy(env, s.mean()));
    o.Set("comoment", float64_from_big(env, s.release_comoment(), packed_size(s.cols())));
    o.Set("nonFinite", static_cast<double>(out.non_finite));
    Napi::Array rows = Napi::Array::New(env, out.rows_per_file.size());
    for (size_t i = 0; i < out.rows_per_file.size(); ++i)
      rows.Set(static_cast<uint32_t>(i), static_cast<double>(out.rows_per_file[i]));
    o.Set("rowsPerFile", rows);
    out = StreamResult{};
    return o;
  }
};

Napi::Value Correlate(const Args& args) {
  const Napi::Object o = args.object(0, "an options object");
  const Fields f(o, "correlate: options.");
  CorrelateJob job;
  job.options.files = parse_files(o, "correlate");
  job.options.threads = f.count("threads");
  job.options.chunk_rows = f.count("chunkRows");
  job.options.nan_zero = parse_nan_zero(o, "correlate");
  const Napi::Value cols = o.Get("columns");
  if (!cols.IsUndefined()) {
    if (!is_typed<Napi::Uint32Array>(cols)) fail(Code::Argument, "correlate: options.columns must be a Uint32Array");
    const Napi::Uint32Array c = cols.As<Napi::Uint32Array>();
    job.options.columns.assign(c.Data(), c.Data() + c.ElementLength());
  }
  return start_job(args.env(), std::move(job), {}, args.callback(1));
}

}  // namespace

void register_correlate(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports, {{"correlate", Correlate}});
}

}  // namespace ns
