// /space/{space}/space_member… and /organization/{org}/space_member…: list,
// get, add, change and remove space memberships. The Directory checks every
// rule and reads through the caller's view; these parse and render.
#include "api_support.hpp"
#include "idempotency.hpp"
#include "json_body.hpp"
#include "list_query.hpp"
#include "query_params.hpp"
#include "render.hpp"

namespace rollcall::server {

namespace {

using Result = std::optional<HttpError>;
using index::Directory;

constexpr std::string_view kEntity = "SpaceMember";

// The path's space (or organization, for `whole_organization`).
Outcome<index::SpaceScope> scope_of(const Request& request, bool whole_organization) {
  auto id = uuid_param(request, 0, whole_organization ? "Organization" : "Space");
  if (!id) return id.error();
  return whole_organization ? index::SpaceScope::organization(*id) : index::SpaceScope::space(*id);
}

Result list(const Directory& directory, const Caller& caller, const Request& request,
            Response& response, bool whole_organization) {
  auto scope = scope_of(request, whole_organization);
  if (!scope) return scope.error();
  auto params = parse_list(request, directory.max_list_limit());
  if (!params) return params.error();
  answer_list(
      [directory = &directory, actor = caller.actor, scope = *scope](const index::ListSpec& spec) {
        return directory->list_space_members(actor, scope, spec);
      },
      std::move(*params), AppendJson{}, response);
  return std::nullopt;
}

Result list_space(const Directory& directory, const Caller& caller, const Request& request,
                  Response& response) {
  return list(directory, caller, request, response, false);
}

Result list_organization(const Directory& directory, const Caller& caller, const Request& request,
                         Response& response) {
  return list(directory, caller, request, response, true);
}

// The membership of the path's second parameter, as the caller may see it.
Outcome<index::Seen<index::SpaceMemberPtr>> visible_member(const Directory& directory,
                                                           const Caller& caller,
                                                           const Request& request,
                                                           bool whole_organization) {
  auto scope = scope_of(request, whole_organization);
  if (!scope) return scope.error();
  auto id = uuid_param(request, 1, kEntity);
  if (!id) return id.error();
  auto seen = directory.space_member(caller.actor, *scope, *id);
  if (!seen) return from_store(seen.error());
  return std::move(*seen);
}

Result get(const Directory& directory, const Caller& caller, const Request& request,
           Response& response, bool whole_organization) {
  auto seen = visible_member(directory, caller, request, whole_organization);
  if (!seen) return seen.error();
  render(response, *seen->record, seen->fields);
  return std::nullopt;
}

Result get_in_space(const Directory& directory, const Caller& caller, const Request& request,
                    Response& response) {
  return get(directory, caller, request, response, false);
}

Result get_in_organization(const Directory& directory, const Caller& caller, const Request& request,
                           Response& response) {
  return get(directory, caller, request, response, true);
}

Result read_settings(const JsonBody& body, index::SpaceMemberSettings& settings, bool merge) {
  if (body.is_null("Admin")) return bad_request("member \"Admin\" must be true or false");
  if (auto bad = body.read("Admin", settings.admin)) return bad;
  if (auto bad =
          merge ? body.merge("Labels", settings.labels) : body.read("Labels", settings.labels)) {
    return bad;
  }
  return body.read("RoleIDs", settings.role_ids);
}

Result add(Directory& directory, const Caller& caller, const Request& request, Response& response) {
  auto space = uuid_param(request, 0, "Space");
  if (!space) return space.error();
  auto body = JsonBody::parse(request, {"Email", "Admin", "RoleIDs", "Labels"});
  if (!body) return body.error();
  index::SpaceInvitation invitation;
  if (!body->has("Email")) return bad_request("member \"Email\" is required");
  if (auto bad = body->read("Email", invitation.email)) return bad;
  if (auto bad = read_settings(*body, invitation.settings, false)) return bad;
  using Seen = index::Seen<index::SpaceMemberPtr>;
  return answer_create<Seen>(
      caller, request, response,
      [](const Seen& added) {
        return index::StoredAnswer{201, space_member_json(*added.record, added.fields)};
      },
      [&](const auto* key) {
        return directory.add_space_member(caller.actor, *space, std::move(invitation), key);
      },
      [&](const Seen& added) { render(response, *added.record, added.fields, 201); });
}

// PATCH (merge) and PUT (replace) of Admin, RoleIDs and Labels.
Result change(Directory& directory, const Caller& caller, const Request& request,
              Response& response, bool merge) {
  auto current = visible_member(directory, caller, request, false);
  if (!current) return current.error();
  auto version = if_match(request, true);
  if (!version) return version.error();
  auto body =
      JsonBody::parse(request, {"Admin", "RoleIDs", "Labels"}, {"application/merge-patch+json"});
  if (!body) return body.error();
  const index::SpaceMember& member = *current->record;
  index::SpaceMemberSettings settings;
  if (merge) settings = {member.admin, member.role_ids, member.labels};
  if (auto bad = read_settings(*body, settings, merge)) return bad;
  auto updated =
      directory.update_space_member(caller.actor, member.space_id, member.space_member_id,
                                    std::move(settings), version->value_or(member.version));
  if (!updated) return from_store(updated.error());
  render(response, *updated->record, updated->fields);
  return std::nullopt;
}

Result remove(Directory& directory, const Caller& caller, const Request& request,
              Response& response) {
  auto current = visible_member(directory, caller, request, false);
  if (!current) return current.error();
  auto version = if_match(request, false);
  if (!version) return version.error();
  const index::Uuid& id = current->record->space_member_id;
  auto removed =
      directory.remove_space_member(caller.actor, current->record->space_id, id, *version);
  if (!removed) return from_store(removed.error());
  render_message(response, "SpaceMember " + id.to_string() + " removed");
  return std::nullopt;
}

}  // namespace

void routes_space_members(Router& router, ApiContext& context) {
  Directory* directory = &context.directory;
  add_collection(router, context, "/space/{space}/space_member", list_space, add, get_in_space,
                 change, remove);
  const std::string in_org = "/organization/{org}/space_member";
  router.add("GET", in_org, route_to(context, directory, list_organization));
  router.add("GET", in_org + "/{id}", route_to(context, directory, get_in_organization));
}

}  // namespace rollcall::server
