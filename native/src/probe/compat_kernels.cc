// Picks the compatible trainer's kernel variant: the ISA the addon's SYRK kernel runs (CPUID, overridable by
// NEUROSIEVE_KERNEL), so one process never mixes variants and `neurosieve doctor` names the one in use.
#include "probe/compat_kernels.h"

#include <cstring>

#include "core/syrk_kernels.h"

namespace ns {
namespace probe {

namespace {

const Kernel& resolve() {
#ifdef NS_X86
  const char* name = syrk::active_kernel().name;
  if (std::strcmp(name, "avx512") == 0) return kAvx512;
  if (std::strcmp(name, "avx2") == 0) return kAvx2;
#endif
  return kGeneric;
}

}  // namespace

const Kernel& active_kernel() {
  static const Kernel& k = resolve();
  return k;
}

}  // namespace probe
}  // namespace ns
