// Small helpers shared by the ops/*.cc bindings: error translation, argument checks, format names.
#pragma once
#include <napi.h>

#include <exception>
#include <new>
#include <string>
#include <utility>

#include "common/error.h"
#include "io/source.h"

namespace ns {

// Runs f, turning C++ errors into JS errors: ns::Error keeps its "[E_CODE] " tag (src/core/errors.ts maps it),
// anything else becomes E_INTERNAL. JS errors raised by node-addon-api pass through unchanged.
template <class F>
auto guard(Napi::Env env, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    throw Napi::Error::New(env, e.tagged());
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "[E_INTERNAL] out of memory");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("[E_INTERNAL] ") + e.what());
  }
}

// 'auto' | 'npy' | 'safetensors' | 'neurox-jsonl'; anything else throws ns::Error(E_ARGUMENT).
inline Format parse_format(const std::string& name) {
  if (name == "auto") return Format::Auto;
  if (name == "npy") return Format::Npy;
  if (name == "safetensors") return Format::Safetensors;
  if (name == "neurox-jsonl") return Format::NeuroxJsonl;
  fail(Code::Argument, "unknown format '" + name + "' (expected auto, npy, safetensors or neurox-jsonl)");
}

// Argument accessors that throw ns::Error(E_ARGUMENT) naming the function and the position.
inline std::string arg_string(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (info.Length() <= i || !info[i].IsString())
    fail(Code::Argument, std::string(fn) + ": argument " + std::to_string(i + 1) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

inline double arg_number(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (info.Length() <= i || !info[i].IsNumber())
    fail(Code::Argument, std::string(fn) + ": argument " + std::to_string(i + 1) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

// SourceInfo as the NativeSourceInfo object of src/core/native-types.ts.
inline Napi::Object source_info_to_js(Napi::Env env, const SourceInfo& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("path", s.path);
  o.Set("format", format_name(s.format));
  o.Set("dtype", s.dtype);
  o.Set("rows", Napi::Number::New(env, static_cast<double>(s.rows)));
  o.Set("cols", Napi::Number::New(env, static_cast<double>(s.cols)));
  o.Set("layers", Napi::Number::New(env, static_cast<double>(s.layers)));
  Napi::Array names = Napi::Array::New(env, s.tensor_names.size());
  for (size_t i = 0; i < s.tensor_names.size(); ++i) names.Set(static_cast<uint32_t>(i), s.tensor_names[i]);
  o.Set("tensorNames", names);
  return o;
}

}  // namespace ns
