// /organization/{org}/organization_member…: list, get, invite, change, remove,
// transfer ownership. The Directory checks every rule; these parse and render.
#include <string>

#include "api_support.hpp"
#include "json_body.hpp"
#include "member_list.hpp"
#include "query_params.hpp"
#include "render.hpp"

namespace rollcall::server {

namespace {

using Result = std::optional<HttpError>;
using index::Directory;
using index::MemberSettings;

HttpError not_found(const index::Uuid& id) {
  return HttpError{404, "OrganizationMember " + id.to_string() + " not found"};
}

// The organization of the path and the caller's standing in it (404 if none).
Outcome<std::pair<index::Uuid, index::Standing>> organization_of(const Directory& directory,
                                                                 const Caller& caller,
                                                                 const Request& request) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  const index::Standing standing = directory.standing(caller.actor, *org);
  if (standing == index::Standing::kNone) {
    return HttpError{404, "Organization " + org->to_string() + " not found"};
  }
  return std::pair(*org, standing);
}

Result read_settings(const JsonBody& body, MemberSettings& settings, bool merge) {
  if (body.is_null("Role")) return bad_request("member \"Role\" must be a string");
  if (auto bad = body.read("Role", settings.role)) return bad;
  if (auto bad =
          merge ? body.merge("Labels", settings.labels) : body.read("Labels", settings.labels)) {
    return bad;
  }
  if (body.is_null("RoleIDs")) {
    settings.role_ids.clear();
  } else if (auto bad = body.read("RoleIDs", settings.role_ids)) {
    return bad;
  }
  if (auto bad = body.read("RequiredSSOAuth", settings.required_sso_auth)) return bad;
  return body.read("RequiredMFAAuth", settings.required_mfa_auth);
}

MemberSettings settings_of(const index::OrganizationMember& member) {
  return {member.role, member.labels, member.role_ids, member.required_sso_auth,
          member.required_mfa_auth};
}

Result list(const Directory& directory, const Caller& caller, const Request& request,
            Response& response) {
  auto org = organization_of(directory, caller, request);
  if (!org) return org.error();
  auto query = parse_member_list(request, member_view(org->second), org->first);
  if (!query) return query.error();
  answer_member_list(directory.members(), std::move(*query), response);
  return std::nullopt;
}

Result get(const Directory& directory, const Caller& caller, const Request& request,
           Response& response) {
  auto org = organization_of(directory, caller, request);
  if (!org) return org.error();
  auto id = uuid_param(request, 1, "OrganizationMember");
  if (!id) return id.error();
  const MemberView& view = member_view(org->second);
  index::MemberPtr member = directory.members().find(*id);
  if (!member || member->organization_id != org->first ||
      (view.active_only && member->status != "active")) {
    return not_found(*id);
  }
  render(response, *member, view.fields);
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
  std::optional<index::IdempotentRequest> idempotent;
  if (request.has_header("Idempotency-Key")) {
    idempotent.emplace();
    idempotent->scope =
        (caller.actor.is_admin() ? std::string("admin") : caller.actor.user_id->to_string()) +
        " POST /organization/" + org->to_string() + "/organization_member " +
        std::string(request.header("Idempotency-Key"));
    idempotent->request_hash = body->digest();
    idempotent->render = [](const index::OrganizationMember& member) {
      return member_json(member, index::kAllFields);
    };
  }
  auto outcome = directory.invite(caller.actor, *org, std::move(invitation),
                                  idempotent ? &*idempotent : nullptr);
  if (!outcome) return from_store(outcome.error());
  if (const auto* stored = std::get_if<index::StoredAnswer>(&*outcome)) {
    response.status = stored->status;
    response.body = stored->body;
    response.set_header("Idempotent-Replayed", "true");
    return std::nullopt;
  }
  render(response, *std::get<index::MemberPtr>(*outcome), index::kAllFields, 201);
  return std::nullopt;
}

// PATCH (merge) and PUT (replace) of the mutable fields.
Result change(Directory& directory, const Caller& caller, const Request& request,
              Response& response, bool merge) {
  auto org = organization_of(directory, caller, request);
  if (!org) return org.error();
  auto id = uuid_param(request, 1, "OrganizationMember");
  if (!id) return id.error();
  auto version = if_match(request, true);
  if (!version) return version.error();
  auto body =
      JsonBody::parse(request, {"Role", "Labels", "RoleIDs", "RequiredSSOAuth", "RequiredMFAAuth"},
                      {"application/merge-patch+json"});
  if (!body) return body.error();
  index::MemberPtr current = directory.members().find(*id);
  if (!current || current->organization_id != org->first) return not_found(*id);
  MemberSettings settings = merge ? settings_of(*current) : MemberSettings{};
  if (auto bad = read_settings(*body, settings, merge)) return bad;
  auto updated =
      directory.update_member(caller.actor, org->first, *id, std::move(settings), **version);
  if (!updated) return from_store(updated.error());
  render(response, **updated);
  return std::nullopt;
}

// The membership a DELETE or transfer names, with its optional If-Match.
struct Target {
  index::Uuid organization_id;
  index::Uuid member_id;
  std::optional<std::int64_t> version;
};

Outcome<Target> target_of(const Request& request) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  auto id = uuid_param(request, 1, "OrganizationMember");
  if (!id) return id.error();
  auto version = if_match(request, false);
  if (!version) return version.error();
  return Target{*org, *id, *version};
}

Result remove(Directory& directory, const Caller& caller, const Request& request,
              Response& response) {
  auto target = target_of(request);
  if (!target) return target.error();
  auto removed = directory.remove_member(caller.actor, target->organization_id, target->member_id,
                                         target->version);
  if (!removed) return from_store(removed.error());
  render_message(response, "OrganizationMember " + target->member_id.to_string() + " removed");
  return std::nullopt;
}

Result transfer(Directory& directory, const Caller& caller, const Request& request,
                Response& response) {
  auto target = target_of(request);
  if (!target) return target.error();
  auto owner = directory.transfer_ownership(caller.actor, target->organization_id,
                                            target->member_id, target->version);
  if (!owner) return from_store(owner.error());
  render(response, **owner);
  return std::nullopt;
}

}  // namespace

void routes_members(Router& router, ApiContext& context) {
  Directory* directory = &context.directory;
  const std::string members = "/organization/{org}/organization_member";
  const std::string one = members + "/{id}";
  router.add(
      "GET", members,
      authenticated(context, [directory](const Caller& caller, const Request& rq, Response& rs) {
        return list(*directory, caller, rq, rs);
      }));
  router.add(
      "POST", members,
      authenticated(context, [directory](const Caller& caller, const Request& rq, Response& rs) {
        return invite(*directory, caller, rq, rs);
      }));
  router.add(
      "GET", one,
      authenticated(context, [directory](const Caller& caller, const Request& rq, Response& rs) {
        return get(*directory, caller, rq, rs);
      }));
  router.add(
      "PATCH", one,
      authenticated(context, [directory](const Caller& caller, const Request& rq, Response& rs) {
        return change(*directory, caller, rq, rs, true);
      }));
  router.add(
      "PUT", one,
      authenticated(context, [directory](const Caller& caller, const Request& rq, Response& rs) {
        return change(*directory, caller, rq, rs, false);
      }));
  router.add(
      "DELETE", one,
      authenticated(context, [directory](const Caller& caller, const Request& rq, Response& rs) {
        return remove(*directory, caller, rq, rs);
      }));
  router.add(
      "POST", one + "/transfer_ownership",
      authenticated(context, [directory](const Caller& caller, const Request& rq, Response& rs) {
        return transfer(*directory, caller, rq, rs);
      }));
}

}  // namespace rollcall::server
