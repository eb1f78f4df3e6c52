// What a syntax error says, per rule that can fail inside a must<>.
#pragma once

#include "rollcall/grammar/where_grammar.hpp"

namespace rollcall::grammar {

template <class Rule>
inline constexpr const char* error_message = nullptr;

// clang-format off
template <> inline constexpr auto error_message<string_close> = "unterminated string literal";
template <> inline constexpr auto error_message<map_key> = "expected a map key after '.'";
template <> inline constexpr auto error_message<len_attribute> = "expected an attribute name inside LEN( )";
template <> inline constexpr auto error_message<len_close> = "expected ')' to close LEN(";
template <> inline constexpr auto error_message<right_operand> = "expected a literal or an attribute after the operator";
template <> inline constexpr auto error_message<list_literal> = "expected a literal in the IN list (IN needs at least one value)";
template <> inline constexpr auto error_message<list_close> = "expected ',' or ')' in the IN list";
template <> inline constexpr auto error_message<in_list> = "expected '(' after IN";
template <> inline constexpr auto error_message<like_pattern> = "expected a quoted pattern after LIKE";
template <> inline constexpr auto error_message<negated_tail> = "expected IN, LIKE or ILIKE after NOT";
template <> inline constexpr auto error_message<inner_expression> = "expected a condition after '('";
template <> inline constexpr auto error_message<paren_close> = "expected ')' or AND/OR";
template <> inline constexpr auto error_message<required_unary> = "expected a condition";
template <> inline constexpr auto error_message<required_conjunction> = "expected a condition after OR";
template <> inline constexpr auto error_message<end_of_expression> = "unexpected text: expected an operator, AND, OR or the end of the expression";
// clang-format on

struct where_errors {
  template <class Rule>
  static constexpr const char* message = error_message<Rule>;
};

}  // namespace rollcall::grammar
