// Emails as the indexes compare them: ASCII letters folded (the domain is
// ASCII; local parts compare case-insensitively in practice); their order,
// and the hash and equality of a hashed index keyed by them (the users').
#pragma once

#include <algorithm>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rollcall::index::detail {

constexpr char fold_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// An Email as a key: equal to another ignoring ASCII case, and ordered by
// its folded bytes (unsigned).
struct FoldedEmail {
  std::string_view text;

  friend std::strong_ordering operator<=>(const FoldedEmail& a, const FoldedEmail& b) noexcept {
    return std::lexicographical_compare_three_way(
        a.text.begin(), a.text.end(), b.text.begin(), b.text.end(), [](char x, char y) {
          return static_cast<unsigned char>(fold_ascii(x)) <=>
                 static_cast<unsigned char>(fold_ascii(y));
        });
  }
  friend bool operator==(const FoldedEmail& a, const FoldedEmail& b) noexcept {
    return std::is_eq(a <=> b);
  }
};
struct FoldedEmailHash {
  std::size_t operator()(const FoldedEmail& email) const noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a
    for (const char c : email.text) {
      hash = (hash ^ static_cast<unsigned char>(fold_ascii(c))) * 0x100000001b3ULL;
    }
    return hash;
  }
};
struct FoldedEmailEqual {
  bool operator()(const FoldedEmail& a, const FoldedEmail& b) const noexcept { return a == b; }
};

}  // namespace rollcall::index::detail
