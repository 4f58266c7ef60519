// What the report draws from an analysis held in memory (views/):
//   columnProfiles(x, rows, cols, bins, k, threads) -> Promise<{ min, max, counts, topRows, topValues }>: per
//     column its range, an equal-width histogram (Uint32Array [cols, bins]) and its k highest rows
//     (Int32Array / Float32Array [cols, k], highest first, ties to the lower row).
//   blockMeanAbs(corr, n, stride, blockOf, blocks, threads) -> Promise<Float64Array [blocks, blocks]>: mean |r|
//     over blocks of neurons (blockOf: Int32Array [n], −1 leaves a neuron out).
//   clusterPairHistograms(corr, n, stride, labels, clusters, bins, threads) -> Promise<Uint32Array [clusters, bins]>:
//     per cluster, the histogram of |r| over its member pairs (labels 1 … clusters, bins equal on [0, 1]).
#include <string>
#include <utility>
#include <vector>

#include "core/thread_pool.h"
#include "ops/args.h"
#include "ops/job.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "views/block_means.h"
#include "views/cluster_pairs.h"
#include "views/profiles.h"

namespace ns {

namespace {

struct ProfilesJob {
  static constexpr JobInfo kJob{"neurosieve.columnProfiles", "out of memory while profiling columns"};

  const float* x = nullptr;  // a kept JS array
  size_t rows = 0, cols = 0, bins = 0, k = 0, threads = 0;
  std::vector<float> min, max, top_values;
  std::vector<uint32_t> counts;
  std::vector<int32_t> top_rows;

  void execute(const JobContext<NoEvent>&) {
    ThreadPool pool(threads);
    views::column_profiles(x, rows, cols, bins, k, pool, {min.data(), max.data(), counts.data(), top_rows.data(), top_values.data()});
  }

  Napi::Value result(Napi::Env env) {
    Napi::Object r = Napi::Object::New(env);
    r.Set("min", typed_copy<Napi::Float32Array>(env, min));
    r.Set("max", typed_copy<Napi::Float32Array>(env, max));
    r.Set("counts", typed_copy<Napi::Uint32Array>(env, counts));
    r.Set("topRows", typed_copy<Napi::Int32Array>(env, top_rows));
    r.Set("topValues", typed_copy<Napi::Float32Array>(env, top_values));
    return r;
  }
};

Napi::Value ColumnProfiles(const Args& args) {
  const auto x = args.typed<Napi::Float32Array>(0);
  ProfilesJob job;
  job.rows = args.count(1, 2147483647.0);  // rows are reported as int32
  job.cols = args.count(2);
  job.bins = args.count(3, 65536);
  job.k = args.count(4, 65536);
  job.threads = args.count(5, 1024);
  if (job.cols == 0 || job.bins == 0 || x.ElementLength() != job.rows * job.cols)
    fail(Code::Shape, "columnProfiles: x must hold rows * cols floats, cols and bins >= 1");
  job.x = x.Data();
  job.min.resize(job.cols);
  job.max.resize(job.cols);
  job.counts.assign(job.cols * job.bins, 0);
  job.top_rows.resize(job.cols * job.k);
  job.top_values.resize(job.cols * job.k);
  return queue_job(args.env(), std::move(job), {x});
}

// Arguments 0–3 of the matrix ops: a correlation matrix (n rows of `stride` floats) and one int32 per neuron.
struct MatrixArgs {
  Napi::Float32Array corr;
  size_t n, stride;
  std::vector<int32_t> per_neuron;
};

MatrixArgs matrix_args(const Args& args, const char* what) {
  MatrixArgs m{args.typed<Napi::Float32Array>(0), args.count(1), args.count(2), {}};
  const auto per_neuron = args.typed<Napi::Int32Array>(3);
  if (m.n == 0 || m.stride < m.n || m.corr.ElementLength() < (m.n - 1) * m.stride + m.n || per_neuron.ElementLength() != m.n)
    fail(Code::Shape, std::string(args.fn()) + ": corr must hold n rows of stride >= n floats, and " + what + " one value per neuron");
  m.per_neuron.assign(per_neuron.Data(), per_neuron.Data() + m.n);
  return m;
}

struct BlockMeansJob {
  static constexpr JobInfo kJob{"neurosieve.blockMeanAbs", "out of memory while averaging correlation blocks"};

  const float* corr = nullptr;  // a kept JS array
  size_t n = 0, stride = 0, blocks = 0, threads = 0;
  std::vector<int32_t> block_of;
  std::vector<double> out;

  void execute(const JobContext<NoEvent>&) {
    ThreadPool pool(threads);
    views::block_mean_abs(corr, n, stride, block_of.data(), blocks, pool, out.data());
  }

  Napi::Value result(Napi::Env env) { return float64_copy(env, out); }
};

Napi::Value BlockMeanAbs(const Args& args) {
  MatrixArgs m = matrix_args(args, "blockOf");
  BlockMeansJob job;
  job.n = m.n;
  job.stride = m.stride;
  job.block_of = std::move(m.per_neuron);
  job.blocks = args.count(4, 65536);
  job.threads = args.count(5, 1024);
  for (int32_t b : job.block_of)
    if (b >= static_cast<int64_t>(job.blocks)) fail(Code::Argument, "blockMeanAbs: blockOf holds a block >= blocks");
  job.corr = m.corr.Data();
  job.out.resize(job.blocks * job.blocks);
  return queue_job(args.env(), std::move(job), {m.corr});
}

struct PairHistogramsJob {
  static constexpr JobInfo kJob{"neurosieve.clusterPairHistograms", "out of memory while counting cluster pairs"};

  const float* corr = nullptr;  // a kept JS array
  size_t n = 0, stride = 0, clusters = 0, bins = 0, threads = 0;
  std::vector<int32_t> labels;
  std::vector<uint32_t> out;

  void execute(const JobContext<NoEvent>&) {
    ThreadPool pool(threads);
    views::within_cluster_histograms(corr, n, stride, labels.data(), clusters, bins, pool, out.data());
  }

  Napi::Value result(Napi::Env env) { return typed_copy<Napi::Uint32Array>(env, out); }
};

Napi::Value ClusterPairHistograms(const Args& args) {
  MatrixArgs m = matrix_args(args, "labels");
  PairHistogramsJob job;
  job.n = m.n;
  job.stride = m.stride;
  job.labels = std::move(m.per_neuron);
  job.clusters = args.count(4);
  job.bins = args.count(5, 65536);
  job.threads = args.count(6, 1024);
  if (job.bins == 0) fail(Code::Argument, "clusterPairHistograms: bins must be >= 1");
  for (int32_t c : job.labels)
    if (c < 1 || c > static_cast<int64_t>(job.clusters)) fail(Code::Argument, "clusterPairHistograms: labels must be in 1 … clusters");
  job.corr = m.corr.Data();
  job.out.resize(job.clusters * job.bins);
  return queue_job(args.env(), std::move(job), {m.corr});
}

}  // namespace

void register_views(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports, {{"columnProfiles", ColumnProfiles}, {"blockMeanAbs", BlockMeanAbs}, {"clusterPairHistograms", ClusterPairHistograms}});
}

}  // namespace ns
