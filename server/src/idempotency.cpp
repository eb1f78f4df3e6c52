#include "idempotency.hpp"

#include <openssl/sha.h>
#include <rapidjson/document.h>

#include "render.hpp"

namespace rollcall::server {

namespace {

// An ID in its one spelling, whatever case or form the path used.
std::string canonical(const std::string& param) {
  const auto id = index::Uuid::parse(param);
  return id ? id->to_string() : param;
}

// The Version member of a stored JSON object, if any.
std::optional<std::int64_t> version_of(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  const auto version = document.FindMember("Version");
  if (version == document.MemberEnd() || !version->value.IsInt64()) return std::nullopt;
  return version->value.GetInt64();
}

}  // namespace

std::optional<std::string> idempotency_scope(const Caller& caller, const Request& request) {
  if (!request.has_header("Idempotency-Key")) return std::nullopt;
  std::string scope = caller.actor.is_admin() ? "admin" : caller.actor.user_id->to_string();
  scope.append(" ").append(request.method).append(" ").append(request.route);
  for (const std::string& param : request.params) scope.append(" ").append(canonical(param));
  scope.append(" ").append(request.header("Idempotency-Key"));
  return scope;
}

void replay(const index::StoredAnswer& stored, Response& response) {
  response.status = stored.status;
  response.body = stored.body;
  response.set_header("Idempotent-Replayed", "true");
  if (const auto version = version_of(stored.body)) response.set_header("ETag", etag_of(*version));
}

std::array<std::uint8_t, 32> body_digest(const Request& request) {
  std::array<std::uint8_t, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(request.body.data()), request.body.size(),
         out.data());
  return out;
}

}  // namespace rollcall::server
