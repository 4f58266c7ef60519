#include "io/npy_source.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "common/error.h"
#include "io/block_source.h"
#include "io/file.h"

namespace ns {
namespace {

// A value of the Python literal subset numpy writes into .npy headers.
struct PyValue {
  enum Kind { Str, Int, Bool, None, Tuple, List, Dict } kind = None;
  std::string str;
  int64_t num = 0;
  bool flag = false;
  std::vector<PyValue> items;                         // Tuple, List
  std::vector<std::pair<std::string, PyValue>> dict;  // Dict (string keys only)
};

class PyParser {
 public:
  PyParser(const std::string& path, const std::string& text) : path_(path), s_(text) {}

  PyValue parse_document() {
    PyValue v = value(0);
    ws();
    if (i_ != s_.size()) error("unexpected text after the header dict");
    return v;
  }

 private:
  [[noreturn]] void error(const std::string& what) const {
    fail(Code::Format, path_ + ": malformed .npy header: " + what + " at character " + std::to_string(i_) +
                           " in " + quote_header());
  }
  std::string quote_header() const {
    std::string h = s_;
    while (!h.empty() && (h.back() == ' ' || h.back() == '\n')) h.pop_back();
    if (h.size() > 200) h = h.substr(0, 200) + "...";
    return "'" + h + "'";
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool peek(char c) {
    ws();
    return i_ < s_.size() && s_[i_] == c;
  }
  void expect(char c) {
    if (!peek(c)) error(std::string("expected '") + c + "'");
    ++i_;
  }
  bool word(const char* w) {
    size_t n = std::strlen(w);
    if (s_.compare(i_, n, w) != 0) return false;
    size_t j = i_ + n;
    if (j < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '_')) return false;
    i_ = j;
    return true;
  }

  PyValue value(int depth) {
    if (depth > 32) error("nesting too deep");
    ws();
    if (i_ >= s_.size()) error("unexpected end of header");
    PyValue v;
    char c = s_[i_];
    if (c == '\'' || c == '"') {
      v.kind = PyValue::Str;
      v.str = string_lit();
    } else if (c == '{') {
      v.kind = PyValue::Dict;
      ++i_;
      while (!peek('}')) {
        ws();
        if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"')) error("expected a string key");
        std::string key = string_lit();
        for (auto& kv : v.dict)
          if (kv.first == key) error("duplicate key '" + key + "'");
        expect(':');
        v.dict.emplace_back(std::move(key), value(depth + 1));
        if (peek(',')) {
          ++i_;
          continue;
        }
        if (!peek('}')) error("expected ',' or '}'");
      }
      ++i_;
    } else if (c == '(' || c == '[') {
      const char close = c == '(' ? ')' : ']';
      v.kind = c == '(' ? PyValue::Tuple : PyValue::List;
      ++i_;
      bool comma = false;
      while (!peek(close)) {
        v.items.push_back(value(depth + 1));
        comma = false;
        if (peek(',')) {
          ++i_;
          comma = true;
          continue;
        }
        if (!peek(close)) error(std::string("expected ',' or '") + close + "'");
      }
      ++i_;
      // (x) without a comma is just a parenthesised value in Python.
      if (v.kind == PyValue::Tuple && v.items.size() == 1 && !comma) return std::move(v.items[0]);
    } else if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
      v.kind = PyValue::Int;
      bool neg = false;
      if (c == '-' || c == '+') {
        neg = c == '-';
        ++i_;
      }
      if (i_ >= s_.size() || !(s_[i_] >= '0' && s_[i_] <= '9')) error("expected a digit");
      uint64_t n = 0;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
        if (n > (uint64_t(std::numeric_limits<int64_t>::max()) - 9) / 10) error("integer too large");
        n = n * 10 + static_cast<uint64_t>(s_[i_++] - '0');
      }
      if (i_ < s_.size() && (s_[i_] == 'L' || s_[i_] == 'l')) ++i_;  // Python 2 long suffix
      if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) error("expected an integer");
      v.num = neg ? -static_cast<int64_t>(n) : static_cast<int64_t>(n);
    } else if (word("True")) {
      v.kind = PyValue::Bool;
      v.flag = true;
    } else if (word("False")) {
      v.kind = PyValue::Bool;
      v.flag = false;
    } else if (word("None")) {
      v.kind = PyValue::None;
    } else {
      error(std::string("unexpected character '") + c + "'");
    }
    return v;
  }

  std::string string_lit() {
    const char q = s_[i_++];
    std::string out;
    while (true) {
      if (i_ >= s_.size()) error("unterminated string");
      char c = s_[i_++];
      if (c == q) break;
      if (c == '\\') {
        if (i_ >= s_.size()) error("unterminated string");
        char e = s_[i_++];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '0': out += '\0'; break;
          default: out += e; break;  // \\ \' \" and anything else verbatim
        }
        continue;
      }
      out += c;
    }
    return out;
  }

  const std::string& path_;
  const std::string& s_;
  size_t i_ = 0;
};

const PyValue* find_key(const PyValue& d, const char* key) {
  for (auto& kv : d.dict)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) s += ",";
  return s + ")";
}

const char* kSupported = "supported: '<f4' (float32), '<f2' (float16), '<f8' (float64), little-endian";

// "float32" for kind "float" and item size "4"; the size comes from the file, so anything that is not a short
// run of digits (a lying header: "<f81152134988784335!") is named as written instead of multiplied out.
std::string sized_name(const char* kind, const std::string& size) {
  const bool digits = !size.empty() && size.size() <= 3 &&
                      std::all_of(size.begin(), size.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return std::string(kind) + " of item size '" + size + "'";
  return kind + std::to_string(std::stoi(size) * 8);
}

Dtype parse_descr(const std::string& path, const PyValue& descr) {
  if (descr.kind != PyValue::Str)
    fail(Code::Dtype, path + ": structured or record dtypes are not supported (" + std::string(kSupported) + ")");
  const std::string& d = descr.str;
  if (d.size() < 2) fail(Code::Dtype, path + ": unknown dtype '" + d + "' (" + kSupported + ")");
  char order = d[0];
  std::string rest = d.substr(1);
  if (order != '<' && order != '>' && order != '=' && order != '|') {
    order = '=';
    rest = d;
  }
  const char kind = rest[0];
  const std::string size = rest.substr(1);
  std::string name;
  switch (kind) {
    case 'f': name = sized_name("float", size); break;
    case 'i': name = sized_name("int", size); break;
    case 'u': name = sized_name("uint", size); break;
    case 'b': name = "bool"; break;
    case 'c': name = sized_name("complex", size); break;
    case 'U': name = "unicode string"; break;
    case 'S': name = "byte string"; break;
    case 'O': name = "Python object"; break;
    case 'V': name = "void/raw"; break;
    case 'M': name = "datetime64"; break;
    case 'm': name = "timedelta64"; break;
    default: name = "unknown"; break;
  }
  if (kind != 'f' || (size != "2" && size != "4" && size != "8"))
    fail(Code::Dtype, path + ": dtype '" + d + "' (" + name + ") is not supported (" + kSupported +
                          "); convert with arr.astype('<f4')");
  if (order == '>' || (order == '=' && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__))
    fail(Code::Dtype, path + ": big-endian dtype '" + d + "' is not supported (" + kSupported +
                          "); convert with arr.astype('<f" + size + "')");
  return size == "2" ? Dtype::F16 : size == "4" ? Dtype::F32 : Dtype::F64;
}

uint32_t le32(const unsigned char* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24); }

}  // namespace

std::unique_ptr<Source> open_npy(const std::string& path) {
  File file(path);
  const uint64_t fsize = file.size();
  if (fsize == 0) fail(Code::Format, path + ": empty file (0 bytes), not a .npy file");
  unsigned char pre[12] = {};
  const size_t got = file.pread_some(pre, sizeof pre, 0);
  if (got < 6 || std::memcmp(pre, "\x93NUMPY", 6) != 0)
    fail(Code::Format, path + ": not a .npy file (missing the \\x93NUMPY magic)");
  if (got < 10) fail(Code::Format, path + ": truncated .npy preamble (" + std::to_string(fsize) + " bytes)");
  const int major = pre[6], minor = pre[7];
  uint64_t header_len, header_start;
  if (major == 1) {
    header_len = pre[8] | (pre[9] << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (got < 12) fail(Code::Format, path + ": truncated .npy preamble (" + std::to_string(fsize) + " bytes)");
    header_len = le32(pre + 8);
    header_start = 12;
  } else {
    fail(Code::Format, path + ": unsupported .npy format version " + std::to_string(major) + "." +
                           std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)");
  }
  if (header_start + header_len > fsize)
    fail(Code::Format, path + ": truncated: the .npy header claims " + std::to_string(header_len) +
                           " bytes but the file holds only " + std::to_string(fsize - header_start) + " after the preamble");
  std::string header(header_len, '\0');
  file.pread_exact(header.data(), header_len, header_start, ".npy header");
  // Versions 1 and 2 are latin-1, version 3 is UTF-8: either way the keys and values we need are ASCII.

  PyValue dict = PyParser(path, header).parse_document();
  if (dict.kind != PyValue::Dict) fail(Code::Format, path + ": malformed .npy header: not a dict");
  const PyValue* descr = find_key(dict, "descr");
  const PyValue* fortran = find_key(dict, "fortran_order");
  const PyValue* shape_v = find_key(dict, "shape");
  if (!descr || !fortran || !shape_v)
    fail(Code::Format, path + ": malformed .npy header: needs the keys 'descr', 'fortran_order' and 'shape'");
  if (fortran->kind != PyValue::Bool)
    fail(Code::Format, path + ": malformed .npy header: 'fortran_order' must be True or False");
  // "(5)" parses as the int 5: numpy never writes it, but read it as the 1-D shape it means.
  if (shape_v->kind != PyValue::Tuple && shape_v->kind != PyValue::List && shape_v->kind != PyValue::Int)
    fail(Code::Format, path + ": malformed .npy header: 'shape' must be a tuple of integers");
  std::vector<int64_t> shape;
  if (shape_v->kind == PyValue::Int) {
    shape.push_back(shape_v->num);
  } else {
    for (const PyValue& d : shape_v->items) {
      if (d.kind != PyValue::Int || d.num < 0)
        fail(Code::Format, path + ": malformed .npy header: 'shape' must hold non-negative integers");
      shape.push_back(d.num);
    }
  }
  const Dtype dtype = parse_descr(path, *descr);
  if (fortran->flag)
    fail(Code::Format, path + ": Fortran order is not supported; save with np.ascontiguousarray");
  if (shape.size() != 2 && shape.size() != 3)
    fail(Code::Shape, path + ": shape " + shape_text(shape) + " has " + std::to_string(shape.size()) +
                          " dimension(s); expected 2-D [tokens, neurons] or 3-D [layers, tokens, neurons]");

  // Expected data size, with overflow checks.
  const uint64_t es = dtype_size(dtype);
  uint64_t elems = 1;
  for (int64_t d : shape) {
    if (d != 0 && elems > std::numeric_limits<uint64_t>::max() / 8 / static_cast<uint64_t>(d))
      fail(Code::Format, path + ": shape " + shape_text(shape) + " is too large");
    elems *= static_cast<uint64_t>(d);
  }
  const uint64_t expected = elems * es;
  const uint64_t data_start = header_start + header_len;
  const uint64_t found = fsize - data_start;
  if (found < expected)
    fail(Code::Format, path + ": truncated: expected " + std::to_string(expected) + " bytes of data, found " +
                           std::to_string(found) + " (shape " + shape_text(shape) + ", " + dtype_name(dtype) + ")");
  if (found > expected)
    fail(Code::Shape, path + ": header shape " + shape_text(shape) + " (" + dtype_name(dtype) + ") needs " +
                          std::to_string(expected) + " bytes of data but the file holds " + std::to_string(found) +
                          " (" + std::to_string(found - expected) + " trailing bytes)");

  SourceInfo info;
  info.path = path;
  info.format = Format::Npy;
  info.dtype = dtype_name(dtype);
  std::vector<ColumnBlock> blocks;
  if (shape.size() == 2) {
    info.rows = shape[0];
    info.cols = static_cast<size_t>(shape[1]);
    info.layers = 1;
    blocks.push_back({data_start, static_cast<size_t>(shape[1])});
  } else {
    const uint64_t L = static_cast<uint64_t>(shape[0]), T = static_cast<uint64_t>(shape[1]),
                   H = static_cast<uint64_t>(shape[2]);
    info.rows = static_cast<int64_t>(T);
    info.cols = static_cast<size_t>(L * H);
    info.layers = static_cast<size_t>(L);
    for (uint64_t l = 0; l < L; ++l) blocks.push_back({data_start + l * T * H * es, static_cast<size_t>(H)});
  }
  return std::make_unique<BlockSource>(std::move(file), std::move(info), dtype, std::move(blocks));
}

}  // namespace ns
