// Page tokens: opaque, versioned, bound to their query, tamper-evident.
//   base64url( version | query hash (8) | cursor bytes | HMAC-SHA256(key, all before)[:16] )
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rollcall::index::detail {

constexpr std::uint8_t kPageTokenVersion = 1;

// Both throw std::runtime_error when OpenSSL fails to compute the MAC.
std::string seal_page_token(std::string_view key, std::uint64_t query_hash,
                            std::string_view cursor);

// The cursor bytes, or nullopt when the token is malformed, forged, of another
// version or made by another query.
std::optional<std::string> open_page_token(std::string_view key, std::uint64_t query_hash,
                                           std::string_view token);

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t seed = 0xcbf29ce484222325ULL);

}  // namespace rollcall::index::detail
