// Pages of the Directory's small lists (organizations, a user's memberships,
// spaces, filters): sorted in memory by (CreatedAt, ID), with the stores'
// page token format; the cursor is the last item's key.
#pragma once

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "page_token.hpp"
#include "rollcall/index/directory.hpp"

namespace rollcall::index::detail {

inline std::string cursor_of(Timestamp created_at, const Uuid& id) {
  std::string cursor(sizeof(created_at.micros) + id.bytes.size(), '\0');
  std::memcpy(cursor.data(), &created_at.micros, sizeof(created_at.micros));
  std::memcpy(cursor.data() + sizeof(created_at.micros), id.bytes.data(), id.bytes.size());
  return cursor;
}

inline std::optional<std::pair<Timestamp, Uuid>> key_of_cursor(const std::string& cursor) {
  Timestamp created;
  Uuid id;
  if (cursor.size() != sizeof(created.micros) + id.bytes.size()) return std::nullopt;
  std::memcpy(&created.micros, cursor.data(), sizeof(created.micros));
  std::memcpy(id.bytes.data(), cursor.data() + sizeof(created.micros), id.bytes.size());
  return std::pair(created, id);
}

template <class T, class KeyOf>
DirectoryResult<Page<T>> page_of(std::vector<T> items, const PageRequest& request,
                                 std::string_view token_key, std::uint64_t query_hash,
                                 KeyOf key_of) {
  std::sort(items.begin(), items.end(),
            [&](const T& a, const T& b) { return key_of(a) < key_of(b); });
  if (request.reverse) std::reverse(items.begin(), items.end());
  auto begin = items.begin();
  if (!request.page_token.empty()) {
    auto cursor = open_page_token(token_key, query_hash, request.page_token);
    auto after = cursor ? key_of_cursor(*cursor) : std::nullopt;
    if (!after)
      return StoreError{StoreErrorCode::kBadRequest, "page_token is not valid for this query"};
    begin = std::find_if(items.begin(), items.end(), [&](const T& item) {
      return request.reverse ? key_of(item) < *after : *after < key_of(item);
    });
  }
  Page<T> page;
  page.total = items.size();
  const auto left = static_cast<std::size_t>(items.end() - begin);
  const auto end = begin + static_cast<std::ptrdiff_t>(std::min(left, request.limit));
  page.items.assign(std::make_move_iterator(begin), std::make_move_iterator(end));
  if (end != items.end() && !page.items.empty()) {
    const auto [created, id] = key_of(page.items.back());
    page.next_page_token = seal_page_token(token_key, query_hash, cursor_of(created, id));
  }
  return page;
}

}  // namespace rollcall::index::detail
