// Ordering of list results: the requested attributes, then the record ID.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rollcall/index/member_store.hpp"

namespace rollcall::index::detail {

struct ResolvedSortKey {
  const filter::Attribute* attribute;
  bool descending;
};

// Resolves names against organization_member_schema(); only scalar attributes sort.
std::variant<std::vector<ResolvedSortKey>, StoreError> resolve_sort_keys(
    const std::vector<SortKey>& keys);

// A record's position in an ordering: its sort values, then its ID.
struct OrderKey {
  std::vector<filter::Value> values;
  Uuid id;
};

OrderKey order_key(const OrganizationMember& member, const std::vector<ResolvedSortKey>& keys);

// <0, 0, >0 as `a` comes before, with, after `b`. NULLs sort last ascending and
// first descending, as in PostgreSQL; the ID breaks ties in the last key's direction.
int compare_order(const OrderKey& a, const OrderKey& b, const std::vector<ResolvedSortKey>& keys);

std::string encode_cursor(const OrderKey& key);
std::optional<OrderKey> decode_cursor(std::string_view bytes,
                                      const std::vector<ResolvedSortKey>& keys);

}  // namespace rollcall::index::detail
