// ckaBlockNorms(comoment, offsets, threads) -> Float64Array L x L of ||M_ab||_F^2, the squared Frobenius norms
// of the layer blocks of a packed co-moment triangle (cka/block_norms.h): linear CKA from a stats state in one
// pass, synchronous (one read of D^2/2 doubles). offsets (Uint32Array, L + 1 increasing boundaries ending at
// the width) are checked in src/cka/.
// ckaLayerSums(x, rows, cols, offsets, threads) -> { shift, q, P, R }: debiased CKA's per-row layer sums
// (cka/layer_sums.h) of a finite row-major float32 matrix in memory (one minibatch), about its column means.
#include "cka/block_norms.h"
#include "cka/layer_sums.h"
#include "stats/comoments.h"
#include "core/syrk.h"
#include "ops/args.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"

namespace ns {

namespace {

Napi::Value CkaBlockNorms(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const Args args(info, "ckaBlockNorms");
    const auto com = args.typed<Napi::Float64Array>(0);
    const auto off = args.typed<Napi::Uint32Array>(1);
    const size_t threads = args.count(2, 1024);
    std::vector<size_t> offsets(off.Data(), off.Data() + off.ElementLength());
    if (offsets.size() < 2 || offsets.front() != 0) fail(Code::Argument, "ckaBlockNorms: offsets must start at 0 and hold at least 2 boundaries");
    for (size_t k = 1; k < offsets.size(); ++k)
      if (offsets[k] <= offsets[k - 1]) fail(Code::Argument, "ckaBlockNorms: offsets must increase");
    const size_t D = offsets.back();
    if (com.ElementLength() != packed_size(D))
      fail(Code::Shape, "ckaBlockNorms: comoment has " + std::to_string(com.ElementLength()) + " elements but a width of " +
                            std::to_string(D) + " needs " + std::to_string(packed_size(D)));
    const size_t L = offsets.size() - 1;
    std::vector<double> out(L * L);
    ThreadPool pool(threads);
    block_frobenius2(com.Data(), D, offsets, out.data(), pool);
    return float64_copy(env, out);
  });
}

Napi::Value CkaLayerSums(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const Args args(info, "ckaLayerSums");
    const auto x = args.typed<Napi::Float32Array>(0);
    const size_t rows = args.count(1);
    const size_t cols = args.count(2);
    const auto off = args.typed<Napi::Uint32Array>(3);
    const size_t threads = args.count(4, 1024);
    std::vector<size_t> offsets(off.Data(), off.Data() + off.ElementLength());
    if (rows < 1 || x.ElementLength() != rows * cols || offsets.size() < 2 || offsets.front() != 0 || offsets.back() != cols)
      fail(Code::Shape, "ckaLayerSums: x must hold rows * cols floats and offsets run from 0 to cols");
    ThreadPool pool(threads);
    std::vector<double> mean(cols);
    column_means(x.Data(), rows, cols, cols, mean.data(), pool);
    LayerSums sums(offsets);
    sums.add_chunk(x.Data(), rows, cols, mean.data(), pool);
    Napi::Object o = Napi::Object::New(env);
    o.Set("shift", float64_copy(env, sums.shift()));
    o.Set("q", float64_copy(env, sums.q()));
    o.Set("P", float64_copy(env, sums.P()));
    o.Set("R", float64_copy(env, sums.R()));
    return o;
  });
}

}  // namespace

void register_cka(Napi::Env env, Napi::Object exports) {
  exports.Set("ckaBlockNorms", Napi::Function::New(env, CkaBlockNorms, "ckaBlockNorms"));
  exports.Set("ckaLayerSums", Napi::Function::New(env, CkaLayerSums, "ckaLayerSums"));
}

}  // namespace ns
