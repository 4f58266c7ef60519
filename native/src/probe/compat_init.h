// The compatible probe's seeded initialisation: W (classes × cols, row-major) then b, each element uniform in
// [−1/sqrt(D), 1/sqrt(D)) as torch.nn.Linear's default init (kaiming_uniform with a = sqrt(5) gives that bound
// for W; the bias uses the same bound). Drawn from xoshiro256** (synth/random.h), stream kInitStream of `seed`,
// in order W[0, 0], W[0, 1], …, W[C−1, D−1], b[0], …, b[C−1]: w = float32(bound·(2u − 1)) with u a 53-bit
// uniform in [0, 1). Rounding to float32 can reach ±float32(bound) itself, never beyond.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ns {
namespace probe {

constexpr uint64_t kInitStream = 0x70726f6265ull;  // "probe"

void compat_init(size_t classes, size_t cols, uint64_t seed, float* weight, float* bias);

}  // namespace probe
}  // namespace ns
