#include "query_params.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>

namespace rollcall::server {

std::optional<HttpError> given_twice(const Request& request,
                                     std::span<const std::string_view> names) {
  for (std::string_view name : names) {
    const auto given = std::count_if(request.query.begin(), request.query.end(),
                                     [&](const auto& field) { return field.first == name; });
    if (given > 1) return bad_request("parameter '" + std::string(name) + "' is given twice");
  }
  return std::nullopt;
}

Outcome<std::size_t> limit_param(const Request& request, std::size_t max, std::size_t fallback) {
  const std::string* text = request.query_value("limit");
  if (text == nullptr) return fallback;
  std::size_t limit = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (error != std::errc() || end != text->data() + text->size() || limit < 1 || limit > max) {
    return bad_request("limit must be an integer from 1 to " + std::to_string(max) + ", not '" +
                       *text + "'");
  }
  return limit;
}

Outcome<bool> bool_param(const Request& request, std::string_view name, bool fallback) {
  const std::string* text = request.query_value(name);
  if (text == nullptr) return fallback;
  if (*text == "true") return true;
  if (*text == "false") return false;
  return bad_request(std::string(name) + " must be true or false, not '" + *text + "'");
}

Outcome<index::PageRequest> page_params(const Request& request, std::size_t max_limit,
                                        std::size_t default_limit) {
  static constexpr std::array<std::string_view, 3> kNames = {"limit", "page_token", "reverse"};
  if (auto repeated = given_twice(request, kNames)) return *repeated;
  index::PageRequest page;
  auto limit = limit_param(request, max_limit, default_limit);
  if (!limit) return limit.error();
  auto reverse = bool_param(request, "reverse");
  if (!reverse) return reverse.error();
  page.limit = *limit;
  page.reverse = *reverse;
  if (const std::string* token = request.query_value("page_token")) page.page_token = *token;
  return page;
}

Outcome<index::Uuid> uuid_param(const Request& request, std::size_t position,
                                std::string_view what) {
  const std::string& text = request.params.at(position);
  if (auto id = index::Uuid::parse(text)) return *id;
  return HttpError{404, std::string(what) + " " + text + " not found"};
}

}  // namespace rollcall::server
