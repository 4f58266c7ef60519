// Weight-mass neuron selection of Dalvi et al. 2019, "What Is One Grain of Sand in the Desert? Analyzing
// Individual Neurons in Deep NLP Models" (AAAI), as NeuroX implements it (linear_probe.get_top_neurons and
// get_bottom_neurons): for class c, sort |W[c, :]| (descending for top, ascending for bottom) and keep the
// shortest prefix whose running sum reaches p · (total mass of the row); when no prefix reaches it (rounding
// at p = 1), the whole row. A prefix always holds at least one neuron (p = 0 keeps the first).
//
// Numerics: |w| of float32 weights summed in float64, in the sort order, and the total is the last running sum
// (NeuroX sums in float32, the total pairwise and the prefix sequentially, so at p = 1 it may keep or drop the
// zero-weight tail depending on rounding; here p = 1 always stops at the last neuron that adds mass).
// Ties in |w| are broken by ascending neuron id (NeuroX: whatever numpy's unstable argsort does).
#pragma once
#include <cstddef>
#include <cstdint>

namespace ns {

// weight: row-major C x D. For every class c: order[c*D .. c*D+D) = neuron ids sorted by |w| (descending when
// !ascending), and prefix[c*F + f] = length of the shortest prefix reaching fractions[f] of the row's mass.
// fractions must lie in [0, 1] and weights must be finite (checked by the caller).
void weight_mass_prefixes(const float* weight, size_t C, size_t D, const double* fractions, size_t F, bool ascending,
                          int32_t* order, int32_t* prefix);

}  // namespace ns
