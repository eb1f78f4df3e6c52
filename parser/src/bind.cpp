#include "bind.hpp"

#include <charconv>
#include <utility>

#include "parse.hpp"
#include "suggest.hpp"

namespace rollcall::filter::detail {
namespace {

using syntax::Literal;
using syntax::Node;
using syntax::Span;
using syntax::TermOp;

bool is_scalar(AttributeType type) {
  return type != AttributeType::kUuidArray && type != AttributeType::kStringArray &&
         type != AttributeType::kStringMap;
}

bool is_ordered(AttributeType type) {
  return type == AttributeType::kString || type == AttributeType::kInt ||
         type == AttributeType::kTime;
}

const char* allowed_operators(AttributeType type) {
  switch (type) {
    case AttributeType::kString:
      return "= != <> < > <= >= LIKE ILIKE NOT LIKE NOT ILIKE ~~ !~~ ~~* !~~* ~ ~* !~ !~* IN NOT "
             "IN";
    case AttributeType::kInt:
    case AttributeType::kTime:
      return "= != <> < > <= >= IN NOT IN";
    case AttributeType::kUuid:
      return "= != <> IN NOT IN";
    case AttributeType::kBool:
      return "= != <>";
    case AttributeType::kUuidArray:
    case AttributeType::kStringArray:
      return "? and LEN( )";
    case AttributeType::kStringMap:
      return "?, LEN( ) and .key";
  }
  return "";
}

class Binder {
 public:
  Binder(std::string_view text, const Schema& schema, const Limits& limits)
      : text_(text), column_(text), schema_(schema), limits_(limits) {}

  Expr bind(const Node& node) {
    switch (node.kind) {
      case Node::Kind::kAnd:
      case Node::Kind::kOr:
        return bind_junction(node);
      case Node::Kind::kNot:
      case Node::Kind::kTruthTest: {
        Expr expr =
            at(node.kind == Node::Kind::kNot ? ExprKind::kNot : ExprKind::kTruthTest, node.span);
        expr.truth = node.truth;
        expr.negated = node.negated;
        expr.children.push_back(bind(*node.children.front()));
        return expr;
      }
      case Node::Kind::kTerm:
        return bind_term(node);
    }
    return {};
  }

 private:
  [[noreturn]] void fail(ErrorCode code, Span span, std::string what, std::string hint = {}) {
    Error error;
    error.code = code;
    error.column = column_(span.begin);
    error.text = std::string(text_.substr(span.begin, span.end - span.begin));
    error.what = std::move(what);
    error.hint = std::move(hint);
    throw error;
  }

  Expr at(ExprKind kind, Span span) const {
    Expr expr;
    expr.kind = kind;
    expr.column = column_(span.begin);
    return expr;
  }

  Expr bind_junction(const Node& node) {
    const ExprKind kind = node.kind == Node::Kind::kAnd ? ExprKind::kAnd : ExprKind::kOr;
    Expr expr = at(kind, node.span);
    for (const auto& child : node.children) {
      Expr bound = bind(*child);
      if (bound.kind == kind) {
        for (Expr& grandchild : bound.children) expr.children.push_back(std::move(grandchild));
      } else {
        expr.children.push_back(std::move(bound));
      }
    }
    return expr;
  }

  static std::string describe(const syntax::Operand& operand) {
    switch (operand.kind) {
      case syntax::Operand::Kind::kMapEntry:
        return "'" + operand.name + "." + operand.key + "'";
      case syntax::Operand::Kind::kLength:
        return "'LEN(" + operand.name + ")'";
      default:
        return "'" + operand.name + "'";
    }
  }

  int resolve(const syntax::Operand& operand) {
    const int index = schema_.index_of(operand.name);
    if (index >= 0) return index;
    std::string closest = closest_attribute(operand.name, schema_.attributes());
    fail(ErrorCode::kUnknownAttribute, operand.name_span,
         "unknown attribute '" + operand.name + "' for " + schema_.entity(),
         closest.empty() ? std::string() : "did you mean '" + closest + "'?");
  }

  Operand bind_attribute_operand(const syntax::Operand& operand) {
    if (operand.kind == syntax::Operand::Kind::kLiteral) {
      fail(ErrorCode::kSyntax, operand.span,
           "the left side of a condition must be an attribute, a map entry or LEN( )",
           "write the attribute first, e.g. Version > 5");
    }
    Operand bound;
    bound.column = column_(operand.span.begin);
    bound.attribute = resolve(operand);
    const AttributeType type = schema_.attributes()[bound.attribute].type;
    const std::string type_name = to_string(type);
    switch (operand.kind) {
      case syntax::Operand::Kind::kMapEntry:
        if (type != AttributeType::kStringMap) {
          fail(ErrorCode::kTypeMismatch, operand.span,
               "'" + operand.name + "' is a " + type_name + " attribute, not a map",
               "only map attributes take .key");
        }
        bound.kind = Operand::Kind::kMapEntry;
        bound.type = AttributeType::kString;
        bound.key = operand.key;
        break;
      case syntax::Operand::Kind::kLength:
        if (is_scalar(type)) {
          fail(ErrorCode::kTypeMismatch, operand.span,
               "LEN( ) takes an array or map attribute; '" + operand.name + "' is a " + type_name);
        }
        bound.kind = Operand::Kind::kLength;
        bound.type = AttributeType::kInt;
        break;
      default:
        bound.kind = Operand::Kind::kAttribute;
        bound.type = type;
        break;
    }
    return bound;
  }

  Value convert(const Literal& literal, AttributeType type, const std::string& target) {
    using Kind = Literal::Kind;
    const auto mismatch = [&](const char* written) {
      std::string hint;
      if (literal.kind == Kind::kString && type == AttributeType::kInt) {
        hint = "integers are written without quotes";
      } else if (literal.kind != Kind::kString &&
                 (type == AttributeType::kUuid || type == AttributeType::kTime)) {
        hint = std::string(to_string(type)) + " literals are written as quoted strings";
      }
      fail(ErrorCode::kTypeMismatch, literal.span,
           target + " is " + article(type) + " " + to_string(type) + "; " + written +
               " literal does not compare with it",
           std::move(hint));
    };
    switch (type) {
      case AttributeType::kString:
        if (literal.kind != Kind::kString) mismatch(literal_kind(literal));
        return literal.text;
      case AttributeType::kInt: {
        if (literal.kind != Kind::kInteger) mismatch(literal_kind(literal));
        std::int64_t value = 0;
        const char* end = literal.text.data() + literal.text.size();
        const auto [ptr, ec] = std::from_chars(literal.text.data(), end, value);
        if (ec != std::errc() || ptr != end) {
          fail(ErrorCode::kInvalidLiteral, literal.span,
               "integer " + literal.text + " is out of range for a 64-bit int");
        }
        return value;
      }
      case AttributeType::kBool:
        if (literal.kind != Kind::kBoolean) mismatch(literal_kind(literal));
        return literal.boolean;
      case AttributeType::kUuid: {
        if (literal.kind != Kind::kString) mismatch(literal_kind(literal));
        auto uuid = Uuid::parse(literal.text);
        if (!uuid) {
          fail(ErrorCode::kInvalidLiteral, literal.span, "malformed uuid '" + literal.text + "'",
               "a uuid is 32 hex digits, e.g. '7c61626f-ddbe-41af-93f6-b69f4ab6d308'");
        }
        return *uuid;
      }
      case AttributeType::kTime: {
        if (literal.kind != Kind::kString) mismatch(literal_kind(literal));
        auto time = Timestamp::parse(literal.text);
        if (!time) {
          fail(ErrorCode::kInvalidLiteral, literal.span, "malformed time '" + literal.text + "'",
               "use RFC 3339, e.g. '2025-02-18', '2025-02-18T23:16:34Z' or "
               "'2025-02-18T23:16:34.5+02:00'");
        }
        return *time;
      }
      default:
        break;
    }
    mismatch(literal_kind(literal));
    return {};
  }

  static const char* literal_kind(const Literal& literal) {
    switch (literal.kind) {
      case Literal::Kind::kString:
        return "a string";
      case Literal::Kind::kInteger:
        return "an integer";
      case Literal::Kind::kBoolean:
        return "a boolean";
    }
    return "a";
  }

  static const char* article(AttributeType type) {
    return type == AttributeType::kInt || type == AttributeType::kUuidArray ? "an" : "a";
  }

  void require_operator(bool allowed, const Node& node, const Operand& lhs, std::string_view op) {
    if (allowed) return;
    fail(ErrorCode::kOperatorNotAllowed, node.op_span,
         "operator " + std::string(op) + " is not allowed for " + describe(node.lhs) + " (" +
             to_string(lhs.type) + ")",
         std::string("allowed: ") + allowed_operators(lhs.type));
  }

  std::string op_text(const Node& node) const {
    return std::string(text_.substr(node.op_span.begin, node.op_span.end - node.op_span.begin));
  }

  Expr bind_term(const Node& node) {
    Operand lhs = bind_attribute_operand(node.lhs);
    Expr expr = at(ExprKind::kCompare, node.span);
    switch (node.op) {
      case TermOp::kBare:
        if (lhs.type != AttributeType::kBool) {
          fail(ErrorCode::kSyntax, node.lhs.span,
               describe(node.lhs) + " is " + article(lhs.type) + " " + to_string(lhs.type) +
                   ", not a condition",
               std::string("compare it with an operator: ") + allowed_operators(lhs.type));
        }
        expr.rhs.literal = true;
        break;
      case TermOp::kEq:
      case TermOp::kNe:
        require_operator(is_scalar(lhs.type), node, lhs, op_text(node));
        expr.op = node.op == TermOp::kEq ? CompareOp::kEq : CompareOp::kNe;
        expr.rhs = bind_right(node, lhs);
        break;
      case TermOp::kLt:
      case TermOp::kLe:
      case TermOp::kGt:
      case TermOp::kGe:
        require_operator(is_ordered(lhs.type), node, lhs, op_text(node));
        expr.op =
            static_cast<CompareOp>(static_cast<int>(CompareOp::kLt) +
                                   (static_cast<int>(node.op) - static_cast<int>(TermOp::kLt)));
        expr.rhs = bind_right(node, lhs);
        break;
      case TermOp::kLike:
      case TermOp::kNotLike:
      case TermOp::kILike:
      case TermOp::kNotILike:
        expr.kind = ExprKind::kLike;
        expr.negated = node.op == TermOp::kNotLike || node.op == TermOp::kNotILike;
        expr.case_insensitive = node.op == TermOp::kILike || node.op == TermOp::kNotILike;
        require_operator(lhs.type == AttributeType::kString, node, lhs, op_text(node));
        expr.rhs = bind_pattern(node, /*is_like=*/true);
        break;
      case TermOp::kMatch:
      case TermOp::kIMatch:
      case TermOp::kNotMatch:
      case TermOp::kNotIMatch:
        expr.kind = ExprKind::kRegex;
        expr.negated = node.op == TermOp::kNotMatch || node.op == TermOp::kNotIMatch;
        expr.case_insensitive = node.op == TermOp::kIMatch || node.op == TermOp::kNotIMatch;
        require_operator(lhs.type == AttributeType::kString, node, lhs, op_text(node));
        expr.rhs = bind_pattern(node, /*is_like=*/false);
        break;
      case TermOp::kIn:
      case TermOp::kNotIn:
        expr.kind = ExprKind::kIn;
        expr.negated = node.op == TermOp::kNotIn;
        require_operator(is_scalar(lhs.type) && lhs.type != AttributeType::kBool, node, lhs,
                         op_text(node));
        bind_list(node, lhs, expr);
        break;
      case TermOp::kIsNull:
      case TermOp::kIsNotNull:
        expr.kind = ExprKind::kIsNull;
        expr.negated = node.op == TermOp::kIsNotNull;
        break;
      case TermOp::kHas:
        expr.kind = ExprKind::kHas;
        bind_has(node, lhs, expr);
        break;
    }
    expr.lhs = std::move(lhs);
    return expr;
  }

  Operand bind_right(const Node& node, const Operand& lhs) {
    const syntax::Operand& right = node.rhs;
    const std::string target = describe(node.lhs);
    if (right.kind == syntax::Operand::Kind::kLiteral) {
      Operand bound;
      bound.type = lhs.type;
      bound.column = column_(right.span.begin);
      bound.literal = convert(right.literal, lhs.type, target);
      return bound;
    }
    Operand bound = bind_attribute_operand(right);
    if (bound.type != lhs.type) {
      fail(ErrorCode::kTypeMismatch, right.span,
           target + " (" + to_string(lhs.type) + ") cannot be compared with " + describe(right) +
               " (" + to_string(bound.type) + ")",
           "both sides of a comparison must have the same type");
    }
    return bound;
  }

  Operand bind_pattern(const Node& node, bool is_like) {
    const syntax::Operand& right = node.rhs;
    const char* what = is_like ? "LIKE pattern" : "regex";
    if (right.kind != syntax::Operand::Kind::kLiteral ||
        right.literal.kind != Literal::Kind::kString) {
      fail(ErrorCode::kTypeMismatch, right.span,
           std::string("a ") + what + " must be a quoted string literal");
    }
    const std::string& pattern = right.literal.text;
    if (pattern.size() > limits_.max_pattern_bytes) {
      fail(ErrorCode::kLimitExceeded, right.span,
           std::string(what) + " of " + std::to_string(pattern.size()) +
               " bytes exceeds the limit of " + std::to_string(limits_.max_pattern_bytes) +
               " bytes");
    }
    if (is_like && ends_with_lone_escape(pattern)) {
      fail(ErrorCode::kInvalidPattern, right.span,
           "LIKE pattern must not end with escape character",
           "write '\\\\' for a literal backslash");
    }
    Operand bound;
    bound.type = AttributeType::kString;
    bound.literal = pattern;
    bound.column = column_(right.span.begin);
    return bound;
  }

  static bool ends_with_lone_escape(std::string_view pattern) {
    bool escaped = false;
    for (char c : pattern) escaped = !escaped && c == '\\';
    return escaped;
  }

  void bind_list(const Node& node, const Operand& lhs, Expr& expr) {
    if (node.list.size() > limits_.max_in_values) {
      fail(ErrorCode::kLimitExceeded, node.op_span,
           "IN list of " + std::to_string(node.list.size()) + " values exceeds the limit of " +
               std::to_string(limits_.max_in_values));
    }
    const std::string target = describe(node.lhs);
    for (const Literal& literal : node.list) {
      expr.values.push_back(convert(literal, lhs.type, target));
    }
  }

  void bind_has(const Node& node, const Operand& lhs, Expr& expr) {
    AttributeType element = AttributeType::kString;
    if (lhs.kind != Operand::Kind::kAttribute) {
      fail(ErrorCode::kOperatorNotAllowed, node.op_span,
           "operator ? is not allowed for " + describe(node.lhs),
           "? tests an array element or a map key, e.g. Labels ? 'team'");
    }
    if (lhs.type == AttributeType::kUuidArray) {
      element = AttributeType::kUuid;
    } else if (lhs.type != AttributeType::kStringArray && lhs.type != AttributeType::kStringMap) {
      require_operator(false, node, lhs, "?");
    }
    if (node.rhs.kind != syntax::Operand::Kind::kLiteral) {
      fail(ErrorCode::kTypeMismatch, node.rhs.span, "? takes a literal on its right");
    }
    expr.rhs.type = element;
    expr.rhs.literal = convert(node.rhs.literal, element, "an element of " + describe(node.lhs));
  }

  std::string_view text_;
  ColumnMap column_;
  const Schema& schema_;
  const Limits& limits_;
};

}  // namespace

Result<Expr> bind_where(const syntax::Node* root, std::string_view text, const Schema& schema,
                        const Limits& limits) {
  if (root == nullptr) return Expr{};
  try {
    return Binder(text, schema, limits).bind(*root);
  } catch (Error& error) {
    return std::move(error);
  }
}

}  // namespace rollcall::filter::detail
