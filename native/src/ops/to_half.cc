// toHalf(src: Float32Array, dst: Uint16Array): float32 -> IEEE float16 bits, round to nearest even (overflow to
// +-Inf, subnormals kept, NaN stays NaN). The WebGPU backend uploads float16 datasets as float16 (half the bytes
// over the bus and through the shaders): their rows arrive from the readers as float32, and converting back is
// exact for them. A loop over every activation, so it lives here rather than in TypeScript.
#include <cstdint>
#include <cstring>

#include "ops/napi_util.h"
#include "ops/ops.h"

namespace ns {

#ifdef NS_X86
size_t to_half_f16c(const float* src, uint16_t* dst, size_t n);  // ops/to_half_avx2.cc
#endif

namespace {

// F16C (with AVX for the 256-bit form) present: decided once.
bool has_f16c() {
#ifdef NS_X86
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
  }();
  return yes;
#else
  return false;
#endif
}

uint16_t float_to_half(float x) {
  uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  const uint32_t sign = (b >> 16) & 0x8000u;
  const uint32_t exp = (b >> 23) & 0xffu;
  uint32_t man = b & 0x7fffffu;
  if (exp == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (man ? 0x200u : 0u));
  const int e = static_cast<int>(exp) - 127 + 15;
  if (e >= 0x1f) return static_cast<uint16_t>(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10) return static_cast<uint16_t>(sign);
    man |= 0x800000u;
    const uint32_t shift = static_cast<uint32_t>(14 - e);
    const uint32_t half = 1u << (shift - 1), rest = man & ((1u << shift) - 1);
    uint32_t m = man >> shift;
    if (rest > half || (rest == half && (m & 1u))) ++m;
    return static_cast<uint16_t>(sign | m);
  }
  const uint32_t rest = man & 0x1fffu;
  uint32_t m = man >> 13;
  uint32_t ex = static_cast<uint32_t>(e);
  if (rest > 0x1000u || (rest == 0x1000u && (m & 1u))) {
    if (++m == 0x400u) {
      m = 0;
      if (++ex >= 0x1fu) return static_cast<uint16_t>(sign | 0x7c00u);
    }
  }
  return static_cast<uint16_t>(sign | (ex << 10) | m);
}

Napi::Value ToHalf(const Napi::CallbackInfo& info) {
  return guard(info.Env(), [&]() -> Napi::Value {
    if (info.Length() < 2 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array ||
        !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint16_array)
      fail(Code::Argument, "toHalf(src, dst): src must be a Float32Array and dst a Uint16Array");
    Napi::Float32Array src = info[0].As<Napi::Float32Array>();
    Napi::Uint16Array dst = info[1].As<Napi::Uint16Array>();
    if (dst.ElementLength() < src.ElementLength()) fail(Code::Shape, "toHalf(src, dst): dst is shorter than src");
    const float* s = src.Data();
    uint16_t* d = dst.Data();
    const size_t n = src.ElementLength();
    size_t i = 0;
#ifdef NS_X86
    if (has_f16c()) i = to_half_f16c(s, d, n);  // same bits as float_to_half below
#endif
    for (; i < n; ++i) d[i] = float_to_half(s[i]);
    return info.Env().Undefined();
  });
}

}  // namespace

void register_to_half(Napi::Env env, Napi::Object exports) {
  exports.Set("toHalf", Napi::Function::New(env, ToHalf, "toHalf"));
}

}  // namespace ns
