#include "api.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <charconv>

#include "api_support.hpp"
#include "errors.hpp"
#include "query_params.hpp"

namespace rollcall::server {

namespace {

std::optional<std::string_view> bearer_token(const Request& request) {
  std::string_view value = request.header("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size() - 1; ++i) {
    if (std::tolower(value[i]) != std::tolower(kScheme[i])) return std::nullopt;
  }
  if (value[kScheme.size() - 1] != ' ') return std::nullopt;
  value.remove_prefix(kScheme.size());
  return value;
}

bool is_admin_token(const ApiContext& context, std::string_view token) {
  if (!context.admin_token_hash) return false;
  std::array<std::uint8_t, 32> hash{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), hash.data());
  return CRYPTO_memcmp(hash.data(), context.admin_token_hash->data(), hash.size()) == 0;
}

void answer(Response& response, const std::optional<HttpError>& failed) {
  if (failed) error_response(response, failed->status, failed->message);
}

}  // namespace

Outcome<Caller> authenticate(const ApiContext& context, const Request& request) {
  const auto token = bearer_token(request);
  if (!token) return HttpError{401, "missing bearer token (Authorization: Bearer <token>)"};
  if (is_admin_token(context, *token)) return Caller{index::Actor::admin(), std::nullopt};
  auto user = context.directory.authenticate(*token);
  if (!user) return HttpError{401, "the bearer token is not valid"};
  return Caller{index::Actor::user(user->user_id), std::move(*user)};
}

Handler authenticated(const ApiContext& context, Route route) {
  return [&context, route = std::move(route)](const Request& request, Response& response) {
    auto caller = authenticate(context, request);
    answer(response, caller ? route(*caller, request, response) : caller.error());
  };
}

Handler user_only(
    const ApiContext& context,
    std::function<std::optional<HttpError>(const index::User&, const Request&, Response&)> route) {
  return authenticated(
      context,
      [route = std::move(route)](const Caller& caller, const Request& request, Response& response) {
        if (!caller.user)
          return std::optional<HttpError>(HttpError{403, "the admin token is not a user"});
        return route(*caller.user, request, response);
      });
}

Handler admin_only(const ApiContext& context, Route route) {
  return authenticated(
      context,
      [route = std::move(route)](const Caller& caller, const Request& request, Response& response) {
        if (caller.user)
          return std::optional<HttpError>(HttpError{403, "only the admin token may do this"});
        return route(caller, request, response);
      });
}

Outcome<std::optional<std::int64_t>> if_match(const Request& request, bool required) {
  if (!request.has_header("If-Match")) {
    if (required) return HttpError{428, "If-Match is required: send the ETag you last read"};
    return std::optional<std::int64_t>();
  }
  std::string_view value = request.header("If-Match");
  if (value == "*") return std::optional<std::int64_t>();  // any current version
  if (value.starts_with("W/")) value.remove_prefix(2);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  std::int64_t version = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), version);
  if (error != std::errc() || end != value.data() + value.size()) {
    return HttpError{
        412, "If-Match: '" + std::string(request.header("If-Match")) + "' matches no Version"};
  }
  return std::optional<std::int64_t>(version);
}

void add_api_routes(Router& router, ApiContext& context) {
  routes_users(router, context);
  routes_organizations(router, context);
  routes_members(router, context);
  routes_me(router, context);
  routes_spaces(router, context);
  routes_space_members(router, context);
  routes_filters(router, context);
  routes_explain(router, context);
}

}  // namespace rollcall::server
