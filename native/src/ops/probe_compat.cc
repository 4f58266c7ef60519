// The NeuroX-compatible probe trainer (probe/compat_trainer.h):
//   probeCompatInit(classes, cols, seed) -> { weight, bias }                      (sync: the seeded init)
//   probeCompatTrain(options, train, init, validation, classWeights, onProgress) -> { promise, cancel }
//     options { cols, classes, optimizer: 'adam' | 'sgd', learningRate, epochs, batchSize, l1, l2, patience, threads }
//     train / validation { x: Float32Array, y: Int32Array } (validation may be null), init { weight, bias }
//     (copied), classWeights Float64Array | null; progress events { epoch, total, loss, accuracy }.
//     Resolves { weight, bias, epochLoss, validationAccuracy, epochs, nonImproving, stoppedEarly }.
// Options arrive validated from src/probe/train-compat.ts and are copied into a plain CompatConfig on the main
// thread; shapes are re-checked here because a wrong length would read out of bounds. The training runs in an
// AsyncProgressQueueWorker (every epoch event is delivered) holding references to the feature arrays; cancel()
// stops it before the next minibatch.
#include <atomic>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

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

struct EpochEvent {
  double done, total, loss, accuracy;
};

double num(const Napi::Object& o, const char* key) {
  const Napi::Value v = o.Get(key);
  if (!v.IsNumber()) fail(Code::Argument, std::string("probeCompatTrain: option ") + key + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

size_t count(const Napi::Object& o, const char* key) {
  const double d = num(o, key);
  if (!(d >= 0 && d <= 9007199254740991.0) || d != std::floor(d))
    fail(Code::Argument, std::string("probeCompatTrain: option ") + key + " must be a non-negative integer");
  return static_cast<size_t>(d);
}

template <class A>
A typed_field(const Napi::Value& v, const char* key, napi_typedarray_type type, const char* what) {
  Napi::Value f = v.IsObject() ? v.As<Napi::Object>().Get(key) : Napi::Value();
  if (f.IsEmpty() || !f.IsTypedArray() || f.As<Napi::TypedArray>().TypedArrayType() != type)
    fail(Code::Argument, std::string("probeCompatTrain: ") + key + " must be " + what);
  return f.As<A>();
}

class CompatWorker : public Napi::AsyncProgressQueueWorker<EpochEvent> {
 public:
  CompatWorker(Napi::Env env, CompatConfig cfg, LabelledRows train, LabelledRows val, std::vector<double> class_w,
               std::vector<float> w0, std::vector<float> b0, Napi::Function on_progress,
               std::shared_ptr<std::atomic<bool>> cancel)
      : Napi::AsyncProgressQueueWorker<EpochEvent>(env, "neurosieve.probeCompat"),
        deferred_(Napi::Promise::Deferred::New(env)),
        cfg_(cfg),
        train_(train),
        val_(val),
        class_w_(std::move(class_w)),
        w0_(std::move(w0)),
        b0_(std::move(b0)),
        cancel_(std::move(cancel)) {
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
  }

  Napi::Promise promise() const { return deferred_.Promise(); }
  void keep(Napi::Object o) { kept_.push_back(Napi::Persistent(o)); }

  void Execute(const ExecutionProgress& progress) override {
    try {
      probe::CompatHooks hooks;
      hooks.cancel = cancel_.get();
      hooks.progress = [&](size_t done, size_t total, double loss, double acc) {
        EpochEvent e{static_cast<double>(done), static_cast<double>(total), loss, acc};
        progress.Send(&e, 1);
      };
      result_ = probe::train_compat(cfg_, train_, val_, class_w_.empty() ? nullptr : class_w_.data(), std::move(w0_),
                                    std::move(b0_), hooks);
    } catch (const Error& e) {
      SetError(e.tagged());
    } catch (const std::bad_alloc&) {
      SetError("[E_INTERNAL] out of memory while training the probe");
    } catch (const std::exception& e) {
      SetError(std::string("[E_INTERNAL] ") + e.what());
    }
  }

  void OnProgress(const EpochEvent* data, size_t n) override {
    if (n == 0 || on_progress_.IsEmpty()) return;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    for (size_t i = 0; i < n; ++i) {  // a queue worker: every epoch arrives, the caller may log each loss
      Napi::Object o = Napi::Object::New(env);
      o.Set("epoch", data[i].done);
      o.Set("total", data[i].total);
      o.Set("loss", data[i].loss);
      o.Set("accuracy", data[i].accuracy);
      try {
        on_progress_.Call({o});
      } catch (const Napi::Error&) {
      }
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object o = Napi::Object::New(env);
    Napi::Float32Array w = Napi::Float32Array::New(env, result_.weight.size());
    std::copy(result_.weight.begin(), result_.weight.end(), w.Data());
    Napi::Float32Array b = Napi::Float32Array::New(env, result_.bias.size());
    std::copy(result_.bias.begin(), result_.bias.end(), b.Data());
    o.Set("weight", w);
    o.Set("bias", b);
    o.Set("epochLoss", float64_copy(env, result_.epoch_loss));
    o.Set("validationAccuracy", float64_copy(env, result_.val_accuracy));
    o.Set("epochs", static_cast<double>(result_.epochs_run));
    o.Set("nonImproving", static_cast<double>(result_.non_improving));
    o.Set("stoppedEarly", result_.stopped_early);
    deferred_.Resolve(o);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  CompatConfig cfg_;
  LabelledRows train_, val_;
  std::vector<double> class_w_;
  std::vector<float> w0_, b0_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  Napi::FunctionReference on_progress_;
  std::vector<Napi::ObjectReference> kept_;
  CompatResult result_;
};

Napi::Value ProbeCompatInit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const char* fn = "probeCompatInit";
    const double C = arg_number(info, 0, fn), D = arg_number(info, 1, fn), seed = arg_number(info, 2, fn);
    if (!(C >= 1 && D >= 1 && C * D <= 4294967295.0) || C != std::floor(C) || D != std::floor(D))
      fail(Code::Argument, "probeCompatInit: classes and cols must be positive integers");
    if (!(seed >= 0 && seed <= 9007199254740991.0) || seed != std::floor(seed))
      fail(Code::Argument, "probeCompatInit: seed must be an integer in [0, 2^53)");
    const size_t c = static_cast<size_t>(C), d = static_cast<size_t>(D);
    Napi::Float32Array w = Napi::Float32Array::New(env, c * d);
    Napi::Float32Array b = Napi::Float32Array::New(env, c);
    probe::compat_init(c, d, static_cast<uint64_t>(seed), w.Data(), b.Data());
    Napi::Object o = Napi::Object::New(env);
    o.Set("weight", w);
    o.Set("bias", b);
    return o;
  });
}

Napi::Value ProbeCompatTrain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsObject()) fail(Code::Argument, "probeCompatTrain: argument 1 must be an options object");
    const Napi::Object o = info[0].As<Napi::Object>();
    CompatConfig cfg;
    cfg.cols = count(o, "cols");
    cfg.classes = count(o, "classes");
    const Napi::Value opt = o.Get("optimizer");
    const std::string optimizer = opt.IsString() ? opt.As<Napi::String>().Utf8Value() : "";
    if (optimizer != "adam" && optimizer != "sgd") fail(Code::Argument, "probeCompatTrain: optimizer must be 'adam' or 'sgd'");
    cfg.adam = optimizer == "adam";
    cfg.lr = num(o, "learningRate");
    cfg.epochs = count(o, "epochs");
    cfg.batch = count(o, "batchSize");
    cfg.l1 = num(o, "l1");
    cfg.l2 = num(o, "l2");
    cfg.patience = count(o, "patience");
    cfg.threads = count(o, "threads");
    if (cfg.cols == 0 || cfg.classes < 2 || cfg.batch == 0) fail(Code::Argument, "probeCompatTrain: cols, batchSize must be >= 1 and classes >= 2");

    const size_t D = cfg.cols, C = cfg.classes;
    auto tx = typed_field<Napi::Float32Array>(info[1], "x", napi_float32_array, "a Float32Array");
    auto ty = typed_field<Napi::Int32Array>(info[1], "y", napi_int32_array, "an Int32Array");
    if (tx.ElementLength() % D != 0 || ty.ElementLength() != tx.ElementLength() / D || ty.ElementLength() == 0)
      fail(Code::Shape, "probeCompatTrain: train.x must hold rows * cols floats and train.y one id per row");
    auto w0 = typed_field<Napi::Float32Array>(info[2], "weight", napi_float32_array, "a Float32Array");
    auto b0 = typed_field<Napi::Float32Array>(info[2], "bias", napi_float32_array, "a Float32Array");
    if (w0.ElementLength() != C * D || b0.ElementLength() != C)
      fail(Code::Shape, "probeCompatTrain: init.weight must hold classes * cols floats and init.bias classes");
    LabelledRows train{tx.Data(), ty.Data(), ty.ElementLength()}, val;
    Napi::Float32Array vx;
    Napi::Int32Array vy;
    const bool has_val = info.Length() > 3 && info[3].IsObject();
    if (has_val) {
      vx = typed_field<Napi::Float32Array>(info[3], "x", napi_float32_array, "a Float32Array");
      vy = typed_field<Napi::Int32Array>(info[3], "y", napi_int32_array, "an Int32Array");
      if (vx.ElementLength() % D != 0 || vy.ElementLength() != vx.ElementLength() / D || vy.ElementLength() == 0)
        fail(Code::Shape, "probeCompatTrain: validation.x must hold rows * cols floats and validation.y one id per row");
      val = LabelledRows{vx.Data(), vy.Data(), vy.ElementLength()};
    }
    for (const LabelledRows* r : {&train, &val})
      for (size_t t = 0; t < r->rows; ++t)
        if (r->y[t] < 0 || static_cast<size_t>(r->y[t]) >= C) fail(Code::Argument, "probeCompatTrain: class id out of range");
    std::vector<double> class_w;
    if (info.Length() > 4 && info[4].IsTypedArray()) {
      if (info[4].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
        fail(Code::Argument, "probeCompatTrain: classWeights must be a Float64Array");
      auto cw = info[4].As<Napi::Float64Array>();
      if (cw.ElementLength() != C) fail(Code::Shape, "probeCompatTrain: classWeights must hold one weight per class");
      class_w.assign(cw.Data(), cw.Data() + C);
      for (double w : class_w)
        if (!(w > 0) || !std::isfinite(w)) fail(Code::Argument, "probeCompatTrain: class weights must be positive and finite");
    }
    Napi::Function on_progress;
    if (info.Length() > 5 && info[5].IsFunction()) on_progress = info[5].As<Napi::Function>();

    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto* worker = new CompatWorker(env, cfg, train, val, std::move(class_w),
                                    std::vector<float>(w0.Data(), w0.Data() + C * D),
                                    std::vector<float>(b0.Data(), b0.Data() + C), on_progress, cancel);
    worker->keep(tx);
    worker->keep(ty);
    if (has_val) {
      worker->keep(vx);
      worker->keep(vy);
    }
    Napi::Object job = Napi::Object::New(env);
    job.Set("promise", worker->promise());
    job.Set("cancel", Napi::Function::New(env, [cancel](const Napi::CallbackInfo&) { cancel->store(true); }, "cancel"));
    worker->Queue();
    return job;
  });
}

}  // namespace

void register_probe_compat(Napi::Env env, Napi::Object exports) {
  exports.Set("probeCompatInit", Napi::Function::New(env, ProbeCompatInit, "probeCompatInit"));
  exports.Set("probeCompatTrain", Napi::Function::New(env, ProbeCompatTrain, "probeCompatTrain"));
}

}  // namespace ns
