// Neuron rankings (native/src/rank/): the per-element work of src/rank/*.ts.
//   weightMassPrefixes(weight, C, D, fractions, ascending) -> { order, prefix }      (sync: O(C·D log D))
//   argsortDescending(scores) -> Int32Array                                           (sync)
//   probelessScores(x, T, D, ids, C, threads) -> Promise<{ means, counts, overall, perClass }>
//   averagePrecision(x, T, D, ids, C, zeroBelow, threads, mean?, std?) -> Promise<Float64Array C×D>
//   gaussianRanking(x, T, D, ids, C, select, threads, onProgress) -> { promise, cancel }: resolves { order,
//       information, accuracy, entropy, degenerate, dependentSkips } (rank/gaussian.h); progress { done, total }
//       after each selected neuron.
// The O(T·D) passes run in ops/job.h jobs holding references to the input arrays; inputs arrive validated from
// src/rank/ (shapes are re-checked here because a wrong length would read out of bounds).
#include <string>
#include <utility>
#include <vector>

#include "ops/args.h"
#include "ops/job.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "stats/nonfinite.h"
#include "rank/argsort.h"
#include "rank/average_precision.h"
#include "rank/gaussian.h"
#include "rank/probeless.h"
#include "rank/weight_mass.h"

namespace ns {

namespace {

Napi::Value WeightMassPrefixes(const Args& args) {
  const char* fn = args.fn();
  Napi::Env env = args.env();
  const auto w = args.typed<Napi::Float32Array>(0);
  const size_t C = args.count(1), D = args.count(2);
  const auto fr = args.typed<Napi::Float64Array>(3);
  const bool ascending = args[4].ToBoolean().Value();
  if (w.ElementLength() != C * D) fail(Code::Shape, std::string(fn) + ": weight length is not C*D");
  Napi::Int32Array order = Napi::Int32Array::New(env, C * D);
  Napi::Int32Array prefix = Napi::Int32Array::New(env, C * fr.ElementLength());
  weight_mass_prefixes(w.Data(), C, D, fr.Data(), fr.ElementLength(), ascending, order.Data(), prefix.Data());
  Napi::Object o = Napi::Object::New(env);
  o.Set("order", order);
  o.Set("prefix", prefix);
  return o;
}

Napi::Value ArgsortDescending(const Args& args) {
  const auto s = args.typed<Napi::Float64Array>(0);
  Napi::Int32Array out = Napi::Int32Array::New(args.env(), s.ElementLength());
  argsort_descending(s.Data(), s.ElementLength(), out.Data());
  return out;
}

// x (T×D float32) and ids (T class ids in [0, C)): arguments 1–5 of the O(T·D) passes, pointing into JS arrays
// the job keeps.
struct Pass {
  const float* x = nullptr;
  const int32_t* ids = nullptr;
  size_t T = 0, D = 0, C = 0, threads = 0;
};

Pass parse_pass(const Args& args, std::vector<Napi::Object>& keep) {
  const LabelledArgs a = labelled_args(args, keep, 1 << 24);
  const std::string fn = args.fn();
  if (a.x.ElementLength() != a.T * a.D) fail(Code::Shape, fn + ": x length is not T*D");
  if (a.y.ElementLength() != a.T) fail(Code::Shape, fn + ": ids length is not T");
  check_class_ids(a.y.Data(), a.T, a.C, args.fn());
  return Pass{a.x.Data(), a.y.Data(), a.T, a.D, a.C, 0};
}

// What both rank jobs share.
struct RankJob {
  static constexpr JobInfo kJob{"neurosieve.rank", "out of memory while ranking neurons"};
  Pass a;
};

// probelessScores(x, T, D, ids, C, threads)
struct ProbelessJob : RankJob {
  ProbelessResult out;

  void execute(const JobContext<NoEvent>&) {
    ThreadPool pool(a.threads);
    out = probeless_scores(a.x, a.T, a.D, a.ids, a.C, pool);
  }

  Napi::Value result(Napi::Env env) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("means", float64_copy(env, out.means));
    o.Set("counts", float64_copy(env, out.counts));
    o.Set("overall", float64_copy(env, out.overall));
    o.Set("perClass", float64_copy(env, out.per_class));
    return o;
  }
};

Napi::Value ProbelessScores(const Args& args) {
  std::vector<Napi::Object> keep;
  ProbelessJob job;
  job.a = parse_pass(args, keep);
  job.a.threads = args.count(5, 1024);
  return queue_job(args.env(), std::move(job), keep);
}

// averagePrecision(x, T, D, ids, C, zeroBelow, threads, mean?, std?)
struct AveragePrecisionJob : RankJob {
  float zero_below = 0;
  std::vector<double> mean, sd;  // optional z-scoring statistics, copied
  std::vector<double> out;

  void execute(const JobContext<NoEvent>&) {
    ThreadPool pool(a.threads);
    out = average_precision(a.x, a.T, a.D, a.ids, a.C, zero_below, pool, mean.empty() ? nullptr : mean.data(),
                            sd.empty() ? nullptr : sd.data());
  }

  Napi::Value result(Napi::Env env) { return float64_copy(env, out); }
};

Napi::Value AveragePrecision(const Args& args) {
  const char* fn = args.fn();
  Napi::Env env = args.env();
  std::vector<Napi::Object> keep;
  AveragePrecisionJob job;
  job.a = parse_pass(args, keep);
  job.zero_below = static_cast<float>(args.number(5));
  job.a.threads = args.count(6, 1024);
  const size_t D = job.a.D;
  if (args.size() > 8 && args[7].IsTypedArray() && args[8].IsTypedArray()) {
    const auto m = args.typed<Napi::Float64Array>(7);
    const auto s = args.typed<Napi::Float64Array>(8);
    // The values are validated by checkZScore (src/rank/common.ts); the lengths keep the pass in bounds.
    if (m.ElementLength() != D || s.ElementLength() != D) fail(Code::Shape, std::string(fn) + ": mean and std need D values");
    job.mean.assign(m.Data(), m.Data() + D);
    job.sd.assign(s.Data(), s.Data() + D);
  }
  return queue_job(args.env(), std::move(job), keep);
}

// gaussianRanking(x, T, D, ids, C, select, threads, onProgress)
struct GaussianJob : RankJob {
  struct Event {
    double done, total;
  };
  size_t select = 0;
  GaussianRanking out;

  void execute(const JobContext<Event>& job) {
    ThreadPool pool(a.threads);
    const NonFiniteHit hit = find_nonfinite(a.x, a.T, a.D, a.D, pool);
    if (hit.found)
      fail(Code::NonFinite, "activations: non-finite value at row " + std::to_string(hit.row) + ", neuron " + std::to_string(hit.col));
    out = gaussian_ranking(a.x, a.T, a.D, a.ids, a.C, select, pool, job.cancel, [&](size_t done, size_t total) {
      job.report({static_cast<double>(done), static_cast<double>(total)});
    });
  }

  static Napi::Value progress(Napi::Env env, const Event& e) {
    return numbers_object(env, {{"done", e.done}, {"total", e.total}});
  }

  Napi::Value result(Napi::Env env) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("order", typed_copy<Napi::Int32Array>(env, out.order));
    o.Set("information", float64_copy(env, out.information));
    o.Set("accuracy", float64_copy(env, out.accuracy));
    o.Set("entropy", out.entropy);
    o.Set("degenerate", typed_copy<Napi::Int32Array>(env, out.degenerate));
    o.Set("dependentSkips", static_cast<double>(out.dependent_skips));
    return o;
  }
};

Napi::Value GaussianRankingOp(const Args& args) {
  std::vector<Napi::Object> keep;
  GaussianJob job;
  job.a = parse_pass(args, keep);
  job.select = args.count(5, static_cast<double>(job.a.D));
  job.a.threads = args.count(6, 1024);
  if (job.select == 0) fail(Code::Argument, "gaussianRanking: select must be in [1, D]");
  return start_job(args.env(), std::move(job), keep, args.callback(7));
}

}  // namespace

void register_rank(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports,
                   {{"weightMassPrefixes", WeightMassPrefixes},
                    {"argsortDescending", ArgsortDescending},
                    {"probelessScores", ProbelessScores},
                    {"gaussianRanking", GaussianRankingOp},
                    {"averagePrecision", AveragePrecision}});
}

}  // namespace ns
