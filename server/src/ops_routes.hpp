// GET /healthz, /metrics and /openapi.json: no authentication.
#pragma once

#include <atomic>
#include <string_view>

#include "metrics.hpp"
#include "router.hpp"

namespace rollcall::server {

// The routes keep references to `metrics` and `ready` and a view of `openapi_json`.
// /healthz answers 200 once `ready` is true, 503 before.
void add_ops_routes(Router& router, const Metrics& metrics, const std::atomic<bool>& ready,
                    std::string_view openapi_json);

}  // namespace rollcall::server
