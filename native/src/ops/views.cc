// What the report draws from an analysis held in memory (views/):
//   columnProfiles(x, rows, cols, bins, k, threads) -> Promise<{ min, max, counts, topRows, topValues }>: per
//     column its range, an equal-width histogram (Uint32Array [cols, bins]) and its k highest rows
//     (Int32Array / Float32Array [cols, k], highest first, ties to the lower row).
//   blockMeanAbs(corr, n, stride, blockOf, blocks, threads) -> Promise<Float64Array [blocks, blocks]>: mean |r|
//     over blocks of neurons (blockOf: Int32Array [n], −1 leaves a neuron out).
//   clusterPairHistograms(corr, n, stride, labels, clusters, bins, threads) -> Promise<Uint32Array [clusters, bins]>:
//     per cluster, the histogram of |r| over its member pairs (labels 1 … clusters, bins equal on [0, 1]).
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
  const auto corr = args.typed<Napi::Float32Array>(0);
  BlockMeansJob job;
  job.n = args.count(1);
  job.stride = args.count(2);
  const auto block_of = args.typed<Napi::Int32Array>(3);
  job.blocks = args.count(4, 65536);
  job.threads = args.count(5, 1024);
  if (job.n == 0 || job.stride < job.n || corr.ElementLength() < (job.n - 1) * job.stride + job.n || block_of.ElementLength() != job.n)
    fail(Code::Shape, "blockMeanAbs: corr must hold n rows of stride >= n floats and blockOf one block per neuron");
  job.block_of.assign(block_of.Data(), block_of.Data() + job.n);
  for (int32_t b : job.block_of)
    if (b >= static_cast<int64_t>(job.blocks)) fail(Code::Argument, "blockMeanAbs: blockOf holds a block >= blocks");
  job.corr = corr.Data();
  job.out.resize(job.blocks * job.blocks);
  return queue_job(args.env(), std::move(job), {corr});
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
  const auto corr = args.typed<Napi::Float32Array>(0);
  PairHistogramsJob job;
  job.n = args.count(1);
  job.stride = args.count(2);
  const auto labels = args.typed<Napi::Int32Array>(3);
  job.clusters = args.count(4);
  job.bins = args.count(5, 65536);
  job.threads = args.count(6, 1024);
  if (job.n == 0 || job.bins == 0 || job.stride < job.n || corr.ElementLength() < (job.n - 1) * job.stride + job.n || labels.ElementLength() != job.n)
    fail(Code::Shape, "clusterPairHistograms: corr must hold n rows of stride >= n floats, labels one cluster per neuron, bins >= 1");
  job.labels.assign(labels.Data(), labels.Data() + job.n);
  for (int32_t c : job.labels)
    if (c < 1 || c > static_cast<int64_t>(job.clusters)) fail(Code::Argument, "clusterPairHistograms: labels must be in 1 … clusters");
  job.corr = corr.Data();
  job.out.resize(job.clusters * job.bins);
  return queue_job(args.env(), std::move(job), {corr});
}

}  // namespace

void register_views(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports, {{"columnProfiles", ColumnProfiles}, {"blockMeanAbs", BlockMeanAbs}, {"clusterPairHistograms", ClusterPairHistograms}});
}

}  // namespace ns
