#include "regex.hpp"

#include <re2/re2.h>

namespace rollcall::filter::detail {
namespace {

// The largest m or n of any {m}, {m,} or {m,n} repetition, found by the same
// lexical rules RE2 uses: skipping escapes and bracketed classes, and treating
// a '{' that does not start a valid repetition as a literal.
std::size_t largest_repeat(std::string_view pattern) {
  std::size_t largest = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') ++i;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;  // ']' first is literal
    } else if (c == '{') {
      std::size_t j = i + 1;
      std::size_t local = 0;
      bool digits = false;
      bool valid = true;
      for (; j < pattern.size() && pattern[j] != '}'; ++j) {
        const char d = pattern[j];
        if (d >= '0' && d <= '9') {
          local = std::min<std::size_t>(local * 10 + static_cast<std::size_t>(d - '0'), 1u << 30);
          digits = true;
        } else if (d == ',' && digits) {
          largest = std::max(largest, local);
          local = 0;
        } else {
          valid = false;
          break;
        }
      }
      if (valid && digits && j < pattern.size()) largest = std::max(largest, local);
    }
  }
  return largest;
}

}  // namespace

RegexResult compile_regex(std::string_view pattern, bool case_insensitive, const Limits& limits) {
  if (largest_repeat(pattern) > limits.max_regex_repeat) {
    return {nullptr,
            "repetition count above the limit of " + std::to_string(limits.max_regex_repeat) +
                " in {m,n}",
            true};
  }
  RE2::Options options;
  options.set_dot_nl(true);
  options.set_case_sensitive(!case_insensitive);
  options.set_max_mem(limits.max_regex_memory_bytes);
  options.set_log_errors(false);
  auto regex = std::make_shared<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!regex->ok()) {
    std::string error = regex->error();
    const bool too_large = regex->error_code() == RE2::ErrorPatternTooLarge;
    if (too_large) {
      error += " (the compiled regex needs more than the limit of " +
               std::to_string(limits.max_regex_memory_bytes) + " bytes)";
    }
    return {nullptr, std::move(error), too_large};
  }
  return {std::move(regex), {}};
}

bool regex_search(const re2::RE2& regex, std::string_view text) {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), regex);
}

}  // namespace rollcall::filter::detail
