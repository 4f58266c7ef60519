// Square tiles of the upper triangle, as the WebGPU SYRK (shaders/syrk-centred.wgsl) writes them, added into a
// packed float64 co-moment.
//
// Tile (bi, bj), bj >= bi, of size tile x tile covers rows [bi*tile, bi*tile + tile) and columns
// [bj*tile, bj*tile + tile); its packed index is t = bi*(2nb - bi + 1)/2 + (bj - bi) with nb = ceil(D / tile), and
// its tile*tile floats (row-major within the tile) start at (t - t(bi0, bi0)) * tile * tile of the block that
// holds tile rows [bi0, bi1). Elements below the diagonal or beyond D are ignored.
#pragma once
#include <cstddef>

#include "core/thread_pool.h"

namespace ns {

// Packed index of tile (bi, bj) among the upper-triangle tiles of an nb x nb grid.
inline size_t packed_tile_index(size_t bi, size_t bj, size_t nb) { return bi * (2 * nb - bi + 1) / 2 + (bj - bi); }

// M += the tiles of tile rows [bi0, bi1). Each task owns one tile row (disjoint rows of M), so the result does
// not depend on the thread count.
void add_upper_tiles(double* M, size_t D, const float* tiles, size_t tile, size_t bi0, size_t bi1, ThreadPool& pool);

}  // namespace ns
