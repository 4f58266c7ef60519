// Tagged errors thrown by the C++ core. The binding turns them into JS errors whose message starts with
// "[CODE] ", and src/core/errors.ts maps that prefix onto NeurosieveError.code. C++ never builds JS values for errors.
#pragma once
#include <exception>
#include <new>
#include <stdexcept>
#include <string>

namespace ns {

// Keep in sync with ErrorCode in src/core/errors.ts.
enum class Code { Io, Format, Dtype, Shape, NonFinite, Width, Empty, Argument, Cancelled, Internal };

inline const char* code_name(Code c) {
  switch (c) {
    case Code::Io: return "E_IO";
    case Code::Format: return "E_FORMAT";
    case Code::Dtype: return "E_DTYPE";
    case Code::Shape: return "E_SHAPE";
    case Code::NonFinite: return "E_NONFINITE";
    case Code::Width: return "E_WIDTH";
    case Code::Empty: return "E_EMPTY";
    case Code::Argument: return "E_ARGUMENT";
    case Code::Cancelled: return "E_CANCELLED";
    case Code::Internal: return "E_INTERNAL";
  }
  return "E_INTERNAL";
}

struct Error : std::runtime_error {
  Code code;
  Error(Code c, const std::string& message) : std::runtime_error(message), code(c) {}
  // What crosses into JS: "[E_FORMAT] data.npy: ...".
  std::string tagged() const { return std::string("[") + code_name(code) + "] " + what(); }
};

[[noreturn]] inline void fail(Code c, const std::string& message) { throw Error(c, message); }

// The tagged message of the exception being handled (call inside a catch block): ns::Error keeps its code,
// std::bad_alloc becomes "[E_INTERNAL] <out_of_memory>", anything else "[E_INTERNAL] <what>".
inline std::string tagged_current_exception(const char* out_of_memory = "out of memory") {
  try {
    throw;
  } catch (const Error& e) {
    return e.tagged();
  } catch (const std::bad_alloc&) {
    return std::string("[E_INTERNAL] ") + out_of_memory;
  } catch (const std::exception& e) {
    return std::string("[E_INTERNAL] ") + e.what();
  } catch (...) {
    return "[E_INTERNAL] unknown exception";
  }
}

}  // namespace ns
