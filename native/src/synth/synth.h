// Synthetic activations with planted redundancy: the generator behind `neurosieve synth` (src/synth/synth.ts).
//
// Model. Every neuron (column) c gets a role, and row t holds
//     x[t, c] = offset[c] + a[c] * z[t, group[c]] + b[c] * e[t, c]
// with z (one latent per group) and e (one per column) independent standard normals, and
//   - group member, base:         a = 1,  b = 0                     (x = z: the group's latent itself)
//   - group member, noisy copy:   a = 1,  b = noise                 (x = z + noise·e)
//   - group member, sign flip:    a = -1, b = noise                 (x = -(z + noise·e))
//   - group member, scaled copy:  a = s,  b = s·noise, s log-uniform in [1/4, 4)
//   - independent:                a = 0,  b = 1
//   - constant:                   a = 0,  b = 0, offset = its value (rounded to the output dtype)
//   - large mean:                 a = 0,  b = 1, offset = large_mean_value · U[0.9, 1.1)
// plus the global `offset` added to every column. Within a group, r(member, base) = sign(a)/sqrt(1 + noise²),
// and r(i, j) = sign(a_i)·sign(a_j)/sqrt((1 + noise_i²)(1 + noise_j²)); across groups and for the other roles
// r = 0.
//
// Richer truth (every option below off = the model above, the same bytes as before they existed):
//   - families (nested groups): the plain groups are dealt round-robin into F families; a member's latent is
//     z_g = sqrt(w)·f[family] + sqrt(1 − w)·u_g (unit variance: within-group r unchanged), so members of two
//     groups of one family correlate at w·sign·ρ_i·ρ_j, with ρ = 1/sqrt(1 + noise²);
//   - graded groups: a base and members whose |r| with it runs evenly from graded_max down to graded_min
//     (noise = sqrt(1/ρ² − 1)), so a cut at t keeps only the members with pairwise |r| ≥ 1 − t together;
//   - spanning groups: one member per layer, in every layer (a feature carried across layers);
//   - near-constant:   a = 0, b = near_constant_std, offset = its value (uniform in [−1, 1) + offset);
//   - concept:         x = offset + shift·[y_t = class] + e, with y_t a label drawn per row, uniform over
//     `concepts` classes (written to the labels file);
//   - layer blocks:    independent neurons of layer l get a = sqrt(λ) on a latent of their layer and
//     b = sqrt(1 − λ): r = λ between two of them in one layer, 0 across layers;
//   - tail_dof ν > 0:  every e is Student-t with ν degrees of freedom scaled to unit variance,
//     e = n_0 / sqrt((n_1² + … + n_ν²)/ν) · sqrt((ν − 2)/ν): heavy tails, the same population correlations.
// Latents of a row, in draw order: the G plain group latents, the graded then spanning group latents, the family
// latents, the layer latents (with λ > 0); then the deviates (1 + ν normals each with tails), then the label.
//
// Determinism. The plan (roles, the seeded permutation that spreads them over the columns, kinds, noise, scales)
// comes from one xoshiro256** stream, number 2^64 - 1, of the seed. Rows are generated in fixed blocks of
// kSynthBlockRows rows; block k uses its own stream k (SplitMix64-seeded, see synth/random.h) and draws, row by
// row, the G group latents and then one deviate per column with b != 0, in column order. So the bytes depend on
// the seed and the options only: not on the thread count, nor on how blocks are batched for writing.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ns {

constexpr uint64_t kSynthBlockRows = 256;  // part of the stream definition: changing it changes the data

struct SynthOptions {
  uint64_t tokens = 0;
  uint64_t neurons = 0;
  uint64_t layers = 1;  // > 1: the file is [layers, tokens, neurons / layers]
  uint64_t groups = 0;
  uint64_t group_size_min = 2, group_size_max = 2;
  double noise_min = 0, noise_max = 0;
  uint64_t constant = 0;
  uint64_t large_mean = 0;
  double large_mean_value = 1e4;
  double offset = 0;
  uint64_t seed = 0;
  bool float16 = false;
  // Richer truth; all 0 = the original model and stream.
  uint64_t families = 0;
  double family_weight = 0.5;
  uint64_t graded = 0, graded_size = 6;
  double graded_min = 0.3, graded_max = 0.99;
  uint64_t spanning = 0;
  uint64_t near_constant = 0;
  double near_constant_std = 1e-3;
  uint64_t concepts = 0, concept_neurons = 2;
  double concept_shift = 3;
  double layer_blocks = 0;
  uint64_t tail_dof = 0;
  size_t threads = 0;  // 0 = every hardware thread; never changes the output
};

enum class SynthRole : int32_t { Independent = 0, Member = 1, Constant = 2, LargeMean = 3, NearConstant = 4, Concept = 5 };
enum class SynthKind : int32_t { None = -1, Base = 0, NoisyCopy = 1, SignFlip = 2, ScaledCopy = 3 };

struct SynthPlan {
  // Per column.
  std::vector<int32_t> role;   // SynthRole
  std::vector<int32_t> group;  // group id, or -1
  std::vector<int32_t> kind;   // SynthKind (None outside groups)
  std::vector<double> offset, a, b, noise;
  // Second loading (a family or layer latent; −1 = none), the concept class (−1) and its shift.
  std::vector<int32_t> latent, latent2, concept;
  std::vector<double> a2;
  std::vector<double> scale;  // a member's scale_i (a before the family split); a elsewhere
  // Per group: members, base first, at member_start[g] .. member_start[g + 1]; and its family (−1 = none).
  std::vector<int32_t> members;
  std::vector<int32_t> member_start;
  std::vector<int32_t> family;
  uint64_t latents = 0;  // latents per row (G + graded + spanning + families + layer latents)
};

// Throws ns::Error(E_ARGUMENT) if the groups and special neurons do not fit in `neurons`.
SynthPlan synth_plan(const SynthOptions& o);

// Writes `header` and then the data to a new file `path` (which must not exist), with pwrite from a thread pool,
// memory bounded by a few blocks per thread. Calls progress(rows done) after every batch from the calling thread.
// Error messages name the file `name` (the final output, when `path` is a temporary name for it).
// Stops with ns::Error(E_CANCELLED) once `cancel` is set. On any failure the file is removed before rethrowing.
// With o.concepts > 0, the row labels (int32) go to `labels_path` after `labels_header`, the same way.
void synth_write(const SynthOptions& o, const std::string& path, const std::string& name, const std::vector<uint8_t>& header,
                 const std::string& labels_path, const std::vector<uint8_t>& labels_header, const std::atomic<bool>& cancel,
                 const std::function<void(uint64_t rows)>& progress);

// IEEE binary16 nearest (ties to even), saturating to +-inf beyond 65504 like numpy's astype(float16).
uint16_t float_to_half(float f);

}  // namespace ns
