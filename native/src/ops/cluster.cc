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
#include <atomic>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cluster/central.h"
#include "cluster/distances.h"
#include "cluster/linkage.h"
#include "core/big_alloc.h"
#include "ops/napi_util.h"
#include "ops/ops.h"

namespace ns {

namespace {

struct ClusterProgress {
  int phase;  // 0 distances, 1 linkage
  double done;
  double total;
};

struct ClusterResult {
  std::vector<double> Z;
  std::vector<std::vector<int32_t>> reps;
  BigBuffer distances;  // correlationDistances: owned here until OnOK hands it to JS
  int64_t distance_count = 0;
};

using Reporter = std::function<void(int phase, double done, double total)>;

class ClusterWorker : public Napi::AsyncProgressWorker<ClusterProgress> {
 public:
  using Body = std::function<ClusterResult(const Reporter&, const std::atomic<bool>* cancel)>;

  ClusterWorker(Napi::Env env, Body body, Napi::Function on_progress, std::shared_ptr<std::atomic<bool>> cancel)
      : Napi::AsyncProgressWorker<ClusterProgress>(env, "neurosieve.cluster"),
        deferred_(Napi::Promise::Deferred::New(env)),
        body_(std::move(body)),
        cancel_(std::move(cancel)) {
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
  }

  Napi::Promise promise() { return deferred_.Promise(); }
  // JS values whose memory the body reads: kept alive until the job is over.
  void keep(Napi::Object o) { kept_.push_back(Napi::Persistent(o)); }
  void cleanup(std::function<void()> f) { cleanup_ = std::move(f); }
  ~ClusterWorker() override {
    if (cleanup_) cleanup_();
    big_free(result_.distances);  // not handed over (the job failed or OnOK did not run)
  }

  void Execute(const ExecutionProgress& progress) override {
    try {
      Reporter report = [&](int phase, double done, double total) {
        ClusterProgress e{phase, done, total};
        progress.Send(&e, 1);
      };
      result_ = body_(report, cancel_.get());
    } catch (const Error& e) {
      SetError(e.tagged());
    } catch (const std::bad_alloc&) {
      SetError("[E_INTERNAL] out of memory while clustering (the condensed distances need n(n-1)/2 elements)");
    } catch (const std::exception& e) {
      SetError(std::string("[E_INTERNAL] ") + e.what());
    }
  }

  void OnProgress(const ClusterProgress* data, size_t count) override {
    if (on_progress_.IsEmpty() || count == 0) return;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    const ClusterProgress& p = data[count - 1];
    Napi::Object o = Napi::Object::New(env);
    o.Set("phase", p.phase == 0 ? "distances" : "linkage");
    o.Set("done", p.done);
    o.Set("total", p.total);
    try {
      on_progress_.Call({o});
    } catch (const Napi::Error&) {
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object o = Napi::Object::New(env);
    if (!result_.Z.empty()) {
      Napi::Float64Array z = Napi::Float64Array::New(env, result_.Z.size());
      std::copy(result_.Z.begin(), result_.Z.end(), z.Data());
      o.Set("Z", z);
    }
    Napi::Array reps = Napi::Array::New(env, result_.reps.size());
    for (size_t t = 0; t < result_.reps.size(); ++t) {
      Napi::Int32Array a = Napi::Int32Array::New(env, result_.reps[t].size());
      std::copy(result_.reps[t].begin(), result_.reps[t].end(), a.Data());
      reps.Set(static_cast<uint32_t>(t), a);
    }
    o.Set("representatives", reps);
    if (result_.distances.ptr) {
      const BigBuffer b = result_.distances;
      result_.distances = BigBuffer{};
      Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, b.ptr, static_cast<size_t>(result_.distance_count) * sizeof(float),
                                                    [b](Napi::Env, void*) { big_free(b); });
      o.Set("distances", Napi::Float32Array::New(env, static_cast<size_t>(result_.distance_count), ab, 0));
    }
    deferred_.Resolve(o);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Body body_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  Napi::FunctionReference on_progress_;
  std::vector<Napi::ObjectReference> kept_;
  std::function<void()> cleanup_;
  ClusterResult result_;
};

Napi::Object start(Napi::Env env, ClusterWorker* worker, const std::shared_ptr<std::atomic<bool>>& cancel) {
  Napi::Object job = Napi::Object::New(env);
  job.Set("promise", worker->promise());
  job.Set("cancel", Napi::Function::New(env, [cancel](const Napi::CallbackInfo&) { cancel->store(true); }, "cancel"));
  worker->Queue();
  return job;
}

Napi::Function progress_arg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() > i && info[i].IsFunction()) return info[i].As<Napi::Function>();
  return Napi::Function();
}

LinkageHooks linkage_hooks(const Reporter& report, const std::atomic<bool>* cancel) {
  LinkageHooks h;
  h.cancel = cancel;
  h.ctx = const_cast<Reporter*>(&report);
  h.progress = [](void* ctx, int64_t done) { (*static_cast<Reporter*>(ctx))(1, static_cast<double>(done), 0); };
  return h;
}

// linkage(condensed: Float32Array | Float64Array, n, method, onProgress)
Napi::Value Linkage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsTypedArray()) fail(Code::Argument, "linkage: condensed must be a Float32Array or Float64Array");
    Napi::TypedArray arr = info[0].As<Napi::TypedArray>();
    const bool f64 = arr.TypedArrayType() == napi_float64_array;
    if (!f64 && arr.TypedArrayType() != napi_float32_array) fail(Code::Argument, "linkage: condensed must be a Float32Array or Float64Array");
    const int64_t n = static_cast<int64_t>(arg_number(info, 1, "linkage"));
    const Method method = parse_method(arg_string(info, 2, "linkage"));
    if (n < 2 || static_cast<int64_t>(arr.ElementLength()) != condensed_size(n))
      fail(Code::Shape, "linkage: condensed length does not match n");
    // Copy now, on the main thread: the job owns its matrix and the caller's array is never modified.
    const size_t bytes = arr.ByteLength();
    BigBuffer buf = big_alloc_zeroed(bytes);
    std::memcpy(buf.ptr, static_cast<const uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset(), bytes);
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto body = [buf, n, method, f64](const Reporter& report, const std::atomic<bool>* c) {
      ClusterResult r;
      const LinkageHooks hooks = linkage_hooks(report, c);
      if (f64) r.Z = linkage(static_cast<double*>(buf.ptr), n, method, hooks);
      else r.Z = linkage(static_cast<float*>(buf.ptr), n, method, hooks);
      return r;
    };
    auto* worker = new ClusterWorker(env, body, progress_arg(info, 3), cancel);
    worker->cleanup([buf]() { big_free(buf); });
    return start(env, worker, cancel);
  });
}

// { kind: 'memory' | 'npy' | 'stats', n, data?: Float32Array | Float64Array, path?, offset?, dtype?: 'f4' | 'f8' }
// The source's JS array, if any, is appended to `keep` (the worker holds it until the job ends).
CorrSource parse_source(const Napi::Value& v, std::vector<Napi::Object>& keep) {
  if (!v.IsObject()) fail(Code::Argument, "cluster: source must be an object");
  Napi::Object o = v.As<Napi::Object>();
  CorrSource s;
  const std::string kind = o.Get("kind").IsString() ? o.Get("kind").As<Napi::String>().Utf8Value() : "";
  const double n = o.Get("n").IsNumber() ? o.Get("n").As<Napi::Number>().DoubleValue() : -1;
  if (!(n >= 2 && n <= 2147483647.0) || n != static_cast<double>(static_cast<int64_t>(n))) fail(Code::Argument, "cluster: source.n must be an integer >= 2");
  s.n = static_cast<int64_t>(n);
  if (kind == "memory") {
    Napi::Value d = o.Get("data");
    if (!d.IsTypedArray()) fail(Code::Argument, "cluster: source.data must be a Float32Array or Float64Array");
    Napi::TypedArray a = d.As<Napi::TypedArray>();
    if (static_cast<int64_t>(a.ElementLength()) != s.n * s.n) fail(Code::Shape, "cluster: source.data must hold n * n values");
    const uint8_t* p = static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
    if (a.TypedArrayType() == napi_float32_array) {
      s.kind = CorrSource::Kind::MemoryF32;
      s.f32 = reinterpret_cast<const float*>(p);
    } else if (a.TypedArrayType() == napi_float64_array) {
      s.kind = CorrSource::Kind::MemoryF64;
      s.f64 = reinterpret_cast<const double*>(p);
    } else {
      fail(Code::Argument, "cluster: source.data must be a Float32Array or Float64Array");
    }
    keep.push_back(a);
  } else if (kind == "npy" || kind == "stats") {
    if (!o.Get("path").IsString() || !o.Get("offset").IsNumber()) fail(Code::Argument, "cluster: file sources need path and offset");
    s.kind = kind == "npy" ? CorrSource::Kind::NpyFile : CorrSource::Kind::StatsFile;
    s.path = o.Get("path").As<Napi::String>().Utf8Value();
    s.offset = static_cast<uint64_t>(o.Get("offset").As<Napi::Number>().DoubleValue());
    s.file_f64 = o.Get("dtype").IsString() && o.Get("dtype").As<Napi::String>().Utf8Value() == "f8";
  } else {
    fail(Code::Argument, "cluster: source.kind must be 'memory', 'npy' or 'stats'");
  }
  return s;
}

struct JobOptions {
  Method method = Method::Average;
  bool f64 = false;
  size_t threads = 0;
};

JobOptions parse_job_options(const Napi::Value& v) {
  if (!v.IsObject()) fail(Code::Argument, "cluster: options must be an object");
  Napi::Object o = v.As<Napi::Object>();
  JobOptions j;
  if (o.Get("method").IsString()) j.method = parse_method(o.Get("method").As<Napi::String>().Utf8Value());
  const std::string precision = o.Get("precision").IsString() ? o.Get("precision").As<Napi::String>().Utf8Value() : "float32";
  if (precision != "float32" && precision != "float64") fail(Code::Argument, "cluster: options.precision must be 'float32' or 'float64'");
  j.f64 = precision == "float64";
  const double t = o.Get("threads").IsNumber() ? o.Get("threads").As<Napi::Number>().DoubleValue() : 0;
  if (!(t >= 0 && t <= 1024)) fail(Code::Argument, "cluster: options.threads must be in [0, 1024]");
  j.threads = static_cast<size_t>(t);
  return j;
}

// Builds the condensed distances of `src` into a fresh buffer of T and hands it to `use`; frees it after.
template <class T, class F>
void with_distances(const CorrSource& src, size_t threads, const Reporter& report, const std::atomic<bool>* cancel, F&& use) {
  const int64_t n = src.n;
  BigBuffer buf = big_alloc_zeroed(static_cast<size_t>(condensed_size(n)) * sizeof(T));
  try {
    {
      ThreadPool pool(threads);
      DistanceHooks hooks;
      hooks.cancel = cancel;
      hooks.progress = [&](int64_t rows) { report(0, static_cast<double>(rows), static_cast<double>(n)); };
      build_distances(src, static_cast<T*>(buf.ptr), pool, hooks);
    }
    use(static_cast<T*>(buf.ptr));
  } catch (...) {
    big_free(buf);
    throw;
  }
  big_free(buf);
}

Napi::Value ClusterCorrelation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    std::vector<Napi::Object> keep;
    const CorrSource src = parse_source(info[0], keep);
    const JobOptions opt = parse_job_options(info.Length() > 1 ? info[1] : env.Undefined());
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto body = [src, opt](const Reporter& report, const std::atomic<bool>* c) {
      ClusterResult r;
      const LinkageHooks hooks = linkage_hooks(report, c);
      if (opt.f64) with_distances<double>(src, opt.threads, report, c, [&](double* D) { r.Z = linkage(D, src.n, opt.method, hooks); });
      else with_distances<float>(src, opt.threads, report, c, [&](float* D) { r.Z = linkage(D, src.n, opt.method, hooks); });
      return r;
    };
    auto* worker = new ClusterWorker(env, body, progress_arg(info, 2), cancel);
    for (auto& k : keep) worker->keep(k);
    return start(env, worker, cancel);
  });
}

Napi::Value CorrelationDistances(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    std::vector<Napi::Object> keep;
    const CorrSource src = parse_source(info[0], keep);
    const JobOptions opt = parse_job_options(info.Length() > 1 ? info[1] : env.Undefined());
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto body = [src, opt](const Reporter& report, const std::atomic<bool>* c) {
      ClusterResult r;
      r.distance_count = condensed_size(src.n);
      r.distances = big_alloc_zeroed(static_cast<size_t>(r.distance_count) * sizeof(float));
      try {
        ThreadPool pool(opt.threads);
        DistanceHooks hooks;
        hooks.cancel = c;
        hooks.progress = [&](int64_t rows) { report(0, static_cast<double>(rows), static_cast<double>(src.n)); };
        build_distances(src, static_cast<float*>(r.distances.ptr), pool, hooks);
      } catch (...) {
        big_free(r.distances);
        throw;
      }
      return r;
    };
    auto* worker = new ClusterWorker(env, body, progress_arg(info, 2), cancel);
    for (auto& k : keep) worker->keep(k);
    return start(env, worker, cancel);
  });
}

Napi::Value CentralRepresentatives(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    std::vector<Napi::Object> keep;
    const CorrSource src = parse_source(info[0], keep);
    const JobOptions opt = parse_job_options(info.Length() > 1 ? info[1] : env.Undefined());
    if (info.Length() < 3 || !info[2].IsArray()) fail(Code::Argument, "centralRepresentatives: labels must be an array of Int32Array");
    Napi::Array arr = info[2].As<Napi::Array>();
    std::vector<std::vector<int32_t>> labels;
    for (uint32_t t = 0; t < arr.Length(); ++t) {
      Napi::Value v = arr.Get(t);
      if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
        fail(Code::Argument, "centralRepresentatives: labels must be an array of Int32Array");
      Napi::Int32Array a = v.As<Napi::Int32Array>();
      if (static_cast<int64_t>(a.ElementLength()) != src.n) fail(Code::Shape, "centralRepresentatives: each labels array must hold n values");
      labels.emplace_back(a.Data(), a.Data() + a.ElementLength());
    }
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto body = [src, opt, labels](const Reporter& report, const std::atomic<bool>* c) {
      ClusterResult r;
      auto pick = [&](auto* D) {
        ThreadPool pool(opt.threads);
        for (const auto& l : labels) r.reps.push_back(central_representatives(D, src.n, l.data(), pool));
      };
      if (opt.f64) with_distances<double>(src, opt.threads, report, c, pick);
      else with_distances<float>(src, opt.threads, report, c, pick);
      return r;
    };
    auto* worker = new ClusterWorker(env, body, progress_arg(info, 3), cancel);
    for (auto& k : keep) worker->keep(k);
    return start(env, worker, cancel);
  });
}

}  // namespace

void register_cluster(Napi::Env env, Napi::Object exports) {
  exports.Set("linkage", Napi::Function::New(env, Linkage, "linkage"));
  exports.Set("clusterCorrelation", Napi::Function::New(env, ClusterCorrelation, "clusterCorrelation"));
  exports.Set("correlationDistances", Napi::Function::New(env, CorrelationDistances, "correlationDistances"));
  exports.Set("centralRepresentatives", Napi::Function::New(env, CentralRepresentatives, "centralRepresentatives"));
}

}  // namespace ns
