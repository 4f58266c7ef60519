// The exact probe solver and its z-scoring passes (probe/): inputs arrive validated from src/probe/.
//   probeExact(x, T, D, y, C, classWeights, options, onProgress) -> { promise, cancel }
//       options { alpha, lambda (≤ 0: lambdaRatio·λ_max), lambdaRatio, pathSteps, tol, pathTolFactor,
//       maxIterations, checkEvery, threads }; resolves { weight: Float64Array C×D, bias, path: [...], lambdaMax, scale,
//       lipschitz, lipschitzBound, kernel }; progress { done, total, objective } after each λ of the path.
//       Optional options.warmWeight (Float64Array C×D) and options.warmBias (C): start from them (uncentred model).
//   probeExactSetup(x, T, D, y, C, classWeights, alpha, threads) -> Promise<{ lambdaMax, scale, lipschitz,
//       lipschitzUpper, mean, bias }>: what a solver outside the addon (src/probe/fista-webgpu.ts) needs to run the same
//       path: λ_max and s, the centred intercept b* of W = 0, the column means μ, Böhning's estimate and the
//       guaranteed trace bound of the Lipschitz constant (centred features, probe/datafit_multinomial.h).
//   columnMoments(x, T, D, threads) -> Promise<{ mean, std }>          (float64, population std)
//   zscoreApply(x, T, D, mean, std, threads) -> { promise, out }     ((x − mean) / std, std 0 → 1)
// The worker holds references to the JS arrays it reads until it ends.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "probe/datafit_multinomial.h"
#include "probe/solver_fista.h"
#include "probe/zscore.h"
#include "stats/nonfinite.h"

namespace ns {

namespace {

struct StepEvent {
  double done, total, objective;
};

// One job: `body` runs on the worker thread (with a pool), `build` turns its result into JS on the main thread.
class ProbeWorker : public Napi::AsyncProgressWorker<StepEvent> {
 public:
  using Report = std::function<void(double, double, double)>;
  using Body = std::function<void(ThreadPool&, const Report&, const std::atomic<bool>*)>;
  using Build = std::function<Napi::Value(Napi::Env)>;

  ProbeWorker(Napi::Env env, size_t threads, Body body, Build build, Napi::Function on_progress,
              std::shared_ptr<std::atomic<bool>> cancel)
      : Napi::AsyncProgressWorker<StepEvent>(env, "neurosieve.probe"),
        deferred_(Napi::Promise::Deferred::New(env)),
        threads_(threads),
        body_(std::move(body)),
        build_(std::move(build)),
        cancel_(std::move(cancel)) {
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
  }

  Napi::Promise promise() { return deferred_.Promise(); }
  void keep(Napi::Object o) { kept_.push_back(Napi::Persistent(o)); }

  void Execute(const ExecutionProgress& progress) override {
    try {
      ThreadPool pool(threads_);
      Report report = [&](double done, double total, double objective) {
        StepEvent e{done, total, objective};
        progress.Send(&e, 1);
      };
      body_(pool, report, cancel_.get());
    } catch (const Error& e) {
      SetError(e.tagged());
    } catch (const std::bad_alloc&) {
      SetError("[E_INTERNAL] out of memory while training a probe");
    } catch (const std::exception& e) {
      SetError(std::string("[E_INTERNAL] ") + e.what());
    }
  }

  void OnProgress(const StepEvent* data, size_t count) override {
    if (on_progress_.IsEmpty() || count == 0) return;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    Napi::Object o = Napi::Object::New(env);
    o.Set("done", data[count - 1].done);
    o.Set("total", data[count - 1].total);
    o.Set("objective", data[count - 1].objective);
    try {
      on_progress_.Call({o});
    } catch (const Napi::Error&) {
    }
  }

  void OnOK() override { deferred_.Resolve(build_(Env())); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  size_t threads_;
  Body body_;
  Build build_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  Napi::FunctionReference on_progress_;
  std::vector<Napi::ObjectReference> kept_;
};

template <class A>
A typed_arg(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type, const char* fn, const char* what) {
  if (info.Length() <= i || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != type)
    fail(Code::Argument, std::string(fn) + ": argument " + std::to_string(i + 1) + " must be " + what);
  return info[i].As<A>();
}

size_t size_arg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  const double d = arg_number(info, i, fn);
  if (!(d >= 0 && d <= 9007199254740991.0) || d != std::floor(d))
    fail(Code::Argument, std::string(fn) + ": argument " + std::to_string(i + 1) + " must be a non-negative integer");
  return static_cast<size_t>(d);
}

double option(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) fail(Code::Argument, std::string("probeExact: options.") + key + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

void check_finite(const float* x, size_t T, size_t D, ThreadPool& pool, const char* fn) {
  const NonFiniteHit hit = find_nonfinite(x, T, D, D, pool);
  if (hit.found)
    fail(Code::NonFinite, std::string("Expected finite features for ") + fn + " but received " +
                              (std::isnan(hit.value) ? "NaN" : hit.value > 0 ? "Infinity" : "-Infinity") +
                              " at row " + std::to_string(hit.row) + ", neuron " + std::to_string(hit.col));
}

Napi::Value ProbeExact(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const char* fn = "probeExact";
    auto x = typed_arg<Napi::Float32Array>(info, 0, napi_float32_array, fn, "a Float32Array");
    const size_t T = size_arg(info, 1, fn), D = size_arg(info, 2, fn);
    auto y = typed_arg<Napi::Int32Array>(info, 3, napi_int32_array, fn, "an Int32Array");
    const size_t C = size_arg(info, 4, fn);
    auto cw = typed_arg<Napi::Float64Array>(info, 5, napi_float64_array, fn, "a Float64Array");
    if (info.Length() <= 6 || !info[6].IsObject()) fail(Code::Argument, "probeExact: argument 7 must be an options object");
    Napi::Object o = info[6].As<Napi::Object>();
    if (x.ElementLength() != T * D || y.ElementLength() != T || cw.ElementLength() != C || C < 2 || T == 0 || D == 0)
      fail(Code::Shape, "probeExact: x must hold T*D values, y T ids, classWeights C >= 2 weights");
    for (size_t t = 0; t < T; ++t)
      if (y.Data()[t] < 0 || static_cast<size_t>(y.Data()[t]) >= C)
        fail(Code::Argument, "probeExact: class id out of range at row " + std::to_string(t));
    probe::FistaOptions opt;
    opt.alpha = option(o, "alpha");
    opt.lambda = option(o, "lambda");
    opt.lambda_ratio = option(o, "lambdaRatio");
    opt.path_steps = static_cast<size_t>(option(o, "pathSteps"));
    opt.tol = option(o, "tol");
    opt.path_tol_factor = option(o, "pathTolFactor");
    opt.max_iterations = static_cast<size_t>(option(o, "maxIterations"));
    opt.check_every = std::max<size_t>(1, static_cast<size_t>(option(o, "checkEvery")));
    const size_t threads = static_cast<size_t>(option(o, "threads"));
    Napi::Value ww = o.Get("warmWeight"), wb = o.Get("warmBias");
    if (!ww.IsUndefined() || !wb.IsUndefined()) {
      if (!ww.IsTypedArray() || ww.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
          ww.As<Napi::Float64Array>().ElementLength() != C * D || !wb.IsTypedArray() ||
          wb.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array || wb.As<Napi::Float64Array>().ElementLength() != C)
        fail(Code::Shape, "probeExact: options.warmWeight must be a Float64Array of C*D values and warmBias of C");
      auto a = ww.As<Napi::Float64Array>();
      auto b = wb.As<Napi::Float64Array>();
      opt.warm_W.assign(a.Data(), a.Data() + C * D);
      opt.warm_b.assign(b.Data(), b.Data() + C);
    }
    Napi::Function on_progress = info.Length() > 7 && info[7].IsFunction() ? info[7].As<Napi::Function>() : Napi::Function();

    const float* xp = x.Data();
    const int32_t* yp = y.Data();
    auto weights = std::make_shared<std::vector<double>>(cw.Data(), cw.Data() + C);
    auto result = std::make_shared<probe::FistaResult>();
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto body = [=](ThreadPool& pool, const ProbeWorker::Report& report, const std::atomic<bool>* c) {
      check_finite(xp, T, D, pool, "trainExact");
      probe::MultinomialDatafit f(xp, T, D, yp, C, weights->data(), pool);
      probe::FistaHooks hooks;
      hooks.cancel = c;
      hooks.progress = [&](size_t done, size_t total, double objective) {
        report(static_cast<double>(done), static_cast<double>(total), objective);
      };
      *result = probe::solve_path(f, opt, pool, hooks);
    };
    auto build = [=](Napi::Env e) -> Napi::Value {
      Napi::Object r = Napi::Object::New(e);
      r.Set("weight", float64_copy(e, result->W));
      r.Set("bias", float64_copy(e, result->b));
      Napi::Array path = Napi::Array::New(e, result->path.size());
      for (size_t k = 0; k < result->path.size(); ++k) {
        const probe::PathStep& s = result->path[k];
        Napi::Object p = Napi::Object::New(e);
        p.Set("lambda", s.lambda);
        p.Set("iterations", static_cast<double>(s.iterations));
        p.Set("objective", s.objective);
        p.Set("criterion", s.criterion);
        p.Set("converged", s.converged);
        p.Set("nonzeros", static_cast<double>(s.nonzeros));
        path.Set(static_cast<uint32_t>(k), p);
      }
      r.Set("path", path);
      r.Set("lambdaMax", result->lambda_max);
      r.Set("scale", result->scale);
      r.Set("lipschitz", result->lipschitz);
      r.Set("lipschitzBound", result->lipschitz_bound);
      r.Set("passes", static_cast<double>(result->passes));
      r.Set("kernel", probe::active_gemm().name);
      return r;
    };
    auto* worker = new ProbeWorker(env, threads, body, build, on_progress, cancel);
    worker->keep(x);
    worker->keep(y);
    Napi::Object job = Napi::Object::New(env);
    job.Set("promise", worker->promise());
    job.Set("cancel", Napi::Function::New(env, [cancel](const Napi::CallbackInfo&) { cancel->store(true); }, "cancel"));
    worker->Queue();
    return job;
  });
}

Napi::Value ProbeExactSetup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const char* fn = "probeExactSetup";
    auto x = typed_arg<Napi::Float32Array>(info, 0, napi_float32_array, fn, "a Float32Array");
    const size_t T = size_arg(info, 1, fn), D = size_arg(info, 2, fn);
    auto y = typed_arg<Napi::Int32Array>(info, 3, napi_int32_array, fn, "an Int32Array");
    const size_t C = size_arg(info, 4, fn);
    auto cw = typed_arg<Napi::Float64Array>(info, 5, napi_float64_array, fn, "a Float64Array");
    const double alpha = arg_number(info, 6, fn);
    const size_t threads = size_arg(info, 7, fn);
    if (x.ElementLength() != T * D || y.ElementLength() != T || cw.ElementLength() != C || C < 2 || T == 0 || D == 0)
      fail(Code::Shape, "probeExactSetup: x must hold T*D values, y T ids, classWeights C >= 2 weights");
    for (size_t t = 0; t < T; ++t)
      if (y.Data()[t] < 0 || static_cast<size_t>(y.Data()[t]) >= C)
        fail(Code::Argument, "probeExactSetup: class id out of range at row " + std::to_string(t));
    const float* xp = x.Data();
    const int32_t* yp = y.Data();
    auto weights = std::make_shared<std::vector<double>>(cw.Data(), cw.Data() + C);
    auto start = std::make_shared<probe::PathStart>();
    auto mean = std::make_shared<std::vector<double>>();
    auto lip = std::make_shared<std::pair<double, double>>();
    auto* worker = new ProbeWorker(
        env, threads,
        [=](ThreadPool& pool, const ProbeWorker::Report&, const std::atomic<bool>*) {
          check_finite(xp, T, D, pool, "trainExact");
          probe::MultinomialDatafit f(xp, T, D, yp, C, weights->data(), pool);
          *start = probe::path_start(f, alpha, pool);
          *mean = f.means();
          *lip = {f.lipschitz(pool), f.lipschitz_upper()};
        },
        [=](Napi::Env e) -> Napi::Value {
          Napi::Object r = Napi::Object::New(e);
          r.Set("lambdaMax", start->lambda_max);
          r.Set("scale", start->scale);
          r.Set("lipschitz", lip->first);
          r.Set("lipschitzUpper", lip->second);
          r.Set("mean", float64_copy(e, *mean));
          r.Set("bias", float64_copy(e, start->b));
          return r;
        },
        Napi::Function(), std::make_shared<std::atomic<bool>>(false));
    worker->keep(x);
    worker->keep(y);
    Napi::Promise p = worker->promise();
    worker->Queue();
    return p;
  });
}

Napi::Value ColumnMoments(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const char* fn = "columnMoments";
    auto x = typed_arg<Napi::Float32Array>(info, 0, napi_float32_array, fn, "a Float32Array");
    const size_t T = size_arg(info, 1, fn), D = size_arg(info, 2, fn), threads = size_arg(info, 3, fn);
    if (x.ElementLength() != T * D || T == 0) fail(Code::Shape, "columnMoments: x must hold T*D values, T > 0");
    const float* xp = x.Data();
    auto mean = std::make_shared<std::vector<double>>(D), sd = std::make_shared<std::vector<double>>(D);
    auto* worker = new ProbeWorker(
        env, threads,
        [=](ThreadPool& pool, const ProbeWorker::Report&, const std::atomic<bool>*) {
          check_finite(xp, T, D, pool, "z-scoring");
          probe::column_moments(xp, T, D, mean->data(), sd->data(), pool);
        },
        [=](Napi::Env e) -> Napi::Value {
          Napi::Object r = Napi::Object::New(e);
          r.Set("mean", float64_copy(e, *mean));
          r.Set("std", float64_copy(e, *sd));
          return r;
        },
        Napi::Function(), std::make_shared<std::atomic<bool>>(false));
    worker->keep(x);
    Napi::Promise p = worker->promise();
    worker->Queue();
    return p;
  });
}

Napi::Value ZscoreApply(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const char* fn = "zscoreApply";
    auto x = typed_arg<Napi::Float32Array>(info, 0, napi_float32_array, fn, "a Float32Array");
    const size_t T = size_arg(info, 1, fn), D = size_arg(info, 2, fn);
    auto m = typed_arg<Napi::Float64Array>(info, 3, napi_float64_array, fn, "a Float64Array");
    auto s = typed_arg<Napi::Float64Array>(info, 4, napi_float64_array, fn, "a Float64Array");
    const size_t threads = size_arg(info, 5, fn);
    if (x.ElementLength() != T * D || m.ElementLength() != D || s.ElementLength() != D)
      fail(Code::Shape, "zscoreApply: x must hold T*D values, mean and std D values");
    Napi::Float32Array out = Napi::Float32Array::New(env, T * D);
    const float* xp = x.Data();
    float* op = out.Data();
    auto mean = std::make_shared<std::vector<double>>(m.Data(), m.Data() + D);
    auto sd = std::make_shared<std::vector<double>>(s.Data(), s.Data() + D);
    auto* worker = new ProbeWorker(
        env, threads,
        [=](ThreadPool& pool, const ProbeWorker::Report&, const std::atomic<bool>*) {
          check_finite(xp, T, D, pool, "z-scoring");
          probe::apply_zscore(xp, T, D, mean->data(), sd->data(), op, pool);
        },
        [=](Napi::Env e) -> Napi::Value { return e.Undefined(); }, Napi::Function(),
        std::make_shared<std::atomic<bool>>(false));
    worker->keep(x);
    worker->keep(out);
    Napi::Promise p = worker->promise();
    worker->Queue();
    // The output array is the caller's once the promise resolves (it resolves with undefined).
    Napi::Object r = Napi::Object::New(env);
    r.Set("promise", p);
    r.Set("out", out);
    return r;
  });
}

}  // namespace

void register_probe_exact(Napi::Env env, Napi::Object exports) {
  exports.Set("probeExact", Napi::Function::New(env, ProbeExact, "probeExact"));
  exports.Set("probeExactSetup", Napi::Function::New(env, ProbeExactSetup, "probeExactSetup"));
  exports.Set("columnMoments", Napi::Function::New(env, ColumnMoments, "columnMoments"));
  exports.Set("zscoreApply", Napi::Function::New(env, ZscoreApply, "zscoreApply"));
}

}  // namespace ns
