// Operations on an activation matrix already in memory (what `analyze` holds once):
//   gatherColumns(view, rows, cols, threads) -> { promise, out }: the rows × cols matrix of a column view
//     { x, stride, columns? } (probe/feature_view.h) copied into a new Float32Array, in row blocks on a worker
//     thread. The exact probe solver works on a contiguous matrix; `analyze` calls this once per exact probe on a
//     subset (the compatible trainer reads views in place and never needs it).
//   permuteRows(x, rows, cols, order) -> Promise<void>: x's rows rearranged in place so that new row i is old
//     row order[i] (order a permutation of [0, rows)), following cycles with one row of scratch: a seeded split
//     becomes contiguous train / dev ranges without a second copy of X.
#include <algorithm>
#include <cstring>
#include <tuple>
#include <utility>
#include <vector>

#include "core/thread_pool.h"
#include "ops/args.h"
#include "ops/job.h"
#include "ops/napi_util.h"
#include "ops/ops.h"

namespace ns {

namespace {

constexpr size_t kGatherRows = 256;  // rows per task

struct GatherJob {
  static constexpr JobInfo kJob{"neurosieve.gatherColumns", "out of memory while gathering columns"};

  probe::FeatureView view;
  size_t rows = 0, threads = 0;
  float* out = nullptr;  // a JS array the job keeps

  void execute(const JobContext<NoEvent>&) {
    ThreadPool pool(threads);
    pool.parallel_for((rows + kGatherRows - 1) / kGatherRows, [&](size_t task, size_t) {
      const size_t r0 = task * kGatherRows;
      view.gather(r0, std::min(kGatherRows, rows - r0), out + r0 * view.cols);
    });
  }

  Napi::Value result(Napi::Env env) { return env.Undefined(); }
};

Napi::Value GatherColumns(const Args& args) {
  Napi::Env env = args.env();
  GatherJob job;
  const Fields f(args.object(0, "a column view"), "gatherColumns: view.");
  job.rows = args.count(1);
  const size_t cols = args.count(2, 4294967295.0);
  job.threads = args.count(3, 1024);
  if (cols == 0) fail(Code::Shape, "gatherColumns: cols must be >= 1");
  std::vector<Napi::Object> keep;
  size_t rows = 0;
  std::tie(job.view, rows) = feature_view(f, cols, "gatherColumns: view", keep);
  if (rows != job.rows) fail(Code::Shape, "gatherColumns: view.x must hold rows rows");
  Napi::Float32Array out = Napi::Float32Array::New(env, job.rows * cols);
  job.out = out.Data();
  keep.push_back(out);
  // The output array is the caller's once the promise resolves.
  Napi::Object r = Napi::Object::New(env);
  r.Set("promise", queue_job(env, std::move(job), keep));
  r.Set("out", out);
  return r;
}

// new row i = old row order[i]: for each cycle i → order[i] → order[order[i]] …, save row i, pull each row
// forward, put the saved row last. Every row moves once.
struct PermuteJob {
  static constexpr JobInfo kJob{"neurosieve.permuteRows", "out of memory while permuting rows"};

  float* x = nullptr;  // a kept JS array
  size_t rows = 0, cols = 0;
  std::vector<uint32_t> order;

  void execute(const JobContext<NoEvent>&) {
    std::vector<float> saved(cols);
    std::vector<bool> done(rows, false);
    for (size_t start = 0; start < rows; ++start) {
      if (done[start] || order[start] == start) continue;
      std::memcpy(saved.data(), x + start * cols, cols * sizeof(float));
      size_t i = start;
      while (order[i] != start) {
        std::memcpy(x + i * cols, x + order[i] * cols, cols * sizeof(float));
        done[i] = true;
        i = order[i];
      }
      std::memcpy(x + i * cols, saved.data(), cols * sizeof(float));
      done[i] = true;
    }
  }

  Napi::Value result(Napi::Env env) { return env.Undefined(); }
};

Napi::Value PermuteRows(const Args& args) {
  auto x = args.typed<Napi::Float32Array>(0);
  PermuteJob job;
  job.rows = args.count(1);
  job.cols = args.count(2, 4294967295.0);
  const auto order = args.typed<Napi::Uint32Array>(3);
  if (job.cols == 0 || x.ElementLength() != job.rows * job.cols || order.ElementLength() != job.rows)
    fail(Code::Shape, "permuteRows: x must hold rows * cols floats and order one id per row");
  job.order.assign(order.Data(), order.Data() + job.rows);
  std::vector<bool> seen(job.rows, false);
  for (uint32_t o : job.order) {
    if (o >= job.rows || seen[o]) fail(Code::Argument, "permuteRows: order must be a permutation of [0, rows)");
    seen[o] = true;
  }
  job.x = x.Data();
  return queue_job(args.env(), std::move(job), {x});
}

}  // namespace

void register_in_memory(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports, {{"gatherColumns", GatherColumns}, {"permuteRows", PermuteRows}});
}

}  // namespace ns
