// Text: a string (under 2 GiB) in 8 bytes, for the text fields of records kept by the
// million. It points to one heap block holding the length and the bytes (no
// block when empty); a std::string takes 32 bytes, and a block of its own
// besides for any text longer than 15. Copies copy the bytes. A record the
// store keeps packs its texts beside it (pack_into): one block in all, where
// each Text holds its length and the distance to its bytes, so packed bytes
// need no length of their own.
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
  // A packed Text's bytes stay beside its record: moving one copies them (it
  // sits in a const record, so only a cast could move it; out of memory then
  // ends the process, as the store's writes do).
  Text(Text&& other) noexcept
      : word_(other.packed() ? Text(other.view()).release() : other.release()) {}
  Text& operator=(const Text& other) {
    if (this != &other) *this = Text(other);
    return *this;
  }
  Text& operator=(Text&& other) noexcept {
    Text taken(std::move(other));
    std::swap(word_, taken.word_);  // taken frees what this held
    return *this;
  }
  ~Text();

  std::string_view view() const noexcept { return {data(), size()}; }
  // NOLINTNEXTLINE(google-explicit-constructor): reads as the text it holds
  operator std::string_view() const noexcept { return view(); }
  std::string str() const { return std::string(view()); }
  // Not NUL-terminated, as a string_view's.
  const char* data() const noexcept {
    if (packed()) return reinterpret_cast<const char*>(this) + ((word_ >> 1) & kDistanceMask);
    return empty() ? "" : owned_block() + kLengthBytes;
  }
  std::size_t size() const noexcept {
    if (packed()) return word_ >> 32;
    return empty() ? 0 : owned_length();
  }
  bool empty() const noexcept { return word_ == 0; }
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
  friend class MemberPtr;
  // The bytes this text takes packed: its bytes alone.
  std::size_t packed_size() const noexcept { return size(); }
  // The bytes it takes behind its record: none when it keeps its own block.
  std::size_t bytes_packed() const noexcept { return packed() ? size() : 0; }
  // Whether the bytes could sit `distance` bytes after this Text.
  static bool can_pack_at(std::size_t distance) noexcept { return distance <= kDistanceMask; }
  // Copies the text to `at` (can_pack_at(at - this)), frees its own block,
  // and reads the bytes there from then on: it must not outlive them.
  void pack_into(char* at) noexcept;

  // word_ is 0 when empty; else, with its low bit clear, it points to an owned
  // block (malloc's alignment keeps that bit clear): a 4-byte length, then the
  // bytes. With the low bit set the Text is packed: the length is in the high
  // 32 bits and the distance from the Text to its bytes in bits 1 to 31.
  static constexpr std::uint64_t kPacked = 1;
  static constexpr std::uint64_t kDistanceMask = 0x7FFFFFFF;
  static constexpr std::size_t kLengthBytes = 4;

  bool packed() const noexcept { return (word_ & kPacked) != 0; }
  std::uint64_t release() noexcept { return std::exchange(word_, 0); }
  const char* owned_block() const noexcept {
    // NOLINTNEXTLINE(performance-no-int-to-ptr): the word is the pointer when not packed
    return reinterpret_cast<const char*>(static_cast<std::uintptr_t>(word_));
  }
  std::uint32_t owned_length() const noexcept {
    std::uint32_t length = 0;
    std::memcpy(&length, owned_block(), kLengthBytes);
    return length;
  }

  std::uint64_t word_ = 0;
};

std::ostream& operator<<(std::ostream& out, const Text& text);

}  // namespace rollcall::index
