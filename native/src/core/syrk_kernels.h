// Internal interface between the SYRK dispatcher (core/syrk.cc, baseline ISA) and the ISA-specific kernels
// (core/syrk_{avx512,avx2,generic}.cc, each compiled with its own flags from the template in core/syrk_impl.h),
// plus the FMA peak probes (core/peak_{avx512,avx2,generic}.cc). Only plain functions and POD cross this
// boundary: nothing compiled with AVX flags may be shared (e.g. an inline template instantiation) with baseline code.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/syrk.h"
#include "core/thread_pool.h"

namespace ns {
namespace syrk {

// Partial sums stay float32 over at most this many rows (one K-panel), then are added into float64 C.
constexpr size_t kPanelRows = 512;

struct Kernel {
  const char* name;
  size_t nr;  // width of a packed micro-panel (columns)
  // C += (X - 1 shift^T)^T (X - 1 shift^T) (upper triangle, packed; shift may be null). panel: caller-owned,
  // 64-byte aligned, >= 2 * min(rows, kPanelRows) * round_up(D, nr) floats (two panel buffers).
  void (*run)(const float* X, size_t rows, size_t D, size_t ld, const float* shift, double* C, ThreadPool& pool,
              float* panel);
  // FMA peak probe: iters x (independent FMA chains) on one thread; returns the flops done (FMA = 2) and writes a
  // value depending on every result to *sink so that nothing can be optimised away.
  double (*peak)(uint64_t iters, float* sink);
};

extern const Kernel kGeneric;
#ifdef NS_X86
extern const Kernel kAvx2;
extern const Kernel kAvx512;
#endif

// Peak probes, one per ISA file (core/peak_*.cc).
double peak_generic(uint64_t iters, float* sink);
#ifdef NS_X86
double peak_avx2(uint64_t iters, float* sink);
double peak_avx512(uint64_t iters, float* sink);
#endif

// The kernel chosen for this process (CPUID, overridable by NEUROSIEVE_KERNEL), resolved once.
const Kernel& active_kernel();
// A named kernel if this CPU can run it, else nullptr ("generic", "avx2", "avx512").
const Kernel* find_kernel(const char* name);
// syrk_accumulate through a given kernel.
void syrk_accumulate_with(const Kernel& k, const float* X, size_t rows, size_t D, size_t ld, double* C,
                          ThreadPool& pool, SyrkWorkspace* ws = nullptr, const float* shift = nullptr);

}  // namespace syrk
}  // namespace ns
