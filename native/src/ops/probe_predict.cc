// probePredict(x, rows, cols, weight, bias, classes, threads) -> Promise<Int32Array>: argmax_c (x·w_c + b_c) of
// every row; probeOutputs(the same) -> Promise<Float64Array>: the rows × classes outputs themselves (probe/linear_predict.h), on a worker thread holding references to the arrays. x is a Float32Array of
// rows × cols, or a column view { x, stride, columns? } of a bigger matrix (probe/feature_view.h). Inputs arrive
// validated from src/probe/linear-predict.ts; shapes are re-checked here because a wrong length would read out
// of bounds.
#include <tuple>
#include <utility>
#include <vector>

#include "core/thread_pool.h"
#include "ops/args.h"
#include "ops/job.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "probe/linear_predict.h"

namespace ns {

namespace {

struct PredictJob {
  static constexpr JobInfo kJob{"neurosieve.probePredict", "out of memory while predicting"};

  probe::FeatureView x;  // over kept JS arrays
  size_t rows = 0, threads = 0;
  std::vector<float> w, b;   // copied
  bool raw = false;  // probeOutputs: the outputs, not their argmax
  std::vector<int32_t> out;
  std::vector<double> outputs;

  void execute(const JobContext<NoEvent>&) {
    ThreadPool pool(threads);
    if (raw) {
      outputs.resize(rows * b.size());
      probe::linear_outputs(x, rows, w.data(), b.data(), b.size(), outputs.data(), pool);
    } else {
      out.resize(rows);
      probe::predict_linear(x, rows, w.data(), b.data(), b.size(), out.data(), pool);
    }
  }

  Napi::Value result(Napi::Env env) {
    if (raw) return float64_copy(env, outputs);
    return typed_copy<Napi::Int32Array>(env, out);
  }
};

// probePredict / probeOutputs(x, rows, cols, weight, bias, classes, threads)
Napi::Value Predict(const Args& args, bool raw) {
  PredictJob job;
  job.raw = raw;
  job.rows = args.count(1);
  const size_t cols = args.count(2, 4294967295.0);
  const auto w = args.typed<Napi::Float32Array>(3);
  const auto b = args.typed<Napi::Float32Array>(4);
  const size_t classes = args.count(5, 1 << 24);
  job.threads = args.count(6, 1024);
  if (cols == 0 || classes == 0 || w.ElementLength() != classes * cols || b.ElementLength() != classes)
    fail(Code::Shape, "probePredict: weight must hold classes * cols floats, bias classes");
  std::vector<Napi::Object> keep;
  size_t rows = 0;
  if (is_typed<Napi::Float32Array>(args[0])) {
    const auto x = args.typed<Napi::Float32Array>(0);
    job.x = probe::FeatureView{x.Data(), cols, nullptr, cols};
    if (x.ElementLength() % cols != 0) fail(Code::Shape, "probePredict: x must hold rows * cols floats");
    rows = x.ElementLength() / cols;
    keep.push_back(x);
  } else {
    const Fields f(args.object(0, "a Float32Array or a column view"), "probePredict: x.");
    std::tie(job.x, rows) = feature_view(f, cols, "probePredict: x", keep);
  }
  if (rows != job.rows) fail(Code::Shape, "probePredict: x must hold rows rows of features");
  job.w.assign(w.Data(), w.Data() + w.ElementLength());
  job.b.assign(b.Data(), b.Data() + classes);
  return queue_job(args.env(), std::move(job), keep);
}

Napi::Value ProbePredict(const Args& args) { return Predict(args, false); }
Napi::Value ProbeOutputs(const Args& args) { return Predict(args, true); }

}  // namespace

void register_probe_predict(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports, {{"probePredict", ProbePredict}, {"probeOutputs", ProbeOutputs}});
}

}  // namespace ns
