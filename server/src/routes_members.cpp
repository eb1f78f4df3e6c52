// /organization/{org}/organization_member…: list, get, invite, change, remove,
// transfer ownership. The Directory checks every rule; these parse and render.
#include <string>

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
using index::MemberSettings;

Result read_settings(const JsonBody& body, MemberSettings& settings, bool merge) {
  if (body.is_null("Role")) return bad_request("member \"Role\" must be a string");
  if (auto bad = body.read("Role", settings.role)) return bad;
  if (auto bad =
          merge ? body.merge("Labels", settings.labels) : body.read("Labels", settings.labels)) {
    return bad;
  }
  if (auto bad = body.read("RoleIDs", settings.role_ids)) return bad;
  if (auto bad = body.read("RequiredSSOAuth", settings.required_sso_auth)) return bad;
  return body.read("RequiredMFAAuth", settings.required_mfa_auth);
}

MemberSettings settings_of(const index::OrganizationMember& member) {
  return {member.role, member.labels, member.role_ids, member.required_sso_auth,
          member.required_mfa_auth};
}

Result list(const Directory& directory, const Caller& caller, const Request& request,
            Response& response) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  auto params = parse_list(request, directory.max_list_limit());
  if (!params) return params.error();
  answer_list(
      [directory = &directory, actor = caller.actor, org = *org](const index::ListSpec& spec) {
        return directory->list_members(actor, org, spec);
      },
      std::move(*params), AppendJson{}, response);
  return std::nullopt;
}

// The membership the path names, as the caller may see it: 404 when the
// caller may not see the organization, or the membership is not in it or is
// hidden from them (a MEMBER and a pending one), as if absent.
struct Visible {
  index::Uuid organization_id;
  index::Seen<index::MemberPtr> seen;
  const index::OrganizationMember& member() const { return *seen.record; }
};

Outcome<Visible> visible_member(const Directory& directory, const Caller& caller,
                                const Request& request) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  auto id = uuid_param(request, 1, "OrganizationMember");
  if (!id) return id.error();
  auto seen = directory.member(caller.actor, *org, *id);
  if (!seen) return from_store(seen.error());
  return Visible{*org, std::move(*seen)};
}

Result get(const Directory& directory, const Caller& caller, const Request& request,
           Response& response) {
  auto visible = visible_member(directory, caller, request);
  if (!visible) return visible.error();
  render(response, visible->member(), visible->seen.fields);
  return std::nullopt;
}

Result invite(Directory& directory, const Caller& caller, const Request& request,
              Response& response) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  auto body = JsonBody::parse(
      request, {"Email", "Role", "Labels", "RoleIDs", "RequiredSSOAuth", "RequiredMFAAuth"});
  if (!body) return body.error();
  index::Invitation invitation;
  if (!body->has("Email")) return bad_request("member \"Email\" is required");
  if (auto bad = body->read("Email", invitation.email)) return bad;
  if (auto bad = read_settings(*body, invitation.settings, false)) return bad;
  return answer_create<index::OrganizationMember>(
      caller, request, response,
      [](const index::OrganizationMember& member) {
        return index::StoredAnswer{201, member_json(member, index::kAllFields)};
      },
      [&](const auto* key) {
        return directory.invite(caller.actor, *org, std::move(invitation), key);
      },
      [&](const index::MemberPtr& member) { render(response, *member, index::kAllFields, 201); });
}

// PATCH (merge) and PUT (replace) of the mutable fields.
Result change(Directory& directory, const Caller& caller, const Request& request,
              Response& response, bool merge) {
  auto visible = visible_member(directory, caller, request);
  if (!visible) return visible.error();
  auto version = if_match(request, true);
  if (!version) return version.error();
  auto body =
      JsonBody::parse(request, {"Role", "Labels", "RoleIDs", "RequiredSSOAuth", "RequiredMFAAuth"},
                      {"application/merge-patch+json"});
  if (!body) return body.error();
  const index::OrganizationMember& current = visible->member();
  MemberSettings settings = merge ? settings_of(current) : MemberSettings{};
  if (auto bad = read_settings(*body, settings, merge)) return bad;
  auto updated = directory.update_member(caller.actor, visible->organization_id,
                                         current.organization_member_id, std::move(settings),
                                         version->value_or(current.version));
  if (!updated) return from_store(updated.error());
  render(response, **updated);
  return std::nullopt;
}

Result remove(Directory& directory, const Caller& caller, const Request& request,
              Response& response) {
  auto visible = visible_member(directory, caller, request);
  if (!visible) return visible.error();
  auto version = if_match(request, false);
  if (!version) return version.error();
  const index::Uuid& id = visible->member().organization_member_id;
  auto removed = directory.remove_member(caller.actor, visible->organization_id, id, *version);
  if (!removed) return from_store(removed.error());
  render_message(response, "OrganizationMember " + id.to_string() + " removed");
  return std::nullopt;
}

Result transfer(Directory& directory, const Caller& caller, const Request& request,
                Response& response) {
  auto visible = visible_member(directory, caller, request);
  if (!visible) return visible.error();
  auto version = if_match(request, false);
  if (!version) return version.error();
  auto owner = directory.transfer_ownership(caller.actor, visible->organization_id,
                                            visible->member().organization_member_id, *version);
  if (!owner) return from_store(owner.error());
  render(response, **owner);
  return std::nullopt;
}

}  // namespace

void routes_members(Router& router, ApiContext& context) {
  const std::string members = "/organization/{org}/organization_member";
  add_collection(router, context, members, list, invite, get, change, remove);
  router.add("POST", members + "/{id}/transfer_ownership",
             route_to(context, &context.directory, transfer));
}

}  // namespace rollcall::server
