// findNonFinite(x, rows, cols, threads) -> Promise<null | { row, col, value }>: the first NaN/±Inf of a row-major
// in-memory float32 matrix, in row-major order (stats/nonfinite.h), on a worker thread holding a reference to x.
// The caller (e.g. src/probe/train-compat.ts) words the error; this only finds the value, ~20× faster than a JS loop.
#include <cmath>

#include "core/thread_pool.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "stats/nonfinite.h"

namespace ns {

namespace {

class FindWorker : public Napi::AsyncWorker {
 public:
  FindWorker(Napi::Env env, Napi::Float32Array x, size_t rows, size_t cols, size_t threads)
      : Napi::AsyncWorker(env, "neurosieve.findNonFinite"),
        deferred_(Napi::Promise::Deferred::New(env)),
        ref_(Napi::Persistent(x)),
        x_(x.Data()),
        rows_(rows),
        cols_(cols),
        threads_(threads) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      ThreadPool pool(threads_);
      hit_ = find_nonfinite(x_, rows_, cols_, cols_, pool);
    } catch (const std::exception& e) {
      SetError(std::string("[E_INTERNAL] ") + e.what());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (!hit_.found) {
      deferred_.Resolve(env.Null());
      return;
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("row", static_cast<double>(hit_.row));
    o.Set("col", static_cast<double>(hit_.col));
    o.Set("value", static_cast<double>(hit_.value));
    deferred_.Resolve(o);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Float32Array> ref_;
  const float* x_;
  size_t rows_, cols_, threads_;
  NonFiniteHit hit_;
};

Napi::Value FindNonFinite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const char* fn = "findNonFinite";
    if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      fail(Code::Argument, "findNonFinite: argument 1 must be a Float32Array");
    auto x = info[0].As<Napi::Float32Array>();
    const double rows = arg_number(info, 1, fn), cols = arg_number(info, 2, fn), threads = arg_number(info, 3, fn);
    if (!(rows >= 0 && cols >= 1 && threads >= 0 && threads <= 1024) || rows != std::floor(rows) || cols != std::floor(cols) ||
        threads != std::floor(threads) || static_cast<double>(x.ElementLength()) != rows * cols)
      fail(Code::Shape, "findNonFinite: x must hold rows * cols floats, cols >= 1, threads in [0, 1024]");
    auto* worker = new FindWorker(env, x, static_cast<size_t>(rows), static_cast<size_t>(cols), static_cast<size_t>(threads));
    Napi::Promise p = worker->promise();
    worker->Queue();
    return p;
  });
}

}  // namespace

void register_find_nonfinite(Napi::Env env, Napi::Object exports) {
  exports.Set("findNonFinite", Napi::Function::New(env, FindNonFinite, "findNonFinite"));
}

}  // namespace ns
