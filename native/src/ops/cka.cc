// ckaBlockNorms(comoment, offsets, threads) -> Float64Array L x L of ||M_ab||_F^2, the squared Frobenius norms
// of the layer blocks of a packed co-moment triangle (cka/block_norms.h): linear CKA from a stats state in one
// pass, synchronous (one read of D^2/2 doubles). offsets (Uint32Array, L + 1 increasing boundaries ending at
// the width) are checked in src/cka/.
#include "cka/block_norms.h"
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

}  // namespace

void register_cka(Napi::Env env, Napi::Object exports) {
  exports.Set("ckaBlockNorms", Napi::Function::New(env, CkaBlockNorms, "ckaBlockNorms"));
}

}  // namespace ns
