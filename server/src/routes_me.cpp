// /me/memberships…: the caller's memberships and pending invitations.
#include "api_support.hpp"
#include "query_params.hpp"
#include "render.hpp"

namespace rollcall::server {

namespace {

using Result = std::optional<HttpError>;
using index::Directory;

HttpError no_membership(const index::Uuid& org) {
  return HttpError{404, "no membership in Organization " + org.to_string()};
}

Result list(const Directory& directory, const index::User& user, const Request& request,
            Response& response) {
  auto page = page_params(request, 100, 10);
  if (!page) return page.error();
  std::optional<std::string_view> status;
  if (const std::string* text = request.query_value("status")) {
    if (*text != "pending" && *text != "active") {
      return bad_request("status must be pending or active, not '" + *text + "'");
    }
    status = *text;
  }
  bool embed = false;
  if (const std::string* include = request.query_value("include")) {
    if (*include != "organization") {
      return bad_request("include accepts only 'organization', not '" + *include + "'");
    }
    embed = true;
  }
  auto mine = directory.memberships(user, *page, status);
  if (!mine) return from_store(mine.error());
  std::vector<std::string> items;
  for (const index::MemberPtr& member : mine->items) {
    const auto org = embed ? directory.find_organization(member->organization_id) : std::nullopt;
    items.push_back(member_json(*member, index::kAllFields, org ? &*org : nullptr));
  }
  response.body = list_envelope(items, mine->next_page_token);
  return std::nullopt;
}

Result get(const Directory& directory, const index::User& user, const Request& request,
           Response& response) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  index::MemberPtr member = directory.membership(user, *org);
  if (!member) return no_membership(*org);
  render(response, *member);
  return std::nullopt;
}

Result accept(Directory& directory, const index::User& user, const Request& request,
              Response& response) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  auto accepted = directory.accept_invitation(user, *org);
  if (!accepted) return from_store(accepted.error());
  render(response, **accepted);
  return std::nullopt;
}

Result leave(Directory& directory, const index::User& user, const Request& request,
             Response& response) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  auto left = directory.leave(user, *org);
  if (!left) return from_store(left.error());
  render_message(response, "left Organization " + org->to_string());
  return std::nullopt;
}

}  // namespace

void routes_me(Router& router, ApiContext& context) {
  Directory* directory = &context.directory;
  router.add(
      "GET", "/me/memberships",
      user_only(context, [directory](const index::User& user, const Request& rq, Response& rs) {
        return list(*directory, user, rq, rs);
      }));
  router.add(
      "GET", "/me/memberships/{org}",
      user_only(context, [directory](const index::User& user, const Request& rq, Response& rs) {
        return get(*directory, user, rq, rs);
      }));
  router.add(
      "POST", "/me/memberships/{org}",
      user_only(context, [directory](const index::User& user, const Request& rq, Response& rs) {
        return accept(*directory, user, rq, rs);
      }));
  router.add(
      "DELETE", "/me/memberships/{org}",
      user_only(context, [directory](const index::User& user, const Request& rq, Response& rs) {
        return leave(*directory, user, rq, rs);
      }));
}

}  // namespace rollcall::server
