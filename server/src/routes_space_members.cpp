// /space/{space}/space_member… and /organization/{org}/space_member…: list,
// get, add, change and remove space memberships. The Directory checks every
// rule; these parse, pick the caller's view and render.
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

HttpError not_found(const index::Uuid& id) {
  return HttpError{404, "SpaceMember " + id.to_string() + " not found"};
}

// The space of the path's first parameter and the caller's standing in it.
Outcome<index::SpaceAccess> path_space(const Directory& directory, const Caller& caller,
                                       const Request& request) {
  auto id = uuid_param(request, 0, "Space");
  if (!id) return id.error();
  return space_of(directory, caller, *id);
}

// A reader of the space's members: 403 for organization members outside it.
Outcome<index::SpaceAccess> readable_space(const Directory& directory, const Caller& caller,
                                           const Request& request) {
  auto access = path_space(directory, caller, request);
  if (!access) return access.error();
  if (auto refused = require_space_reader(access->standing)) return *refused;
  return access;
}

// The organization of the path, for its OWNER and ADMIN only.
Outcome<OrganizationStanding> managed_organization(const Directory& directory, const Caller& caller,
                                                   const Request& request) {
  auto org = organization_of(directory, caller, request);
  if (!org) return org.error();
  if (auto refused = require_manager(org->standing)) return *refused;
  return org;
}

// A list of one space's members (`space`) or of the organization's.
Result answer(const Directory& directory, const Caller& caller, const Request& request,
              Response& response, const index::Uuid& organization_id,
              std::optional<index::Uuid> space, const ListView& view) {
  auto query = parse_list(request, view,
                          saved_filter(directory, caller.actor, organization_id, kEntity, space));
  if (!query) return query.error();
  index::SpaceMemberListRequest store_request;
  store_request.organization_id = organization_id;
  store_request.space_id = space;
  fill_request(*query, store_request);
  answer_list(
      directory.space_members(), std::move(store_request), query->stream,
      [fields = query->fields](const index::SpaceMember& m) {
        return space_member_json(m, fields);
      },
      response);
  return std::nullopt;
}

Result list_space(const Directory& directory, const Caller& caller, const Request& request,
                  Response& response) {
  auto access = readable_space(directory, caller, request);
  if (!access) return access.error();
  return answer(directory, caller, request, response, access->space.organization_id,
                access->space.space_id, space_member_view(access->organization_standing));
}

Result list_organization(const Directory& directory, const Caller& caller, const Request& request,
                         Response& response) {
  auto org = managed_organization(directory, caller, request);
  if (!org) return org.error();
  return answer(directory, caller, request, response, org->id, std::nullopt,
                space_member_view(org->standing));
}

// The membership of the path's second parameter when `belongs` says it is
// under the path and the view shows it; else 404, as if absent.
template <class Belongs>
Outcome<index::SpaceMemberPtr> visible_member(const Directory& directory, const Request& request,
                                              const ListView& view, Belongs belongs) {
  auto id = uuid_param(request, 1, kEntity);
  if (!id) return id.error();
  index::SpaceMemberPtr member = directory.space_members().find(*id);
  if (!member || !belongs(*member) || !view.shows(*member)) return not_found(*id);
  return member;
}

// The membership of the path's second parameter in the path's space.
Outcome<index::SpaceMemberPtr> in_space(const Directory& directory, const Request& request,
                                        const index::SpaceAccess& access, const ListView& view) {
  return visible_member(directory, request, view, [&](const index::SpaceMember& m) {
    return m.space_id == access.space.space_id;
  });
}

Result get_in_space(const Directory& directory, const Caller& caller, const Request& request,
                    Response& response) {
  auto access = readable_space(directory, caller, request);
  if (!access) return access.error();
  const ListView& view = space_member_view(access->organization_standing);
  auto member = in_space(directory, request, *access, view);
  if (!member) return member.error();
  render(response, **member, view.fields);
  return std::nullopt;
}

Result get_in_organization(const Directory& directory, const Caller& caller, const Request& request,
                           Response& response) {
  auto org = managed_organization(directory, caller, request);
  if (!org) return org.error();
  const ListView& view = space_member_view(org->standing);
  auto member = visible_member(directory, request, view, [&](const index::SpaceMember& m) {
    return m.organization_id == org->id;
  });
  if (!member) return member.error();
  render(response, **member, view.fields);
  return std::nullopt;
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
  auto access = path_space(directory, caller, request);
  if (!access) return access.error();
  auto body = JsonBody::parse(request, {"Email", "Admin", "RoleIDs", "Labels"});
  if (!body) return body.error();
  index::SpaceInvitation invitation;
  if (!body->has("Email")) return bad_request("member \"Email\" is required");
  if (auto bad = body->read("Email", invitation.email)) return bad;
  if (auto bad = read_settings(*body, invitation.settings, false)) return bad;
  const index::FieldMask fields = space_member_view(access->organization_standing).fields;
  const auto key = idempotent_create<index::SpaceMember>(
      caller, request, [fields](const index::SpaceMember& member) {
        return index::StoredAnswer{201, space_member_json(member, fields)};
      });
  auto added = directory.add_space_member(caller.actor, access->space.space_id,
                                          std::move(invitation), pointer_to(key));
  if (!added) return from_store(added.error());
  if (const auto* fresh = fresh_or_replay(*added, response)) render(response, **fresh, fields, 201);
  return std::nullopt;
}

// PATCH (merge) and PUT (replace) of Admin, RoleIDs and Labels.
Result change(Directory& directory, const Caller& caller, const Request& request,
              Response& response, bool merge) {
  auto access = path_space(directory, caller, request);
  if (!access) return access.error();
  const ListView& view = space_member_view(access->organization_standing);
  auto current = in_space(directory, request, *access, view);
  if (!current) return current.error();
  auto version = if_match(request, true);
  if (!version) return version.error();
  auto body =
      JsonBody::parse(request, {"Admin", "RoleIDs", "Labels"}, {"application/merge-patch+json"});
  if (!body) return body.error();
  const index::SpaceMember& member = **current;
  index::SpaceMemberSettings settings;
  if (merge) settings = {member.admin, member.role_ids, member.labels};
  if (auto bad = read_settings(*body, settings, merge)) return bad;
  auto updated =
      directory.update_space_member(caller.actor, member.space_id, member.space_member_id,
                                    std::move(settings), version->value_or(member.version));
  if (!updated) return from_store(updated.error());
  render(response, **updated, view.fields);
  return std::nullopt;
}

Result remove(Directory& directory, const Caller& caller, const Request& request,
              Response& response) {
  auto access = path_space(directory, caller, request);
  if (!access) return access.error();
  auto current =
      in_space(directory, request, *access, space_member_view(access->organization_standing));
  if (!current) return current.error();
  auto version = if_match(request, false);
  if (!version) return version.error();
  const index::Uuid& id = (*current)->space_member_id;
  auto removed = directory.remove_space_member(caller.actor, (*current)->space_id, id, *version);
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
