// quietStderr(quiet: boolean): while quiet, file descriptor 2 points at /dev/null. Dawn prints a warning to
// stderr for every Mesa lavapipe adapter it enumerates ("maxDynamicUniformBuffersPerPipelineLayout artificially
// reduced ..."), which is noise for a user who never asked for WebGPU (backend 'auto' only looks at the adapter);
// src/gpu/device.ts silences exactly the adapter request with this. A no-op where there is no dup2.
#include <cstdio>

#include "ops/napi_util.h"
#include "ops/ops.h"

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <unistd.h>
#define NS_HAVE_DUP2 1
#endif

namespace ns {

namespace {

#ifdef NS_HAVE_DUP2
int saved_fd = -1;
#endif

Napi::Value QuietStderr(const Napi::CallbackInfo& info) {
  const bool quiet = info.Length() > 0 && info[0].ToBoolean().Value();
#ifdef NS_HAVE_DUP2
  std::fflush(stderr);
  if (quiet && saved_fd < 0) {
    const int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd >= 0) {
      saved_fd = dup(2);
      if (saved_fd >= 0) dup2(null_fd, 2);
      close(null_fd);
    }
  } else if (!quiet && saved_fd >= 0) {
    dup2(saved_fd, 2);
    close(saved_fd);
    saved_fd = -1;
  }
#endif
  return Napi::Boolean::New(info.Env(), quiet);
}

}  // namespace

void register_quiet_stderr(Napi::Env env, Napi::Object exports) {
  exports.Set("quietStderr", Napi::Function::New(env, QuietStderr, "quietStderr"));
}

}  // namespace ns
