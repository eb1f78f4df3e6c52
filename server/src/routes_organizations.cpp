// POST /organization, GET /organization, GET /organization/{org}.
#include "api_support.hpp"
#include "json_body.hpp"
#include "query_params.hpp"
#include "render.hpp"

namespace rollcall::server {

namespace {

using Result = std::optional<HttpError>;

Result create(index::Directory& directory, const index::User& user, const Request& request,
              Response& response) {
  auto body = JsonBody::parse(request, {"DisplayName", "Slug", "ExternalOrganizationID"});
  if (!body) return body.error();
  index::NewOrganization org;
  for (auto [name, field] : {std::pair{"DisplayName", &org.display_name},
                             {"Slug", &org.slug},
                             {"ExternalOrganizationID", &org.external_organization_id}}) {
    if (auto bad = body->read(name, *field)) return bad;
  }
  auto created = directory.create_organization(user, std::move(org));
  if (!created) return from_store(created.error());
  render(response, *created, 201);
  return std::nullopt;
}

Result list(const index::Directory& directory, const Caller& caller, const Request& request,
            Response& response) {
  auto page = page_params(request, 1000, 100);
  if (!page) return page.error();
  auto total = bool_param(request, "include_total");
  if (!total) return total.error();
  auto orgs = directory.organizations(caller.actor, *page);
  if (!orgs) return from_store(orgs.error());
  std::vector<std::string> items;
  for (const index::Organization& org : orgs->items) items.push_back(organization_json(org));
  response.body = list_envelope(items, orgs->next_page_token,
                                *total ? std::optional(orgs->total) : std::nullopt);
  return std::nullopt;
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
