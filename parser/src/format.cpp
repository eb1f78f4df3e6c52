// Bound expression -> canonical text.
#include <string>

#include "rollcall/filter/expr.hpp"

namespace rollcall::filter {
namespace {

std::string quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  return out + "'";
}

std::string format_value(const Value& value) {
  struct Formatter {
    std::string operator()(std::monostate) const { return "NULL"; }
    std::string operator()(const std::string& s) const { return quoted(s); }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const Uuid& u) const { return quoted(u.to_string()); }
    std::string operator()(const Timestamp& t) const { return quoted(t.to_string()); }
  };
  return std::visit(Formatter{}, value);
}

std::string format_operand(const Operand& operand, const Schema& schema) {
  if (operand.kind == Operand::Kind::kLiteral) return format_value(operand.literal);
  const std::string& name = schema.attributes()[operand.attribute].name;
  switch (operand.kind) {
    case Operand::Kind::kMapEntry:
      return name + "." + operand.key;
    case Operand::Kind::kLength:
      return "LEN(" + name + ")";
    default:
      return name;
  }
}

class Formatter {
 public:
  explicit Formatter(const Schema& schema) : schema_(schema) {}

  std::string format(const Expr& expr) const {
    switch (expr.kind) {
      case ExprKind::kTrue:
        return "";
      case ExprKind::kAnd:
        return join(expr, " AND ", ExprKind::kOr);
      case ExprKind::kOr:
        return join(expr, " OR ", ExprKind::kTrue);
      case ExprKind::kNot:
        return std::string("NOT ").append(wrapped(expr.children.front(), true));
      case ExprKind::kTruthTest:
        return in_parentheses(format(expr.children.front()))
            .append(expr.negated ? " IS NOT " : " IS ")
            .append(expr.truth ? "TRUE" : "FALSE");
      default:
        return term(expr);
    }
  }

 private:
  // append/insert rather than operator+ chains: GCC 12 warns falsely (-Wrestrict) on those.
  static std::string in_parentheses(std::string text) {
    return text.insert(0, 1, '(').append(1, ')');
  }

  std::string wrapped(const Expr& expr, bool junctions) const {
    const bool needs = junctions && (expr.kind == ExprKind::kAnd || expr.kind == ExprKind::kOr);
    return needs ? in_parentheses(format(expr)) : format(expr);
  }

  std::string join(const Expr& expr, const char* separator, ExprKind parenthesize) const {
    std::string out;
    for (const Expr& child : expr.children) {
      if (!out.empty()) out += separator;
      out += child.kind == parenthesize ? in_parentheses(format(child)) : format(child);
    }
    return out;
  }

  std::string term(const Expr& expr) const {
    const std::string lhs = format_operand(expr.lhs, schema_);
    const std::string rhs = format_operand(expr.rhs, schema_);
    switch (expr.kind) {
      case ExprKind::kCompare:
        return lhs + " " + to_string(expr.op) + " " + rhs;
      case ExprKind::kIn: {
        std::string list;
        for (const Value& value : expr.values) {
          list += (list.empty() ? "" : ", ") + format_value(value);
        }
        return lhs + (expr.negated ? " NOT IN (" : " IN (") + list + ")";
      }
      case ExprKind::kLike:
        return lhs + (expr.negated ? " NOT" : "") + (expr.case_insensitive ? " ILIKE " : " LIKE ") +
               rhs;
      case ExprKind::kRegex:
        return lhs + " " + (expr.negated ? "!" : "") + "~" + (expr.case_insensitive ? "* " : " ") +
               rhs;
      case ExprKind::kIsNull:
        return lhs + (expr.negated ? " IS NOT NULL" : " IS NULL");
      case ExprKind::kHas:
        return lhs + " ? " + rhs;
      case ExprKind::kContains:
        return "CONTAINS " + rhs;
      default:
        return "";
    }
  }

  const Schema& schema_;
};

}  // namespace

const char* to_string(CompareOp op) noexcept {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

std::string to_string(const Expr& expr, const Schema& schema) {
  return Formatter(schema).format(expr);
}

}  // namespace rollcall::filter
