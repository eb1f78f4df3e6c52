// Every limit the `where` compiler enforces, in one place. Exceeding one is a
// compile error (ErrorCode::LimitExceeded) that names the limit.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rollcall::filter {

struct Limits {
  std::size_t max_expression_bytes = 8192;
  std::size_t max_terms = 100;
  // Parentheses and NOTs, counted together. Values above kMaxDepthCeiling are
  // clamped to it: the parser recurses once per level and must not exhaust the stack.
  std::size_t max_depth = 32;
  std::size_t max_in_values = 1000;
  // Bytes of one LIKE pattern or regex, after unquoting.
  std::size_t max_pattern_bytes = 1024;
  // Largest m or n in a regex's {m,n} (PostgreSQL's own bound is 255).
  std::size_t max_regex_repeat = 255;
  // RE2's max_mem for one regex: bounds the compiled program and its DFA cache.
  std::int64_t max_regex_memory_bytes = 1 << 20;

  static constexpr std::size_t kMaxDepthCeiling = 256;
};

}  // namespace rollcall::filter
