// A small, strict JSON parser (RFC 8259) for headers that fit in memory (safetensors). Numbers keep their
// source text so that 64-bit offsets are read exactly.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ns {

struct JsonValue {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool flag = false;
  std::string text;  // String: the decoded string; Number: the literal as written
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;  // in file order

  const JsonValue* get(const std::string& key) const;
  // Number holding a non-negative integer that fits in uint64 (no fraction or exponent).
  bool as_u64(uint64_t* out) const;
};

// Parses text; on error throws ns::Error(E_FORMAT, context + ": " + what + " at byte N").
JsonValue parse_json(const std::string& text, const std::string& context);

const char* json_kind_name(JsonValue::Kind k);

}  // namespace ns
