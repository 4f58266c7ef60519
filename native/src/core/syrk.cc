// SYRK dispatcher (baseline ISA): picks the kernel once from CPUID, allocates the packed panel, and calls the
// ISA-specific code in core/syrk_{avx512,avx2,generic}.cc (template in core/syrk_impl.h).
#include "core/syrk.h"

#include <cstdlib>
#include <cstring>

#include "core/big_alloc.h"
#include "core/syrk_kernels.h"

namespace ns {
namespace syrk {
namespace {

bool cpu_has(const char* name) {
#ifdef NS_X86
  __builtin_cpu_init();
  if (std::strcmp(name, "avx512") == 0)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (std::strcmp(name, "avx2") == 0)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#endif
  return std::strcmp(name, "generic") == 0;
}

const Kernel& best_kernel() {
#ifdef NS_X86
  if (cpu_has("avx512")) return kAvx512;
  if (cpu_has("avx2")) return kAvx2;
#endif
  return kGeneric;
}

const Kernel& resolve() {
  // NEUROSIEVE_KERNEL forces a variant; an unknown name or one this CPU cannot run falls back to the best one
  // (syrk_kernel_name() then reports what actually runs).
  if (const char* env = std::getenv("NEUROSIEVE_KERNEL")) {
    if (const Kernel* k = find_kernel(env)) return *k;
  }
  return best_kernel();
}

}  // namespace

const Kernel* find_kernel(const char* name) {
  if (!name || !cpu_has(name)) return nullptr;
#ifdef NS_X86
  if (std::strcmp(name, "avx512") == 0) return &kAvx512;
  if (std::strcmp(name, "avx2") == 0) return &kAvx2;
#endif
  if (std::strcmp(name, "generic") == 0) return &kGeneric;
  return nullptr;
}

const Kernel& active_kernel() {
  static const Kernel& k = resolve();
  return k;
}

void syrk_accumulate_with(const Kernel& k, const float* X, size_t rows, size_t D, size_t ld, double* C,
                          ThreadPool& pool, SyrkWorkspace* ws, const float* shift) {
  if (rows == 0 || D == 0) return;
  const size_t cols = (D + k.nr - 1) / k.nr * k.nr;
  const size_t kc = rows < kPanelRows ? rows : kPanelRows;
  const size_t floats = 2 * kc * cols;  // two panels, see syrk_impl.h
  if (ws) {
    k.run(X, rows, D, ld, shift, C, pool, ws->get(floats));
    return;
  }
  SyrkWorkspace local;
  k.run(X, rows, D, ld, shift, C, pool, local.get(floats));
}

}  // namespace syrk

const char* syrk_kernel_name() { return syrk::active_kernel().name; }

void syrk_accumulate(const float* X, size_t rows, size_t D, size_t ld, double* C, ThreadPool& pool,
                     SyrkWorkspace* ws, const float* shift) {
  syrk::syrk_accumulate_with(syrk::active_kernel(), X, rows, D, ld, C, pool, ws, shift);
}

}  // namespace ns
