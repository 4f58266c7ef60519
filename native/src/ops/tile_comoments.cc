// TileComoments: the float64 side of the WebGPU correlation backend. The device computes, per chunk, column
// statistics (shaders/column-means.wgsl) and the shifted co-moment as upper-triangle tiles
// (shaders/syrk-centred.wgsl); this object adds the tiles into a packed float64 co-moment and applies the same
// rank-1 corrections and Chan merge as the native engine (stats/comoments.h), so both backends share the algebra.
//
//   const acc = new TileComoments(cols, threads);
//   acc.addTiles(tiles: Float32Array, tile, bi0, bi1);   // once per output block of a chunk
//   acc.endChunk(rows, columnStats: Float32Array);       // pivot | dev | shift, 3*cols floats
//   acc.result() -> { count, mean, comoment }           // once; the co-moment buffer moves to JS
// Synchronous: at D = 9,984 a chunk's tiles are ~200 MB of float32, a fraction of a second to add.
#include <cmath>
#include <memory>
#include <vector>

#include "ops/args.h"
#include "ops/js_arrays.h"
#include "ops/napi_util.h"
#include "ops/ops.h"
#include "stats/comoments.h"
#include "stats/tiles.h"

namespace ns {

namespace {

class TileComoments : public Napi::ObjectWrap<TileComoments> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "TileComoments",
                       {InstanceMethod<&TileComoments::AddTiles>("addTiles"),
                        InstanceMethod<&TileComoments::EndChunk>("endChunk"),
                        InstanceMethod<&TileComoments::Result>("result")});
  }

  explicit TileComoments(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TileComoments>(info) {
    guard(info.Env(), [&] {
      const Args args(info, "TileComoments");
      const double cols = args.number(0);
      const double threads = args.number(1);
      if (!(cols >= 1 && cols <= (1 << 20)) || cols != std::floor(cols)) fail(Code::Argument, "TileComoments: cols must be a positive integer");
      if (!(threads >= 0 && threads <= 1024)) fail(Code::Argument, "TileComoments: threads must be in [0, 1024]");
      D_ = static_cast<size_t>(cols);
      stats_ = std::make_unique<Comoments>(D_);
      pool_ = std::make_unique<ThreadPool>(static_cast<size_t>(threads));
      mean_.resize(D_);
    });
  }

 private:
  void check_open(const char* fn) const {
    if (!stats_) fail(Code::Argument, std::string("TileComoments.") + fn + ": result() was already taken");
  }

  Napi::Value AddTiles(const Napi::CallbackInfo& info) {
    return guard(info.Env(), [&]() -> Napi::Value {
      const char* fn = "TileComoments.addTiles";
      check_open("addTiles");
      const Args args(info, fn);
      Napi::Float32Array tiles = args.typed<Napi::Float32Array>(0);
      const size_t tile = static_cast<size_t>(args.number(1));
      const size_t bi0 = static_cast<size_t>(args.number(2));
      const size_t bi1 = static_cast<size_t>(args.number(3));
      const size_t nb = tile ? (D_ + tile - 1) / tile : 0;
      if (tile == 0 || bi0 >= bi1 || bi1 > nb) fail(Code::Argument, std::string(fn) + ": bad tile size or tile-row range");
      const size_t need = (packed_tile_index(bi1 - 1, nb - 1, nb) + 1 - packed_tile_index(bi0, bi0, nb)) * tile * tile;
      if (tiles.ElementLength() < need)
        fail(Code::Shape, std::string(fn) + ": " + std::to_string(tiles.ElementLength()) + " floats given, the block needs " + std::to_string(need));
      add_upper_tiles(stats_->comoment(), D_, tiles.Data(), tile, bi0, bi1, *pool_);
      return info.Env().Undefined();
    });
  }

  Napi::Value EndChunk(const Napi::CallbackInfo& info) {
    return guard(info.Env(), [&]() -> Napi::Value {
      const char* fn = "TileComoments.endChunk";
      check_open("endChunk");
      const Args args(info, fn);
      const double rows_d = args.number(0);
      if (!(rows_d >= 1) || rows_d != std::floor(rows_d)) fail(Code::Argument, std::string(fn) + ": rows must be a positive integer");
      Napi::Float32Array cs = args.typed<Napi::Float32Array>(1);
      if (cs.ElementLength() < 3 * D_) fail(Code::Shape, std::string(fn) + ": column statistics need 3*cols floats");
      const float* pivot = cs.Data();
      const float* dev = pivot + D_;
      const float* shift = pivot + 2 * D_;
      for (size_t c = 0; c < D_; ++c) mean_[c] = static_cast<double>(pivot[c]) + static_cast<double>(dev[c]) / rows_d;
      stats_->add_shifted_correction(static_cast<uint64_t>(rows_d), mean_.data(), shift, *pool_);
      return info.Env().Undefined();
    });
  }

  Napi::Value Result(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      check_open("result");
      stats_->flush(*pool_);
      Napi::Object o = Napi::Object::New(env);
      o.Set("count", static_cast<double>(stats_->count()));
      o.Set("mean", float64_copy(env, stats_->mean()));
      o.Set("comoment", float64_from_big(env, stats_->release_comoment(), packed_size(D_)));
      stats_.reset();
      return o;
    });
  }

  size_t D_ = 0;
  std::unique_ptr<Comoments> stats_;
  std::unique_ptr<ThreadPool> pool_;
  std::vector<double> mean_;
};

}  // namespace

void register_tile_comoments(Napi::Env env, Napi::Object exports) {
  exports.Set("TileComoments", TileComoments::Define(env));
}

}  // namespace ns
