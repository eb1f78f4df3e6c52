#include <cassert>

#include "bind.hpp"
#include "casefold.hpp"
#include "compile.hpp"
#include "parse.hpp"
#include "program.hpp"
#include "steps.hpp"

namespace rollcall::filter {
namespace {

// Lets a conjunction reuse already compiled programs instead of compiling again.
class ProgramStep final : public detail::EvalNode {
 public:
  explicit ProgramStep(std::shared_ptr<const detail::Program> program)
      : program_(std::move(program)) {}
  Truth eval(RecordRef record) const override { return program_->root->eval(record); }

 private:
  std::shared_ptr<const detail::Program> program_;
};

Predicate wrap(Schema schema, Expr expr, std::unique_ptr<detail::EvalNode> root) {
  return detail::Program::wrap(
      std::make_shared<const detail::Program>(std::move(schema), std::move(expr), std::move(root)));
}

const Schema& empty_schema() {
  static const Schema schema("", typeid(void), {});
  return schema;
}

}  // namespace

Predicate::Predicate()
    : Predicate(std::make_shared<const detail::Program>(
          empty_schema(), Expr{}, std::make_unique<detail::ConstantStep>(Truth::kTrue))) {}

Predicate::Predicate(std::shared_ptr<const detail::Program> program)
    : program_(std::move(program)) {}

Truth Predicate::evaluate_erased(RecordRef record) const { return program_->root->eval(record); }

const Expr& Predicate::expression() const noexcept { return program_->expr; }

const Schema& Predicate::schema() const noexcept { return program_->schema; }

const std::string& Predicate::normalized() const { return program_->normalized(); }

namespace {

void mark_read(const Expr& expr, const Schema& schema, std::vector<bool>& read) {
  for (const Operand* operand : {&expr.lhs, &expr.rhs}) {
    if (operand->kind != Operand::Kind::kLiteral && operand->attribute >= 0) {
      read[static_cast<std::size_t>(operand->attribute)] = true;
    }
  }
  if (expr.kind == ExprKind::kContains) {
    const auto attributes = schema.attributes();
    for (std::size_t i = 0; i < attributes.size(); ++i) {
      const AttributeType type = attributes[i].type;
      if (type == AttributeType::kString || type == AttributeType::kStringMap) read[i] = true;
    }
  }
  for (const Expr& child : expr.children) mark_read(child, schema, read);
}

}  // namespace

std::vector<std::string> Predicate::attributes_read() const {
  const auto attributes = program_->schema.attributes();
  std::vector<bool> read(attributes.size());
  mark_read(program_->expr, program_->schema, read);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    if (read[i]) names.push_back(attributes[i].name);
  }
  return names;
}

void Predicate::check_record_type([[maybe_unused]] const std::type_info& type) const {
  assert(program_->expr.kind == ExprKind::kTrue || type == program_->schema.record_type());
}

Result<Predicate> compile_where(std::string_view where, const Schema& schema,
                                const Limits& limits) {
  auto tree = detail::parse_where(where, limits);
  if (!tree) return tree.error();
  auto expr = detail::bind_where(tree->get(), where, schema, limits);
  if (!expr) return expr.error();
  auto root = detail::compile_expr(*expr, schema, limits);
  if (!root) return root.error();
  return wrap(schema, std::move(expr).value(), std::move(root).value());
}

Predicate compile_contains(std::string_view text, const Schema& schema) {
  Expr expr;
  expr.kind = ExprKind::kContains;
  expr.rhs.literal = detail::to_lowercase(text);
  auto root = detail::compile_expr(expr, schema, Limits{});
  return wrap(schema, std::move(expr), std::move(root).value());
}

Predicate all_of(std::span<const Predicate> predicates) {
  Expr conjunction;
  conjunction.kind = ExprKind::kAnd;
  std::vector<std::unique_ptr<detail::EvalNode>> steps;
  const Predicate* last = nullptr;
  for (const Predicate& predicate : predicates) {
    const Expr& expr = predicate.expression();
    if (expr.kind == ExprKind::kTrue) continue;
    assert(last == nullptr || last->schema().same_as(predicate.schema()));
    last = &predicate;
    if (expr.kind == ExprKind::kAnd) {
      conjunction.children.insert(conjunction.children.end(), expr.children.begin(),
                                  expr.children.end());
    } else {
      conjunction.children.push_back(expr);
    }
    steps.push_back(std::make_unique<ProgramStep>(predicate.program_));
  }
  if (last == nullptr) return predicates.empty() ? Predicate() : predicates.front();
  if (steps.size() == 1) return *last;
  return wrap(last->schema(), std::move(conjunction),
              std::make_unique<detail::AndStep>(std::move(steps)));
}

}  // namespace rollcall::filter
