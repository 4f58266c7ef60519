// libFuzzer target: the npy reader (native/src/io) on arbitrary bytes (source_target.h).
#include "source_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz::read_whole(data, size, ".npy", ns::Format::Npy);
}
