// A checked reader for the FlatBuffers binary layout (https://flatbuffers.dev/internals/), enough for Arrow's IPC
// metadata: tables through their vtables, scalars, strings, vectors of tables and of structs. Every offset is
// checked against the buffer before it is followed, so corrupt or hostile metadata throws E_FORMAT naming `what`
// instead of reading out of bounds.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

#include "common/error.h"

namespace ns {

class FbTable {
 public:
  // The root table of a FlatBuffer of `size` bytes at `buf`.
  static FbTable root(const unsigned char* buf, size_t size, const std::string& what) {
    FbTable t(buf, size, 0, what);
    return t.follow(0);
  }

  bool has(int field) const { return slot(field) != 0; }

  template <typename T>
  T scalar(int field, T fallback) const {
    const uint16_t off = slot(field);
    if (off == 0) return fallback;
    return load<T>(pos_ + off);
  }

  // A table field; throws when absent.
  FbTable table(int field, const char* name) const {
    const uint16_t off = slot(field);
    if (off == 0) bad(std::string("missing ") + name);
    return follow(pos_ + off);
  }

  std::string string(int field) const {
    const uint16_t off = slot(field);
    if (off == 0) return "";
    const size_t at = target(pos_ + off);
    const uint32_t n = load<uint32_t>(at);
    need(at + 4, n);
    return std::string(reinterpret_cast<const char*>(buf_ + at + 4), n);
  }

  // A vector field: its element count and the position of element 0 (count 0 when absent).
  struct Vec {
    size_t at = 0;
    uint32_t size = 0;
  };
  Vec vector(int field, size_t element_size) const {
    const uint16_t off = slot(field);
    if (off == 0) return {};
    const size_t at = target(pos_ + off);
    const uint32_t n = load<uint32_t>(at);
    need(at + 4, static_cast<uint64_t>(n) * element_size);
    return {at + 4, n};
  }
  // Element i of a vector of tables.
  FbTable element(const Vec& v, uint32_t i) const { return follow(v.at + 4 * size_t(i)); }

  template <typename T>
  T load(size_t at) const {
    need(at, sizeof(T));
    T v;
    std::memcpy(&v, buf_ + at, sizeof v);  // FlatBuffers are little-endian, as every machine we build for
    return v;
  }

 private:
  FbTable(const unsigned char* buf, size_t size, size_t pos, const std::string& what)
      : buf_(buf), size_(size), pos_(pos), what_(what) {}

  [[noreturn]] void bad(const std::string& why) const { fail(Code::Format, what_ + ": corrupt Arrow metadata (" + why + ")"); }
  void need(size_t at, uint64_t n) const {
    if (at > size_ || n > size_ - at) bad("an offset points outside the metadata");
  }
  // The position a uoffset stored at `at` points to.
  size_t target(size_t at) const {
    const uint32_t rel = load<uint32_t>(at);
    if (rel > size_ - at) bad("an offset points outside the metadata");
    return at + rel;
  }
  // The table a uoffset at `at` points to, with its vtable checked.
  FbTable follow(size_t at) const {
    FbTable t(buf_, size_, target(at), what_);
    const int32_t soff = t.load<int32_t>(t.pos_);
    const int64_t vt = static_cast<int64_t>(t.pos_) - soff;
    if (vt < 0 || static_cast<uint64_t>(vt) + 4 > size_) bad("a vtable lies outside the metadata");
    t.vtable_ = static_cast<size_t>(vt);
    t.vsize_ = t.load<uint16_t>(t.vtable_);
    t.tsize_ = t.load<uint16_t>(t.vtable_ + 2);
    if (t.vsize_ < 4 || t.vsize_ % 2) bad("a vtable has an odd size");
    t.need(t.vtable_, t.vsize_);
    t.need(t.pos_, t.tsize_);
    return t;
  }
  uint16_t slot(int field) const {
    const size_t at = 4 + 2 * size_t(field);
    if (at + 2 > vsize_) return 0;
    const uint16_t off = load<uint16_t>(vtable_ + at);
    if (off != 0 && off >= tsize_) bad("a field lies outside its table");
    return off;
  }

  const unsigned char* buf_;
  size_t size_;
  size_t pos_;
  std::string what_;
  size_t vtable_ = 0;
  uint16_t vsize_ = 0, tsize_ = 0;
};

}  // namespace ns
