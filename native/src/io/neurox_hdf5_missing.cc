// Built instead of neurox_hdf5_source.cc when CMake found no libhdf5 (native/CMakeLists.txt): the format is
// still known, detected and named, and opening a file says what to install.
#include <string>
#include <vector>

#include "common/error.h"
#include "io/neurox_hdf5_source.h"

namespace ns {
namespace {
[[noreturn]] void no_hdf5(const std::string& path) {
  // The prebuilt binary in the npm package is always this build (native/CMakeLists.txt, NS_PREBUILT): the message
  // names both ways to a build with HDF5.
  fail(Code::Format, path + ": this build has no HDF5 support (the prebuilt binary never has): install libhdf5-dev "
                            "(apt-get install libhdf5-dev) and rebuild (npm run build:native in a clone; npm rebuild "
                            "neurosieve --build-from-source in a project using the package)");
}
}  // namespace

std::unique_ptr<Source> open_neurox_hdf5(const std::string& path) { no_hdf5(path); }
std::unique_ptr<Source> open_neurox_hdf5_layers(const std::string& group, const std::vector<std::string>&) {
  no_hdf5(group);
}
bool have_hdf5() { return false; }

}  // namespace ns
