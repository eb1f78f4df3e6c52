// Regex compilation for ~, ~*, !~, !~*: RE2 only (linear time), with the
// language's options and limits applied.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "rollcall/filter/limits.hpp"

namespace re2 {
class RE2;
}

namespace rollcall::filter::detail {

struct RegexResult {
  std::shared_ptr<const re2::RE2> regex;  // null on error
  std::string error;
  bool limit_exceeded = false;  // the error is a Limits bound, not a bad pattern
};

// '.' matches newline; '^'/'$' anchor at the ends of the value; {m,n} bounds and
// program memory limited by `limits`.
RegexResult compile_regex(std::string_view pattern, bool case_insensitive, const Limits& limits);

bool regex_search(const re2::RE2& regex, std::string_view text);

}  // namespace rollcall::filter::detail
