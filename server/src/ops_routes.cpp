#include "ops_routes.hpp"

#include "errors.hpp"

namespace rollcall::server {

void add_ops_routes(Router& router, const Metrics& metrics, const std::atomic<bool>& ready,
                    std::string_view openapi_json) {
  router.add("GET", "/healthz", [&ready](const Request&, Response& res) {
    if (ready.load(std::memory_order_acquire)) {
      res.body = R"({"Status":"ok"})";
    } else {
      error_response(res, 503, "starting");
    }
  });
  router.add("GET", "/metrics", [&metrics](const Request&, Response& res) {
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    metrics.render(res.body);
  });
  router.add("GET", "/openapi.json",
             [openapi_json](const Request&, Response& res) { res.body = openapi_json; });
}

}  // namespace rollcall::server
