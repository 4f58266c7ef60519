// Correlation edges for LLM-scale clustering (edges/tile_edges.h, edges/sparse_linkage.h):
//   tileEdges(comoment, W, a, b, diagonal, tau, bins, threads) -> Promise<{ i, j, r, hist }>
//       a, b: { start, len, first } column blocks of the job's packed W-column co-moment; hist: Float64Array(bins)
//   sortEdges(i, j, r, threads) -> Promise<{ i, j, r }>                 (new arrays, by (i, j))
//   new SparseLinkage(n, i, j, r, method, tau, tMax, maxColumns)
//       .step() -> Uint32Array      (the columns whose co-moment supply() needs; empty: done)
//       .supply(comoment, W)
//       .merges() -> { a: Int32Array, b: Int32Array, height: Float64Array }
//       .certificate() -> { mergesByBounds, mergesAfterRecompute, clusterPairsRecomputed, pairsRecomputed, passes }
//       .flat(t) -> Int32Array      (labels 0, 1, … by each cluster's smallest neuron)
// The clustering object is synchronous: its work between two passes over the data is small next to them.
#include <memory>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "edges/sparse_linkage.h"
#include "edges/tile_edges.h"
#include "ops/args.h"
#include "ops/job.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"

namespace ns {

namespace {

Napi::Object edge_arrays(Napi::Env env, const edges::EdgeList& e) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("i", typed_copy<Napi::Uint32Array>(env, e.i));
  o.Set("j", typed_copy<Napi::Uint32Array>(env, e.j));
  o.Set("r", typed_copy<Napi::Float32Array>(env, e.r));
  return o;
}

struct TileEdgesJob {
  static constexpr JobInfo kJob{"neurosieve.tileEdges", "out of memory while collecting correlation edges"};
  const double* M = nullptr;  // a kept JS array
  size_t W = 0, bins = 0, threads = 0;
  edges::Block a, b;
  bool diagonal = false;
  double tau = 0;
  edges::EdgeList out;
  std::vector<double> hist;

  void execute(const JobContext<NoEvent>&) {
    ThreadPool pool(threads);
    std::vector<uint64_t> h(bins, 0);
    edges::tile_edges(M, W, a, b, diagonal, tau, bins, out, h.data(), pool);
    hist.assign(h.begin(), h.end());
  }
  Napi::Value result(Napi::Env env) {
    Napi::Object o = edge_arrays(env, out);
    o.Set("hist", float64_copy(env, hist));
    return o;
  }
};

edges::Block block_of(const Args& args, size_t i, size_t W) {
  const Fields f(args.object(i, "a block { start, len, first }"), std::string(args.fn()) + ": block ");
  edges::Block b{f.count("start"), f.count("len"), static_cast<uint32_t>(f.count("first", 4294967295.0))};
  if (b.start + b.len > W) fail(Code::Argument, std::string(args.fn()) + ": a block reaches past the co-moment's columns");
  return b;
}

Napi::Value TileEdges(const Args& args) {
  const auto M = args.typed<Napi::Float64Array>(0);
  TileEdgesJob job;
  job.W = args.count(1, 1 << 24);
  if (M.ElementLength() != job.W * (job.W + 1) / 2) fail(Code::Shape, "tileEdges: the co-moment must hold W(W+1)/2 doubles");
  job.a = block_of(args, 2, job.W);
  job.b = block_of(args, 3, job.W);
  job.diagonal = args[4].ToBoolean();
  job.tau = args.number(5);
  job.bins = args.count(6, 1 << 20);
  job.threads = args.count(7, 1024);
  if (!(job.tau > 0 && job.tau <= 1) || job.bins < 1) fail(Code::Argument, "tileEdges: tau must be in (0, 1] and bins >= 1");
  if (!job.diagonal && (job.a.start + job.a.len > job.b.start || uint64_t(job.a.first) + job.a.len > job.b.first))
    fail(Code::Argument, "tileEdges: block a must come before block b, in the co-moment and in neuron ids");
  job.M = M.Data();
  return queue_job(args.env(), job, {M});
}

struct SortEdgesJob {
  static constexpr JobInfo kJob{"neurosieve.sortEdges", "out of memory while sorting correlation edges"};
  edges::EdgeList e;
  void execute(const JobContext<NoEvent>&) { edges::sort_edges(e); }
  Napi::Value result(Napi::Env env) { return edge_arrays(env, e); }
};

Napi::Value SortEdges(const Args& args) {
  const auto i = args.typed<Napi::Uint32Array>(0);
  const auto j = args.typed<Napi::Uint32Array>(1);
  const auto r = args.typed<Napi::Float32Array>(2);
  const size_t n = i.ElementLength();
  if (j.ElementLength() != n || r.ElementLength() != n) fail(Code::Shape, "sortEdges: i, j and r must have one length");
  SortEdgesJob job;
  job.e.i.assign(i.Data(), i.Data() + n);
  job.e.j.assign(j.Data(), j.Data() + n);
  job.e.r.assign(r.Data(), r.Data() + n);
  return queue_job(args.env(), job, {});
}

class SparseLinkageWrap : public Napi::ObjectWrap<SparseLinkageWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "SparseLinkage",
                       {InstanceMethod<&SparseLinkageWrap::Step>("step"), InstanceMethod<&SparseLinkageWrap::Supply>("supply"),
                        InstanceMethod<&SparseLinkageWrap::Merges>("merges"),
                        InstanceMethod<&SparseLinkageWrap::Certificate>("certificate"),
                        InstanceMethod<&SparseLinkageWrap::Flat>("flat")});
  }

  explicit SparseLinkageWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SparseLinkageWrap>(info) {
    guard(info.Env(), [&] {
      const Args args(info, "SparseLinkage");
      const size_t n = args.count(0, 2147483647.0);
      const auto i = args.typed<Napi::Uint32Array>(1);
      const auto j = args.typed<Napi::Uint32Array>(2);
      const auto r = args.typed<Napi::Float32Array>(3);
      const size_t e = i.ElementLength();
      if (j.ElementLength() != e || r.ElementLength() != e) fail(Code::Shape, "SparseLinkage: i, j and r must have one length");
      const Method method = parse_method(args.string(4));
      core_ = std::make_unique<edges::SparseLinkage>(n, i.Data(), j.Data(), r.Data(), e, method, args.number(5), args.number(6),
                                                     args.count(7, 1 << 24));
      n_ = n;
    });
  }

 private:
  Napi::Value Step(const Napi::CallbackInfo& info) {
    return guard(info.Env(), [&]() -> Napi::Value { return typed_copy<Napi::Uint32Array>(info.Env(), core_->step()); });
  }
  Napi::Value Supply(const Napi::CallbackInfo& info) {
    return guard(info.Env(), [&]() -> Napi::Value {
      const Args args(info, "SparseLinkage.supply");
      const auto M = args.typed<Napi::Float64Array>(0);
      const size_t W = args.count(1, 1 << 24);
      if (M.ElementLength() != W * (W + 1) / 2) fail(Code::Shape, "SparseLinkage.supply: the co-moment must hold W(W+1)/2 doubles");
      core_->supply(M.Data(), W);
      return info.Env().Undefined();
    });
  }
  Napi::Value Merges(const Napi::CallbackInfo& info) {
    return guard(info.Env(), [&]() -> Napi::Value {
      const auto& m = core_->merges();
      std::vector<int32_t> a(m.size()), b(m.size());
      std::vector<double> h(m.size());
      for (size_t k = 0; k < m.size(); ++k) a[k] = m[k].a, b[k] = m[k].b, h[k] = m[k].height;
      Napi::Object o = Napi::Object::New(info.Env());
      o.Set("a", typed_copy<Napi::Int32Array>(info.Env(), a));
      o.Set("b", typed_copy<Napi::Int32Array>(info.Env(), b));
      o.Set("height", float64_copy(info.Env(), h));
      return o;
    });
  }
  Napi::Value Certificate(const Napi::CallbackInfo& info) {
    const auto& c = core_->certificate();
    return numbers_object(info.Env(), {{"mergesByBounds", double(c.merges_by_bounds)},
                                       {"mergesAfterRecompute", double(c.merges_after_recompute)},
                                       {"clusterPairsRecomputed", double(c.cluster_pairs_recomputed)},
                                       {"pairsRecomputed", double(c.pairs_recomputed)},
                                       {"passes", double(c.passes)}});
  }
  Napi::Value Flat(const Napi::CallbackInfo& info) {
    return guard(info.Env(), [&]() -> Napi::Value {
      const Args args(info, "SparseLinkage.flat");
      return typed_copy<Napi::Int32Array>(info.Env(), edges::flat_clusters(n_, core_->merges(), args.number(0)));
    });
  }

  std::unique_ptr<edges::SparseLinkage> core_;
  size_t n_ = 0;
};

}  // namespace

void register_edges(Napi::Env env, Napi::Object exports) {
  export_functions(env, exports, {{"tileEdges", TileEdges}, {"sortEdges", SortEdges}});
  exports.Set("SparseLinkage", SparseLinkageWrap::Define(env));
}

}  // namespace ns
