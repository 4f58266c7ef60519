// synthPlan(options) and synthWrite(options, tmpPath, name, header, onProgress): synthetic activations with
// planted redundancy (generator: synth/synth.h). Options arrive validated from src/synth/synth.ts and are copied into a
// plain SynthOptions on the main thread; the writing runs in an AsyncProgressWorker.
#include <atomic>
#include <memory>

#include "ops/napi_util.h"
#include "ops/ops.h"
#include "synth/synth.h"

namespace ns {

namespace {

uint64_t get_u64(const Napi::Object& o, const char* key) {
  const Napi::Value v = o.Get(key);
  if (!v.IsNumber()) fail(Code::Argument, std::string("synth: option ") + key + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d > 9007199254740991.0 || d != static_cast<double>(static_cast<uint64_t>(d)))
    fail(Code::Argument, std::string("synth: option ") + key + " must be a non-negative integer");
  return static_cast<uint64_t>(d);
}

double get_f64(const Napi::Object& o, const char* key) {
  const Napi::Value v = o.Get(key);
  if (!v.IsNumber()) fail(Code::Argument, std::string("synth: option ") + key + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

SynthOptions parse_options(const Napi::Value& value) {
  if (!value.IsObject()) fail(Code::Argument, "synth: argument 1 must be an options object");
  const Napi::Object o = value.As<Napi::Object>();
  SynthOptions s;
  s.tokens = get_u64(o, "tokens");
  s.neurons = get_u64(o, "neurons");
  s.layers = get_u64(o, "layers");
  s.groups = get_u64(o, "groups");
  s.group_size_min = get_u64(o, "groupSizeMin");
  s.group_size_max = get_u64(o, "groupSizeMax");
  s.noise_min = get_f64(o, "noiseMin");
  s.noise_max = get_f64(o, "noiseMax");
  s.constant = get_u64(o, "constant");
  s.large_mean = get_u64(o, "largeMean");
  s.large_mean_value = get_f64(o, "largeMeanValue");
  s.offset = get_f64(o, "offset");
  s.seed = get_u64(o, "seed");
  s.threads = static_cast<size_t>(get_u64(o, "threads"));
  const Napi::Value dtype = o.Get("dtype");
  const std::string d = dtype.IsString() ? dtype.As<Napi::String>().Utf8Value() : "";
  if (d != "float32" && d != "float16") fail(Code::Argument, "synth: option dtype must be 'float32' or 'float16'");
  s.float16 = d == "float16";
  if (s.layers == 0 || s.neurons % s.layers != 0) fail(Code::Argument, "synth: layers must divide neurons");
  return s;
}

template <class T, class A>
A typed(Napi::Env env, const std::vector<T>& v) {
  A out = A::New(env, v.size());
  std::copy(v.begin(), v.end(), out.Data());
  return out;
}

Napi::Value SynthPlanJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const SynthPlan p = synth_plan(parse_options(info[0]));
    Napi::Object o = Napi::Object::New(env);
    o.Set("role", typed<int32_t, Napi::Int32Array>(env, p.role));
    o.Set("group", typed<int32_t, Napi::Int32Array>(env, p.group));
    o.Set("kind", typed<int32_t, Napi::Int32Array>(env, p.kind));
    o.Set("offset", typed<double, Napi::Float64Array>(env, p.offset));
    o.Set("scale", typed<double, Napi::Float64Array>(env, p.a));
    o.Set("noise", typed<double, Napi::Float64Array>(env, p.noise));
    o.Set("members", typed<int32_t, Napi::Int32Array>(env, p.members));
    o.Set("memberStart", typed<int32_t, Napi::Int32Array>(env, p.member_start));
    return o;
  });
}

class SynthWorker : public Napi::AsyncProgressWorker<uint64_t> {
 public:
  SynthWorker(Napi::Env env, SynthOptions options, std::string path, std::string name, std::vector<uint8_t> header,
              Napi::Function on_progress, std::shared_ptr<std::atomic<bool>> cancel)
      : Napi::AsyncProgressWorker<uint64_t>(env, "neurosieve.synth"),
        deferred_(Napi::Promise::Deferred::New(env)),
        options_(options),
        path_(std::move(path)),
        name_(std::move(name)),
        header_(std::move(header)),
        cancel_(std::move(cancel)) {
    on_progress_ = Napi::Persistent(on_progress);
  }

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    try {
      synth_write(options_, path_, name_, header_, *cancel_, [&](uint64_t rows) { progress.Send(&rows, 1); });
    } catch (const Error& e) {
      err_ = e.tagged();
    } catch (const std::bad_alloc&) {
      err_ = "[E_INTERNAL] out of memory";
    } catch (const std::exception& e) {
      err_ = std::string("[E_INTERNAL] ") + e.what();
    }
  }

  void OnProgress(const uint64_t* data, size_t count) override {
    if (count == 0 || on_progress_.IsEmpty()) return;
    Napi::HandleScope scope(Env());
    // src/synth/synth.ts catches errors of the user callback; anything escaping here is ignored, never fatal.
    try {
      on_progress_.Call({Napi::Number::New(Env(), static_cast<double>(data[count - 1]))});
    } catch (const Napi::Error&) {
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (!err_.empty()) {
      deferred_.Reject(Napi::Error::New(env, err_).Value());
      return;
    }
    Napi::Object r = Napi::Object::New(env);
    r.Set("rows", Napi::Number::New(env, static_cast<double>(options_.tokens)));
    deferred_.Resolve(r);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  SynthOptions options_;
  std::string path_, name_;
  std::vector<uint8_t> header_;
  Napi::FunctionReference on_progress_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  std::string err_;
};

Napi::Value SynthWriteJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const SynthOptions options = parse_options(info[0]);
    const std::string path = arg_string(info, 1, "synthWrite");
    const std::string name = arg_string(info, 2, "synthWrite");
    if (info.Length() <= 3 || !info[3].IsTypedArray() ||
        info[3].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
      fail(Code::Argument, "synthWrite: argument 4 must be a Uint8Array");
    const Napi::Uint8Array h = info[3].As<Napi::Uint8Array>();
    std::vector<uint8_t> header(h.Data(), h.Data() + h.ElementLength());
    if (info.Length() <= 4 || !info[4].IsFunction()) fail(Code::Argument, "synthWrite: argument 5 must be a function");
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto* worker = new SynthWorker(env, options, path, name, std::move(header), info[4].As<Napi::Function>(), cancel);
    Napi::Object job = Napi::Object::New(env);
    job.Set("promise", worker->promise());
    job.Set("cancel", Napi::Function::New(env, [cancel](const Napi::CallbackInfo&) { cancel->store(true); }));
    worker->Queue();
    return job;
  });
}

}  // namespace

void register_synth(Napi::Env env, Napi::Object exports) {
  exports.Set("synthPlan", Napi::Function::New(env, SynthPlanJs, "synthPlan"));
  exports.Set("synthWrite", Napi::Function::New(env, SynthWriteJs, "synthWrite"));
}

}  // namespace ns
