// A hash of 16 random bytes: its two halves mixed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "rollcall/filter/values.hpp"

namespace rollcall::index::detail {

struct UuidHash {
  std::size_t operator()(const filter::Uuid& uuid) const noexcept {
    std::uint64_t half[2];
    std::memcpy(half, uuid.bytes.data(), sizeof(half));
    return half[0] ^ (half[1] * 0x9E3779B97F4A7C15ULL);
  }
};

}  // namespace rollcall::index::detail
