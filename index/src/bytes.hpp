// Little-endian fixed-width integers and LEB128 varints in byte strings, shared
// by the record codec, the write-ahead log and snapshots.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace rollcall::persist {

inline constexpr std::size_t kMaxVarintBytes = 10;

template <class T>
void put_fixed(std::string& out, T value) {
  char bytes[sizeof(T)];
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    bytes[i] = static_cast<char>(static_cast<std::uint64_t>(value) >> (8 * i));
  }
  out.append(bytes, sizeof(T));
}

template <class T>
T load_fixed(const char* in) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value |= std::uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  }
  return static_cast<T>(value);
}

inline void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// Reads a varint from [in, end); returns the bytes it took, or 0 when it is
// truncated, longer than 10 bytes or overflows 64 bits.
inline std::size_t load_varint(const char* in, const char* end, std::uint64_t& value) {
  value = 0;
  for (std::size_t i = 0; i < kMaxVarintBytes && in + i < end; ++i) {
    const std::uint64_t byte = static_cast<unsigned char>(in[i]);
    if (i == kMaxVarintBytes - 1 && byte > 1) return 0;
    value |= (byte & 0x7f) << (7 * i);
    if (byte < 0x80) return i + 1;
  }
  return 0;
}

}  // namespace rollcall::persist
