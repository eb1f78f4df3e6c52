// Text: a string (under 2 GiB) in 8 bytes, for the text fields of records kept by the
// million. It points to one heap block holding the length and the bytes (no
// block when empty); a std::string takes 32 bytes, and a block of its own
// besides for any text longer than 15. Copies copy the bytes. A record the
// store keeps packs its texts beside it (packed_into): one block in all.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace rollcall::index {

class MemberPtr;
struct OrganizationMember;

class Text {
 public:
  Text() noexcept = default;
  // NOLINTNEXTLINE(google-explicit-constructor): set from any text, as a std::string is
  Text(std::string_view text);
  // NOLINTNEXTLINE(google-explicit-constructor)
  Text(const char* text) : Text(std::string_view(text)) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  Text(const std::string& text) : Text(std::string_view(text)) {}
  Text(const Text& other) : Text(other.view()) {}
  Text(Text&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  Text& operator=(const Text& other) {
    if (this != &other) *this = Text(other);
    return *this;
  }
  Text& operator=(Text&& other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~Text();

  std::string_view view() const noexcept {
    return empty() ? std::string_view() : std::string_view(block_ + kHeader, size());
  }
  // NOLINTNEXTLINE(google-explicit-constructor): reads as the text it holds
  operator std::string_view() const noexcept { return view(); }
  std::string str() const { return std::string(view()); }
  // Not NUL-terminated, as a string_view's.
  const char* data() const noexcept { return empty() ? "" : block_ + kHeader; }
  std::size_t size() const noexcept { return empty() ? 0 : header() & ~kPacked; }
  bool empty() const noexcept { return block_ == nullptr; }
  auto begin() const noexcept { return view().begin(); }
  auto end() const noexcept { return view().end(); }

  static constexpr std::size_t kMaxSize = (std::size_t{1} << 31) - 1;

  friend bool operator==(const Text& a, const Text& b) noexcept { return a.view() == b.view(); }
  friend std::strong_ordering operator<=>(const Text& a, const Text& b) noexcept {
    return a.view() <=> b.view();
  }
  // Against any other text, without making a Text of it.
  template <class S>
  requires(!std::is_same_v<S, Text> &&
           std::is_convertible_v<const S&, std::string_view>) friend bool
  operator==(const Text& a, const S& b) noexcept {
    return a.view() == std::string_view(b);
  }
  template <class S>
  requires(!std::is_same_v<S, Text> &&
           std::is_convertible_v<const S&, std::string_view>) friend std::strong_ordering
  operator<=>(const Text& a, const S& b) noexcept {
    return a.view() <=> std::string_view(b);
  }

 private:
  // Packing is for make_member alone: a packed Text owns nothing.
  friend MemberPtr make_member(OrganizationMember value);
  // The bytes this text takes packed: its length, then its bytes.
  std::size_t packed_size() const noexcept { return empty() ? 0 : kHeader + size(); }
  // Copies the text to `at` (packed_size() bytes, any alignment: the length
  // is read with memcpy) and returns a
  // Text that reads it there and owns nothing: it must not outlive those bytes.
  Text packed_into(char* at) const noexcept;

  static constexpr std::size_t kHeader = 4;           // the length, and kPacked
  static constexpr std::uint32_t kPacked = 1U << 31;  // the bytes are not this Text's

  std::uint32_t header() const noexcept {
    std::uint32_t header = 0;
    std::memcpy(&header, block_, kHeader);
    return header;
  }

  char* block_ = nullptr;
};

std::ostream& operator<<(std::ostream& out, const Text& text);

}  // namespace rollcall::index
