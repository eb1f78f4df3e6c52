// The API's routes (http-api.md) over a Directory.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "rollcall/index/directory.hpp"
#include "router.hpp"

namespace rollcall::server {

struct ApiContext {
  index::Directory& directory;
  // SHA-256 of the admin token; none: no admin token configured.
  std::optional<std::array<std::uint8_t, 32>> admin_token_hash;
};

void add_api_routes(Router& router, ApiContext& context);

}  // namespace rollcall::server
