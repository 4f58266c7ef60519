#include "cluster/condensed.h"

#include "common/error.h"

namespace ns {

Method parse_method(const std::string& name) {
  if (name == "single") return Method::Single;
  if (name == "complete") return Method::Complete;
  if (name == "average") return Method::Average;
  if (name == "weighted") return Method::Weighted;
  if (name == "ward") return Method::Ward;
  fail(Code::Argument, "unknown linkage method '" + name + "' (expected single, complete, average, weighted or ward)");
}

}  // namespace ns
