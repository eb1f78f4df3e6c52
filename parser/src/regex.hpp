// Regex compilation for ~, ~*, !~, !~*: RE2 only (linear time), with the
// language's options and limits applied.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/filter/limits.hpp"

namespace re2 {
class RE2;
}

namespace rollcall::filter::detail {

// A necessary condition for a match, much cheaper to test than the regex: which
// of some literals the text, with its ASCII letters lowered, contains.
struct RegexPrefilter {
  std::vector<std::string> atoms;  // none: no prefilter
  std::vector<bool> passes;        // by bit mask of the atoms found

  bool may_match(std::string_view folded_text) const;
};

struct RegexResult {
  std::shared_ptr<const re2::RE2> regex;  // null on error
  std::string error;
  bool limit_exceeded = false;  // the error is a Limits bound, not a bad pattern
  RegexPrefilter prefilter;
};

// '.' matches newline; '^'/'$' anchor at the ends of the value; {m,n} bounds and
// program memory limited by `limits`.
RegexResult compile_regex(std::string_view pattern, bool case_insensitive, const Limits& limits);

bool regex_search(const re2::RE2& regex, std::string_view text);

}  // namespace rollcall::filter::detail
