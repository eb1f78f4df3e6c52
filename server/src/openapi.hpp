// The OpenAPI document (server/openapi.json), embedded at build time.
#pragma once

#include <string_view>

namespace rollcall::server {

std::string_view openapi_json();

}  // namespace rollcall::server
