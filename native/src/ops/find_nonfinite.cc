// findNonFinite(x, rows, cols, threads) -> Promise<null | { row, col, value }>: the first NaN/±Inf of a row-major
// in-memory float32 matrix, in row-major order (stats/nonfinite.h), on a worker thread holding a reference to x.
// The caller (e.g. src/probe/train-compat.ts) words the error; this only finds the value, ~20× faster than a JS loop.
#include "core/thread_pool.h"
#include "ops/args.h"
#include "ops/job.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "stats/nonfinite.h"

namespace ns {

namespace {

struct FindJob {
  static constexpr JobInfo kJob{"neurosieve.findNonFinite", "out of memory"};

  const float* x = nullptr;  // a kept JS array
  size_t rows = 0, cols = 0, threads = 0;
  NonFiniteHit hit;

  void execute(const JobContext<NoEvent>&) {
    ThreadPool pool(threads);
    hit = find_nonfinite(x, rows, cols, cols, pool);
  }

  Napi::Value result(Napi::Env env) {
    if (!hit.found) return env.Null();
    Napi::Object o = Napi::Object::New(env);
    o.Set("row", static_cast<double>(hit.row));
    o.Set("col", static_cast<double>(hit.col));
    o.Set("value", static_cast<double>(hit.value));
    return o;
  }
};

Napi::Value FindNonFinite(const Args& args) {
  const auto x = args.typed<Napi::Float32Array>(0);
  const double rows = args.number(1), cols = args.number(2), threads = args.number(3);
  if (!is_count(rows) || !is_count(cols) || cols < 1 || !is_count(threads, 1024) ||
      static_cast<double>(x.ElementLength()) != rows * cols)
    fail(Code::Shape, "findNonFinite: x must hold rows * cols floats, cols >= 1, threads in [0, 1024]");
  FindJob job;
  job.x = x.Data();
  job.rows = static_cast<size_t>(rows);
  job.cols = static_cast<size_t>(cols);
  job.threads = static_cast<size_t>(threads);
  return queue_job(args.env(), job, {x});
}

}  // namespace

void register_find_nonfinite(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports, {{"findNonFinite", FindNonFinite}});
}

}  // namespace ns
