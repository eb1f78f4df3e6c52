// The bound expression: names resolved to attributes, literals typed. The
// compiler turns it into an executable program; planners and `explain` read it.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "rollcall/filter/schema.hpp"
#include "rollcall/filter/values.hpp"

namespace rollcall::filter {

using Value = std::variant<std::monostate, std::string, std::int64_t, bool, Uuid, Timestamp>;

enum class CompareOp : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

enum class ExprKind : std::uint8_t {
  kTrue,       // the empty expression
  kAnd,        // children, n-ary
  kOr,         // children, n-ary
  kNot,        // children[0]
  kTruthTest,  // children[0] IS [NOT] (TRUE|FALSE): `truth`, `negated`
  kCompare,    // lhs op rhs
  kIn,         // lhs [NOT] IN values
  kLike,       // lhs [NOT] [I]LIKE rhs (string literal)
  kRegex,      // lhs [!]~[*] rhs (string literal)
  kIsNull,     // lhs IS [NOT] NULL
  kHas,        // lhs ? rhs: array element or map key
  kContains,   // `contains` text (rhs, already lowercased) in some string or map
};

struct Operand {
  enum class Kind : std::uint8_t { kAttribute, kMapEntry, kLength, kLiteral };

  Kind kind = Kind::kLiteral;
  AttributeType type = AttributeType::kString;  // the operand's value type
  int attribute = -1;                           // index in the schema (not for literals)
  std::string key;                              // kMapEntry
  Value literal;                                // kLiteral
  std::uint32_t column = 0;                     // 1-based column where it was written
};

struct Expr {
  ExprKind kind = ExprKind::kTrue;
  CompareOp op = CompareOp::kEq;
  bool negated = false;           // NOT IN, NOT LIKE, !~, IS NOT NULL, IS NOT TRUE
  bool case_insensitive = false;  // ILIKE, ~*
  bool truth = true;              // kTruthTest: TRUE or FALSE
  Operand lhs;
  Operand rhs;
  std::vector<Value> values;  // kIn
  std::vector<Expr> children;
  std::uint32_t column = 0;  // 1-based column where it was written; 0 if synthesized
};

// The expression as canonical text: keywords upper-case, literals normalized
// (uuids lowercase, times in UTC), parentheses only where precedence needs them.
// Compiling the result yields the same expression.
std::string to_string(const Expr& expr, const Schema& schema);

const char* to_string(CompareOp op) noexcept;

}  // namespace rollcall::filter
