// /organization/{org}/space…: create, list and get spaces. The Directory
// checks who may; these parse and render.
#include "api_support.hpp"
#include "idempotency.hpp"
#include "json_body.hpp"
#include "query_params.hpp"
#include "render.hpp"
#include "small_list.hpp"

namespace rollcall::server {

namespace {

using Result = std::optional<HttpError>;
using index::Directory;

Result create(Directory& directory, const Caller& caller, const Request& request,
              Response& response) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  auto body = JsonBody::parse(request, {"DisplayName", "Slug"});
  if (!body) return body.error();
  index::NewSpace space;
  if (auto bad = body->read("DisplayName", space.display_name)) return bad;
  if (auto bad = body->read("Slug", space.slug)) return bad;
  return answer_create<index::Space>(
      caller, request, response,
      [](const index::Space& made) {
        return index::StoredAnswer{201, space_json(made)};
      },
      [&](const auto* key) {
        return directory.create_space(caller.actor, *org, std::move(space), key);
      },
      [&](const index::Space& made) { render(response, made, 201); });
}

Result list(const Directory& directory, const Caller& caller, const Request& request,
            Response& response) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  return answer_small_list(
      request, response,
      [&](const index::PageRequest& page) { return directory.spaces(caller.actor, *org, page); },
      space_json);
}

Result get(const Directory& directory, const Caller& caller, const Request& request,
           Response& response) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  auto id = uuid_param(request, 1, "Space");
  if (!id) return id.error();
  auto access = directory.space_access(caller.actor, *id);
  if (!access || access->standing == index::SpaceStanding::kNone ||
      access->space.organization_id != *org) {
    return HttpError{404, "Space " + id->to_string() + " not found"};
  }
  render(response, access->space);
  return std::nullopt;
}

}  // namespace

void routes_spaces(Router& router, ApiContext& context) {
  Directory* directory = &context.directory;
  const std::string spaces = "/organization/{org}/space";
  router.add("POST", spaces, route_to(context, directory, create));
  router.add("GET", spaces, route_to(context, directory, list));
  router.add("GET", spaces + "/{space}", route_to(context, directory, get));
}

}  // namespace rollcall::server
