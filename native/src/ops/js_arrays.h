// Results into JS: big native buffers handed over without copying (the typed array takes ownership of the
// BigBuffer), small vectors copied.
#pragma once
#include <napi.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

#include "core/big_alloc.h"

namespace ns {

// A typed array (Napi::Float64Array or Napi::Float32Array) of n elements over b, which it frees when collected.
// V8 refuses an external ArrayBuffer of 4 GiB or more (and Node then runs the finalizer as well as failing, a
// double free if the caller also cleans up: seen with a 32,768-column co-moment). Such a buffer is copied into a
// V8-allocated ArrayBuffer instead, which may be larger, and freed: slower, and the two coexist briefly.
constexpr size_t kMaxExternalBytes = (size_t{1} << 32) - 1;

template <class TypedArray, class T>
TypedArray typed_from_big(Napi::Env env, BigBuffer b, size_t n) {
  if (n * sizeof(T) > kMaxExternalBytes) {
    Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, n * sizeof(T));
    std::memcpy(ab.Data(), b.ptr, n * sizeof(T));
    big_free(b);
    return TypedArray::New(env, n, ab, 0);
  }
  auto hint = std::make_unique<BigBuffer>(b);
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(
      env, b.ptr, n * sizeof(T), [](Napi::Env, void*, BigBuffer* h) { big_free(*h); delete h; }, hint.get());
  hint.release();
  return TypedArray::New(env, n, ab, 0);
}

inline Napi::Float64Array float64_from_big(Napi::Env env, BigBuffer b, size_t n) {
  return typed_from_big<Napi::Float64Array, double>(env, b, n);
}

inline Napi::Float32Array float32_from_big(Napi::Env env, BigBuffer b, size_t n) {
  return typed_from_big<Napi::Float32Array, float>(env, b, n);
}

// A new typed array A (Napi::Float64Array, Napi::Int32Array, ...) holding a copy of v.
template <class A, class T>
A typed_copy(Napi::Env env, const std::vector<T>& v) {
  A a = A::New(env, v.size());
  std::copy(v.begin(), v.end(), a.Data());
  return a;
}

inline Napi::Float64Array float64_copy(Napi::Env env, const std::vector<double>& v) {
  return typed_copy<Napi::Float64Array>(env, v);
}

// A plain object of number fields, e.g. a progress event: numbers_object(env, {{"rows", 10}, {"file", 0}}).
inline Napi::Object numbers_object(Napi::Env env, std::initializer_list<std::pair<const char*, double>> fields) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& [key, value] : fields) o.Set(key, value);
  return o;
}

}  // namespace ns
