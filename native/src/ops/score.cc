// maxAbsToOthers(corr, stride, rowOf, first, colOf, threads) -> Promise<{ maxAbs: Float64Array, arg: Int32Array }>:
// for kept neurons first … first + rowOf.length − 1, the largest |r| to another kept neuron
// (score/kept_redundancy.h). rowOf[i] is the row of corr (rows of `stride` floats) holding the correlations of kept
// neuron first + i; colOf[j] is the column of kept neuron j.
#include <string>
#include <utility>
#include <vector>

#include "core/thread_pool.h"
#include "ops/args.h"
#include "ops/job.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "score/kept_redundancy.h"

namespace ns {

namespace {

struct MaxAbsJob {
  static constexpr JobInfo kJob{"neurosieve.maxAbsToOthers", "out of memory while measuring kept redundancy"};

  const float* corr = nullptr;  // a kept JS array
  size_t stride = 0, first = 0, threads = 0;
  std::vector<int32_t> row_of, col_of;
  std::vector<double> max_abs;
  std::vector<int32_t> arg;

  void execute(const JobContext<NoEvent>&) {
    ThreadPool pool(threads);
    score::max_abs_to_others(corr, stride, row_of.data(), row_of.size(), first, col_of.data(), col_of.size(), pool, max_abs.data(), arg.data());
  }

  Napi::Value result(Napi::Env env) {
    Napi::Object r = Napi::Object::New(env);
    r.Set("maxAbs", float64_copy(env, max_abs));
    r.Set("arg", typed_copy<Napi::Int32Array>(env, arg));
    return r;
  }
};

Napi::Value MaxAbsToOthers(const Args& args) {
  const auto corr = args.typed<Napi::Float32Array>(0);
  MaxAbsJob job;
  job.stride = args.count(1);
  const auto rows = args.typed<Napi::Int32Array>(2);
  job.first = args.count(3);
  const auto cols = args.typed<Napi::Int32Array>(4);
  job.threads = args.count(5, 1024);
  const size_t b = rows.ElementLength(), m = cols.ElementLength();
  if (job.stride == 0 || job.first + b > m) fail(Code::Shape, "maxAbsToOthers: rows first … first + rowOf.length − 1 must be kept neurons (< colOf.length), stride >= 1");
  const size_t nrows = corr.ElementLength() / job.stride;
  for (size_t i = 0; i < b; ++i)
    if (rows[i] < 0 || static_cast<size_t>(rows[i]) >= nrows) fail(Code::Argument, "maxAbsToOthers: rowOf[" + std::to_string(i) + "] is outside the matrix");
  for (size_t j = 0; j < m; ++j)
    if (cols[j] < 0 || static_cast<size_t>(cols[j]) >= job.stride) fail(Code::Argument, "maxAbsToOthers: colOf[" + std::to_string(j) + "] is outside the matrix");
  job.row_of.assign(rows.Data(), rows.Data() + b);
  job.col_of.assign(cols.Data(), cols.Data() + m);
  job.corr = corr.Data();
  job.max_abs.resize(b);
  job.arg.resize(b);
  return queue_job(args.env(), std::move(job), {corr});
}

}  // namespace

void register_score(Napi::Env env, Napi::Object exports) { export_functions(env, exports, {{"maxAbsToOthers", MaxAbsToOthers}}); }

}  // namespace ns
