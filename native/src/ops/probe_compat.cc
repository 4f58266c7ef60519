// The NeuroX-compatible probe trainer (probe/compat_trainer.h):
//   probeCompatInit(classes, cols, seed) -> { weight, bias }                      (sync: the seeded init)
//   probeCompatTrain(options, train, init, validation, classWeights, onProgress) -> { promise, cancel }
//     options { cols, classes, optimizer: 'adam' | 'sgd', learningRate, epochs, batchSize, l1, l2, patience, threads,
//     regression? } (regression: classes 1, train / validation carry `target` Float32Array instead of y, and
//     validationAccuracy holds the validation mean squared error)
//     train / validation { x: Float32Array, y: Int32Array, stride?, columns?: Uint32Array } (validation may be
//     null; a column view of a bigger matrix, read in place: probe/feature_view.h), init { weight, bias }
//     (copied), classWeights Float64Array | null; progress events { epoch, total, loss, accuracy }.
//     Resolves { weight, bias, epochLoss, validationAccuracy, epochs, nonImproving, stoppedEarly }.
// Options arrive validated from src/probe/train-compat.ts and are copied into a plain CompatConfig on the main
// thread; shapes are re-checked here because a wrong length would read out of bounds. The training runs in an
// AsyncProgressQueueWorker (every epoch event is delivered) holding references to the feature arrays; cancel()
// stops it before the next minibatch.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "ops/args.h"
#include "ops/job.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "probe/compat_init.h"
#include "probe/compat_trainer.h"

namespace ns {

namespace {

using probe::CompatConfig;
using probe::CompatResult;
using probe::LabelledRows;

struct CompatJob {
  struct Event {
    double done, total, loss, accuracy;
  };
  static constexpr JobInfo kJob{"neurosieve.probeCompat", "out of memory while training the probe"};
  static constexpr bool kEveryEvent = true;  // every epoch arrives: the caller may log each loss

  CompatConfig cfg;
  LabelledRows train, val;  // point into JS arrays the job keeps
  std::vector<double> class_w;
  std::vector<float> w0, b0;
  CompatResult out;

  void execute(const JobContext<Event>& job) {
    probe::CompatHooks hooks;
    hooks.cancel = job.cancel;
    hooks.progress = [&](size_t done, size_t total, double loss, double acc) {
      job.report({static_cast<double>(done), static_cast<double>(total), loss, acc});
    };
    out = probe::train_compat(cfg, train, val, class_w.empty() ? nullptr : class_w.data(), std::move(w0), std::move(b0), hooks);
  }

  static Napi::Value progress(Napi::Env env, const Event& e) {
    return numbers_object(env, {{"epoch", e.done}, {"total", e.total}, {"loss", e.loss}, {"accuracy", e.accuracy}});
  }

  Napi::Value result(Napi::Env env) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("weight", typed_copy<Napi::Float32Array>(env, out.weight));
    o.Set("bias", typed_copy<Napi::Float32Array>(env, out.bias));
    o.Set("epochLoss", float64_copy(env, out.epoch_loss));
    o.Set("validationAccuracy", float64_copy(env, out.val_accuracy));
    o.Set("epochs", static_cast<double>(out.epochs_run));
    o.Set("nonImproving", static_cast<double>(out.non_improving));
    o.Set("stoppedEarly", out.stopped_early);
    return o;
  }
};

Napi::Value ProbeCompatInit(const Args& args) {
  Napi::Env env = args.env();
  const double C = args.number(0), D = args.number(1), seed = args.number(2);
  if (!(C >= 1 && D >= 1 && C * D <= 4294967295.0) || C != std::floor(C) || D != std::floor(D))
    fail(Code::Argument, "probeCompatInit: classes and cols must be positive integers");
  if (!is_count(seed)) fail(Code::Argument, "probeCompatInit: seed must be an integer in [0, 2^53)");
  const size_t c = static_cast<size_t>(C), d = static_cast<size_t>(D);
  Napi::Float32Array w = Napi::Float32Array::New(env, c * d);
  Napi::Float32Array b = Napi::Float32Array::New(env, c);
  probe::compat_init(c, d, static_cast<uint64_t>(seed), w.Data(), b.Data());
  Napi::Object o = Napi::Object::New(env);
  o.Set("weight", w);
  o.Set("bias", b);
  return o;
}

// { x, y, stride?, columns? }: features as a column view (ops/args.h feature_view) and one class id per row — or,
// for regression, { x, target: Float32Array, ... } with one real target per row; `what` names it in messages.
LabelledRows labelled_rows(const Napi::Value& v, size_t D, bool regression, const char* what,
                           std::vector<Napi::Object>& keep) {
  const std::string name = std::string("probeCompatTrain: ") + what;
  const Fields f(v.IsObject() ? v.As<Napi::Object>() : Napi::Object::New(v.Env()), name + ".");
  const auto [view, rows] = feature_view(f, D, name, keep);
  LabelledRows r;
  r.x = view.x;
  r.rows = rows;
  r.stride = view.stride;
  r.columns = view.columns;
  if (regression) {
    const auto y = f.typed<Napi::Float32Array>("target");
    if (y.ElementLength() != rows || rows == 0)
      fail(Code::Shape, name + ".x must hold rows * stride floats and " + what + ".target one value per row");
    keep.push_back(y);
    r.target = y.Data();
  } else {
    const auto y = f.typed<Napi::Int32Array>("y");
    if (y.ElementLength() != rows || rows == 0)
      fail(Code::Shape, name + ".x must hold rows * stride floats and " + what + ".y one id per row");
    keep.push_back(y);
    r.y = y.Data();
  }
  return r;
}

// probeCompatTrain(options, train, init, validation, classWeights, onProgress)
Napi::Value ProbeCompatTrain(const Args& args) {
  Napi::Env env = args.env();
  const Fields o(args.object(0, "an options object"), "probeCompatTrain: option ");
  CompatJob job;
  CompatConfig& cfg = job.cfg;
  cfg.cols = o.count("cols");
  cfg.classes = o.count("classes");
  const std::string optimizer = o.string_or("optimizer", "");
  if (optimizer != "adam" && optimizer != "sgd") fail(Code::Argument, "probeCompatTrain: optimizer must be 'adam' or 'sgd'");
  cfg.adam = optimizer == "adam";
  cfg.lr = o.number("learningRate");
  cfg.epochs = o.count("epochs");
  cfg.batch = o.count("batchSize");
  cfg.l1 = o.number("l1");
  cfg.l2 = o.number("l2");
  cfg.patience = o.count("patience");
  cfg.threads = o.count("threads");
  const Napi::Value regression = o["regression"];
  cfg.regression = regression.IsBoolean() && regression.As<Napi::Boolean>().Value();
  if (cfg.cols == 0 || cfg.batch == 0 || (cfg.regression ? cfg.classes != 1 : cfg.classes < 2))
    fail(Code::Argument, "probeCompatTrain: cols, batchSize must be >= 1, classes >= 2 (1 with regression)");

  const size_t D = cfg.cols, C = cfg.classes;
  std::vector<Napi::Object> keep;
  job.train = labelled_rows(args[1], D, cfg.regression, "train", keep);
  const Fields init(args[2].IsObject() ? args[2].As<Napi::Object>() : Napi::Object::New(env), "probeCompatTrain: ");
  const auto w0 = init.typed<Napi::Float32Array>("weight");
  const auto b0 = init.typed<Napi::Float32Array>("bias");
  if (w0.ElementLength() != C * D || b0.ElementLength() != C)
    fail(Code::Shape, "probeCompatTrain: init.weight must hold classes * cols floats and init.bias classes");
  if (args[3].IsObject()) job.val = labelled_rows(args[3], D, cfg.regression, "validation", keep);
  for (const LabelledRows* r : {&job.train, &job.val})
    for (size_t t = 0; t < r->rows; ++t) {
      if (cfg.regression ? !std::isfinite(r->target[t]) : (r->y[t] < 0 || static_cast<size_t>(r->y[t]) >= C))
        fail(Code::Argument, cfg.regression ? "probeCompatTrain: target not finite" : "probeCompatTrain: class id out of range");
    }
  if (args[4].IsTypedArray() && !cfg.regression) {
    const auto cw = args.typed<Napi::Float64Array>(4);
    if (cw.ElementLength() != C) fail(Code::Shape, "probeCompatTrain: classWeights must hold one weight per class");
    job.class_w.assign(cw.Data(), cw.Data() + C);  // positive and finite: checkHooks (src/probe/checks.ts)
  }
  job.w0.assign(w0.Data(), w0.Data() + C * D);
  job.b0.assign(b0.Data(), b0.Data() + C);
  return start_job(env, std::move(job), keep, args.callback(5));
}

}  // namespace

void register_probe_compat(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports, {{"probeCompatInit", ProbeCompatInit}, {"probeCompatTrain", ProbeCompatTrain}});
}

}  // namespace ns
