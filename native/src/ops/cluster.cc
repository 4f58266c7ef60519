// Hierarchical clustering (cluster/): three jobs, each { promise, cancel } on a worker thread.
//   linkage(condensed, n, method, onProgress)      scipy's Z from condensed distances (copied: the input is
//                                                   never modified); Float32Array -> float storage,
//                                                   Float64Array -> double storage (bit-identical to scipy).
//   clusterCorrelation(source, options, onProgress) distances d = 1 - |r| straight from a correlation source
//                                                   (cluster/distances.h) into a condensed buffer, then the
//                                                   linkage on it in place: the peak is one condensed matrix.
//   correlationDistances(source, options, onProgress)
//                                                   only the float32 condensed distances, handed to JS without
//                                                   a copy (an external ArrayBuffer freed by its finalizer): the
//                                                   WebGPU linkage uploads them (src/cluster/linkage-webgpu.ts).
//   centralRepresentatives(source, options, labels[], onProgress)
//                                                   rebuilds the distances (the linkage destroyed them) and
//                                                   picks each flat cluster's central member (cluster/central.h).
// Progress events are { phase: 'distances' | 'linkage', done, total }.
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "cluster/central.h"
#include "cluster/distances.h"
#include "cluster/linkage.h"
#include "core/big_alloc.h"
#include "ops/args.h"
#include "ops/job.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"

namespace ns {

namespace {

struct ClusterEvent {
  int phase;  // 0 distances, 1 linkage
  double done;
  double total;
};
using ClusterContext = JobContext<ClusterEvent>;

// What the four jobs share: progress events and the result object { Z?, representatives, distances? }.
struct ClusterJob {
  using Event = ClusterEvent;
  static constexpr JobInfo kJob{"neurosieve.cluster",
                                "out of memory while clustering (the condensed distances need n(n-1)/2 elements)"};

  std::vector<double> Z;
  std::vector<std::vector<int32_t>> reps;
  BigOwned distances;  // correlationDistances: float32, handed to JS without a copy
  int64_t distance_count = 0;
  RepairCounts repairs;  // what repair mode changed while building the distances

  static Napi::Value progress(Napi::Env env, const Event& e) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("phase", e.phase == 0 ? "distances" : "linkage");
    o.Set("done", e.done);
    o.Set("total", e.total);
    return o;
  }

  Napi::Value result(Napi::Env env) {
    Napi::Object o = Napi::Object::New(env);
    if (!Z.empty()) o.Set("Z", float64_copy(env, Z));
    Napi::Array r = Napi::Array::New(env, reps.size());
    for (size_t t = 0; t < reps.size(); ++t) r.Set(static_cast<uint32_t>(t), typed_copy<Napi::Int32Array>(env, reps[t]));
    o.Set("representatives", r);
    if (distances) o.Set("distances", float32_from_big(env, distances.release(), static_cast<size_t>(distance_count)));
    Napi::Object rep = Napi::Object::New(env);
    rep.Set("nan", static_cast<double>(repairs.nan));
    rep.Set("clipped", static_cast<double>(repairs.clipped));
    rep.Set("asymmetric", static_cast<double>(repairs.asymmetric));
    rep.Set("diagonal", static_cast<double>(repairs.diagonal));
    o.Set("repairs", rep);
    return o;
  }
};

LinkageHooks linkage_hooks(const ClusterContext& job) {
  LinkageHooks h;
  h.cancel = job.cancel;
  h.ctx = const_cast<ClusterContext*>(&job);
  h.progress = [](void* ctx, int64_t done) { static_cast<ClusterContext*>(ctx)->report({1, static_cast<double>(done), 0}); };
  return h;
}

// The condensed distances of `src` into `D` (condensed_size(n) elements of T), with progress by rows.
template <class T>
void fill_distances(const CorrSource& src, size_t threads, const ClusterContext& job, T* D, RepairCounts* repairs = nullptr) {
  ThreadPool pool(threads);
  DistanceHooks hooks;
  hooks.repairs = repairs;
  hooks.cancel = job.cancel;
  hooks.progress = [&](int64_t rows) { job.report({0, static_cast<double>(rows), static_cast<double>(src.n)}); };
  build_distances(src, D, pool, hooks);
}

// Builds the condensed distances of `src` into a fresh buffer of T and hands it to `use`; frees it after.
template <class T, class F>
void with_distances(const CorrSource& src, size_t threads, const ClusterContext& job, F&& use, RepairCounts* repairs = nullptr) {
  BigOwned buf(big_alloc_zeroed(static_cast<size_t>(condensed_size(src.n)) * sizeof(T)));
  fill_distances(src, threads, job, buf.data<T>(), repairs);
  use(buf.data<T>());
}

// linkage(condensed, n, method, onProgress): the matrix is copied on the main thread, so the job owns it and
// the caller's array is never modified.
struct LinkageJob : ClusterJob {
  BigOwned condensed;
  int64_t n = 0;
  Method method = Method::Average;
  bool f64 = false;

  void execute(const ClusterContext& job) {
    if (f64) Z = linkage(condensed.data<double>(), n, method, linkage_hooks(job));
    else Z = linkage(condensed.data<float>(), n, method, linkage_hooks(job));
  }
};

// { kind: 'memory' | 'npy' | 'stats', n, data?: Float32Array | Float64Array, stride?, path?, offset?, dtype?: 'f4' | 'f8' }
// (memory with stride: the top-left n x n block of a row-major array whose rows are `stride` values apart)
// The source's JS array, if any, is appended to `keep` (the job holds it until it ends).
CorrSource parse_source(const Napi::Value& v, std::vector<Napi::Object>& keep) {
  if (!v.IsObject()) fail(Code::Argument, "cluster: source must be an object");
  const Fields o(v.As<Napi::Object>(), "cluster: source.");
  CorrSource s;
  const std::string kind = o.string_or("kind", "");
  const double n = o.number("n");
  if (!is_count(n, 2147483647.0) || n < 2) fail(Code::Argument, "cluster: source.n must be an integer >= 2");
  s.n = static_cast<int64_t>(n);
  if (kind == "memory") {
    const Napi::Value d = o["data"];
    if (is_typed<Napi::Float32Array>(d)) {
      s.kind = CorrSource::Kind::MemoryF32;
      s.f32 = d.As<Napi::Float32Array>().Data();
    } else if (is_typed<Napi::Float64Array>(d)) {
      s.kind = CorrSource::Kind::MemoryF64;
      s.f64 = d.As<Napi::Float64Array>().Data();
    } else {
      o.fail_at("data", "a Float32Array or Float64Array");
    }
    const int64_t length = static_cast<int64_t>(d.As<Napi::TypedArray>().ElementLength());
    if (!o["stride"].IsUndefined()) {
      s.stride = static_cast<int64_t>(o.count("stride", 2147483647.0));
      if (s.stride < s.n || length < (s.n - 1) * s.stride + s.n)
        fail(Code::Shape, "cluster: source.stride must be >= n and source.data hold n rows of stride values");
    } else if (length != s.n * s.n) {
      fail(Code::Shape, "cluster: source.data must hold n * n values");
    }
    keep.push_back(d.As<Napi::Object>());
    s.path = o.string_or("path", "");  // only names the matrix in messages
  } else if (kind == "npy" || kind == "stats") {
    s.kind = kind == "npy" ? CorrSource::Kind::NpyFile : CorrSource::Kind::StatsFile;
    s.path = o.string_or("path", "");
    s.offset = static_cast<uint64_t>(o.count("offset"));
    s.file_f64 = o.string_or("dtype", "f4") == "f8";
    if (kind == "stats") {
      s.count = static_cast<uint64_t>(o.count("count"));
      s.mean_offset = static_cast<uint64_t>(o.count("meanOffset"));
    }
  } else {
    fail(Code::Argument, "cluster: source.kind must be 'memory', 'npy' or 'stats'");
  }
  return s;
}

// { method, precision, threads }, validated by src/cluster/correlation-clusters.ts.
struct SourceOptions {
  Method method = Method::Average;
  bool f64 = false;
  size_t threads = 0;
  bool repair = false;
};

SourceOptions parse_source_options(const Napi::Value& v) {
  if (!v.IsObject()) fail(Code::Argument, "cluster: options must be an object");
  const Fields o(v.As<Napi::Object>(), "cluster: options.");
  SourceOptions j;
  j.method = parse_method(o.string_or("method", "average"));
  j.f64 = o.string_or("precision", "float32") == "float64";
  j.threads = o.count("threads");
  const Napi::Value repair = v.As<Napi::Object>().Get("repair");
  j.repair = repair.IsBoolean() && repair.As<Napi::Boolean>().Value();
  return j;
}

// The jobs over a correlation source: arguments 1 and 2 (source, options); the source's JS array goes to `keep`.
struct SourceJob : ClusterJob {
  CorrSource src;
  SourceOptions opt;

  void parse(const Args& args, std::vector<Napi::Object>& keep) {
    src = parse_source(args[0], keep);
    opt = parse_source_options(args[1]);
    src.repair = opt.repair;
  }
};

// clusterCorrelation: distances d = 1 - |r| straight into a condensed buffer, then the linkage on it in place;
// correlationDistances (only_distances): the float32 distances alone, for the WebGPU linkage.
struct CorrelationJob : SourceJob {
  bool only_distances = false;

  void execute(const ClusterContext& job) {
    if (only_distances) {
      distance_count = condensed_size(src.n);
      BigOwned d(big_alloc_zeroed(static_cast<size_t>(distance_count) * sizeof(float)));
      fill_distances(src, opt.threads, job, d.data<float>(), &repairs);
      distances = std::move(d);
    } else if (opt.f64) {
      with_distances<double>(src, opt.threads, job, [&](double* D) { Z = linkage(D, src.n, opt.method, linkage_hooks(job)); }, &repairs);
    } else {
      with_distances<float>(src, opt.threads, job, [&](float* D) { Z = linkage(D, src.n, opt.method, linkage_hooks(job)); }, &repairs);
    }
  }
};

// centralRepresentatives: rebuilds the distances (the linkage destroyed them) and picks each flat cluster's
// central member, per labels array.
struct CentralJob : SourceJob {
  std::vector<std::vector<int32_t>> labels;

  void execute(const ClusterContext& job) {
    auto pick = [&](auto* D) {
      ThreadPool pool(opt.threads);
      for (const auto& l : labels) reps.push_back(central_representatives(D, src.n, l.data(), pool));
    };
    if (opt.f64) with_distances<double>(src, opt.threads, job, pick);
    else with_distances<float>(src, opt.threads, job, pick);
  }
};

// linkage(condensed: Float32Array | Float64Array, n, method, onProgress)
Napi::Value Linkage(const Args& args) {
  LinkageJob job;
  job.f64 = is_typed<Napi::Float64Array>(args[0]);
  if (!job.f64 && !is_typed<Napi::Float32Array>(args[0])) fail(Code::Argument, "linkage: condensed must be a Float32Array or Float64Array");
  const Napi::TypedArray arr = args[0].As<Napi::TypedArray>();
  job.n = static_cast<int64_t>(args.number(1));
  job.method = parse_method(args.string(2));
  if (job.n < 2 || static_cast<int64_t>(arr.ElementLength()) != condensed_size(job.n))
    fail(Code::Shape, "linkage: condensed length does not match n");
  job.condensed = BigOwned(big_alloc_zeroed(arr.ByteLength()));
  std::memcpy(job.condensed.data(), typed_bytes(arr), arr.ByteLength());
  return start_job(args.env(), std::move(job), {}, args.callback(3));
}

Napi::Value correlation_job(const Args& args, bool only_distances) {
  std::vector<Napi::Object> keep;
  CorrelationJob job;
  job.parse(args, keep);
  job.only_distances = only_distances;
  return start_job(args.env(), std::move(job), keep, args.callback(2));
}

Napi::Value ClusterCorrelation(const Args& args) { return correlation_job(args, false); }
Napi::Value CorrelationDistances(const Args& args) { return correlation_job(args, true); }

Napi::Value CentralRepresentatives(const Args& args) {
  std::vector<Napi::Object> keep;
  CentralJob job;
  job.parse(args, keep);
  if (!args[2].IsArray()) fail(Code::Argument, "centralRepresentatives: labels must be an array of Int32Array");
  const Napi::Array arr = args[2].As<Napi::Array>();
  for (uint32_t t = 0; t < arr.Length(); ++t) {
    const Napi::Value v = arr.Get(t);
    if (!is_typed<Napi::Int32Array>(v)) fail(Code::Argument, "centralRepresentatives: labels must be an array of Int32Array");
    const Napi::Int32Array a = v.As<Napi::Int32Array>();
    if (static_cast<int64_t>(a.ElementLength()) != job.src.n) fail(Code::Shape, "centralRepresentatives: each labels array must hold n values");
    job.labels.emplace_back(a.Data(), a.Data() + a.ElementLength());
  }
  return start_job(args.env(), std::move(job), keep, args.callback(3));
}

}  // namespace

void register_cluster(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports,
                   {{"linkage", Linkage},
                    {"clusterCorrelation", ClusterCorrelation},
                    {"correlationDistances", CorrelationDistances},
                    {"centralRepresentatives", CentralRepresentatives}});
}

}  // namespace ns
