// correlate(options, onProgress) -> { promise, cancel }: one streaming pass over a dataset on a worker thread
// (stats/stream.h), resolving with the count, means and packed co-moment; the co-moment buffer is handed to JS
// without a copy. Progress is delivered on the JS thread, coalesced by node-addon-api.
#include <atomic>
#include <memory>

#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "stats/stream.h"

namespace ns {

namespace {

struct ProgressEvent {
  double rows;
  double file;
};

class CorrelateWorker : public Napi::AsyncProgressWorker<ProgressEvent> {
 public:
  CorrelateWorker(Napi::Env env, StreamOptions options, Napi::Function on_progress,
                  std::shared_ptr<std::atomic<bool>> cancel)
      : Napi::AsyncProgressWorker<ProgressEvent>(env, "neurosieve.correlate"),
        deferred_(Napi::Promise::Deferred::New(env)),
        options_(std::move(options)),
        cancel_(std::move(cancel)) {
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
  }

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    try {
      result_ = accumulate_files(options_, *cancel_, [&](uint64_t rows, size_t file) {
        ProgressEvent e{static_cast<double>(rows), static_cast<double>(file)};
        progress.Send(&e, 1);
      });
    } catch (const Error& e) {
      SetError(e.tagged());
    } catch (const std::bad_alloc&) {
      SetError("[E_INTERNAL] out of memory while allocating the co-moment state");
    } catch (const std::exception& e) {
      SetError(std::string("[E_INTERNAL] ") + e.what());
    }
  }

  void OnProgress(const ProgressEvent* data, size_t count) override {
    if (on_progress_.IsEmpty() || count == 0) return;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    Napi::Object p = Napi::Object::New(env);
    p.Set("rows", data[count - 1].rows);
    p.Set("file", data[count - 1].file);
    on_progress_.Call({p});
  }

  void OnOK() override {
    Napi::Env env = Env();
    Comoments& s = *result_.stats;
    const size_t D = s.cols();
    Napi::Object o = Napi::Object::New(env);
    o.Set("count", static_cast<double>(s.count()));
    o.Set("mean", float64_copy(env, s.mean()));
    o.Set("comoment", float64_from_big(env, s.release_comoment(), packed_size(D)));
    o.Set("nonFinite", static_cast<double>(result_.non_finite));
    Napi::Array rows = Napi::Array::New(env, result_.rows_per_file.size());
    for (size_t i = 0; i < result_.rows_per_file.size(); ++i)
      rows.Set(static_cast<uint32_t>(i), static_cast<double>(result_.rows_per_file[i]));
    o.Set("rowsPerFile", rows);
    result_ = StreamResult{};
    deferred_.Resolve(o);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  StreamOptions options_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  Napi::FunctionReference on_progress_;
  StreamResult result_;
};

StreamOptions parse_options(const Napi::Object& o) {
  StreamOptions s;
  Napi::Value files = o.Get("files");
  if (!files.IsArray()) fail(Code::Argument, "correlate: options.files must be an array");
  Napi::Array arr = files.As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value f = arr.Get(i);
    if (!f.IsObject()) fail(Code::Argument, "correlate: options.files entries must be { path, format }");
    Napi::Object fo = f.As<Napi::Object>();
    if (!fo.Get("path").IsString()) fail(Code::Argument, "correlate: options.files[].path must be a string");
    const std::string format = fo.Get("format").IsString() ? fo.Get("format").As<Napi::String>().Utf8Value() : "auto";
    s.files.emplace_back(fo.Get("path").As<Napi::String>().Utf8Value(), parse_format(format));
  }
  auto count = [&](const char* key, double max) -> size_t {
    Napi::Value v = o.Get(key);
    const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0 && d <= max && d == static_cast<double>(static_cast<size_t>(d))))
      fail(Code::Argument, std::string("correlate: options.") + key + " must be an integer in [0, " +
                               std::to_string(static_cast<long long>(max)) + "]");
    return static_cast<size_t>(d);
  };
  s.threads = count("threads", 1024);
  s.chunk_rows = count("chunkRows", 1 << 24);
  const std::string nan = o.Get("nan").IsString() ? o.Get("nan").As<Napi::String>().Utf8Value() : "error";
  if (nan != "error" && nan != "zero") fail(Code::Argument, "correlate: options.nan must be 'error' or 'zero'");
  s.nan_zero = nan == "zero";
  return s;
}

Napi::Value Correlate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsObject()) fail(Code::Argument, "correlate(options, onProgress): options must be an object");
    StreamOptions options = parse_options(info[0].As<Napi::Object>());
    Napi::Function on_progress;
    if (info.Length() >= 2 && info[1].IsFunction()) on_progress = info[1].As<Napi::Function>();
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto* worker = new CorrelateWorker(env, std::move(options), on_progress, cancel);
    Napi::Object job = Napi::Object::New(env);
    job.Set("promise", worker->promise());
    job.Set("cancel", Napi::Function::New(env, [cancel](const Napi::CallbackInfo&) { cancel->store(true); }, "cancel"));
    worker->Queue();
    return job;
  });
}

}  // namespace

void register_correlate(Napi::Env env, Napi::Object exports) {
  exports.Set("correlate", Napi::Function::New(env, Correlate, "correlate"));
}

}  // namespace ns
