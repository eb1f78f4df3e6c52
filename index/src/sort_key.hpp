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

// Resolves names against `schema`; only scalar attributes sort. No keys:
// CreatedAt ascending.
std::variant<std::vector<ResolvedSortKey>, StoreError> resolve_sort_keys(
    const std::vector<SortKey>& keys, const filter::Schema& schema);

// True when the order is (CreatedAt, ID), either way: the order indexes keep.
bool in_created_order(const std::vector<ResolvedSortKey>& keys);

// A record's position in an ordering: its sort values, then its ID.
struct OrderKey {
  std::vector<filter::Value> values;
  Uuid id;
};

// `record` is of the type the keys' schema reads.
OrderKey order_key(filter::RecordRef record, const Uuid& id,
                   const std::vector<ResolvedSortKey>& keys);
inline OrderKey order_key(const OrganizationMember& member,
                          const std::vector<ResolvedSortKey>& keys) {
  return order_key(&member, member.organization_member_id, keys);
}
inline OrderKey order_key(const SpaceMember& member, const std::vector<ResolvedSortKey>& keys) {
  return order_key(&member, member.space_member_id, keys);
}

// <0, 0, >0 as `a` comes before, with, after `b`. NULLs sort last ascending and
// first descending, as in PostgreSQL; the ID breaks ties in the last key's direction.
int compare_order(const OrderKey& a, const OrderKey& b, const std::vector<ResolvedSortKey>& keys);

std::string encode_cursor(const OrderKey& key);
std::optional<OrderKey> decode_cursor(std::string_view bytes,
                                      const std::vector<ResolvedSortKey>& keys);

}  // namespace rollcall::index::detail
