// What every API route does first: authenticate the caller, and turn an
// HttpError into the error response.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "api.hpp"
#include "http.hpp"
#include "http_error.hpp"

namespace rollcall::server {

struct Caller {
  index::Actor actor;
  std::optional<index::User> user;  // none for the admin token
};

// 401 without a valid bearer token.
Outcome<Caller> authenticate(const ApiContext& context, const Request& request);

using Route = std::function<std::optional<HttpError>(const Caller&, const Request&, Response&)>;
// The handler that authenticates, then runs `route`.
Handler authenticated(const ApiContext& context, Route route);
// The same for routes only a user (not the admin token) may call: /me…, POST /organization.
Handler user_only(
    const ApiContext& context,
    std::function<std::optional<HttpError>(const index::User&, const Request&, Response&)> route);
// The same for routes only the admin token may call.
Handler admin_only(const ApiContext& context, Route route);

// If-Match as a Version: `"3"`, `3` or `W/"3"`; none for `*` (any current
// version) or when absent. 428 when `required` and absent.
Outcome<std::optional<std::int64_t>> if_match(const Request& request, bool required);

// Binds a route function to the directory: the handler that authenticates,
// then calls `route(directory, caller, request, response)`.
template <class Directory, class F>
Handler route_to(const ApiContext& context, Directory* directory, F route) {
  return authenticated(context, [directory, route](const Caller& caller, const Request& request,
                                                   Response& response) {
    return route(*directory, caller, request, response);
  });
}

// A collection at `path` and its records at `path/{id}`: GET lists, POST
// creates, GET reads one, PATCH (merge) and PUT (replace) go through one
// `change(..., bool merge)`, DELETE removes.
template <class List, class Create, class Get, class Change, class Remove>
void add_collection(Router& router, const ApiContext& context, const std::string& path, List list,
                    Create create, Get get, Change change, Remove remove) {
  index::Directory* directory = &context.directory;
  const std::string one = path + "/{id}";
  router.add("GET", path, route_to(context, directory, list));
  router.add("POST", path, route_to(context, directory, create));
  router.add("GET", one, route_to(context, directory, get));
  router.add("PATCH", one, route_to(context, directory, [change](auto&... args) {
               return change(args..., true);
             }));
  router.add("PUT", one, route_to(context, directory, [change](auto&... args) {
               return change(args..., false);
             }));
  router.add("DELETE", one, route_to(context, directory, remove));
}

void routes_users(Router& router, ApiContext& context);
void routes_organizations(Router& router, ApiContext& context);
void routes_members(Router& router, ApiContext& context);
void routes_me(Router& router, ApiContext& context);
void routes_spaces(Router& router, ApiContext& context);
void routes_space_members(Router& router, ApiContext& context);
void routes_filters(Router& router, ApiContext& context);
void routes_explain(Router& router, ApiContext& context);

}  // namespace rollcall::server
