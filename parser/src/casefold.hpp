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

inline std::string to_lowercase(std::string_view text) {
  std::string out;
  append_lowercase(text, out);
  return out;
}

}  // namespace rollcall::filter::detail
