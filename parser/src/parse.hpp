// Stage 1: text -> syntax tree (PEGTL grammar + actions). Enforces the limits
// that must hold while parsing: size, nesting depth, number of terms.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "rollcall/filter/error.hpp"
#include "rollcall/filter/limits.hpp"
#include "syntax.hpp"

namespace rollcall::filter::detail {

// nullptr node for an empty expression.
Result<std::unique_ptr<syntax::Node>> parse_where(std::string_view text, const Limits& limits);

// 1-based character column of byte `offset` in `text` (an offset inside a
// multibyte character gives that character's column).
std::uint32_t column_at(std::string_view text, std::size_t offset) noexcept;

// column_at for many offsets of one text, in constant time each.
class ColumnMap {
 public:
  explicit ColumnMap(std::string_view text);
  std::uint32_t operator()(std::size_t offset) const noexcept;

 private:
  std::vector<std::uint32_t> columns_;  // per byte offset, plus one past the end
};

}  // namespace rollcall::filter::detail
