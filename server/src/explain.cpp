#include "explain.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>

#include "api_support.hpp"
#include "list_query.hpp"
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

// What the plan is computed against: the caller's view of one organization
// (and space), or nothing (no plan).
struct Target {
  const ListView* view = nullptr;
  bool space_members = false;
  std::optional<index::Uuid> organization;
  std::optional<index::Uuid> space;
};

Outcome<index::Uuid> id_param(const Request& request, const char* name, std::string_view what) {
  const std::string& text = *request.query_value(name);
  if (auto id = index::Uuid::parse(text)) return *id;
  return HttpError{404, std::string(what) + " " + text + " not found"};
}

Outcome<Target> organization_target(const index::Directory& directory, const Caller& caller,
                                    const Request& request, bool space_members) {
  auto org = id_param(request, "organization", "Organization");
  if (!org) return org.error();
  const index::Standing standing = directory.standing(caller.actor, *org);
  if (standing == index::Standing::kNone) {
    return HttpError{404, "Organization " + org->to_string() + " not found"};
  }
  if (!space_members) return Target{&organization_member_view(standing), false, *org, {}};
  if (auto refused = require_manager(standing)) return *refused;
  return Target{&space_member_view(standing), true, *org, {}};
}

Outcome<Target> space_target(const index::Directory& directory, const Caller& caller,
                             const Request& request) {
  auto id = id_param(request, "space", "Space");
  if (!id) return id.error();
  auto access = space_of(directory, caller, *id);
  if (!access) return access.error();
  const std::string* org = request.query_value("organization");
  if (org != nullptr && index::Uuid::parse(*org) != access->space.organization_id) {
    return HttpError{404, "Space " + id->to_string() + " not found"};
  }
  if (auto refused = require_space_reader(access->standing)) return *refused;
  return Target{&space_member_view(access->organization_standing), true,
                access->space.organization_id, *id};
}

Outcome<Target> target_of(const index::Directory& directory, const Caller& caller,
                          const Request& request, std::string_view entity) {
  const bool space_members = entity == "SpaceMember";
  if (request.query_value("space") != nullptr) {
    if (!space_members) return bad_request("space: only for entity=SpaceMember");
    return space_target(directory, caller, request);
  }
  if (request.query_value("organization") != nullptr) {
    return organization_target(directory, caller, request, space_members);
  }
  return Target{space_members ? &space_member_view(index::Standing::kOwner)
                              : &organization_member_view(index::Standing::kOwner),
                space_members,
                {},
                {}};
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

index::Explanation store_plan(const index::Directory& directory, const Target& target,
                              filter::Predicate predicate) {
  if (target.space_members) {
    index::SpaceMemberListRequest request;
    request.organization_id = *target.organization;
    request.space_id = target.space;
    request.predicate = std::move(predicate);
    return directory.space_members().explain(request);
  }
  index::ListRequest request;
  request.organization_id = *target.organization;
  request.predicate = std::move(predicate);
  return directory.members().explain(request);
}

// The records of the caller's view that `predicate` (which includes the
// view's scope) matches.
std::uint64_t visible_matches(const index::Directory& directory, const Target& target,
                              filter::Predicate predicate) {
  if (!target.space_members) return directory.members().count(*target.organization, predicate);
  index::SpaceMemberListRequest request;
  request.organization_id = *target.organization;
  request.space_id = target.space;
  request.predicate = std::move(predicate);
  request.limit = 1;
  request.include_total = true;
  const auto page = directory.space_members().list(request);
  const auto* result = std::get_if<index::SpaceMemberListResult>(&page);
  return result != nullptr ? result->total.value_or(0) : 0;
}

// The plan of the list `where` would run. A caller with a scoped view gets,
// as EstimatedRows, the exact count of the matches they may see, and no
// candidate counts: those include records outside the view (a side channel).
index::Explanation plan(const index::Directory& directory, const Target& target,
                        const filter::Predicate& where) {
  const filter::Predicate predicate = within_view(where, *target.view);
  index::Explanation explanation = store_plan(directory, target, predicate);
  if (target.view->scope) {
    explanation.estimated_rows = visible_matches(directory, target, predicate);
    explanation.access_path = std::move(explanation.access_path_alone);
  }
  return explanation;
}

void write_plan(Writer& writer, const index::Explanation& explanation, bool scoped) {
  writer.StartObject();
  writer.Key("AccessPath");
  string(writer, explanation.access_path);
  writer.Key("EstimatedRows");
  writer.Uint64(explanation.estimated_rows);
  writer.Key("EstimatedRowsAre");
  writer.String(scoped ? "VisibleMatches" : "Candidates");
  writer.Key("Residual");
  string(writer, explanation.residual);
  writer.EndObject();
}

// `explanation`: none without a target organization.
std::string explanation_json(std::string_view entity, std::string_view where,
                             const filter::Predicate& predicate, const Target& target,
                             const index::Explanation* explanation) {
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
  if (explanation != nullptr) {
    write_plan(writer, *explanation, target.view->scope.has_value());
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
  std::optional<index::Explanation> explanation;
  if (target->organization) explanation = plan(directory, *target, *compiled);
  response.body =
      explanation_json(*entity, text, *compiled, *target, explanation ? &*explanation : nullptr);
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
