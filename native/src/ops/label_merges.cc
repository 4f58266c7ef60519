// labelMerges(a: Int32Array, b: Int32Array, height: Float64Array, n): scipy's Z from an unsorted merge list
// (cluster/label.h: stable sort by height, union-find relabelling). The WebGPU linkage (src/cluster/linkage-webgpu.ts)
// finds its merges round by round on the device and finishes through this, the same step as the native cores.
// Synchronous: O(n log n) on n - 1 merges (milliseconds at n = 50,000). The TS caller built the list; the
// checks here only keep a malformed list from indexing out of bounds.
#include <vector>

#include "cluster/label.h"
#include "ops/napi_util.h"
#include "ops/ops.h"

namespace ns {

namespace {

Napi::Value LabelMerges(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    auto is = [&](size_t i, napi_typedarray_type t) {
      return info.Length() > i && info[i].IsTypedArray() && info[i].As<Napi::TypedArray>().TypedArrayType() == t;
    };
    if (!is(0, napi_int32_array) || !is(1, napi_int32_array) || !is(2, napi_float64_array) || info.Length() < 4 || !info[3].IsNumber())
      fail(Code::Argument, "labelMerges(a: Int32Array, b: Int32Array, height: Float64Array, n)");
    Napi::Int32Array a = info[0].As<Napi::Int32Array>();
    Napi::Int32Array b = info[1].As<Napi::Int32Array>();
    Napi::Float64Array h = info[2].As<Napi::Float64Array>();
    const int64_t n = info[3].As<Napi::Number>().Int64Value();
    if (n < 2 || static_cast<int64_t>(a.ElementLength()) != n - 1 || b.ElementLength() != a.ElementLength() || h.ElementLength() != a.ElementLength())
      fail(Code::Shape, "labelMerges: expected n - 1 merges");
    std::vector<Merge> merges(n - 1);
    for (int64_t i = 0; i < n - 1; ++i) {
      if (a[i] < 0 || a[i] >= n || b[i] < 0 || b[i] >= n) fail(Code::Internal, "labelMerges: a slot is outside [0, n)");
      merges[i] = {a[i], b[i], h[i]};
    }
    const std::vector<double> Z = label_merges(std::move(merges), n);
    Napi::Float64Array out = Napi::Float64Array::New(env, Z.size());
    std::copy(Z.begin(), Z.end(), out.Data());
    return out;
  });
}

}  // namespace

void register_label_merges(Napi::Env env, Napi::Object exports) {
  exports.Set("labelMerges", Napi::Function::New(env, LabelMerges, "labelMerges"));
}

}  // namespace ns
