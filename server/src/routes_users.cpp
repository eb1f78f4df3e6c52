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
  const auto key =
      idempotent_create<index::CreatedUser>(caller, request, [](const index::CreatedUser& created) {
        return index::StoredAnswer{201, user_json(created.user)};
      });
  auto created = directory.create_user(std::move(user), pointer_to(key));
  if (!created) return from_store(created.error());
  if (const auto* fresh = fresh_or_replay(*created, response)) {
    response.status = 201;
    response.body = user_json(fresh->user, fresh->token);
  }
  return std::nullopt;
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
  const auto key = idempotent_create<std::string>(caller, request, token_already_issued);
  auto token = directory.issue_token(*user_id, pointer_to(key));
  if (!token) return from_store(token.error());
  if (const auto* fresh = fresh_or_replay(*token, response)) {
    response.status = 201;
    response.body = token_json(*user_id, *fresh);
  }
  return std::nullopt;
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
