// The syntax tree: what the text says, before names and types are checked.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rollcall::filter::syntax {

// Byte offsets into the expression text.
struct Span {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

struct Literal {
  enum class Kind : std::uint8_t { kString, kInteger, kBoolean };
  Kind kind = Kind::kString;
  std::string text;  // strings unquoted ('' -> '); integers as written
  bool boolean = false;
  Span span;
};

struct Operand {
  enum class Kind : std::uint8_t { kAttribute, kMapEntry, kLength, kLiteral };
  Kind kind = Kind::kAttribute;
  std::string name;  // attribute name (kAttribute, kMapEntry, kLength)
  std::string key;   // kMapEntry
  Literal literal;   // kLiteral
  Span span;
  Span name_span;
};

enum class TermOp : std::uint8_t {
  kBare,  // a lone operand: a bool attribute used as a condition
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kLike,
  kNotLike,
  kILike,
  kNotILike,
  kMatch,
  kIMatch,
  kNotMatch,
  kNotIMatch,
  kIn,
  kNotIn,
  kIsNull,
  kIsNotNull,
  kHas,
};

struct Node {
  enum class Kind : std::uint8_t { kAnd, kOr, kNot, kTruthTest, kTerm };
  Kind kind = Kind::kTerm;
  // kTerm
  TermOp op = TermOp::kBare;
  Operand lhs;
  Operand rhs;  // comparison right side, LIKE pattern, '?' value
  std::vector<Literal> list;
  Span op_span;
  // kTruthTest
  bool truth = true;
  bool negated = false;
  std::vector<std::unique_ptr<Node>> children;
  Span span;
};

}  // namespace rollcall::filter::syntax
