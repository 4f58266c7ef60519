// mergeComoments(a, b) and correlationFromComoments(comoment, cols, threads): the exact merge of two
// statistics states (Chan et al. 1982, stats/comoments.h) and Pearson r from a state. Both are synchronous:
// they are a few passes over D^2/2 doubles, well under a second at D = 9984.
#include <cmath>

#include "ops/args.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "stats/check.h"
#include "stats/comoments.h"

namespace ns {

namespace {

struct StateView {
  uint64_t count;
  const double* mean;
  const double* comoment;
  size_t cols;
};

StateView state_arg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (info.Length() <= i || !info[i].IsObject())
    fail(Code::Argument, std::string(fn) + ": argument " + std::to_string(i + 1) + " must be { count, mean, comoment }");
  Napi::Object o = info[i].As<Napi::Object>();
  const double count = o.Get("count").IsNumber() ? o.Get("count").As<Napi::Number>().DoubleValue() : -1;
  if (!(count >= 0) || count != std::floor(count)) fail(Code::Argument, std::string(fn) + ": count must be a non-negative integer");
  const Fields f(o, std::string(fn) + ": ");
  const auto mean = f.typed<Napi::Float64Array>("mean");
  const auto com = f.typed<Napi::Float64Array>("comoment");
  const size_t D = mean.ElementLength();
  if (com.ElementLength() != packed_size(D))
    fail(Code::Shape, std::string(fn) + ": comoment has " + std::to_string(com.ElementLength()) +
                          " elements but a width of " + std::to_string(D) + " needs " + std::to_string(packed_size(D)));
  return {static_cast<uint64_t>(count), mean.Data(), com.Data(), D};
}

Napi::Value MergeComoments(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const StateView a = state_arg(info, 0, "mergeComoments");
    const StateView b = state_arg(info, 1, "mergeComoments");
    if (a.cols != b.cols)
      fail(Code::Width, "cannot merge statistics of " + std::to_string(a.cols) + " and " + std::to_string(b.cols) + " neurons");
    ThreadPool pool(0);
    Comoments s(a.cols);
    s.assign(a.count, a.mean, a.comoment);
    s.merge(b.count, b.mean, b.comoment, pool);
    Napi::Object o = Napi::Object::New(env);
    o.Set("count", static_cast<double>(s.count()));
    o.Set("mean", float64_copy(env, s.mean()));
    o.Set("comoment", float64_from_big(env, s.release_comoment(), packed_size(a.cols)));
    return o;
  });
}

Napi::Value CorrelationFromComoments(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const char* fn = "correlationFromComoments";
    const Args args(info, fn);
    const double cols_d = args.number(1);
    const double threads_d = args.number(2);
    if (!(cols_d >= 1 && cols_d <= (1 << 20)) || cols_d != std::floor(cols_d)) fail(Code::Argument, std::string(fn) + ": cols must be a positive integer");
    if (!(threads_d >= 0 && threads_d <= 1024)) fail(Code::Argument, std::string(fn) + ": threads must be in [0, 1024]");
    if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
      fail(Code::Argument, std::string(fn) + ": comoment must be a Float64Array");
    const size_t D = static_cast<size_t>(cols_d);
    Napi::Float64Array com = info[0].As<Napi::Float64Array>();
    if (com.ElementLength() != packed_size(D))
      fail(Code::Shape, std::string(fn) + ": comoment has " + std::to_string(com.ElementLength()) + " elements, expected " +
                            std::to_string(packed_size(D)) + " for " + std::to_string(D) + " neurons");
    BigBuffer out = big_alloc_zeroed(D * D * sizeof(float));
    try {
      ThreadPool pool(static_cast<size_t>(threads_d));
      correlation_from_comoment(com.Data(), D, static_cast<float*>(out.ptr), pool);
    } catch (...) {
      big_free(out);
      throw;
    }
    return float32_from_big(env, out, D * D);
  });
}

// checkStats(state, name, threads): throws unless the state can be a co-moment state (stats/check.h); `name`
// (a file's path, or what the caller calls the object) starts the message. The count is checked in TS.
Napi::Value CheckStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const StateView s = state_arg(info, 0, "checkStats");
    const Args args(info, "checkStats");
    if (info.Length() < 2 || !info[1].IsString()) fail(Code::Argument, "checkStats: name must be a string");
    const double threads_d = args.number(2);
    if (!(threads_d >= 0 && threads_d <= 1024)) fail(Code::Argument, "checkStats: threads must be in [0, 1024]");
    ThreadPool pool(static_cast<size_t>(threads_d));
    check_stats(info[1].As<Napi::String>().Utf8Value(), s.count, s.mean, s.comoment, s.cols, pool);
    return env.Undefined();
  });
}

}  // namespace

void register_stats(Napi::Env env, Napi::Object exports) {
  exports.Set("mergeComoments", Napi::Function::New(env, MergeComoments, "mergeComoments"));
  exports.Set("checkStats", Napi::Function::New(env, CheckStats, "checkStats"));
  exports.Set("correlationFromComoments", Napi::Function::New(env, CorrelationFromComoments, "correlationFromComoments"));
}

}  // namespace ns
