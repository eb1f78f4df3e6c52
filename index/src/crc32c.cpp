#include "crc32c.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define ROLLCALL_CRC32C_SSE42 1
#endif

namespace rollcall::persist {
namespace {

constexpr std::uint32_t kPolynomial = 0x82f63b78;  // reflected Castagnoli

using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables tables{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) {
    std::uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? kPolynomial : 0);
    tables[0][byte] = crc;
  }
  for (std::size_t slice = 1; slice < tables.size(); ++slice) {
    for (std::uint32_t byte = 0; byte < 256; ++byte) {
      const std::uint32_t prior = tables[slice - 1][byte];
      tables[slice][byte] = (prior >> 8) ^ tables[0][prior & 0xff];
    }
  }
  return tables;
}

constexpr Tables kTables = make_tables();

std::uint64_t load_le64(const unsigned char* p) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= std::uint64_t{p[i]} << (8 * i);
  return value;
}

std::uint32_t extend_portable(std::uint32_t crc, const unsigned char* p, std::size_t size) {
  for (; size >= 8; size -= 8, p += 8) {
    const std::uint64_t word = load_le64(p) ^ crc;
    crc = kTables[7][word & 0xff] ^ kTables[6][(word >> 8) & 0xff] ^
          kTables[5][(word >> 16) & 0xff] ^ kTables[4][(word >> 24) & 0xff] ^
          kTables[3][(word >> 32) & 0xff] ^ kTables[2][(word >> 40) & 0xff] ^
          kTables[1][(word >> 48) & 0xff] ^ kTables[0][word >> 56];
  }
  for (; size > 0; --size, ++p) crc = (crc >> 8) ^ kTables[0][(crc ^ *p) & 0xff];
  return crc;
}

#ifdef ROLLCALL_CRC32C_SSE42
__attribute__((target("sse4.2"))) std::uint32_t extend_sse42(std::uint32_t crc,
                                                             const unsigned char* p,
                                                             std::size_t size) {
  std::uint64_t wide = crc;
  for (; size >= 8; size -= 8, p += 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);  // x86 is little-endian
    wide = _mm_crc32_u64(wide, word);
  }
  crc = static_cast<std::uint32_t>(wide);
  for (; size > 0; --size, ++p) crc = _mm_crc32_u8(crc, *p);
  return crc;
}

bool has_sse42() {
  static const bool supported = __builtin_cpu_supports("sse4.2");
  return supported;
}
#endif

}  // namespace

std::uint32_t crc32c_extend(std::uint32_t previous, const void* data, std::size_t size) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  const std::uint32_t crc = ~previous;
#ifdef ROLLCALL_CRC32C_SSE42
  if (has_sse42()) return ~extend_sse42(crc, p, size);
#endif
  return ~extend_portable(crc, p, size);
}

std::uint32_t crc32c_extend_portable(std::uint32_t previous, const void* data,
                                     std::size_t size) noexcept {
  return ~extend_portable(~previous, static_cast<const unsigned char*>(data), size);
}

}  // namespace rollcall::persist
