// Squared Frobenius norms of the layer blocks of a packed co-moment triangle: the only sums linear CKA needs
// (Kornblith et al. 2019, "Similarity of Neural Network Representations Revisited", eq. for linear CKA:
// CKA(a, b) = ||M_ab||_F^2 / (||M_aa||_F ||M_bb||_F) with M = Xc^T Xc the centred co-moment, whose block M_ab is
// Xa_c^T Xb_c, so ||Xa_c^T Xb_c||_F^2 = tr(Ka Kb) of the centred Grams without forming any n x n Gram).
#pragma once
#include <cstddef>
#include <vector>

#include "core/thread_pool.h"

namespace ns {

// out (L x L, row-major, symmetric) receives ||M_ab||_F^2 for the layers [offsets[a], offsets[a+1]) of the
// packed upper triangle M of width D = offsets[L]. One pass over the triangle; float64 accumulation per row,
// rows summed in a fixed order, so the result does not depend on the thread count.
void block_frobenius2(const double* M, size_t D, const std::vector<size_t>& offsets, double* out, ThreadPool& pool);

}  // namespace ns
