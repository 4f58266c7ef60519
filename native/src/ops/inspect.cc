// inspect(path, format): a file's header as NativeSourceInfo.
// readRows(path, format, chunkRows): test hook, every row through Source::read in chunks of chunkRows.
#include <cmath>
#include <cstring>
#include <vector>

#include "io/source.h"
#include "ops/args.h"
#include "ops/napi_util.h"
#include "ops/ops.h"

namespace ns {
namespace {

Napi::Value Inspect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const Args args(info, "inspect");
    const std::string path = args.string(0);
    const Format format = args[1].IsUndefined() ? Format::Auto : parse_format(args.string(1));
    auto src = open_source(path, format);
    return source_info_to_js(env, src->info());
  });
}

Napi::Value ReadRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const Args args(info, "readRows");
    const std::string path = args.string(0);
    const Format format = parse_format(args.string(1));
    const double chunk_d = args.number(2);
    if (!(chunk_d >= 1) || chunk_d != std::floor(chunk_d) || chunk_d > 1e9)
      fail(Code::Argument, "readRows: chunkRows must be a positive integer");
    const size_t chunk = static_cast<size_t>(chunk_d);
    auto src = open_source(path, format);
    const size_t cols = src->info().cols;
    // Read with a row stride larger than cols so that callers honouring ld are exercised too.
    const size_t ld = cols + 3;
    std::vector<float> buf(chunk * ld);
    std::vector<float> all;
    if (src->info().rows > 0) all.reserve(static_cast<size_t>(src->info().rows) * cols);
    while (true) {
      const size_t n = src->read(buf.data(), chunk, ld);
      if (n == 0) break;
      if (n > chunk) fail(Code::Internal, path + ": reader returned more rows than asked for");
      for (size_t i = 0; i < n; ++i) all.insert(all.end(), buf.begin() + i * ld, buf.begin() + i * ld + cols);
    }
    if (src->info().rows >= 0 && src->position() != src->info().rows)
      fail(Code::Internal, path + ": read " + std::to_string(src->position()) + " rows, header says " +
                               std::to_string(src->info().rows));
    Napi::Float32Array out = Napi::Float32Array::New(env, all.size());
    if (!all.empty()) std::memcpy(out.Data(), all.data(), all.size() * sizeof(float));
    return out;
  });
}

}  // namespace

void register_inspect(Napi::Env env, Napi::Object exports) {
  exports.Set("inspect", Napi::Function::New(env, Inspect, "inspect"));
  exports.Set("readRows", Napi::Function::New(env, ReadRows, "readRows"));
}

}  // namespace ns
