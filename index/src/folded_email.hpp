// Emails as the indexes compare them: ASCII letters folded (the domain is
// ASCII; local parts compare case-insensitively in practice); the hash and
// equality of a hashed index keyed by them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rollcall::index::detail {

constexpr char fold_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// An Email as a key: equal to another ignoring ASCII case.
struct FoldedEmail {
  std::string_view text;
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
  bool operator()(const FoldedEmail& a, const FoldedEmail& b) const noexcept {
    return std::ranges::equal(a.text, b.text,
                              [](char x, char y) { return fold_ascii(x) == fold_ascii(y); });
  }
};

}  // namespace rollcall::index::detail
