// probePredict(x, rows, cols, weight, bias, classes, threads) -> Promise<Int32Array>: argmax_c (x·w_c + b_c) of
// every row (probe/linear_predict.h), on a worker thread holding references to the arrays. Inputs arrive
// validated from src/probe/linear-predict.ts; shapes are re-checked here because a wrong length would read out
// of bounds.
#include <cmath>
#include <memory>
#include <vector>

#include "core/thread_pool.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "probe/linear_predict.h"

namespace ns {

namespace {

class PredictWorker : public Napi::AsyncWorker {
 public:
  PredictWorker(Napi::Env env, Napi::Float32Array x, size_t rows, size_t cols, std::vector<float> w, std::vector<float> b,
                size_t threads)
      : Napi::AsyncWorker(env, "neurosieve.probePredict"),
        deferred_(Napi::Promise::Deferred::New(env)),
        x_(Napi::Persistent(x)),
        data_(x.Data()),
        rows_(rows),
        cols_(cols),
        w_(std::move(w)),
        b_(std::move(b)),
        threads_(threads),
        out_(rows) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      ThreadPool pool(threads_);
      probe::predict_linear(data_, rows_, cols_, w_.data(), b_.data(), b_.size(), out_.data(), pool);
    } catch (const Error& e) {
      SetError(e.tagged());
    } catch (const std::bad_alloc&) {
      SetError("[E_INTERNAL] out of memory while predicting");
    } catch (const std::exception& e) {
      SetError(std::string("[E_INTERNAL] ") + e.what());
    }
  }

  void OnOK() override {
    Napi::Int32Array a = Napi::Int32Array::New(Env(), out_.size());
    std::copy(out_.begin(), out_.end(), a.Data());
    deferred_.Resolve(a);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Float32Array> x_;
  const float* data_;
  size_t rows_, cols_;
  std::vector<float> w_, b_;
  size_t threads_;
  std::vector<int32_t> out_;
};

size_t size_arg(const Napi::CallbackInfo& info, size_t i, double max) {
  const double d = arg_number(info, i, "probePredict");
  if (!(d >= 0 && d <= max) || d != std::floor(d))
    fail(Code::Argument, "probePredict: argument " + std::to_string(i + 1) + " must be a non-negative integer");
  return static_cast<size_t>(d);
}

Napi::Float32Array f32_arg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    fail(Code::Argument, "probePredict: argument " + std::to_string(i + 1) + " must be a Float32Array");
  return info[i].As<Napi::Float32Array>();
}

Napi::Value ProbePredict(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    auto x = f32_arg(info, 0);
    const size_t rows = size_arg(info, 1, 9007199254740991.0), cols = size_arg(info, 2, 4294967295.0);
    auto w = f32_arg(info, 3);
    auto b = f32_arg(info, 4);
    const size_t classes = size_arg(info, 5, 1 << 24), threads = size_arg(info, 6, 1024);
    if (cols == 0 || classes == 0 || x.ElementLength() != rows * cols || w.ElementLength() != classes * cols ||
        b.ElementLength() != classes)
      fail(Code::Shape, "probePredict: x must hold rows * cols floats, weight classes * cols, bias classes");
    auto* worker = new PredictWorker(env, x, rows, cols, std::vector<float>(w.Data(), w.Data() + w.ElementLength()),
                                     std::vector<float>(b.Data(), b.Data() + classes), threads);
    Napi::Promise p = worker->promise();
    worker->Queue();
    return p;
  });
}

}  // namespace

void register_probe_predict(Napi::Env env, Napi::Object exports) {
  exports.Set("probePredict", Napi::Function::New(env, ProbePredict, "probePredict"));
}

}  // namespace ns
