// A request body that must be a JSON object of known members. Every error
// names the member at fault; RapidJSON stays out of this header.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http.hpp"
#include "http_error.hpp"
#include "rollcall/index/entities.hpp"

namespace rollcall::server {

class JsonBody {
 public:
  // 415 unless the Content-Type is JSON (application/json, or any media type
  // in `also_accepted`); 400 for malformed JSON or UTF-8, a non-object, or a
  // member not in `allowed`.
  static Outcome<JsonBody> parse(const Request& request,
                                 std::initializer_list<std::string_view> allowed,
                                 std::initializer_list<std::string_view> also_accepted = {});
  ~JsonBody();
  JsonBody(JsonBody&&) noexcept;
  JsonBody& operator=(JsonBody&&) noexcept;

  bool has(std::string_view name) const;
  bool is_null(std::string_view name) const;

  // Each leaves `out` unchanged when the member is absent; 400 on a wrong type.
  std::optional<HttpError> read(std::string_view name, std::string& out) const;
  std::optional<HttpError> read(std::string_view name, bool& out) const;
  // An array of uuids (duplicates dropped); null empties `out`.
  std::optional<HttpError> read(std::string_view name, std::vector<index::Uuid>& out) const;
  // A uuid string, or null (resets `out`).
  std::optional<HttpError> read(std::string_view name, std::optional<index::Uuid>& out) const;
  // A string map; replaces `out`.
  std::optional<HttpError> read(std::string_view name, index::Labels& out) const;
  // JSON merge patch (RFC 7396) of a string map: null removes a key.
  std::optional<HttpError> merge(std::string_view name, index::Labels& out) const;

 private:
  struct Impl;
  explicit JsonBody(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rollcall::server
