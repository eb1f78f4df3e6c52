// What the member stores' lists share: page tokens bound to their query, and
// the sort-then-page path for orders no index keeps.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sort_key.hpp"

namespace rollcall::index::detail {

// The hash a page token is bound to: where the list looks, what it matches,
// how it orders, and the caller's extra binding (select, scope, ...).
std::uint64_t list_query_hash(const Uuid& scope, const filter::Predicate& predicate,
                              std::string_view binding, const std::vector<SortKey>& order_by);

// Where a walk through pages is: after which record, in which state of the
// store (see VersionHistory), made by which store instance (`epoch`).
struct ListCursor {
  std::optional<OrderKey> after;       // none: the first page
  std::optional<std::uint64_t> as_of;  // none: the current state
};

// The cursor a page token holds (an empty token: the first page), or
// kBadRequest for a malformed token, one of another query or one made by
// another store instance (e.g. before a restart).
std::variant<ListCursor, StoreError> open_list_cursor(std::string_view token_key,
                                                      std::uint64_t epoch, std::uint64_t query_hash,
                                                      std::string_view page_token,
                                                      const std::vector<ResolvedSortKey>& keys);

// The token for the page after `last`, in state `as_of`.
std::string next_list_token(std::string_view token_key, std::uint64_t epoch,
                            std::uint64_t query_hash, std::uint64_t as_of, const OrderKey& last);

// kBadRequest: a walk that started before the oldest state still kept.
StoreError expired_walk();

// A random number that tells one store instance's page tokens from another's.
std::uint64_t random_epoch();

// Collects the matches after a cursor, then hands out the first page of them
// in order (partial sort: only the page is sorted).
template <class Ptr>
class SortedPage {
 public:
  SortedPage(const std::vector<ResolvedSortKey>& keys, const std::optional<OrderKey>& cursor)
      : keys_(keys), cursor_(cursor) {}

  void offer(const Ptr& record) {
    OrderKey key = order_key(*record, keys_);
    if (!cursor_ || compare_order(*cursor_, key, keys_) < 0)
      found_.emplace_back(std::move(key), record);
  }

  // The first `limit` offered, in order; `more` says whether others follow.
  std::vector<Ptr> take(std::size_t limit, bool& more) {
    more = found_.size() > limit;
    const auto end = found_.begin() + static_cast<std::ptrdiff_t>(std::min(found_.size(), limit));
    std::partial_sort(found_.begin(), end, found_.end(), [this](const auto& a, const auto& b) {
      return compare_order(a.first, b.first, keys_) < 0;
    });
    std::vector<Ptr> page;
    page.reserve(static_cast<std::size_t>(end - found_.begin()));
    for (auto it = found_.begin(); it != end; ++it) page.push_back(it->second);
    return page;
  }

 private:
  const std::vector<ResolvedSortKey>& keys_;
  const std::optional<OrderKey>& cursor_;
  std::vector<std::pair<OrderKey, Ptr>> found_;
};

}  // namespace rollcall::index::detail
