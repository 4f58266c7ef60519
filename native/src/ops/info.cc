// info(), the FMA peak probe and the syrkChunk test hook.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "core/big_alloc.h"
#include "core/syrk.h"
#include "core/syrk_kernels.h"
#include "core/thread_pool.h"
#include "ops/args.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"

namespace ns {
namespace {

constexpr const char* kVersion = "0.1.0";

[[noreturn]] void arg_error(const std::string& message) { fail(Code::Argument, message); }

// A non-negative integer argument (JS number).
size_t count_arg(const Napi::CallbackInfo& info, size_t index, const char* name, double max) {
  const Napi::Value v = Args(info, name)[index];
  if (!v.IsNumber()) arg_error(std::string(name) + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!is_count(d, max))
    arg_error(std::string(name) + " must be an integer in [0, " + std::to_string(static_cast<long long>(max)) +
              "], got " + std::to_string(d));
  return static_cast<size_t>(d);
}

size_t hardware_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("version", kVersion);
  o.Set("kernel", syrk_kernel_name());
  o.Set("hardwareThreads", static_cast<double>(hardware_threads()));
  return o;
}

// FP32 peak: every thread runs the active ISA's independent-FMA-chains loop in slices until `seconds` have passed;
// the result is all threads' flops over the wall time from the common start to the last thread's end.
double measure_peak(double seconds, size_t threads) {
  const syrk::Kernel& k = syrk::active_kernel();
  constexpr uint64_t kSlice = 1u << 18;  // ~1-2 ms per slice on a current core
  std::vector<double> flops(threads, 0.0);
  std::vector<float> sinks(threads * 16, 0.0f);  // 64 bytes apart: no false sharing
  std::atomic<size_t> ready{0};
  std::atomic<bool> go{false};
  using clock = std::chrono::steady_clock;
  clock::time_point start;
  auto body = [&](size_t t) {
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
    double f = 0;
    float sink = 0;
    do {
      f += k.peak(kSlice, &sink);
      sinks[t * 16] += sink;
    } while (std::chrono::duration<double>(clock::now() - start).count() < seconds);
    flops[t] = f;
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  try {
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(body, t);
  } catch (...) {
    go = true;
    for (auto& th : pool) th.join();
    throw;
  }
  while (ready.load() < threads - 1) std::this_thread::yield();
  start = clock::now();
  go.store(true, std::memory_order_release);
  body(0);
  for (auto& th : pool) th.join();
  const double wall = std::chrono::duration<double>(clock::now() - start).count();
  double total = 0;
  for (size_t t = 0; t < threads; ++t) total += flops[t];
  // The loops cannot be dropped: they are called through a pointer into another file and store into sinks.
  return total / wall / 1e9;
}

Napi::Value MeasurePeakGflops(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsNumber()) arg_error("measurePeakGflops(seconds, threads): seconds must be a number");
    const double seconds = info[0].As<Napi::Number>().DoubleValue();
    if (!std::isfinite(seconds) || seconds <= 0 || seconds > 600)
      arg_error("measurePeakGflops: seconds must be in (0, 600], got " + std::to_string(seconds));
    size_t threads = count_arg(info, 1, "measurePeakGflops: threads", 1024);
    if (threads == 0) threads = hardware_threads();
    return Napi::Number::New(env, measure_peak(seconds, threads));
  });
}

// syrkChunk(x: Float32Array, rows, cols, threads, kernel?: 'generic' | 'avx2' | 'avx512')
//   -> Float64Array, the packed upper triangle of x^T x (length cols(cols+1)/2), through the production kernel
//   (or the forced variant, which must be available on this CPU).
Napi::Value SyrkChunk(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    if (!is_typed<Napi::Float32Array>(Args(info, "syrkChunk")[0]))
      arg_error("syrkChunk(x, rows, cols, threads, kernel?): x must be a Float32Array");
    Napi::Float32Array x = info[0].As<Napi::Float32Array>();
    const size_t rows = count_arg(info, 1, "syrkChunk: rows", 9007199254740991.0);
    const size_t cols = count_arg(info, 2, "syrkChunk: cols", 1 << 20);
    const size_t threads = count_arg(info, 3, "syrkChunk: threads", 1024);
    if (cols != 0 && rows > x.ElementLength() / cols)
      arg_error("syrkChunk: x has " + std::to_string(x.ElementLength()) + " elements, fewer than rows x cols = " +
                std::to_string(rows) + " x " + std::to_string(cols));
    const syrk::Kernel* kernel = &syrk::active_kernel();
    if (info.Length() >= 5 && !info[4].IsUndefined()) {
      if (!info[4].IsString()) arg_error("syrkChunk: kernel must be a string ('generic', 'avx2' or 'avx512')");
      const std::string name = info[4].As<Napi::String>().Utf8Value();
      kernel = syrk::find_kernel(name.c_str());
      if (!kernel) arg_error("syrkChunk: kernel '" + name + "' is unknown or not supported by this CPU");
    }
    const size_t n = packed_size(cols);
    // C in our own zeroed, huge-page-backed memory (see core/big_alloc.h), handed to JS as an external buffer.
    struct Owner {
      BigBuffer b;
      ~Owner() { big_free(b); }
    } owner{big_alloc_zeroed(n * sizeof(double))};
    double* C = static_cast<double*>(owner.b.ptr);
    if (n && rows) {
      ThreadPool pool(threads);
      syrk::syrk_accumulate_with(*kernel, x.Data(), rows, cols, cols, C, pool);
    }
    BigBuffer b = owner.b;
    owner.b = BigBuffer{};  // the typed array owns it now
    return float64_from_big(env, b, n);
  });
}

}  // namespace

void register_info(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("measurePeakGflops", Napi::Function::New(env, MeasurePeakGflops, "measurePeakGflops"));
  exports.Set("syrkChunk", Napi::Function::New(env, SyrkChunk, "syrkChunk"));
}

}  // namespace ns
