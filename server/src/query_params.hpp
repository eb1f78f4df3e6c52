// Query parameters shared by the list routes.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "http.hpp"
#include "http_error.hpp"
#include "rollcall/index/directory.hpp"

namespace rollcall::server {

// 400 "parameter 'where' is given twice" for the first of `names` that repeats.
std::optional<HttpError> given_twice(const Request& request,
                                     std::span<const std::string_view> names);
// `limit`: an integer in [1, max]; `fallback` when absent.
Outcome<std::size_t> limit_param(const Request& request, std::size_t max, std::size_t fallback);
// A boolean parameter: "true" or "false"; `fallback` when absent.
Outcome<bool> bool_param(const Request& request, std::string_view name, bool fallback = false);
// limit, page_token and reverse of the small lists (organizations, /me/memberships).
Outcome<index::PageRequest> page_params(const Request& request, std::size_t max_limit,
                                        std::size_t default_limit);
// A uuid path parameter; 404 when it is not one (no such thing can exist).
Outcome<index::Uuid> uuid_param(const Request& request, std::size_t position,
                                std::string_view what);

}  // namespace rollcall::server
