// POST /organization, GET /organization, GET /organization/{org}.
#include "api_support.hpp"
#include "idempotency.hpp"
#include "json_body.hpp"
#include "query_params.hpp"
#include "render.hpp"
#include "small_list.hpp"

namespace rollcall::server {

namespace {

using Result = std::optional<HttpError>;

Result create(index::Directory& directory, const index::User& user, const Request& request,
              Response& response) {
  const Caller caller{index::Actor::user(user.user_id), user};
  auto body = JsonBody::parse(request, {"DisplayName", "Slug", "ExternalOrganizationID"});
  if (!body) return body.error();
  index::NewOrganization org;
  for (auto [name, field] : {std::pair{"DisplayName", &org.display_name},
                             {"Slug", &org.slug},
                             {"ExternalOrganizationID", &org.external_organization_id}}) {
    if (auto bad = body->read(name, *field)) return bad;
  }
  return answer_create<index::Organization>(
      caller, request, response,
      [](const index::Organization& made) {
        return index::StoredAnswer{201, organization_json(made)};
      },
      [&](const auto* key) { return directory.create_organization(user, std::move(org), key); },
      [&](const index::Organization& made) { render(response, made, 201); });
}

Result list(const index::Directory& directory, const Caller& caller, const Request& request,
            Response& response) {
  return answer_small_list(
      request, response,
      [&](const index::PageRequest& page) { return directory.organizations(caller.actor, page); },
      organization_json);
}

Result get(const index::Directory& directory, const Caller& caller, const Request& request,
           Response& response) {
  auto id = uuid_param(request, 0, "Organization");
  if (!id) return id.error();
  auto org = directory.find_organization(*id);
  if (!org || directory.standing(caller.actor, *id) == index::Standing::kNone) {
    return HttpError{404, "Organization " + id->to_string() + " not found"};
  }
  render(response, *org);
  return std::nullopt;
}

}  // namespace

void routes_organizations(Router& router, ApiContext& context) {
  index::Directory* directory = &context.directory;
  router.add("POST", "/organization",
             user_only(context, [directory](const index::User& user, const Request& request,
                                            Response& response) {
               return create(*directory, user, request, response);
             }));
  router.add("GET", "/organization",
             authenticated(context, [directory](const Caller& caller, const Request& request,
                                                Response& response) {
               return list(*directory, caller, request, response);
             }));
  router.add("GET", "/organization/{org}",
             authenticated(context, [directory](const Caller& caller, const Request& request,
                                                Response& response) {
               return get(*directory, caller, request, response);
             }));
}

}  // namespace rollcall::server
