// CRC-32C (Castagnoli), as used by iSCSI, ext4 and LevelDB: SSE4.2 when the CPU
// has it, else a slice-by-8 table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rollcall::persist {

// The CRC of `previous`'s data followed by `data` (crc32c_extend(0, x) == crc32c(x)).
std::uint32_t crc32c_extend(std::uint32_t previous, const void* data, std::size_t size) noexcept;

// The table-driven fallback, exposed so tests can check it against the above.
std::uint32_t crc32c_extend_portable(std::uint32_t previous, const void* data,
                                     std::size_t size) noexcept;

inline std::uint32_t crc32c(std::string_view data) noexcept {
  return crc32c_extend(0, data.data(), data.size());
}

}  // namespace rollcall::persist
