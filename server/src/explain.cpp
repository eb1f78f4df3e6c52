#include "explain.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>

#include "api_support.hpp"
#include "query_params.hpp"
#include "rollcall/index/schemas.hpp"

namespace rollcall::server {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using filter::Expr;
using filter::ExprKind;
using filter::Operand;

constexpr std::array<const char*, 12> kKindNames = {"True",      "And",     "Or",  "Not",
                                                    "TruthTest", "Compare", "In",  "Like",
                                                    "Regex",     "IsNull",  "Has", "Contains"};

void string(Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void value(Writer& writer, const filter::Value& literal) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          writer.Null();
        } else if constexpr (std::is_same_v<T, std::string>) {
          string(writer, v);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          writer.Int64(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          writer.Bool(v);
        } else {
          string(writer, v.to_string());
        }
      },
      literal);
}

// From the value: a synthesized literal (a bare bool attribute) has no operand type.
const char* literal_type(const filter::Value& literal) {
  constexpr std::array<const char*, 6> kNames = {"null", "string", "int", "bool", "uuid", "time"};
  return kNames.at(literal.index());
}

void column(Writer& writer, std::uint32_t at) {
  if (at == 0) return;
  writer.Key("Column");
  writer.Uint(at);
}

// A flag member, written only when set (keeps the tree short).
void flag(Writer& writer, const char* name, bool set) {
  if (!set) return;
  writer.Key(name);
  writer.Bool(true);
}

void operand(Writer& writer, const Operand& op, const filter::Schema& schema) {
  writer.StartObject();
  if (op.kind == Operand::Kind::kLiteral) {
    writer.Key("Literal");
    value(writer, op.literal);
  } else {
    writer.Key(op.kind == Operand::Kind::kLength ? "Length" : "Attribute");
    string(writer, schema.attributes()[static_cast<std::size_t>(op.attribute)].name);
  }
  if (op.kind == Operand::Kind::kMapEntry) {
    writer.Key("Key");
    string(writer, op.key);
  }
  writer.Key("Type");
  writer.String(op.kind == Operand::Kind::kLiteral ? literal_type(op.literal)
                                                   : filter::to_string(op.type));
  column(writer, op.column);
  writer.EndObject();
}

void expression(Writer& writer, const Expr& expr, const filter::Schema& schema);

void children(Writer& writer, const Expr& expr, const filter::Schema& schema) {
  if (expr.kind == ExprKind::kAnd || expr.kind == ExprKind::kOr) {
    writer.Key("Children");
    writer.StartArray();
    for (const Expr& child : expr.children) expression(writer, child, schema);
    writer.EndArray();
  } else if (!expr.children.empty()) {
    writer.Key("Child");
    expression(writer, expr.children.front(), schema);
  }
}

// Left, Op, Right / Values of a term (not of And, Or, Not, truth tests).
void term(Writer& writer, const Expr& expr, const filter::Schema& schema) {
  if (expr.kind == ExprKind::kContains) {
    writer.Key("Text");
    value(writer, expr.rhs.literal);
    return;
  }
  writer.Key("Left");
  operand(writer, expr.lhs, schema);
  if (expr.kind == ExprKind::kCompare) {
    writer.Key("Op");
    writer.String(filter::to_string(expr.op));
  }
  if (expr.kind == ExprKind::kIn) {
    writer.Key("Values");
    writer.StartArray();
    for (const filter::Value& v : expr.values) value(writer, v);
    writer.EndArray();
  } else if (expr.kind != ExprKind::kIsNull) {
    writer.Key("Right");
    operand(writer, expr.rhs, schema);
  }
}

bool is_connective(ExprKind kind) {
  return kind == ExprKind::kTrue || kind == ExprKind::kAnd || kind == ExprKind::kOr ||
         kind == ExprKind::kNot || kind == ExprKind::kTruthTest;
}

void expression(Writer& writer, const Expr& expr, const filter::Schema& schema) {
  writer.StartObject();
  writer.Key("Kind");
  writer.String(kKindNames.at(static_cast<std::size_t>(expr.kind)));
  flag(writer, "Negated", expr.negated);
  flag(writer, "CaseInsensitive", expr.case_insensitive);
  if (expr.kind == ExprKind::kTruthTest) {
    writer.Key("Truth");
    writer.Bool(expr.truth);
  }
  if (is_connective(expr.kind)) {
    children(writer, expr, schema);
  } else {
    term(writer, expr, schema);
  }
  column(writer, expr.column);
  writer.EndObject();
}

// What the plan is computed against: the caller's view of an organization's
// memberships or of space memberships; with neither, the full view and no plan.
struct Target {
  const index::View* view = nullptr;
  std::optional<index::Uuid> organization;  // OrganizationMember: whose
  std::optional<index::SpaceScope> spaces;  // SpaceMember: whose
  bool has_plan() const { return organization || spaces; }
};

Outcome<std::optional<index::Uuid>> id_param(const Request& request, const char* name,
                                             std::string_view what) {
  const std::string* text = request.query_value(name);
  if (text == nullptr) return std::optional<index::Uuid>();
  if (auto id = index::Uuid::parse(*text)) return std::optional<index::Uuid>(*id);
  return HttpError{404, std::string(what) + " " + *text + " not found"};
}

Outcome<Target> target_of(const index::Directory& directory, const Caller& caller,
                          const Request& request, std::string_view entity) {
  const bool space_members = entity == "SpaceMember";
  auto space = id_param(request, "space", "Space");
  if (!space) return space.error();
  if (*space && !space_members) return bad_request("space: only for entity=SpaceMember");
  auto org = id_param(request, "organization", "Organization");
  if (!org) return org.error();
  if (!*space && !*org) {
    return Target{space_members ? &index::space_member_view(index::Standing::kOwner)
                                : &index::organization_member_view(index::Standing::kOwner),
                  {},
                  {}};
  }
  if (!space_members) {
    auto view = directory.view_of_members(caller.actor, **org);
    if (!view) return from_store(view.error());
    return Target{*view, *org, {}};
  }
  const index::SpaceScope scope{*space, *org};
  auto view = directory.view_of_space_members(caller.actor, scope);
  if (!view) return from_store(view.error());
  return Target{*view, {}, scope};
}

// A compile error as a 400 that also gives its parts: code, column, text, hint.
void compile_error(Response& response, const filter::Error& error) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("Code");
  writer.String("400");
  writer.Key("Message");
  string(writer, "where: " + error.message());
  writer.Key("Error");
  writer.StartObject();
  writer.Key("Code");
  writer.String(filter::to_string(error.code));
  writer.Key("Column");
  writer.Uint(error.column);
  writer.Key("Text");
  string(writer, error.text);
  writer.Key("What");
  string(writer, error.what);
  writer.Key("Hint");
  string(writer, error.hint);
  writer.EndObject();
  writer.EndObject();
  response.status = 400;
  response.body.assign(buffer.GetString(), buffer.GetSize());
}

index::DirectoryResult<index::ListPlan> plan(const index::Directory& directory,
                                             const Caller& caller, const Target& target,
                                             const filter::Predicate& where) {
  if (target.spaces) return directory.explain_space_members(caller.actor, *target.spaces, where);
  return directory.explain_members(caller.actor, *target.organization, where);
}

// Null when `hidden` (a scoped view's plan), else the text.
void optional_string(Writer& writer, std::string_view text, bool hidden) {
  if (hidden) {
    writer.Null();
  } else {
    string(writer, text);
  }
}

void write_plan(Writer& writer, const index::ListPlan& plan) {
  const index::Explanation& explanation = plan.explanation;
  writer.StartObject();
  writer.Key("AccessPath");
  optional_string(writer, explanation.access_path, plan.scoped);
  writer.Key("EstimatedRows");
  writer.Uint64(explanation.estimated_rows);
  writer.Key("EstimatedRowsAre");
  writer.String(plan.scoped ? "VisibleMatches" : "Candidates");
  writer.Key("Residual");
  optional_string(writer, explanation.residual, plan.scoped);
  writer.EndObject();
}

// `plan`: none without a target organization or space.
std::string explanation_json(std::string_view entity, std::string_view where,
                             const filter::Predicate& predicate, const index::ListPlan* plan) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("Entity");
  string(writer, entity);
  writer.Key("Where");
  string(writer, where);
  writer.Key("Normalized");
  string(writer, predicate.normalized());
  writer.Key("Expression");
  expression(writer, predicate.expression(), predicate.schema());
  writer.Key("Plan");
  if (plan != nullptr) {
    write_plan(writer, *plan);
  } else {
    writer.Null();
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<HttpError> explain(const index::Directory& directory, const Caller& caller,
                                 const Request& request, Response& response) {
  const std::string* entity = request.query_value("entity");
  if (entity == nullptr || index::schema_for_entity(*entity) == nullptr) {
    return bad_request("entity must be OrganizationMember or SpaceMember");
  }
  auto target = target_of(directory, caller, request, *entity);
  if (!target) return target.error();
  const std::string* where = request.query_value("where");
  const std::string_view text = where != nullptr ? std::string_view(*where) : "";
  auto compiled = filter::compile_where(text, target->view->schema);
  if (!compiled) {
    compile_error(response, compiled.error());
    return std::nullopt;
  }
  if (!target->has_plan()) {
    response.body = explanation_json(*entity, text, *compiled, nullptr);
    return std::nullopt;
  }
  auto planned = plan(directory, caller, *target, *compiled);
  if (!planned) return from_store(planned.error());
  response.body = explanation_json(*entity, text, *compiled, &*planned);
  return std::nullopt;
}

}  // namespace

std::string expression_json(const filter::Predicate& predicate) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  expression(writer, predicate.expression(), predicate.schema());
  return {buffer.GetString(), buffer.GetSize()};
}

void routes_explain(Router& router, ApiContext& context) {
  router.add("GET", "/where/explain", route_to(context, &context.directory, explain));
}

}  // namespace rollcall::server
