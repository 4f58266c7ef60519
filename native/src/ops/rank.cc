// Neuron rankings (native/src/rank/): the per-element work of src/rank/*.ts.
//   weightMassPrefixes(weight, C, D, fractions, ascending) -> { order, prefix }      (sync: O(C·D log D))
//   argsortDescending(scores) -> Int32Array                                           (sync)
//   probelessScores(x, T, D, ids, C, threads) -> Promise<{ means, counts, overall, perClass }>
//   averagePrecision(x, T, D, ids, C, zeroBelow, threads, mean?, std?) -> Promise<Float64Array C×D>
// The O(T·D) passes run in AsyncWorkers holding references to the input arrays; inputs arrive validated from
// src/rank/ (shapes are re-checked here because a wrong length would read out of bounds).
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>

#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "rank/argsort.h"
#include "rank/average_precision.h"
#include "rank/probeless.h"
#include "rank/weight_mass.h"

namespace ns {

namespace {

template <class A>
A typed_arg(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type, const char* fn, const char* what) {
  if (info.Length() <= i || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != type)
    fail(Code::Argument, std::string(fn) + ": argument " + std::to_string(i + 1) + " must be " + what);
  return info[i].As<A>();
}

size_t size_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, double max = 9007199254740991.0) {
  const double d = arg_number(info, i, fn);
  if (!(d >= 0 && d <= max) || d != std::floor(d))
    fail(Code::Argument, std::string(fn) + ": argument " + std::to_string(i + 1) + " must be a non-negative integer");
  return static_cast<size_t>(d);
}

template <class T, class A>
A typed_copy(Napi::Env env, const T* p, size_t n) {
  A out = A::New(env, n);
  if (n) std::memcpy(out.Data(), p, n * sizeof(T));
  return out;
}

Napi::Value WeightMassPrefixes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const char* fn = "weightMassPrefixes";
    auto w = typed_arg<Napi::Float32Array>(info, 0, napi_float32_array, fn, "a Float32Array");
    const size_t C = size_arg(info, 1, fn), D = size_arg(info, 2, fn);
    auto fr = typed_arg<Napi::Float64Array>(info, 3, napi_float64_array, fn, "a Float64Array");
    const bool ascending = info.Length() > 4 && info[4].ToBoolean().Value();
    if (w.ElementLength() != C * D) fail(Code::Shape, std::string(fn) + ": weight length is not C*D");
    Napi::Int32Array order = Napi::Int32Array::New(env, C * D);
    Napi::Int32Array prefix = Napi::Int32Array::New(env, C * fr.ElementLength());
    weight_mass_prefixes(w.Data(), C, D, fr.Data(), fr.ElementLength(), ascending, order.Data(), prefix.Data());
    Napi::Object o = Napi::Object::New(env);
    o.Set("order", order);
    o.Set("prefix", prefix);
    return o;
  });
}

Napi::Value ArgsortDescending(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    auto s = typed_arg<Napi::Float64Array>(info, 0, napi_float64_array, "argsortDescending", "a Float64Array");
    Napi::Int32Array out = Napi::Int32Array::New(env, s.ElementLength());
    argsort_descending(s.Data(), s.ElementLength(), out.Data());
    return out;
  });
}

// An O(T·D) pass on a worker thread: `run` fills the worker's result on the pool, `build` turns it into JS.
class RankWorker : public Napi::AsyncWorker {
 public:
  RankWorker(Napi::Env env, Napi::Float32Array x, Napi::Int32Array ids, size_t threads,
             std::function<void(ThreadPool&)> run, std::function<Napi::Value(Napi::Env)> build)
      : Napi::AsyncWorker(env, "neurosieve.rank"),
        deferred_(Napi::Promise::Deferred::New(env)),
        x_(Napi::Persistent(x)),
        ids_(Napi::Persistent(ids)),
        threads_(threads),
        run_(std::move(run)),
        build_(std::move(build)) {}

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      ThreadPool pool(threads_);
      run_(pool);
    } catch (const Error& e) {
      SetError(e.tagged());
    } catch (const std::bad_alloc&) {
      SetError("[E_INTERNAL] out of memory while ranking neurons");
    } catch (const std::exception& e) {
      SetError(std::string("[E_INTERNAL] ") + e.what());
    }
  }

  void OnOK() override { deferred_.Resolve(build_(Env())); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Float32Array> x_;
  Napi::Reference<Napi::Int32Array> ids_;
  size_t threads_;
  std::function<void(ThreadPool&)> run_;
  std::function<Napi::Value(Napi::Env)> build_;
};

struct PassArgs {
  Napi::Float32Array x;
  Napi::Int32Array ids;
  size_t T, D, C;
};

PassArgs pass_args(const Napi::CallbackInfo& info, const char* fn) {
  PassArgs a{typed_arg<Napi::Float32Array>(info, 0, napi_float32_array, fn, "a Float32Array"),
             Napi::Int32Array(), size_arg(info, 1, fn), size_arg(info, 2, fn), 0};
  a.ids = typed_arg<Napi::Int32Array>(info, 3, napi_int32_array, fn, "an Int32Array");
  a.C = size_arg(info, 4, fn, 1 << 24);
  if (a.x.ElementLength() != a.T * a.D) fail(Code::Shape, std::string(fn) + ": x length is not T*D");
  if (a.ids.ElementLength() != a.T) fail(Code::Shape, std::string(fn) + ": ids length is not T");
  for (size_t t = 0; t < a.T; ++t)
    if (a.ids.Data()[t] < 0 || static_cast<size_t>(a.ids.Data()[t]) >= a.C)
      fail(Code::Argument, std::string(fn) + ": class id out of range at row " + std::to_string(t));
  return a;
}

Napi::Value ProbelessScores(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const char* fn = "probelessScores";
    PassArgs a = pass_args(info, fn);
    const size_t threads = size_arg(info, 5, fn, 1024);
    auto result = std::make_shared<ProbelessResult>();
    const float* x = a.x.Data();
    const int32_t* ids = a.ids.Data();
    const size_t T = a.T, D = a.D, C = a.C;
    auto* worker = new RankWorker(
        env, a.x, a.ids, threads, [=](ThreadPool& pool) { *result = probeless_scores(x, T, D, ids, C, pool); },
        [=](Napi::Env e) -> Napi::Value {
          Napi::Object o = Napi::Object::New(e);
          o.Set("means", float64_copy(e, result->means));
          o.Set("counts", float64_copy(e, result->counts));
          o.Set("overall", float64_copy(e, result->overall));
          o.Set("perClass", float64_copy(e, result->per_class));
          return o;
        });
    Napi::Promise p = worker->promise();
    worker->Queue();
    return p;
  });
}

Napi::Value AveragePrecision(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const char* fn = "averagePrecision";
    PassArgs a = pass_args(info, fn);
    const double zero_below = arg_number(info, 5, fn);
    const size_t threads = size_arg(info, 6, fn, 1024);
    // Optional z-scoring statistics (arguments 8 and 9): copied, so the worker owns them.
    std::shared_ptr<std::vector<double>> mean, stdev;
    if (info.Length() > 8 && info[7].IsTypedArray() && info[8].IsTypedArray()) {
      auto m = typed_arg<Napi::Float64Array>(info, 7, napi_float64_array, fn, "a Float64Array");
      auto s = typed_arg<Napi::Float64Array>(info, 8, napi_float64_array, fn, "a Float64Array");
      if (m.ElementLength() != a.D || s.ElementLength() != a.D) fail(Code::Shape, std::string(fn) + ": mean and std need D values");
      for (size_t j = 0; j < a.D; ++j)
        if (!(s.Data()[j] > 0) || !std::isfinite(s.Data()[j]) || !std::isfinite(m.Data()[j]))
          fail(Code::Argument, std::string(fn) + ": std must be positive and finite, mean finite (neuron " + std::to_string(j) + ")");
      mean = std::make_shared<std::vector<double>>(m.Data(), m.Data() + a.D);
      stdev = std::make_shared<std::vector<double>>(s.Data(), s.Data() + a.D);
    }
    auto result = std::make_shared<std::vector<double>>();
    const float* x = a.x.Data();
    const int32_t* ids = a.ids.Data();
    const size_t T = a.T, D = a.D, C = a.C;
    const float zb = static_cast<float>(zero_below);
    auto* worker = new RankWorker(
        env, a.x, a.ids, threads,
        [=](ThreadPool& pool) {
          *result = average_precision(x, T, D, ids, C, zb, pool, mean ? mean->data() : nullptr,
                                      stdev ? stdev->data() : nullptr);
        },
        [=](Napi::Env e) -> Napi::Value { return float64_copy(e, *result); });
    Napi::Promise p = worker->promise();
    worker->Queue();
    return p;
  });
}

}  // namespace

void register_rank(Napi::Env env, Napi::Object exports) {
  exports.Set("weightMassPrefixes", Napi::Function::New(env, WeightMassPrefixes, "weightMassPrefixes"));
  exports.Set("argsortDescending", Napi::Function::New(env, ArgsortDescending, "argsortDescending"));
  exports.Set("probelessScores", Napi::Function::New(env, ProbelessScores, "probelessScores"));
  exports.Set("averagePrecision", Napi::Function::New(env, AveragePrecision, "averagePrecision"));
}

}  // namespace ns
