// pinSharedLibrary(name: string): boolean. Loads a shared library with RTLD_NODELETE, so no later dlclose (by
// anyone) can unmap it; true if it loaded. src/gpu/device.ts pins Mesa's EGL driver before Dawn's OpenGL
// backend starts: Mesa's llvmpipe leaves its worker threads running when Dawn terminates the EGL display, and
// Dawn then dlcloses libEGL, which (through glvnd) unloads libEGL_mesa and libgallium under those threads. A
// thread that runs afterwards (one that had not been scheduled yet: more likely on a loaded machine) jumps
// into unmapped code and the process dies with SIGSEGV, usually around exit. A no-op without RTLD_NODELETE.
#include <string>

#include "ops/napi_util.h"
#include "ops/ops.h"

#if defined(__unix__)
#include <dlfcn.h>
#endif

namespace ns {

namespace {

Napi::Value PinSharedLibrary(const Napi::CallbackInfo& info) {
  const std::string name = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  bool pinned = false;
#if defined(__unix__) && defined(RTLD_NODELETE)
  // The handle is dropped on purpose: the reference it holds is the point (and NODELETE makes it permanent).
  if (!name.empty()) pinned = dlopen(name.c_str(), RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE) != nullptr;
#endif
  return Napi::Boolean::New(info.Env(), pinned);
}

}  // namespace

void register_pin_library(Napi::Env env, Napi::Object exports) {
  exports.Set("pinSharedLibrary", Napi::Function::New(env, PinSharedLibrary, "pinSharedLibrary"));
}

}  // namespace ns
