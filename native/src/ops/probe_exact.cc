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
//   zscoreApply(x, T, D, mean, std, threads, inPlace?) -> { promise, out }   ((x − mean) / std, std 0 → 1; with
//       inPlace, out is x itself: `analyze` z-scores its one copy of X without a second one)
//   regressionExact(x, T, D, targets, K, options, onProgress) -> { promise, cancel }: the same path for the
//       squared-error datafit (probe/datafit_quadratic.h), targets T×K float64; weight is K×D.
// The worker holds references to the JS arrays it reads until it ends.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ops/args.h"
#include "ops/job.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "probe/datafit_multinomial.h"
#include "probe/datafit_quadratic.h"
#include "probe/solver_fista.h"
#include "probe/zscore.h"
#include "stats/nonfinite.h"

namespace ns {

namespace {

constexpr JobInfo kProbeJob{"neurosieve.probe", "out of memory while training a probe"};

void check_finite(const float* x, size_t T, size_t D, ThreadPool& pool, const char* fn) {
  const NonFiniteHit hit = find_nonfinite(x, T, D, D, pool);
  if (hit.found)
    fail(Code::NonFinite, std::string("Expected finite features for ") + fn + " but received " +
                              (std::isnan(hit.value) ? "NaN" : hit.value > 0 ? "Infinity" : "-Infinity") +
                              " at row " + std::to_string(hit.row) + ", neuron " + std::to_string(hit.col));
}

// x (T×D float32, row-major), y (T class ids in [0, C)), classWeights (C): the arguments 1–6 of probeExact and
// probeExactSetup. x and y point into JS arrays the job keeps; the weights are copied.
// A regression problem (regressionExact) has targets (T×C float64, C outputs) instead of y and weights.
struct Problem {
  const float* x = nullptr;
  const int32_t* y = nullptr;
  const double* targets = nullptr;
  size_t T = 0, D = 0, C = 0;
  std::vector<double> weights;

  std::unique_ptr<probe::LinearDatafit> datafit(ThreadPool& pool) const {
    if (targets) return std::make_unique<probe::QuadraticDatafit>(x, T, D, targets, C, pool);
    return std::make_unique<probe::MultinomialDatafit>(x, T, D, y, C, weights.data(), pool);
  }
};

Problem parse_problem(const Args& args, std::vector<Napi::Object>& keep) {
  const LabelledArgs a = labelled_args(args, keep);
  const auto cw = args.typed<Napi::Float64Array>(5);
  if (a.x.ElementLength() != a.T * a.D || a.y.ElementLength() != a.T || cw.ElementLength() != a.C || a.C < 2 || a.T == 0 || a.D == 0)
    fail(Code::Shape, std::string(args.fn()) + ": x must hold T*D values, y T ids, classWeights C >= 2 weights");
  check_class_ids(a.y.Data(), a.T, a.C, args.fn());
  return Problem{a.x.Data(), a.y.Data(), nullptr, a.T, a.D, a.C, std::vector<double>(cw.Data(), cw.Data() + a.C)};
}

// regressionExact's arguments 0–4: x (T×D float32), T, D, targets (T×K float64, finite), K.
Problem parse_regression(const Args& args, std::vector<Napi::Object>& keep) {
  const auto x = args.typed<Napi::Float32Array>(0);
  const size_t T = args.count(1), D = args.count(2);
  const auto y = args.typed<Napi::Float64Array>(3);
  const size_t K = args.count(4);
  if (x.ElementLength() != T * D || y.ElementLength() != T * K || T == 0 || D == 0 || K == 0)
    fail(Code::Shape, std::string(args.fn()) + ": x must hold T*D values and targets T*K, with T, D, K > 0");
  for (size_t i = 0; i < T * K; ++i)
    if (!std::isfinite(y.Data()[i]))
      fail(Code::NonFinite, std::string(args.fn()) + ": target " + std::to_string(i / K) + " is not finite");
  keep.push_back(x);
  keep.push_back(y);
  return Problem{x.Data(), nullptr, y.Data(), T, D, K, {}};
}

// probeExact: the λ path of the exact solver (probe/solver_fista.h).
struct ExactJob {
  struct Event {
    double done, total, objective;
  };
  static constexpr JobInfo kJob = kProbeJob;

  Problem p;
  probe::FistaOptions opt;
  size_t threads = 0;
  probe::FistaResult out;

  void execute(const JobContext<Event>& job) {
    ThreadPool pool(threads);
    check_finite(p.x, p.T, p.D, pool, "trainExact");
    const auto f = p.datafit(pool);
    probe::FistaHooks hooks;
    hooks.cancel = job.cancel;
    hooks.progress = [&](size_t done, size_t total, double objective) {
      job.report({static_cast<double>(done), static_cast<double>(total), objective});
    };
    out = probe::solve_path(*f, opt, pool, hooks);
  }

  static Napi::Value progress(Napi::Env env, const Event& e) {
    return numbers_object(env, {{"done", e.done}, {"total", e.total}, {"objective", e.objective}});
  }

  Napi::Value result(Napi::Env env) {
    Napi::Object r = Napi::Object::New(env);
    r.Set("weight", float64_copy(env, out.W));
    r.Set("bias", float64_copy(env, out.b));
    Napi::Array path = Napi::Array::New(env, out.path.size());
    for (size_t k = 0; k < out.path.size(); ++k) {
      const probe::PathStep& s = out.path[k];
      Napi::Object step = Napi::Object::New(env);
      step.Set("lambda", s.lambda);
      step.Set("iterations", static_cast<double>(s.iterations));
      step.Set("objective", s.objective);
      step.Set("criterion", s.criterion);
      step.Set("converged", s.converged);
      step.Set("nonzeros", static_cast<double>(s.nonzeros));
      path.Set(static_cast<uint32_t>(k), step);
    }
    r.Set("path", path);
    r.Set("lambdaMax", out.lambda_max);
    r.Set("scale", out.scale);
    r.Set("lipschitz", out.lipschitz);
    r.Set("lipschitzBound", out.lipschitz_bound);
    r.Set("passes", static_cast<double>(out.passes));
    r.Set("kernel", probe::active_gemm().name);
    return r;
  }
};

// The options object (argument `at`) and onProgress (at + 1) that follow the problem in probeExact and regressionExact.
Napi::Value start_exact(const Args& args, size_t at, ExactJob job, std::vector<Napi::Object>& keep) {
  const size_t C = job.p.C, D = job.p.D;
  const Fields o(args.object(at, "an options object"), std::string(args.fn()) + ": options.");
  probe::FistaOptions& opt = job.opt;
  opt.alpha = o.number("alpha");
  opt.lambda = o.number("lambda");
  opt.lambda_ratio = o.number("lambdaRatio");
  opt.path_steps = static_cast<size_t>(o.number("pathSteps"));
  opt.tol = o.number("tol");
  opt.path_tol_factor = o.number("pathTolFactor");
  opt.max_iterations = static_cast<size_t>(o.number("maxIterations"));
  opt.check_every = std::max<size_t>(1, static_cast<size_t>(o.number("checkEvery")));
  job.threads = static_cast<size_t>(o.number("threads"));
  const Napi::Value ww = o["warmWeight"], wb = o["warmBias"];
  if (!ww.IsUndefined() || !wb.IsUndefined()) {
    if (!is_typed<Napi::Float64Array>(ww) || ww.As<Napi::Float64Array>().ElementLength() != C * D ||
        !is_typed<Napi::Float64Array>(wb) || wb.As<Napi::Float64Array>().ElementLength() != C)
      fail(Code::Shape, std::string(args.fn()) + ": options.warmWeight must be a Float64Array of C*D values and warmBias of C");
    const auto a = ww.As<Napi::Float64Array>();
    const auto b = wb.As<Napi::Float64Array>();
    opt.warm_W.assign(a.Data(), a.Data() + C * D);
    opt.warm_b.assign(b.Data(), b.Data() + C);
  }
  return start_job(args.env(), std::move(job), keep, args.callback(at + 1));
}

Napi::Value ProbeExact(const Args& args) {
  std::vector<Napi::Object> keep;
  ExactJob job;
  job.p = parse_problem(args, keep);
  return start_exact(args, 6, std::move(job), keep);
}

Napi::Value RegressionExact(const Args& args) {
  std::vector<Napi::Object> keep;
  ExactJob job;
  job.p = parse_regression(args, keep);
  return start_exact(args, 5, std::move(job), keep);
}

// probeExactSetup: λ_max, s, b*, μ and the Lipschitz estimates of the centred datafit.
struct SetupJob {
  static constexpr JobInfo kJob = kProbeJob;

  Problem p;
  double alpha = 0;
  size_t threads = 0;
  probe::PathStart start;
  std::vector<double> mean;
  double lipschitz = 0, lipschitz_upper = 0;

  void execute(const JobContext<NoEvent>&) {
    ThreadPool pool(threads);
    check_finite(p.x, p.T, p.D, pool, "trainExact");
    const auto f = p.datafit(pool);
    start = probe::path_start(*f, alpha, pool);
    mean = f->means();
    lipschitz = f->lipschitz(pool);
    lipschitz_upper = f->lipschitz_upper();
  }

  Napi::Value result(Napi::Env env) {
    Napi::Object r = Napi::Object::New(env);
    r.Set("lambdaMax", start.lambda_max);
    r.Set("scale", start.scale);
    r.Set("lipschitz", lipschitz);
    r.Set("lipschitzUpper", lipschitz_upper);
    r.Set("mean", float64_copy(env, mean));
    r.Set("bias", float64_copy(env, start.b));
    return r;
  }
};

Napi::Value ProbeExactSetup(const Args& args) {
  std::vector<Napi::Object> keep;
  SetupJob job;
  job.p = parse_problem(args, keep);
  job.alpha = args.number(6);
  job.threads = args.count(7);
  return queue_job(args.env(), std::move(job), keep);
}

// columnMoments (out == nullptr): float64 column means and population stds. zscoreApply: (x − mean) / std into out.
struct ZscoreJob {
  static constexpr JobInfo kJob = kProbeJob;

  const float* x = nullptr;
  size_t T = 0, D = 0, threads = 0;
  std::vector<double> mean, sd;
  float* out = nullptr;  // zscoreApply: a JS array the job keeps

  void execute(const JobContext<NoEvent>&) {
    ThreadPool pool(threads);
    check_finite(x, T, D, pool, "z-scoring");
    if (out) probe::apply_zscore(x, T, D, mean.data(), sd.data(), out, pool);
    else probe::column_moments(x, T, D, mean.data(), sd.data(), pool);
  }

  Napi::Value result(Napi::Env env) {
    if (out) return env.Undefined();
    Napi::Object r = Napi::Object::New(env);
    r.Set("mean", float64_copy(env, mean));
    r.Set("std", float64_copy(env, sd));
    return r;
  }
};

Napi::Value ColumnMoments(const Args& args) {
  const auto x = args.typed<Napi::Float32Array>(0);
  ZscoreJob job;
  job.T = args.count(1);
  job.D = args.count(2);
  job.threads = args.count(3);
  if (x.ElementLength() != job.T * job.D || job.T == 0) fail(Code::Shape, "columnMoments: x must hold T*D values, T > 0");
  job.x = x.Data();
  job.mean.resize(job.D);
  job.sd.resize(job.D);
  return queue_job(args.env(), std::move(job), {x});
}

Napi::Value ZscoreApply(const Args& args) {
  Napi::Env env = args.env();
  const auto x = args.typed<Napi::Float32Array>(0);
  ZscoreJob job;
  job.T = args.count(1);
  job.D = args.count(2);
  const auto m = args.typed<Napi::Float64Array>(3);
  const auto s = args.typed<Napi::Float64Array>(4);
  job.threads = args.count(5);
  if (x.ElementLength() != job.T * job.D || m.ElementLength() != job.D || s.ElementLength() != job.D)
    fail(Code::Shape, "zscoreApply: x must hold T*D values, mean and std D values");
  const bool in_place = args[6].IsBoolean() && args[6].As<Napi::Boolean>().Value();
  // Element-wise (probe/zscore.h), so writing over the input is safe.
  Napi::Float32Array out = in_place ? x : Napi::Float32Array::New(env, job.T * job.D);
  job.x = x.Data();
  job.out = out.Data();
  job.mean.assign(m.Data(), m.Data() + job.D);
  job.sd.assign(s.Data(), s.Data() + job.D);
  // The output array is the caller's once the promise resolves (it resolves with undefined).
  Napi::Object r = Napi::Object::New(env);
  r.Set("promise", queue_job(env, std::move(job), {x, out}));
  r.Set("out", out);
  return r;
}

}  // namespace

void register_probe_exact(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports,
                   {{"probeExact", ProbeExact},
                    {"regressionExact", RegressionExact},
                    {"probeExactSetup", ProbeExactSetup},
                    {"columnMoments", ColumnMoments},
                    {"zscoreApply", ZscoreApply}});
}

}  // namespace ns
