// Reading the arguments of the addon's functions: numbers, strings, typed arrays, options objects, format names.
// Options arrive validated from src/ (the public API checks ranges once, in TypeScript); these checks only keep a
// malformed direct call from converting a non-number or reading out of bounds. Each throws ns::Error(E_ARGUMENT)
// naming the function and the position or key: "probeExact: argument 3 must be a non-negative integer",
// "synth: option tokens must be a number".
#pragma once
#include <napi.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "io/source.h"
#include "probe/feature_view.h"

namespace ns {

constexpr double kMaxSafeInteger = 9007199254740991.0;  // 2^53 - 1

// The node-addon-api type of each typed array, and its name in messages.
template <class A>
struct TypedArrayKind;
#define NS_TYPED_ARRAY_KIND(A, T, NAME)                     \
  template <>                                               \
  struct TypedArrayKind<Napi::A> {                          \
    static constexpr napi_typedarray_type type = T;         \
    static constexpr const char* name = NAME;               \
  };
NS_TYPED_ARRAY_KIND(Float32Array, napi_float32_array, "a Float32Array")
NS_TYPED_ARRAY_KIND(Float64Array, napi_float64_array, "a Float64Array")
NS_TYPED_ARRAY_KIND(Int32Array, napi_int32_array, "an Int32Array")
NS_TYPED_ARRAY_KIND(Uint8Array, napi_uint8_array, "a Uint8Array")
NS_TYPED_ARRAY_KIND(Uint16Array, napi_uint16_array, "a Uint16Array")
NS_TYPED_ARRAY_KIND(Uint32Array, napi_uint32_array, "a Uint32Array")
#undef NS_TYPED_ARRAY_KIND

template <class A>
bool is_typed(const Napi::Value& v) {
  return !v.IsEmpty() && v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == TypedArrayKind<A>::type;
}

// An integer d in [0, max] (as a double from JS).
inline bool is_count(double d, double max = kMaxSafeInteger) { return d >= 0 && d <= max && d == std::floor(d); }

// Bytes of a typed array, wherever it starts in its buffer.
inline const uint8_t* typed_bytes(const Napi::TypedArray& a) {
  return static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
}

// Positional arguments of one function call.
class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* fn) : info_(info), fn_(fn) {}

  size_t size() const { return info_.Length(); }
  // Undefined past the end.
  Napi::Value operator[](size_t i) const { return i < info_.Length() ? info_[i] : info_.Env().Undefined(); }

  std::string string(size_t i) const {
    if (!(*this)[i].IsString()) fail_at(i, "a string");
    return (*this)[i].As<Napi::String>().Utf8Value();
  }
  double number(size_t i) const {
    if (!(*this)[i].IsNumber()) fail_at(i, "a number");
    return (*this)[i].As<Napi::Number>().DoubleValue();
  }
  // A non-negative integer up to max.
  size_t count(size_t i, double max = kMaxSafeInteger) const {
    const double d = number(i);
    if (!is_count(d, max)) fail_at(i, "a non-negative integer");
    return static_cast<size_t>(d);
  }
  template <class A>
  A typed(size_t i) const {
    if (!is_typed<A>((*this)[i])) fail_at(i, TypedArrayKind<A>::name);
    return (*this)[i].template As<A>();
  }
  // `what` names the object in the message ("an options object").
  Napi::Object object(size_t i, const char* what) const {
    if (!(*this)[i].IsObject()) fail_at(i, what);
    return (*this)[i].As<Napi::Object>();
  }
  // An optional callback: empty when the argument is not a function.
  Napi::Function callback(size_t i) const {
    return (*this)[i].IsFunction() ? (*this)[i].As<Napi::Function>() : Napi::Function();
  }

  [[noreturn]] void fail_at(size_t i, const std::string& what) const {
    fail(Code::Argument, std::string(fn_) + ": argument " + std::to_string(i + 1) + " must be " + what);
  }

  const char* fn() const { return fn_; }
  Napi::Env env() const { return info_.Env(); }

 private:
  const Napi::CallbackInfo& info_;
  const char* fn_;
};

// The fields of an options object. `prefix` starts every message: "synth: option " gives
// "synth: option tokens must be a number".
class Fields {
 public:
  Fields(Napi::Object o, std::string prefix) : o_(o), prefix_(std::move(prefix)) {}

  Napi::Value operator[](const char* key) const { return o_.Get(key); }

  double number(const char* key) const {
    const Napi::Value v = o_.Get(key);
    if (!v.IsNumber()) fail_at(key, "a number");
    return v.As<Napi::Number>().DoubleValue();
  }
  size_t count(const char* key, double max = kMaxSafeInteger) const {
    const double d = number(key);
    if (!is_count(d, max)) fail_at(key, "a non-negative integer");
    return static_cast<size_t>(d);
  }
  // The string, or `fallback` when the field is not a string.
  std::string string_or(const char* key, const char* fallback) const {
    const Napi::Value v = o_.Get(key);
    return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string(fallback);
  }
  template <class A>
  A typed(const char* key) const {
    const Napi::Value v = o_.Get(key);
    if (!is_typed<A>(v)) fail_at(key, TypedArrayKind<A>::name);
    return v.As<A>();
  }

  [[noreturn]] void fail_at(const char* key, const std::string& what) const {
    fail(Code::Argument, prefix_ + key + " must be " + what);
  }

 private:
  Napi::Object o_;
  std::string prefix_;
};

// Arguments 1–5 of the passes over labelled rows (probe, rank): x (T×D Float32Array, row-major), T, D,
// y (T class ids, Int32Array), C ≤ max_classes. Lengths are the caller's to check; the arrays go into `keep`.
struct LabelledArgs {
  Napi::Float32Array x;
  Napi::Int32Array y;
  size_t T = 0, D = 0, C = 0;
};

inline LabelledArgs labelled_args(const Args& args, std::vector<Napi::Object>& keep, double max_classes = kMaxSafeInteger) {
  LabelledArgs a;
  a.x = args.typed<Napi::Float32Array>(0);
  a.T = args.count(1);
  a.D = args.count(2);
  a.y = args.typed<Napi::Int32Array>(3);
  a.C = args.count(4, max_classes);
  keep.push_back(a.x);
  keep.push_back(a.y);
  return a;
}

// The column view of an object { x, stride?, columns? } (probe/feature_view.h): x holds whole rows of `stride`
// floats (default: cols), `columns` (Uint32Array of cols ids < stride) picks the features; without columns the
// first cols floats of each row. Returns the view and its row count; x (and columns) go into `keep`.
// `what` names the object in messages.
inline std::pair<probe::FeatureView, size_t> feature_view(const Fields& f, size_t cols, const std::string& what,
                                                          std::vector<Napi::Object>& keep) {
  const auto x = f.typed<Napi::Float32Array>("x");
  probe::FeatureView view{x.Data(), cols, nullptr, cols};
  if (!f["stride"].IsUndefined()) view.stride = f.count("stride");
  if (!f["columns"].IsUndefined()) {
    const auto c = f.typed<Napi::Uint32Array>("columns");
    if (c.ElementLength() != cols) fail(Code::Shape, what + ".columns must hold cols ids");
    for (size_t j = 0; j < cols; ++j)
      if (c.Data()[j] >= view.stride) fail(Code::Argument, what + ".columns holds an id >= stride");
    view.columns = c.Data();
    keep.push_back(c);
  } else if (view.stride < cols) {
    fail(Code::Shape, what + ".stride must be >= cols");
  }
  if (view.stride == 0 || x.ElementLength() % view.stride != 0) fail(Code::Shape, what + ".x must hold whole rows of stride floats");
  keep.push_back(x);
  return {view, x.ElementLength() / view.stride};
}

// E_ARGUMENT naming the first of the T ids outside [0, C) (which would index out of bounds).
inline void check_class_ids(const int32_t* y, size_t T, size_t C, const char* fn) {
  for (size_t t = 0; t < T; ++t)
    if (y[t] < 0 || static_cast<size_t>(y[t]) >= C)
      fail(Code::Argument, std::string(fn) + ": class id out of range at row " + std::to_string(t));
}

// 'auto' | 'npy' | 'safetensors' | 'neurox-jsonl' | 'neurox-hdf5' | 'arrow'; anything else throws ns::Error(E_ARGUMENT).
inline Format parse_format(const std::string& name) {
  if (name == "auto") return Format::Auto;
  if (name == "npy") return Format::Npy;
  if (name == "safetensors") return Format::Safetensors;
  if (name == "neurox-jsonl") return Format::NeuroxJsonl;
  if (name == "neurox-hdf5") return Format::NeuroxHdf5;
  if (name == "arrow") return Format::Arrow;
  fail(Code::Argument, "unknown format '" + name + "' (expected auto, npy, safetensors, neurox-jsonl, neurox-hdf5 or arrow)");
}

// options.files of a dataset reader: [{ path, format }], read in order. `fn` names the caller in messages.
inline std::vector<std::pair<std::string, Format>> parse_files(const Napi::Object& o, const std::string& fn) {
  Napi::Value files = o.Get("files");
  if (!files.IsArray()) fail(Code::Argument, fn + ": options.files must be an array");
  Napi::Array arr = files.As<Napi::Array>();
  std::vector<std::pair<std::string, Format>> out;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value f = arr.Get(i);
    if (!f.IsObject() || !f.As<Napi::Object>().Get("path").IsString())
      fail(Code::Argument, fn + ": options.files entries must be { path, format }");
    const Fields fo(f.As<Napi::Object>(), fn + ": options.files[].");
    out.emplace_back(fo.string_or("path", ""), parse_format(fo.string_or("format", "auto")));
  }
  return out;
}

// options.files[].rowBegin / rowEnd (optional, integers, 0 <= begin <= end): the rows [begin, end) of each file
// (a shard of a distributed plan, src/distribute/); absent = the whole file ({0, -1}). Bounds beyond a file's rows
// are found by the reader (stats/stream.cc), which knows the file.
inline std::vector<std::pair<int64_t, int64_t>> parse_row_ranges(const Napi::Object& o, const std::string& fn) {
  Napi::Array arr = o.Get("files").As<Napi::Array>();
  std::vector<std::pair<int64_t, int64_t>> out;
  bool any = false;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Object f = arr.Get(i).As<Napi::Object>();
    int64_t bounds[2] = {0, -1};
    const char* names[2] = {"rowBegin", "rowEnd"};
    for (int k = 0; k < 2; ++k) {
      Napi::Value v = f.Get(names[k]);
      if (v.IsUndefined()) continue;
      const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
      if (!(d >= 0 && d <= 9007199254740991.0 && d == static_cast<double>(static_cast<int64_t>(d))))
        fail(Code::Argument, fn + ": options.files[]." + names[k] + " must be a non-negative integer");
      bounds[k] = static_cast<int64_t>(d);
      any = true;
    }
    if (bounds[1] >= 0 && bounds[1] < bounds[0]) fail(Code::Argument, fn + ": options.files[].rowEnd is before rowBegin");
    out.emplace_back(bounds[0], bounds[1]);
  }
  if (!any) out.clear();
  return out;
}

// options.nan: 'error' (default) or 'zero'; true for 'zero'.
inline bool parse_nan_zero(const Napi::Object& o, const std::string& fn) {
  const std::string nan = Fields(o, "").string_or("nan", "error");
  if (nan != "error" && nan != "zero") fail(Code::Argument, fn + ": options.nan must be 'error' or 'zero'");
  return nan == "zero";
}

}  // namespace ns
