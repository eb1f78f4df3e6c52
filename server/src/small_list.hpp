// GET of a small list (organizations, spaces, saved filters): `limit` 1–1000
// (default 100), `page_token`, `reverse`, `include_total`.
#pragma once

#include <optional>

#include "http.hpp"
#include "http_error.hpp"
#include "query_params.hpp"
#include "render.hpp"

namespace rollcall::server {

// `fetch(PageRequest)` answers a DirectoryResult<Page<T>>; `to_json(item)` one item.
template <class Fetch, class ToJson>
std::optional<HttpError> answer_small_list(const Request& request, Response& response, Fetch fetch,
                                           ToJson to_json) {
  auto page = page_params(request, 1000, 100);
  if (!page) return page.error();
  auto total = bool_param(request, "include_total");
  if (!total) return total.error();
  auto found = fetch(*page);
  if (!found) return from_store(found.error());
  response.body = page_envelope(*found, *total, to_json);
  return std::nullopt;
}

}  // namespace rollcall::server
