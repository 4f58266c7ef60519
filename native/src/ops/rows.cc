// RowReader: a dataset's files as one stream of rows delivered into caller-owned Float32Arrays (io/row_stream.h).
//   const r = new RowReader({ files, columns?: Uint32Array, nan: 'error' | 'zero' });
//   const n = await r.read(out, maxRows);   // rows written to out[0 .. n*cols), 0 at the end
//   r.cols, r.width, r.rows, r.nonFinite, r.file; r.close()
// Reads run on a worker thread (an ops/job.h job) so the event loop stays free while a chunk is read and converted; one read at a
// time per reader (a second concurrent read is an E_ARGUMENT error, as overlapping reads would race on the
// file position). The worker holds the stream and the output array alive, so close() or garbage collection of
// the reader during a read is safe.
#include <memory>

#include "io/row_stream.h"
#include "ops/args.h"
#include "ops/job.h"
#include "ops/napi_util.h"
#include "ops/ops.h"

namespace ns {

namespace {

struct Shared {
  std::unique_ptr<RowStream> stream;
  bool busy = false;  // only touched on the JS thread
};

// One read(out, maxRows): rows into the kept output array. The reader is busy while the job exists (the job is
// destroyed on the JS thread right after its promise settles).
struct ReadJob {
  static constexpr JobInfo kJob{"neurosieve.rows.read", "out of memory while reading rows"};

  // Clears the busy flag when the job ends; move-only, so exactly one job owns it.
  struct Busy {
    std::shared_ptr<Shared> shared;
    explicit Busy(std::shared_ptr<Shared> s) : shared(std::move(s)) { shared->busy = true; }
    Busy(Busy&&) noexcept = default;
    ~Busy() {
      if (shared) shared->busy = false;
    }
  };

  Busy busy;
  float* out;
  size_t max_rows;
  size_t got = 0;

  void execute(const JobContext<NoEvent>&) { got = busy.shared->stream->read(out, max_rows); }
  Napi::Value result(Napi::Env env) { return Napi::Number::New(env, static_cast<double>(got)); }
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
    s.files = parse_files(o, "RowReader");
    const Napi::Value cols = o.Get("columns");
    if (!cols.IsUndefined() && !cols.IsNull()) {
      if (!is_typed<Napi::Uint32Array>(cols)) fail(Code::Argument, "RowReader: options.columns must be a Uint32Array");
      const Napi::Uint32Array c = cols.As<Napi::Uint32Array>();
      if (c.ElementLength() == 0) fail(Code::Argument, "RowReader: options.columns must not be empty");
      s.columns.assign(c.Data(), c.Data() + c.ElementLength());
    }
    s.nan_zero = parse_nan_zero(o, "RowReader");
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
      const Args args(info, "read");
      if (!is_typed<Napi::Float32Array>(args[0])) fail(Code::Argument, "read(out, maxRows): out must be a Float32Array");
      Napi::Float32Array out = args[0].As<Napi::Float32Array>();
      const double max_d = args.number(1);
      if (!(max_d >= 1) || !is_count(max_d)) fail(Code::Argument, "read(out, maxRows): maxRows must be a positive integer");
      const size_t max_rows = static_cast<size_t>(max_d);
      if (out.ElementLength() / cols_ < max_rows)
        fail(Code::Argument, "read(out, maxRows): out holds " + std::to_string(out.ElementLength()) +
                                 " floats, fewer than maxRows * cols = " + std::to_string(max_rows) + " * " +
                                 std::to_string(cols_));
      if (shared_->busy) fail(Code::Argument, "read(out, maxRows): a read is already in progress on this reader");
      return queue_job(env, ReadJob{ReadJob::Busy(shared_), out.Data(), max_rows}, {out});
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
