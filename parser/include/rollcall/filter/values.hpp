// Scalar value types shared by schemas, literals and records.
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace rollcall::filter {

// A UUID stored as its 16 bytes (big-endian, as written in text).
struct Uuid {
  std::array<std::uint8_t, 16> bytes{};

  // Accepts what PostgreSQL's uuid input accepts: 32 hex digits in any case,
  // optionally in braces, with an optional hyphen after any group of four digits
  // (so the canonical 8-4-4-4-12 form and the plain 32-digit form both parse).
  static std::optional<Uuid> parse(std::string_view text);
  // Canonical lowercase 8-4-4-4-12 form.
  std::string to_string() const;
  // The same text written at `out`, which has room for kTextBytes; returns its end.
  static constexpr std::size_t kTextBytes = 36;
  char* write_to(char* out) const;

  // Byte order, as two numbers: every index compares UUIDs, and the defaulted
  // form called memcmp.
  friend std::strong_ordering operator<=>(const Uuid& a, const Uuid& b) noexcept {
    const std::uint64_t a_high = a.half(0);
    const std::uint64_t b_high = b.half(0);
    return a_high != b_high ? a_high <=> b_high : a.half(1) <=> b.half(1);
  }
  friend bool operator==(const Uuid&, const Uuid&) = default;

 private:
  // Bytes 8 * i to 8 * i + 7 as a big-endian number.
  std::uint64_t half(std::size_t i) const noexcept {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + sizeof(word) * i, sizeof(word));
    if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap64(word);
    return word;
  }
};

// An instant: microseconds since 1970-01-01T00:00:00Z (PostgreSQL's resolution).
struct Timestamp {
  std::int64_t micros = 0;

  // RFC 3339 and the forms PostgreSQL reads for timestamptz that the language
  // documents: 'YYYY-MM-DD', 'YYYY-MM-DD[T ]hh:mm[:ss[.fraction]]' with an optional
  // 'Z' or ±hh[:mm] offset (no offset means UTC). Up to 9 fraction digits, rounded
  // to microseconds the way PostgreSQL rounds them (rint of the fraction).
  static std::optional<Timestamp> parse(std::string_view text);
  // 'YYYY-MM-DDThh:mm:ss[.ffffff]Z' (fraction only when non-zero, trailing zeros kept to 3 or 6).
  std::string to_string() const;
  // The same text appended to `out`, without a string of its own.
  void append_to(std::string& out) const;
  // The same text written at `out`, which has room for kMaxTextBytes; returns its end.
  static constexpr std::size_t kMaxTextBytes = 32;
  char* write_to(char* out) const;

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

}  // namespace rollcall::filter
