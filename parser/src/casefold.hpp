// Unicode simple lowercase mapping (UnicodeData.txt field 13), the mapping
// PostgreSQL applies for ILIKE and lower() under a UTF-8 ctype.
#pragma once

#include <string>
#include <string_view>

namespace rollcall::filter::detail {

// The simple lowercase mapping of one code point (itself when it has none).
char32_t simple_lowercase(char32_t code_point) noexcept;

// Appends the lowercase of UTF-8 `text` to `out`. Bytes that are not valid UTF-8
// are copied unchanged. ASCII runs take a fast path.
void append_lowercase(std::string_view text, std::string& out);

// Writes the lowercase of UTF-8 `text` to `out`, which must hold
// kMaxLowercaseGrowth * text.size() bytes; returns the bytes written. Same result
// as append_lowercase.
inline constexpr std::size_t kMaxLowercaseGrowth = 2;  // 1.5 is the worst (U+023A)
std::size_t lowercase_to(std::string_view text, char* out) noexcept;

// True when every byte of `text` is ASCII.
bool is_ascii(std::string_view text) noexcept;

// Writes `text` to `out` (text.size() bytes) with A-Z lowered, other bytes unchanged.
void lower_ascii_letters(std::string_view text, char* out) noexcept;

// True when the occurrences of lowercase `literal` in the lowercase of any text are
// exactly its occurrences in lower_ascii_letters(text): `literal` is ASCII without
// 'i' or 'k', the only ASCII letters a non-ASCII character lowercases to (U+0130,
// U+212A).
bool folds_as_ascii(std::string_view literal) noexcept;

// lower_ascii_letters(text).find(lowered) != npos, without writing the text
// out: `lowered` has no A-Z.
bool contains_ascii_folded(std::string_view text, std::string_view lowered) noexcept;

inline std::string to_lowercase(std::string_view text) {
  std::string out;
  append_lowercase(text, out);
  return out;
}

}  // namespace rollcall::filter::detail
