// correlate(options, onProgress) -> { promise, cancel }: one streaming pass over a dataset on a worker thread
// (stats/stream.h), resolving with the count, means and packed co-moment; the co-moment buffer is handed to JS
// without a copy. Progress { rows, file } is delivered on the JS thread, coalesced by node-addon-api.
// Options arrive validated from src/correlate/correlate.ts (threads, chunkRows in CHUNK_ROWS_RANGE, nan, and
// columns: an optional Uint32Array of distinct neuron ids, the statistics' columns in that order).
// options.layerOffsets (Uint32Array, L + 1 boundaries checked in src/cka/) also folds debiased CKA's per-row
// layer sums into the pass and resolves them as layerSums { shift, q, P, R } (cka/layer_sums.h).
// comoments(x, rows, cols, chunkRows, threads, asCorrelation?) -> { promise, cancel }: the same statistics of a
// finite row-major matrix already in memory (`analyze` holds its train rows once and correlates them without a
// second read), folded in chunks of chunkRows rows exactly as the file pass folds its chunks. With
// asCorrelation, resolves { count, corr, zeroVariance } instead: the D × D float32 Pearson matrix written over
// the co-moment's own buffer (stats/comoments.h correlation_in_place), so the two never coexist.
#include "ops/args.h"
#include "ops/job.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "stats/stream.h"

#include <algorithm>
#include <memory>
#include <vector>

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
    if (out.layer_sums) {
      const LayerSums& ls = *out.layer_sums;
      Napi::Object l = Napi::Object::New(env);
      l.Set("shift", float64_copy(env, ls.shift()));
      l.Set("q", float64_copy(env, ls.q()));
      l.Set("P", float64_copy(env, ls.P()));
      l.Set("R", float64_copy(env, ls.R()));
      o.Set("layerSums", l);
    }
    out = StreamResult{};
    return o;
  }
};

Napi::Value Correlate(const Args& args) {
  const Napi::Object o = args.object(0, "an options object");
  const Fields f(o, "correlate: options.");
  CorrelateJob job;
  job.options.files = parse_files(o, "correlate");
  job.options.row_ranges = parse_row_ranges(o, "correlate");
  job.options.threads = f.count("threads");
  job.options.chunk_rows = f.count("chunkRows");
  job.options.nan_zero = parse_nan_zero(o, "correlate");
  const Napi::Value cols = o.Get("columns");
  if (!cols.IsUndefined()) {
    if (!is_typed<Napi::Uint32Array>(cols)) fail(Code::Argument, "correlate: options.columns must be a Uint32Array");
    const Napi::Uint32Array c = cols.As<Napi::Uint32Array>();
    job.options.columns.assign(c.Data(), c.Data() + c.ElementLength());
  }
  const Napi::Value lo = o.Get("layerOffsets");
  if (!lo.IsUndefined()) {
    if (!is_typed<Napi::Uint32Array>(lo)) fail(Code::Argument, "correlate: options.layerOffsets must be a Uint32Array");
    const Napi::Uint32Array l = lo.As<Napi::Uint32Array>();
    job.options.layer_offsets.assign(l.Data(), l.Data() + l.ElementLength());
  }
  return start_job(args.env(), std::move(job), {}, args.callback(1));
}

// The statistics of an in-memory matrix (checked finite by the caller), chunk by chunk.
struct MatrixComomentsJob {
  static constexpr JobInfo kJob{"neurosieve.comoments", "out of memory while allocating the co-moment state"};

  const float* x = nullptr;  // a kept JS array
  size_t rows = 0, cols = 0, chunk_rows = 0, threads = 0;
  bool as_correlation = false;
  std::unique_ptr<Comoments> stats;
  std::vector<double> zero_variance;  // as_correlation: neurons whose co-moment diagonal is not > 0

  void execute(const JobContext<NoEvent>& job) {
    ThreadPool pool(threads);
    stats = std::make_unique<Comoments>(cols);
    std::vector<double> mean(cols);
    for (size_t r0 = 0; r0 < rows; r0 += chunk_rows) {
      if (job.cancel->load(std::memory_order_relaxed)) fail(Code::Cancelled, "correlation cancelled");
      const size_t n = std::min(chunk_rows, rows - r0);
      column_means(x + r0 * cols, n, cols, cols, mean.data(), pool);
      stats->add_chunk(x + r0 * cols, n, cols, mean.data(), pool);
    }
    stats->flush(pool);
    if (as_correlation) {
      double* M = stats->comoment();
      for (size_t i = 0; i < cols; ++i)
        if (!(M[packed_row_offset(i, cols)] > 0)) zero_variance.push_back(static_cast<double>(i));
      correlation_in_place(M, cols);
    }
  }

  Napi::Value result(Napi::Env env) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("count", static_cast<double>(stats->count()));
    if (as_correlation) {
      o.Set("corr", float32_from_big(env, stats->release_comoment(), cols * cols));
      o.Set("zeroVariance", float64_copy(env, zero_variance));
      stats.reset();
      return o;
    }
    o.Set("mean", float64_copy(env, stats->mean()));
    o.Set("comoment", float64_from_big(env, stats->release_comoment(), packed_size(cols)));
    stats.reset();
    return o;
  }
};

Napi::Value MatrixComoments(const Args& args) {
  const auto x = args.typed<Napi::Float32Array>(0);
  MatrixComomentsJob job;
  job.rows = args.count(1);
  job.cols = args.count(2, 4294967295.0);
  job.chunk_rows = args.count(3);
  job.threads = args.count(4, 1024);
  job.as_correlation = args[5].IsBoolean() && args[5].As<Napi::Boolean>().Value();
  if (job.rows < 1 || job.cols < 1 || job.chunk_rows < 1 || x.ElementLength() != job.rows * job.cols)
    fail(Code::Shape, "comoments: x must hold rows * cols floats, rows, cols and chunkRows >= 1");
  job.x = x.Data();
  return start_job(args.env(), std::move(job), {x});
}

}  // namespace

void register_correlate(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports, {{"correlate", Correlate}, {"comoments", MatrixComoments}});
}

}  // namespace ns
