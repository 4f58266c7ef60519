// RowReader: a dataset's files as one stream of rows delivered into caller-owned Float32Arrays (io/row_stream.h).
//   const r = new RowReader({ files, columns?: Uint32Array, nan: 'error' | 'zero' });
//   const n = await r.read(out, maxRows);   // rows written to out[0 .. n*cols), 0 at the end
//   r.cols, r.width, r.rows, r.nonFinite, r.file; r.close()
// Reads run on a worker thread so the event loop stays free while a chunk is read and converted; one read at a
// time per reader (a second concurrent read is an E_ARGUMENT error, as overlapping reads would race on the
// file position). The worker holds the stream and the output array alive, so close() or garbage collection of
// the reader during a read is safe.
#include <memory>

#include "io/row_stream.h"
#include "ops/napi_util.h"
#include "ops/ops.h"

namespace ns {

namespace {

struct Shared {
  std::unique_ptr<RowStream> stream;
  bool busy = false;  // only touched on the JS thread
};

class ReadWorker : public Napi::AsyncWorker {
 public:
  ReadWorker(Napi::Env env, std::shared_ptr<Shared> shared, Napi::Float32Array out, size_t max_rows)
      : Napi::AsyncWorker(env, "neurosieve.rows.read"),
        deferred_(Napi::Promise::Deferred::New(env)),
        shared_(std::move(shared)),
        out_ref_(Napi::Persistent(out)),
        out_(out.Data()),
        max_rows_(max_rows) {}

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      got_ = shared_->stream->read(out_, max_rows_);
    } catch (const Error& e) {
      SetError(e.tagged());
    } catch (const std::bad_alloc&) {
      SetError("[E_INTERNAL] out of memory while reading rows");
    } catch (const std::exception& e) {
      SetError(std::string("[E_INTERNAL] ") + e.what());
    }
  }

  void OnOK() override {
    shared_->busy = false;
    deferred_.Resolve(Napi::Number::New(Env(), static_cast<double>(got_)));
  }

  void OnError(const Napi::Error& e) override {
    shared_->busy = false;
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<Shared> shared_;
  Napi::Reference<Napi::Float32Array> out_ref_;
  float* out_;
  size_t max_rows_;
  size_t got_ = 0;
};

class RowReader : public Napi::ObjectWrap<RowReader> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "RowReader",
                       {InstanceMethod<&RowReader::Read>("read"), InstanceMethod<&RowReader::Close>("close"),
                        InstanceAccessor<&RowReader::Cols>("cols"), InstanceAccessor<&RowReader::Width>("width"),
                        InstanceAccessor<&RowReader::Rows>("rows"),
                        InstanceAccessor<&RowReader::NonFinite>("nonFinite"),
                        InstanceAccessor<&RowReader::File>("file")});
  }

  explicit RowReader(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RowReader>(info) {
    guard(info.Env(), [&] {
      if (info.Length() < 1 || !info[0].IsObject()) fail(Code::Argument, "RowReader(options): options must be an object");
      shared_->stream = std::make_unique<RowStream>(parse(info[0].As<Napi::Object>()));
      cols_ = shared_->stream->cols();
      width_ = shared_->stream->width();
    });
  }

 private:
  static RowStreamOptions parse(const Napi::Object& o) {
    RowStreamOptions s;
    Napi::Value files = o.Get("files");
    if (!files.IsArray()) fail(Code::Argument, "RowReader: options.files must be an array");
    Napi::Array arr = files.As<Napi::Array>();
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      Napi::Value f = arr.Get(i);
      if (!f.IsObject() || !f.As<Napi::Object>().Get("path").IsString())
        fail(Code::Argument, "RowReader: options.files entries must be { path, format }");
      Napi::Object fo = f.As<Napi::Object>();
      const std::string format = fo.Get("format").IsString() ? fo.Get("format").As<Napi::String>().Utf8Value() : "auto";
      s.files.emplace_back(fo.Get("path").As<Napi::String>().Utf8Value(), parse_format(format));
    }
    Napi::Value cols = o.Get("columns");
    if (!cols.IsUndefined() && !cols.IsNull()) {
      if (!cols.IsTypedArray() || cols.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array)
        fail(Code::Argument, "RowReader: options.columns must be a Uint32Array");
      Napi::Uint32Array c = cols.As<Napi::Uint32Array>();
      if (c.ElementLength() == 0) fail(Code::Argument, "RowReader: options.columns must not be empty");
      s.columns.assign(c.Data(), c.Data() + c.ElementLength());
    }
    const std::string nan = o.Get("nan").IsString() ? o.Get("nan").As<Napi::String>().Utf8Value() : "error";
    if (nan != "error" && nan != "zero") fail(Code::Argument, "RowReader: options.nan must be 'error' or 'zero'");
    s.nan_zero = nan == "zero";
    return s;
  }

  RowStream& stream() {
    if (!shared_->stream) fail(Code::Argument, "the row reader is closed");
    return *shared_->stream;
  }

  Napi::Value Read(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      stream();
      if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
        fail(Code::Argument, "read(out, maxRows): out must be a Float32Array");
      Napi::Float32Array out = info[0].As<Napi::Float32Array>();
      const double max_d = arg_number(info, 1, "read");
      if (!(max_d >= 1) || max_d != static_cast<double>(static_cast<size_t>(max_d)))
        fail(Code::Argument, "read(out, maxRows): maxRows must be a positive integer");
      const size_t max_rows = static_cast<size_t>(max_d);
      if (out.ElementLength() / cols_ < max_rows)
        fail(Code::Argument, "read(out, maxRows): out holds " + std::to_string(out.ElementLength()) +
                                 " floats, fewer than maxRows * cols = " + std::to_string(max_rows) + " * " +
                                 std::to_string(cols_));
      if (shared_->busy) fail(Code::Argument, "read(out, maxRows): a read is already in progress on this reader");
      shared_->busy = true;
      auto* worker = new ReadWorker(env, shared_, out, max_rows);
      Napi::Promise p = worker->promise();
      worker->Queue();
      return p;
    });
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    return guard(info.Env(), [&]() -> Napi::Value {
      if (shared_->busy) fail(Code::Argument, "close(): a read is in progress on this reader");
      if (shared_->stream) {
        closed_rows_ = static_cast<double>(shared_->stream->rows());
        closed_non_finite_ = static_cast<double>(shared_->stream->non_finite());
      }
      shared_->stream.reset();
      return info.Env().Undefined();
    });
  }

  Napi::Value Cols(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(cols_)); }
  Napi::Value Width(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(width_)); }
  // The counters below are read on the JS thread while no read is in flight (the TS layer awaits each read).
  Napi::Value Rows(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), shared_->stream ? static_cast<double>(shared_->stream->rows()) : closed_rows_);
  }
  Napi::Value NonFinite(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), shared_->stream ? static_cast<double>(shared_->stream->non_finite()) : closed_non_finite_);
  }
  Napi::Value File(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), shared_->stream ? static_cast<double>(shared_->stream->file()) : -1.0);
  }

  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  size_t cols_ = 0, width_ = 0;
  double closed_rows_ = 0, closed_non_finite_ = 0;  // the counters as they were at close()
};

}  // namespace

void register_rows(Napi::Env env, Napi::Object exports) { exports.Set("RowReader", RowReader::Define(env)); }

}  // namespace ns
