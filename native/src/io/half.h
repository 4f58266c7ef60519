// float16 (IEEE binary16) and bfloat16 to float32. Both conversions are exact: every float16 and bfloat16
// value, subnormals, infinities and NaN payloads included, is representable as a float32.
#pragma once
#include <cstdint>
#include <cstring>

namespace ns {

inline float bits_to_float(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  const uint32_t man = h & 0x3ffu;
  if (exp == 0) {
    if (man == 0) return bits_to_float(sign);  // signed zero
    // Subnormal: man * 2^-24, exact in float32 (man < 2^10, scaling by a power of two).
    float mag = static_cast<float>(man) * 5.9604644775390625e-8f;  // 2^-24
    uint32_t bits;
    std::memcpy(&bits, &mag, sizeof bits);
    return bits_to_float(sign | bits);
  }
  if (exp == 31) return bits_to_float(sign | 0x7f800000u | (man << 13));  // inf, or NaN keeping its payload
  return bits_to_float(sign | ((exp + (127 - 15)) << 23) | (man << 13));
}

inline float bfloat16_to_float(uint16_t b) { return bits_to_float(static_cast<uint32_t>(b) << 16); }

// All 65,536 float16 values, built once; a table lookup is faster than the branches above in a hot loop.
inline const float* half_table() {
  static const float* table = [] {
    static float t[65536];
    for (uint32_t i = 0; i < 65536; ++i) t[i] = half_to_float(static_cast<uint16_t>(i));
    return t;
  }();
  return table;
}

}  // namespace ns
