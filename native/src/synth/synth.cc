#include "synth/synth.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <numeric>

#include "common/error.h"
#include "core/thread_pool.h"
#include "synth/random.h"

namespace ns {

namespace {

constexpr uint64_t kPlanStream = ~uint64_t(0);

// Rounds a value to what the output dtype stores, so that the truth file can quote stored values exactly.
double round_to_dtype(double v, bool float16) {
  const float f = static_cast<float>(v);
  if (!float16) return f;
  const uint16_t h = float_to_half(f);
  // binary16 -> float, normal numbers and zero only (constants are small and finite).
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  if (exp == 0) return (sign ? -1.0 : 1.0) * man * 0x1p-24;
  uint32_t bits = sign | ((exp + 112) << 23) | (man << 13);
  float out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

std::string os_error(const std::string& path, const std::string& what) {
  return path + ": cannot " + what + " (" + std::strerror(errno) + ")";
}

void pwrite_all(int fd, const void* data, size_t n, uint64_t offset, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      fail(Code::Io, os_error(path, "write"));
    }
    p += w;
    n -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
}

}  // namespace

uint16_t float_to_half(float value) {
  // F. Giesen's round-to-nearest-even conversion (float_to_half_fast3_rtne), all in float32 registers.
  uint32_t f;
  std::memcpy(&f, &value, sizeof f);
  const uint32_t sign = f & 0x80000000u;
  f ^= sign;
  uint32_t o;
  if (f >= (127u + 16u) << 23) {          // >= 65536: inf, or NaN
    o = f > (255u << 23) ? 0x7e00u : 0x7c00u;
  } else if (f < (113u << 23)) {          // below 2^-14: subnormal or zero, rounded by a float addition
    const uint32_t magic_bits = ((127u - 15u) + (23u - 10u) + 1u) << 23;
    float magic, x;
    std::memcpy(&magic, &magic_bits, sizeof magic);
    std::memcpy(&x, &f, sizeof x);
    x += magic;
    uint32_t xb;
    std::memcpy(&xb, &x, sizeof xb);
    o = xb - magic_bits;
  } else {
    const uint32_t odd = (f >> 13) & 1u;
    f += (static_cast<uint32_t>(15 - 127) << 23) + 0xfffu + odd;  // rebias, round half to even
    o = f >> 13;                                                   // may carry into inf: correct
  }
  return static_cast<uint16_t>(o | (sign >> 16));
}

SynthPlan synth_plan(const SynthOptions& o) {
  const uint64_t D = o.neurons;
  if (o.group_size_min < 2 || o.group_size_max < o.group_size_min)
    fail(Code::Argument, "group sizes must satisfy 2 <= min <= max");
  const uint64_t L = o.layers, H = D / L;
  if (o.spanning > 0 && L < 2) fail(Code::Argument, "spanning groups need at least 2 layers");
  if (o.graded > 0 && o.graded_size < 2) fail(Code::Argument, "graded groups need at least 2 members");
  if (o.groups * o.group_size_max + o.constant + o.large_mean + o.graded * o.graded_size + o.spanning * L + o.near_constant +
          o.concepts * o.concept_neurons >
      D)
    fail(Code::Argument, "groups and special neurons do not fit in " + std::to_string(D) + " neurons");
  // A spanning group takes one column in each layer: there must be room in every layer after the other roles,
  // which are spread at random; checked below when the columns are taken.

  Xoshiro256ss rng(o.seed, kPlanStream);
  SynthPlan p;
  p.role.assign(D, static_cast<int32_t>(SynthRole::Independent));
  p.group.assign(D, -1);
  p.kind.assign(D, static_cast<int32_t>(SynthKind::None));
  p.offset.assign(D, o.offset);
  p.a.assign(D, 0.0);
  p.b.assign(D, 1.0);
  p.noise.assign(D, 0.0);
  p.latent.assign(D, -1);
  p.latent2.assign(D, -1);
  p.concept.assign(D, -1);
  p.a2.assign(D, 0.0);

  std::vector<uint64_t> sizes(o.groups);
  for (auto& s : sizes) s = o.group_size_min + rng.below(o.group_size_max - o.group_size_min + 1);

  // Fisher-Yates: role slots are taken from perm in order, so roles land on random columns.
  std::vector<int32_t> perm(D);
  std::iota(perm.begin(), perm.end(), 0);
  for (uint64_t i = D; i > 1; --i) std::swap(perm[i - 1], perm[rng.below(i)]);

  size_t pos = 0;
  p.member_start.push_back(0);
  for (uint64_t g = 0; g < o.groups; ++g) {
    for (uint64_t m = 0; m < sizes[g]; ++m) {
      const int32_t c = perm[pos++];
      p.role[c] = static_cast<int32_t>(SynthRole::Member);
      p.group[c] = static_cast<int32_t>(g);
      p.latent[c] = static_cast<int32_t>(g);
      p.members.push_back(c);
      if (m == 0) {
        p.kind[c] = static_cast<int32_t>(SynthKind::Base);
        p.a[c] = 1.0;
        p.b[c] = 0.0;
        continue;
      }
      const auto kind = static_cast<SynthKind>(1 + rng.below(3));
      const double noise = o.noise_min + rng.uniform() * (o.noise_max - o.noise_min);
      double scale = 1.0;
      if (kind == SynthKind::SignFlip) scale = -1.0;
      if (kind == SynthKind::ScaledCopy) scale = std::exp(std::log(0.25) + rng.uniform() * std::log(16.0));
      p.kind[c] = static_cast<int32_t>(kind);
      p.noise[c] = noise;
      p.a[c] = scale;
      p.b[c] = scale * noise;
    }
    p.member_start.push_back(static_cast<int32_t>(p.members.size()));
  }
  for (uint64_t k = 0; k < o.constant; ++k) {
    const int32_t c = perm[pos++];
    p.role[c] = static_cast<int32_t>(SynthRole::Constant);
    p.offset[c] = round_to_dtype(o.offset + (2 * rng.uniform() - 1), o.float16);
    p.b[c] = 0.0;
  }
  for (uint64_t k = 0; k < o.large_mean; ++k) {
    const int32_t c = perm[pos++];
    p.role[c] = static_cast<int32_t>(SynthRole::LargeMean);
    p.offset[c] = o.offset + o.large_mean_value * (0.9 + 0.2 * rng.uniform());
  }
  p.family.assign(o.groups, -1);
  p.latents = o.groups;

  // Everything below draws from the plan stream only when its option is on, so the plan above (and the data) of
  // options without them is what it always was.
  auto take = [&](uint64_t layer) -> int32_t {  // the next free column, in `layer` if layer < L
    if (layer < L) {
      for (size_t q = pos; q < D; ++q)
        if (static_cast<uint64_t>(perm[q]) / H == layer) {
          std::swap(perm[q], perm[pos]);
          return perm[pos++];
        }
      fail(Code::Argument, "spanning groups need a free neuron in every layer, but layer " + std::to_string(layer) + " is full");
    }
    return perm[pos++];
  };
  auto add_member = [&](int32_t c, uint64_t g, SynthKind kind, double noise, double scale) {
    p.role[c] = static_cast<int32_t>(SynthRole::Member);
    p.group[c] = static_cast<int32_t>(g);
    p.latent[c] = static_cast<int32_t>(g);
    p.kind[c] = static_cast<int32_t>(kind);
    p.noise[c] = noise;
    p.a[c] = scale;
    p.b[c] = scale * noise;
    p.members.push_back(c);
  };
  uint64_t g = o.groups;
  for (uint64_t k = 0; k < o.graded; ++k, ++g) {
    add_member(take(L), g, SynthKind::Base, 0.0, 1.0);
    for (uint64_t m = 1; m < o.graded_size; ++m) {
      // |r| with the base from graded_max (m = 1) down to graded_min (m = size − 1), evenly spaced
      const double rho = o.graded_size == 2 ? o.graded_max
                                            : o.graded_max - (o.graded_max - o.graded_min) * double(m - 1) / double(o.graded_size - 2);
      add_member(take(L), g, SynthKind::NoisyCopy, std::sqrt(1.0 / (rho * rho) - 1.0), 1.0);
    }
    p.member_start.push_back(static_cast<int32_t>(p.members.size()));
    p.family.push_back(-1);
  }
  for (uint64_t k = 0; k < o.spanning; ++k, ++g) {
    const uint64_t first = rng.below(L);  // the base's layer; the members follow in the next layers, wrapping
    add_member(take(first), g, SynthKind::Base, 0.0, 1.0);
    for (uint64_t m = 1; m < L; ++m) {
      const auto kind = static_cast<SynthKind>(1 + rng.below(2));  // noisy copy or sign flip
      const double noise = o.noise_min + rng.uniform() * (o.noise_max - o.noise_min);
      add_member(take((first + m) % L), g, kind, noise, kind == SynthKind::SignFlip ? -1.0 : 1.0);
    }
    p.member_start.push_back(static_cast<int32_t>(p.members.size()));
    p.family.push_back(-1);
  }
  p.latents = g;
  p.scale = p.a;
  if (o.families > 0) {
    // Plain group g belongs to family g mod F: its members load sqrt(1 − w) on their group latent and sqrt(w) on
    // the family latent (scaled like the member).
    const double keep = std::sqrt(1.0 - o.family_weight), share = std::sqrt(o.family_weight);
    for (uint64_t q = 0; q < o.groups; ++q) {
      p.family[q] = static_cast<int32_t>(q % o.families);
      for (int32_t k = p.member_start[q]; k < p.member_start[q + 1]; ++k) {
        const int32_t c = p.members[k];
        p.latent2[c] = static_cast<int32_t>(p.latents + q % o.families);
        p.a2[c] = p.a[c] * share;
        p.a[c] *= keep;
      }
    }
    p.latents += o.families;
  }
  for (uint64_t k = 0; k < o.near_constant; ++k) {
    const int32_t c = take(L);
    p.role[c] = static_cast<int32_t>(SynthRole::NearConstant);
    p.offset[c] = o.offset + (2 * rng.uniform() - 1);
    p.b[c] = o.near_constant_std;
  }
  for (uint64_t k = 0; k < o.concepts; ++k)
    for (uint64_t m = 0; m < o.concept_neurons; ++m) {
      const int32_t c = take(L);
      p.role[c] = static_cast<int32_t>(SynthRole::Concept);
      p.concept[c] = static_cast<int32_t>(k);
      p.a2[c] = o.concept_shift;  // the shift when the row's label is the neuron's class
    }
  if (o.layer_blocks > 0) {
    const double share = std::sqrt(o.layer_blocks), own = std::sqrt(1.0 - o.layer_blocks);
    for (uint64_t c = 0; c < D; ++c) {
      if (p.role[c] != static_cast<int32_t>(SynthRole::Independent)) continue;
      p.latent[c] = static_cast<int32_t>(p.latents + c / H);
      p.a[c] = share;
      p.b[c] = own;
    }
    p.latents += L;
  }
  return p;
}

void synth_write(const SynthOptions& o, const std::string& path, const std::string& name, const std::vector<uint8_t>& header,
                 const std::string& labels_path, const std::vector<uint8_t>& labels_header, const std::atomic<bool>& cancel,
                 const std::function<void(uint64_t)>& progress) {
  const SynthPlan plan = synth_plan(o);
  const uint64_t T = o.tokens, D = o.neurons, L = o.layers, H = D / L, G = plan.latents;
  const bool labelled = o.concepts > 0;
  const size_t esize = o.float16 ? 2 : 4;
  const uint64_t data_bytes = T * D * esize;

  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail(Code::Io, os_error(name, "create output file"));
  int lfd = -1;
  const std::string labels_name = name + " (labels)";
  try {
    if (labelled) {
      lfd = ::open(labels_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (lfd < 0) fail(Code::Io, os_error(labels_name, "create labels file"));
      pwrite_all(lfd, labels_header.data(), labels_header.size(), 0, labels_name);
    }
    pwrite_all(fd, header.data(), header.size(), 0, name);
#if defined(__linux__)
    // Reserve the space up front so a full disk fails now rather than after minutes. Filesystems without
    // fallocate simply skip this (no slow zero-filling emulation as posix_fallocate would do).
    if (data_bytes > 0 && ::fallocate(fd, 0, 0, static_cast<off_t>(header.size() + data_bytes)) != 0 &&
        errno == ENOSPC)
      fail(Code::Io, os_error(name, "reserve " + std::to_string(header.size() + data_bytes) + " bytes"));
#endif

    // Columns that draw a deviate, and the per-column coefficients, packed for the inner loop.
    struct Col {
      double offset, a, b, a2;
      int32_t latent, latent2, concept;
    };
    std::vector<Col> cols(D);
    uint64_t n_noisy = 0;
    for (uint64_t c = 0; c < D; ++c) {
      cols[c] = {plan.offset[c], plan.a[c], plan.b[c], plan.a2[c], plan.latent[c], plan.latent2[c], plan.concept[c]};
      n_noisy += plan.b[c] != 0.0;
    }
    const double tail_scale = o.tail_dof > 0 ? std::sqrt((double(o.tail_dof) - 2.0) / double(o.tail_dof)) : 1.0;

    ThreadPool pool(o.threads);
    const uint64_t blocks = (T + kSynthBlockRows - 1) / kSynthBlockRows;
    const uint64_t block_bytes = kSynthBlockRows * D * esize;
    // A batch is what runs between two progress reports / cancellation checks: ~64 MiB, at least 2 blocks per
    // thread. It has no influence on the bytes written.
    const uint64_t batch = std::max<uint64_t>(2 * pool.size(), (uint64_t(64) << 20) / std::max<uint64_t>(1, block_bytes));
    std::vector<std::vector<float>> fbuf(pool.size());
    std::vector<std::vector<uint16_t>> hbuf(pool.size());
    std::vector<std::vector<double>> zbuf(pool.size()), ebuf(pool.size());
    std::vector<std::vector<int32_t>> ybuf(pool.size());

    // Rows of a block are generated in order from the block's stream, and written in pieces of `piece` rows so
    // that a worker's buffer stays near 16 MiB even for very wide rows (piece = 256 rows up to D ~ 16k).
    const uint64_t piece = std::max<uint64_t>(1, std::min<uint64_t>(kSynthBlockRows, (uint64_t(16) << 20) / (D * 4)));

    auto run_block = [&](uint64_t k, size_t w) {
      if (cancel.load(std::memory_order_relaxed)) fail(Code::Cancelled, name + ": cancelled");
      const uint64_t first = k * kSynthBlockRows, end = std::min(T, first + kSynthBlockRows);
      auto& out = fbuf[w];
      auto& z = zbuf[w];
      auto& e = ebuf[w];
      auto& y = ybuf[w];
      y.resize(piece);
      out.resize(piece * D);
      z.resize(G);
      e.resize(n_noisy);
      Xoshiro256ss rng(o.seed, k);
      for (uint64_t r0 = first; r0 < end; r0 += piece) {
        const uint64_t rows = std::min(piece, end - r0);
        // Layout [L][rows][H]: each layer's slice of the piece is contiguous, one pwrite per layer.
        for (uint64_t r = 0; r < rows; ++r) {
          // Same draw order as described in synth.h: the G latents, then one deviate per noisy column.
          for (uint64_t g = 0; g < G; ++g) z[g] = rng.normal();
          if (o.tail_dof == 0) {
            for (uint64_t i = 0; i < n_noisy; ++i) e[i] = rng.normal();
          } else {
            for (uint64_t i = 0; i < n_noisy; ++i) {
              const double n0 = rng.normal();
              double chi2 = 0;
              for (uint64_t k = 0; k < o.tail_dof; ++k) {
                const double nk = rng.normal();
                chi2 += nk * nk;
              }
              e[i] = n0 / std::sqrt(chi2 / double(o.tail_dof)) * tail_scale;
            }
          }
          const int32_t label = labelled ? static_cast<int32_t>(rng.below(o.concepts)) : -1;
          y[r] = label;
          uint64_t c = 0, i = 0;
          for (uint64_t l = 0; l < L; ++l) {
            float* dst = out.data() + l * rows * H + r * H;
            for (uint64_t h = 0; h < H; ++h, ++c) {
              const Col& col = cols[c];
              double v = col.offset;
              if (col.latent >= 0) v += col.a * z[col.latent];
              if (col.latent2 >= 0) v += col.a2 * z[col.latent2];
              if (col.concept >= 0 && col.concept == label) v += col.a2;
              if (col.b != 0.0) v += col.b * e[i++];
              dst[h] = static_cast<float>(v);
            }
          }
        }
        const void* src = out.data();
        if (o.float16) {
          auto& hb = hbuf[w];
          hb.resize(piece * D);
          for (uint64_t i = 0; i < rows * D; ++i) hb[i] = float_to_half(out[i]);
          src = hb.data();
        }
        for (uint64_t l = 0; l < L; ++l) {
          const uint64_t file_off = header.size() + ((l * T + r0) * H) * esize;
          pwrite_all(fd, static_cast<const char*>(src) + l * rows * H * esize, rows * H * esize, file_off, name);
        }
        if (labelled) pwrite_all(lfd, y.data(), rows * sizeof(int32_t), labels_header.size() + r0 * sizeof(int32_t), labels_name);
      }
    };

    for (uint64_t k0 = 0; k0 < blocks; k0 += batch) {
      if (cancel.load()) fail(Code::Cancelled, name + ": cancelled");
      const uint64_t n = std::min(batch, blocks - k0);
      pool.parallel_for(n, [&](size_t task, size_t w) { run_block(k0 + task, w); });
      progress(std::min(T, (k0 + n) * kSynthBlockRows));
    }
    if (::fsync(fd) != 0) fail(Code::Io, os_error(name, "flush output file"));
    const int rc = ::close(fd);
    fd = -1;  // closed even when close() reports an error: never close it twice (the number may be reused)
    if (rc != 0) fail(Code::Io, os_error(name, "close output file"));
    if (labelled) {
      if (::fsync(lfd) != 0) fail(Code::Io, os_error(labels_name, "flush labels file"));
      const int lrc = ::close(lfd);
      lfd = -1;
      if (lrc != 0) fail(Code::Io, os_error(labels_name, "close labels file"));
    }
  } catch (...) {
    if (fd >= 0) ::close(fd);
    if (lfd >= 0) ::close(lfd);
    ::unlink(path.c_str());
    if (labelled) ::unlink(labels_path.c_str());
    throw;
  }
}

}  // namespace ns
