// POST /user, POST /user/{user_id}/token, GET /me.
#include "api_support.hpp"
#include "errors.hpp"
#include "idempotency.hpp"
#include "json_body.hpp"
#include "query_params.hpp"
#include "render.hpp"

namespace rollcall::server {

namespace {

using Result = std::optional<HttpError>;

// A repeat of POST /user answers the user without its Token, which is not kept.
Result create_user(index::Directory& directory, const Caller& caller, const Request& request,
                   Response& response) {
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
  return answer_create<index::CreatedUser>(
      caller, request, response,
      [](const index::CreatedUser& created) {
        return index::StoredAnswer{201, user_json(created.user)};  // the token is shown once
      },
      [&](const auto* key) { return directory.create_user(std::move(user), key); },
      [&](const index::CreatedUser& created) {
        response.status = 201;
        response.body = user_json(created.user, created.token);
      });
}

// A token is shown once: a repeat of the same Idempotency-Key answers 409.
index::StoredAnswer token_already_issued(const std::string&) {
  Response stored;
  error_response(stored, 409,
                 "this Idempotency-Key already issued a token, which is shown only once; use a "
                 "new key to issue another");
  return {stored.status, std::move(stored.body)};
}

Result issue_token(index::Directory& directory, const Caller& caller, const Request& request,
                   Response& response) {
  auto user_id = uuid_param(request, 0, "User");
  if (!user_id) return user_id.error();
  return answer_create<std::string>(
      caller, request, response, token_already_issued,
      [&](const auto* key) { return directory.issue_token(*user_id, key); },
      [&](const std::string& token) {
        response.status = 201;
        response.body = token_json(*user_id, token);
      });
}

}  // namespace

void routes_users(Router& router, ApiContext& context) {
  index::Directory* directory = &context.directory;
  router.add("POST", "/user",
             admin_only(context, [directory](const Caller& caller, const Request& request,
                                             Response& response) {
               return create_user(*directory, caller, request, response);
             }));
  router.add("POST", "/user/{user_id}/token",
             admin_only(context, [directory](const Caller& caller, const Request& request,
                                             Response& response) {
               return issue_token(*directory, caller, request, response);
             }));
  router.add("GET", "/me",
             user_only(context, [](const index::User& user, const Request&, Response& response) {
               response.body = user_json(user);
               return Result();
             }));
}

}  // namespace rollcall::server
