#include "io/json.h"

#include <charconv>

#include "common/error.h"

namespace ns {

const JsonValue* JsonValue::get(const std::string& key) const {
  for (auto& m : members)
    if (m.first == key) return &m.second;
  return nullptr;
}

bool JsonValue::as_u64(uint64_t* out) const {
  if (kind != Number || text.empty()) return false;
  const char* b = text.data();
  const char* e = b + text.size();
  auto r = std::from_chars(b, e, *out);
  return r.ec == std::errc() && r.ptr == e;
}

const char* json_kind_name(JsonValue::Kind k) {
  switch (k) {
    case JsonValue::Null: return "null";
    case JsonValue::Bool: return "boolean";
    case JsonValue::Number: return "number";
    case JsonValue::String: return "string";
    case JsonValue::Array: return "array";
    case JsonValue::Object: return "object";
  }
  return "?";
}

namespace {

class Parser {
 public:
  Parser(const std::string& s, const std::string& ctx) : s_(s), ctx_(ctx) {}

  JsonValue document() {
    JsonValue v = value(0);
    ws();
    if (i_ != s_.size()) error("unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void error(const std::string& what) const {
    fail(Code::Format, ctx_ + ": " + what + " at byte " + std::to_string(i_));
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool lit(const char* w, size_t n) {
    if (s_.compare(i_, n, w) != 0) return false;
    i_ += n;
    return true;
  }

  JsonValue value(int depth) {
    if (depth > 64) error("JSON nested too deeply");
    ws();
    if (i_ >= s_.size()) error("unexpected end of JSON");
    JsonValue v;
    const char c = s_[i_];
    if (c == '{') {
      v.kind = JsonValue::Object;
      ++i_;
      ws();
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return v;
      }
      while (true) {
        ws();
        if (i_ >= s_.size() || s_[i_] != '"') error("expected a string key");
        std::string key = string();
        if (v.get(key)) error("duplicate key \"" + key + "\"");
        ws();
        if (i_ >= s_.size() || s_[i_] != ':') error("expected ':'");
        ++i_;
        v.members.emplace_back(std::move(key), value(depth + 1));
        ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == '}') {
          ++i_;
          return v;
        }
        error("expected ',' or '}'");
      }
    }
    if (c == '[') {
      v.kind = JsonValue::Array;
      ++i_;
      ws();
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return v;
      }
      while (true) {
        v.items.push_back(value(depth + 1));
        ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ']') {
          ++i_;
          return v;
        }
        error("expected ',' or ']'");
      }
    }
    if (c == '"') {
      v.kind = JsonValue::String;
      v.text = string();
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      v.kind = JsonValue::Number;
      const size_t start = i_;
      if (s_[i_] == '-') ++i_;
      if (i_ >= s_.size() || !isdigit(s_[i_])) error("bad number");
      if (s_[i_] == '0') {
        ++i_;
      } else {
        while (i_ < s_.size() && isdigit(s_[i_])) ++i_;
      }
      if (i_ < s_.size() && s_[i_] == '.') {
        ++i_;
        if (i_ >= s_.size() || !isdigit(s_[i_])) error("bad number");
        while (i_ < s_.size() && isdigit(s_[i_])) ++i_;
      }
      if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
        ++i_;
        if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
        if (i_ >= s_.size() || !isdigit(s_[i_])) error("bad number");
        while (i_ < s_.size() && isdigit(s_[i_])) ++i_;
      }
      v.text = s_.substr(start, i_ - start);
      return v;
    }
    if (lit("true", 4)) {
      v.kind = JsonValue::Bool;
      v.flag = true;
      return v;
    }
    if (lit("false", 5)) {
      v.kind = JsonValue::Bool;
      return v;
    }
    if (lit("null", 4)) return v;
    error(std::string("unexpected character '") + c + "'");
  }

  static bool isdigit(char c) { return c >= '0' && c <= '9'; }

  unsigned hex4() {
    if (i_ + 4 > s_.size()) error("bad \\u escape");
    unsigned u = 0;
    for (int k = 0; k < 4; ++k) {
      char h = s_[i_++];
      u <<= 4;
      if (h >= '0' && h <= '9') u |= unsigned(h - '0');
      else if (h >= 'a' && h <= 'f') u |= unsigned(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') u |= unsigned(h - 'A' + 10);
      else error("bad \\u escape");
    }
    return u;
  }

  static void utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  std::string string() {
    ++i_;  // opening quote
    std::string out;
    while (true) {
      if (i_ >= s_.size()) error("unterminated string");
      const char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) error("control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) error("unterminated string");
      const char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && i_ + 6 <= s_.size() && s_[i_] == '\\' && s_[i_ + 1] == 'u') {
            i_ += 2;
            unsigned lo = hex4();
            if (lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            else error("bad surrogate pair");
          }
          utf8(out, cp);
          break;
        }
        default: error("bad escape in string");
      }
    }
  }

  const std::string& s_;
  const std::string& ctx_;
  size_t i_ = 0;
};

}  // namespace

JsonValue parse_json(const std::string& text, const std::string& context) { return Parser(text, context).document(); }

}  // namespace ns
