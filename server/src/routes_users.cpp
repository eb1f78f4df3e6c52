// POST /user, POST /user/{user_id}/token, GET /me.
#include "api_support.hpp"
#include "json_body.hpp"
#include "query_params.hpp"
#include "render.hpp"

namespace rollcall::server {

namespace {

using Result = std::optional<HttpError>;

Result create_user(index::Directory& directory, const Request& request, Response& response) {
  auto body = JsonBody::parse(
      request, {"Username", "Email", "DisplayName", "Slug", "ExternalID", "ProfilePictureURL"});
  if (!body) return body.error();
  index::NewUser user;
  for (auto [name, field] : {std::pair{"Username", &user.username},
                             {"Email", &user.email},
                             {"DisplayName", &user.display_name},
                             {"Slug", &user.slug},
                             {"ExternalID", &user.external_id},
                             {"ProfilePictureURL", &user.profile_picture_url}}) {
    if (auto bad = body->read(name, *field)) return bad;
  }
  auto created = directory.create_user(std::move(user));
  if (!created) return from_store(created.error());
  response.status = 201;
  response.body = user_json(created->user, created->token);
  return std::nullopt;
}

Result issue_token(index::Directory& directory, const Request& request, Response& response) {
  auto user_id = uuid_param(request, 0, "User");
  if (!user_id) return user_id.error();
  auto token = directory.issue_token(*user_id);
  if (!token) return from_store(token.error());
  response.status = 201;
  response.body = "{\"UserID\":\"" + user_id->to_string() + "\",\"Token\":\"" + *token + "\"}";
  return std::nullopt;
}

}  // namespace

void routes_users(Router& router, ApiContext& context) {
  index::Directory* directory = &context.directory;
  router.add(
      "POST", "/user",
      admin_only(context, [directory](const Caller&, const Request& request, Response& response) {
        return create_user(*directory, request, response);
      }));
  router.add(
      "POST", "/user/{user_id}/token",
      admin_only(context, [directory](const Caller&, const Request& request, Response& response) {
        return issue_token(*directory, request, response);
      }));
  router.add("GET", "/me",
             user_only(context, [](const index::User& user, const Request&, Response& response) {
               response.body = user_json(user);
               return Result();
             }));
}

}  // namespace rollcall::server
