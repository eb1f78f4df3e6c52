#include "compile.hpp"

#include <functional>
#include <type_traits>

#include "readers.hpp"
#include "steps.hpp"

namespace rollcall::filter::detail {
namespace {

using NodePtr = std::unique_ptr<EvalNode>;

// Calls f(reader) with the reader for a left-hand or attribute operand.
template <class F>
NodePtr with_reader(const Operand& operand, const Schema& schema, F&& f) {
  const Accessors& get = schema.attributes()[operand.attribute].get;
  switch (operand.kind) {
    case Operand::Kind::kMapEntry:
      return f(MapEntryReader{get.map_find, operand.key});
    case Operand::Kind::kLength:
      return f(LengthReader{get.size});
    default:
      break;
  }
  switch (operand.type) {
    case AttributeType::kString:
      return f(AttributeReader<std::string_view>{get.string});
    case AttributeType::kInt:
      return f(AttributeReader<std::int64_t>{get.integer});
    case AttributeType::kBool:
      return f(AttributeReader<bool>{get.boolean});
    case AttributeType::kUuid:
      return f(AttributeReader<Uuid>{get.uuid});
    case AttributeType::kTime:
      return f(AttributeReader<Timestamp>{get.time});
    default:
      return nullptr;  // arrays and maps are not read as values
  }
}

// Calls f(reader) for a right-hand operand: a constant or another attribute.
template <class F>
NodePtr with_right_reader(const Operand& operand, const Schema& schema, F&& f) {
  if (operand.kind != Operand::Kind::kLiteral) return with_reader(operand, schema, f);
  return std::visit(
      [&](const auto& value) -> NodePtr {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return f(ConstantReader<std::string_view, std::string>{value});
        } else if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else {
          return f(ConstantReader<T>{value});
        }
      },
      operand.literal);
}

template <class Left, class Right>
NodePtr make_compare(CompareOp op, Left left, Right right) {
  if constexpr (!std::is_same_v<typename Left::value_type, typename Right::value_type>) {
    return nullptr;  // the binder only pairs equal types
  } else {
    switch (op) {
      case CompareOp::kEq:
        return std::make_unique<CompareStep<Left, Right, Equal>>(left, right);
      case CompareOp::kNe:
        return std::make_unique<CompareStep<Left, Right, NotEqual>>(left, right);
      case CompareOp::kLt:
        return std::make_unique<CompareStep<Left, Right, std::less<>>>(left, right);
      case CompareOp::kLe:
        return std::make_unique<CompareStep<Left, Right, std::less_equal<>>>(left, right);
      case CompareOp::kGt:
        return std::make_unique<CompareStep<Left, Right, std::greater<>>>(left, right);
      case CompareOp::kGe:
        return std::make_unique<CompareStep<Left, Right, std::greater_equal<>>>(left, right);
    }
    return nullptr;
  }
}

template <class Stored>
std::vector<Stored> values_as(const std::vector<Value>& values) {
  std::vector<Stored> out;
  out.reserve(values.size());
  for (const Value& value : values) out.push_back(std::get<Stored>(value));
  return out;
}

template <class Left>
NodePtr make_in(Left left, const Expr& expr) {
  using T = typename Left::value_type;
  using Stored = std::conditional_t<std::is_same_v<T, std::string_view>, std::string, T>;
  return std::make_unique<InStep<Left, Stored>>(std::move(left), values_as<Stored>(expr.values),
                                                expr.negated);
}

// Order of evaluation inside AND/OR does not change the answer (no step has
// side effects), so cheap steps go first.
int cost(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kLike:
      return 2;
    case ExprKind::kContains:
      return 3;
    case ExprKind::kRegex:
      return 4;
    case ExprKind::kAnd:
    case ExprKind::kOr:
    case ExprKind::kNot:
    case ExprKind::kTruthTest:
      return 5;
    default:
      return 1;
  }
}

class Compiler {
 public:
  Compiler(const Schema& schema, const Limits& limits) : schema_(schema), limits_(limits) {}

  NodePtr compile(const Expr& expr) {
    switch (expr.kind) {
      case ExprKind::kTrue:
        return std::make_unique<ConstantStep>(Truth::kTrue);
      case ExprKind::kAnd:
        return std::make_unique<AndStep>(compile_children(expr));
      case ExprKind::kOr:
        return std::make_unique<OrStep>(compile_children(expr));
      case ExprKind::kNot:
        return std::make_unique<NotStep>(compile(expr.children.front()));
      case ExprKind::kTruthTest:
        return std::make_unique<TruthTestStep>(compile(expr.children.front()), expr.truth,
                                               expr.negated);
      case ExprKind::kCompare:
        return with_reader(expr.lhs, schema_, [&](auto left) {
          return with_right_reader(expr.rhs, schema_,
                                   [&](auto right) { return make_compare(expr.op, left, right); });
        });
      case ExprKind::kIn:
        return with_reader(expr.lhs, schema_, [&](auto left) { return make_in(left, expr); });
      case ExprKind::kLike:
        return compile_like(expr);
      case ExprKind::kRegex:
        return compile_regex_step(expr);
      case ExprKind::kIsNull:
        return compile_is_null(expr);
      case ExprKind::kHas:
        return compile_has(expr);
      case ExprKind::kContains:
        return compile_contains_step(expr);
    }
    return nullptr;
  }

  const Error* error() const { return error_ ? &*error_ : nullptr; }

 private:
  std::vector<NodePtr> compile_children(const Expr& expr) {
    std::vector<const Expr*> ordered;
    ordered.reserve(expr.children.size());
    for (const Expr& child : expr.children) ordered.push_back(&child);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const Expr* a, const Expr* b) { return cost(*a) < cost(*b); });
    std::vector<NodePtr> children;
    children.reserve(ordered.size());
    for (const Expr* child : ordered) children.push_back(compile(*child));
    return children;
  }

  template <class F>
  NodePtr with_string_reader(const Expr& expr, F&& f) {
    return with_reader(expr.lhs, schema_, [&](auto left) -> NodePtr {
      if constexpr (std::is_same_v<typename decltype(left)::value_type, std::string_view>) {
        return f(std::move(left));
      } else {
        return nullptr;
      }
    });
  }

  NodePtr compile_like(const Expr& expr) {
    const auto& text = std::get<std::string>(expr.rhs.literal);
    auto pattern = LikePattern::compile(expr.case_insensitive ? to_lowercase(text) : text);
    return with_string_reader(expr, [&](auto left) {
      return std::make_unique<LikeStep<decltype(left)>>(std::move(left), *pattern, expr.negated,
                                                        expr.case_insensitive);
    });
  }

  NodePtr compile_regex_step(const Expr& expr) {
    const auto& text = std::get<std::string>(expr.rhs.literal);
    RegexResult compiled = compile_regex(text, expr.case_insensitive, limits_);
    if (!compiled.regex) {
      Error error;
      error.code = compiled.limit_exceeded ? ErrorCode::kLimitExceeded : ErrorCode::kInvalidPattern;
      error.column = expr.rhs.column;
      error.text = "'" + text + "'";
      error.what = "invalid regex: " + compiled.error;
      if (!error_ || error.column < error_->column) error_ = std::move(error);
      return std::make_unique<ConstantStep>(Truth::kFalse);
    }
    return with_string_reader(expr, [&](auto left) {
      return std::make_unique<RegexStep<decltype(left)>>(std::move(left), compiled.regex,
                                                         compiled.prefilter, expr.negated);
    });
  }

  NodePtr compile_is_null(const Expr& expr) {
    NodePtr step = with_reader(expr.lhs, schema_, [&](auto left) {
      return std::make_unique<IsNullStep<decltype(left)>>(std::move(left), expr.negated);
    });
    // Arrays and maps themselves are never NULL.
    if (!step) step = std::make_unique<ConstantStep>(expr.negated ? Truth::kTrue : Truth::kFalse);
    return step;
  }

  NodePtr compile_has(const Expr& expr) {
    const Accessors& get = schema_.attributes()[expr.lhs.attribute].get;
    switch (expr.lhs.type) {
      case AttributeType::kUuidArray:
        return std::make_unique<HasUuidStep>(get.array_has_uuid, std::get<Uuid>(expr.rhs.literal));
      case AttributeType::kStringArray:
        return std::make_unique<HasStringStep>(get.array_has_string,
                                               std::get<std::string>(expr.rhs.literal));
      default:
        return std::make_unique<HasKeyStep>(
            MapEntryReader{get.map_find, std::get<std::string>(expr.rhs.literal)});
    }
  }

  NodePtr compile_contains_step(const Expr& expr) {
    std::vector<ContainsStep::StringGetter> strings;
    std::vector<ContainsStep::MapVisit> maps;
    for (const Attribute& attribute : schema_.attributes()) {
      if (attribute.type == AttributeType::kString) strings.push_back(attribute.get.string);
      if (attribute.type == AttributeType::kStringMap) maps.push_back(attribute.get.map_visit);
    }
    return std::make_unique<ContainsStep>(std::get<std::string>(expr.rhs.literal),
                                          std::move(strings), std::move(maps));
  }

  const Schema& schema_;
  const Limits& limits_;
  std::optional<Error> error_;
};

}  // namespace

Truth ContainsStep::eval(RecordRef record) const {
  for (StringGetter get : strings_) {
    const auto value = get(record);
    if (value && found_in(*value)) return Truth::kTrue;
  }
  struct Search {
    const ContainsStep* step;
    bool found = false;
  } search{this};
  for (MapVisit visit : maps_) {
    visit(record, &search, [](void* context, std::string_view key, std::string_view value) {
      auto* s = static_cast<Search*>(context);
      s->found = s->step->found_in(key) || s->step->found_in(value);
      return !s->found;
    });
    if (search.found) return Truth::kTrue;
  }
  return Truth::kFalse;
}

Result<std::unique_ptr<EvalNode>> compile_expr(const Expr& expr, const Schema& schema,
                                               const Limits& limits) {
  Compiler compiler(schema, limits);
  NodePtr root = compiler.compile(expr);
  if (const Error* error = compiler.error()) return *error;
  return root;
}

}  // namespace rollcall::filter::detail
