#include "stats/tiles.h"

#include <algorithm>

#include "core/syrk.h"

namespace ns {

void add_upper_tiles(double* M, size_t D, const float* tiles, size_t tile, size_t bi0, size_t bi1, ThreadPool& pool) {
  const size_t nb = (D + tile - 1) / tile;
  const size_t first = packed_tile_index(bi0, bi0, nb);
  pool.parallel_for(bi1 - bi0, [&](size_t task, size_t) {
    const size_t bi = bi0 + task;
    const size_t i0 = bi * tile, i1 = std::min(D, i0 + tile);
    for (size_t bj = bi; bj < nb; ++bj) {
      const float* T = tiles + (packed_tile_index(bi, bj, nb) - first) * tile * tile;
      const size_t j0 = bj * tile, j1 = std::min(D, j0 + tile);
      for (size_t i = i0; i < i1; ++i) {
        double* row = M + packed_row_offset(i, D) - i;  // row[j] is element (i, j)
        const float* t = T + (i - i0) * tile - j0;      // t[j] is the tile's element (i, j)
        for (size_t j = std::max(i, j0); j < j1; ++j) row[j] += static_cast<double>(t[j]);
      }
    }
  });
}

}  // namespace ns
