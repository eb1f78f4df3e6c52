#include "idempotency.hpp"

#include <openssl/sha.h>

namespace rollcall::server {

std::optional<std::string> idempotency_scope(const Caller& caller, const Request& request) {
  if (!request.has_header("Idempotency-Key")) return std::nullopt;
  std::string scope = caller.actor.is_admin() ? "admin" : caller.actor.user_id->to_string();
  scope.append(" ").append(request.method).append(" ").append(request.path).append(" ");
  scope.append(request.header("Idempotency-Key"));
  return scope;
}

std::array<std::uint8_t, 32> body_digest(const Request& request) {
  std::array<std::uint8_t, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(request.body.data()), request.body.size(),
         out.data());
  return out;
}

}  // namespace rollcall::server
