#include "list_query.hpp"

#include <algorithm>
#include <array>

#include "errors.hpp"
#include "query_params.hpp"
#include "render.hpp"

namespace rollcall::server {

namespace {

constexpr std::array<std::string_view, 8> kListParameters = {
    "where", "filter", "contains", "order_by", "select", "limit", "page_token", "include_total"};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

std::string text_param(const Request& request, const char* name) {
  const std::string* text = request.query_value(name);
  return text == nullptr ? std::string() : *text;
}

// `ASC:name` and `DESC:name`, comma-separated; the Directory checks the names.
std::vector<index::SortKey> order_by_param(const Request& request) {
  std::vector<index::SortKey> keys;
  const std::string text = text_param(request, "order_by");
  if (text.empty()) return keys;
  for (std::string_view item : split(text, ',')) {
    index::SortKey key;
    if (item.starts_with("ASC:")) {
      item.remove_prefix(4);
    } else if (item.starts_with("DESC:")) {
      item.remove_prefix(5);
      key.descending = true;
    }
    key.attribute = std::string(item);
    keys.push_back(std::move(key));
  }
  return keys;
}

std::vector<std::string> select_param(const Request& request) {
  std::vector<std::string> names;
  const std::string text = text_param(request, "select");
  if (text.empty()) return names;
  for (std::string_view name : split(text, ',')) names.emplace_back(name);
  return names;
}

bool wants_ndjson(const Request& request) {
  return request.header("Accept").find("application/x-ndjson") != std::string_view::npos;
}

}  // namespace

Outcome<ListParams> parse_list(const Request& request, std::size_t max_limit) {
  if (auto repeated = given_twice(request, kListParameters)) return *repeated;
  ListParams params;
  index::ListSpec& spec = params.spec;
  spec.where = text_param(request, "where");
  spec.filter = text_param(request, "filter");
  spec.contains = text_param(request, "contains");
  if (!is_utf8(spec.contains)) return bad_request("contains: invalid UTF-8");
  spec.order_by = order_by_param(request);
  spec.select = select_param(request);
  auto limit = limit_param(request, max_limit, std::min<std::size_t>(100, max_limit));
  if (!limit) return limit.error();
  auto total = bool_param(request, "include_total");
  if (!total) return total.error();
  spec.limit = *limit;
  spec.include_total = *total;
  spec.page_token = text_param(request, "page_token");
  params.stream = wants_ndjson(request);
  params.stream_batch = std::min(kStreamBatch, max_limit);
  return params;
}

void answer_refusal(Response& response, const index::StoreError& error) {
  const HttpError http = from_store(error);
  error_response(response, http.status, http.message);
}

}  // namespace rollcall::server
