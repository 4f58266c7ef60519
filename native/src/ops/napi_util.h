// Small helpers shared by the ops/*.cc bindings: error translation (guard), exporting functions, SourceInfo to
// JS. Arguments are read with ops/args.h; asynchronous work runs in an ops/job.h job.
#pragma once
#include <napi.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "common/error.h"
#include "io/source.h"
#include "ops/args.h"

namespace ns {

// Runs f, turning C++ errors into JS errors: ns::Error keeps its "[E_CODE] " tag (src/core/errors.ts maps it),
// anything else becomes E_INTERNAL. JS errors raised by node-addon-api pass through unchanged.
template <class F>
auto guard(Napi::Env env, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    throw Napi::Error::New(env, tagged_current_exception());
  }
}

// An addon function that reads its arguments through Args (named after the function in messages).
using Binding = Napi::Value (*)(const Args& args);

// exports[name] = the function running `binding` under guard(), for each { name, binding }.
inline void export_functions(Napi::Env env, Napi::Object exports, std::initializer_list<std::pair<const char*, Binding>> fns) {
  for (const auto& fn : fns) {
    const char* name = fn.first;
    const Binding binding = fn.second;
    auto call = [name, binding](const Napi::CallbackInfo& info) { return guard(info.Env(), [&] { return binding(Args(info, name)); }); };
    exports.Set(name, Napi::Function::New(env, call, name));
  }
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
