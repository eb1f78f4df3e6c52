// SQL LIKE matching with PostgreSQL's semantics: '%' matches any run of
// characters, '_' exactly one character (UTF-8 code point), '\' escapes the next
// character. Matching is iterative and linear-time per segment: no backtracking
// beyond the last '%', so no pattern is exponential.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollcall::filter::detail {

class LikePattern {
 public:
  enum class Shape { Exact, Prefix, Suffix, Infix, General };

  // nullopt when the pattern ends with a lone escape character.
  static std::optional<LikePattern> compile(std::string_view pattern);

  bool matches(std::string_view text) const noexcept;

  Shape shape() const noexcept { return shape_; }
  // For Exact/Prefix/Suffix/Infix: the unescaped literal text. Empty otherwise.
  const std::string& literal() const noexcept { return literal_; }

 private:
  struct Segment {
    std::string text;                      // unescaped bytes; '_' positions hold a placeholder
    std::vector<std::size_t> any_char_at;  // byte offsets in `text` that are '_' wildcards
  };
  Shape shape_ = Shape::General;
  std::string literal_;
  // Segments between '%'. anchored_start/end: no '%' before the first / after the last.
  std::vector<Segment> segments_;
  bool anchored_start_ = true;
  bool anchored_end_ = true;
  // (implementation detail; free to change)
};

}  // namespace rollcall::filter::detail
