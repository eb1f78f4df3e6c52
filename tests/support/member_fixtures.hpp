// Helpers the OrganizationMemberStore tests share: deterministic uuids and
// members, `where` compiled against organization_member_schema(), listing and
// walking every page, a small PRNG and a reference ordering written
// independently of the store's.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "rollcall/filter.hpp"
#include "rollcall/index/member_store.hpp"
#include "rollcall/index/schemas.hpp"
#include "splitmix64.hpp"

namespace rollcall::member_test {

inline const char* code_name(index::StoreErrorCode code) {
  using index::StoreErrorCode;
  switch (code) {
    case StoreErrorCode::kNotFound:
      return "kNotFound";
    case StoreErrorCode::kConflict:
      return "kConflict";
    case StoreErrorCode::kVersionMismatch:
      return "kVersionMismatch";
    case StoreErrorCode::kRuleViolation:
      return "kRuleViolation";
    case StoreErrorCode::kBadRequest:
      return "kBadRequest";
    case StoreErrorCode::kUnavailable:
      return "kUnavailable";
    case StoreErrorCode::kForbidden:
      return "kForbidden";
  }
  return "?";
}

}  // namespace rollcall::member_test

namespace rollcall::index {

// Lets gtest print error codes in failure messages.
inline void PrintTo(StoreErrorCode code, std::ostream* out) {
  *out << member_test::code_name(code);
}

}  // namespace rollcall::index

namespace rollcall::member_test {

using filter::Timestamp;
using filter::Uuid;
using index::ListRequest;
using index::ListResult;
using index::MemberPtr;
using index::OrganizationMember;
using index::OrganizationMemberStore;
using index::SortKey;
using index::StoreError;
using index::StoreErrorCode;

// A deterministic uuid: `tag` in the first 8 bytes and `n` in the last 8, both
// big-endian, so the uuids of one tag sort by `n`.
inline Uuid make_uuid(std::uint64_t tag, std::uint64_t n) {
  Uuid uuid;
  for (int i = 0; i < 8; ++i) {
    uuid.bytes[7 - i] = static_cast<std::uint8_t>(tag >> (8 * i));
    uuid.bytes[15 - i] = static_cast<std::uint8_t>(n >> (8 * i));
  }
  return uuid;
}

constexpr std::uint64_t kOrgTag = 0x0A;
constexpr std::uint64_t kMemberTag = 0x0B;
constexpr std::uint64_t kUserTag = 0x0C;
constexpr std::uint64_t kRoleTag = 0x0D;

inline Uuid org_id(std::uint64_t n) { return make_uuid(kOrgTag, n); }
inline Uuid member_id(std::uint64_t n) { return make_uuid(kMemberTag, n); }

// `seconds` after 2025-01-01T00:00:00Z.
inline Timestamp at_second(std::int64_t seconds) {
  constexpr std::int64_t kBase = 1735689600LL * 1000000;
  return Timestamp{kBase + seconds * 1000000};
}

// An active MEMBER of `org` with ID member_id(n), created at second `n`.
inline OrganizationMember make_member(const Uuid& org, std::uint64_t n) {
  OrganizationMember m;
  m.organization_member_id = member_id(n);
  m.organization_id = org;
  m.user_id = make_uuid(kUserTag, n);
  m.username = "user" + std::to_string(n);
  m.email = "user" + std::to_string(n) + "@example.com";
  m.display_name = "User " + std::to_string(n);
  m.slug = m.username;
  m.role = "MEMBER";
  m.status = "active";
  m.created_at = at_second(static_cast<std::int64_t>(n));
  m.updated_at = m.created_at;
  return m;
}

// Whether a write succeeded; the failure message names the error.
inline ::testing::AssertionResult succeeded(const std::optional<StoreError>& error) {
  if (!error) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << code_name(error->code) << ": " << error->message;
}

inline std::optional<StoreErrorCode> code_of(const std::optional<StoreError>& error) {
  return error ? std::optional(error->code) : std::nullopt;
}

inline std::optional<StoreErrorCode> code_of(const std::variant<ListResult, StoreError>& result) {
  const auto* error = std::get_if<StoreError>(&result);
  return error ? std::optional(error->code) : std::nullopt;
}

// Compiles `text` against organization_member_schema(); an error fails the test.
inline filter::Predicate where(std::string_view text) {
  auto compiled = filter::compile_where(text, index::organization_member_schema());
  if (!compiled) {
    ADD_FAILURE() << "`" << text << "` did not compile: " << compiled.error().message();
    return filter::Predicate();
  }
  return std::move(compiled).value();
}

inline ListRequest request_for(const Uuid& org, std::string_view text = {},
                               std::vector<SortKey> order_by = {}, std::size_t limit = 100) {
  ListRequest request;
  request.organization_id = org;
  request.predicate = where(text);
  request.order_by = std::move(order_by);
  request.limit = limit;
  return request;
}

// One page; an error fails the test and gives an empty page.
inline ListResult list_ok(const OrganizationMemberStore& store, const ListRequest& request) {
  auto result = store.list(request);
  if (auto* error = std::get_if<StoreError>(&result)) {
    ADD_FAILURE() << "list failed: " << code_name(error->code) << ": " << error->message;
    return {};
  }
  return std::get<ListResult>(std::move(result));
}

struct Walk {
  std::vector<MemberPtr> items;  // every page, concatenated
  std::size_t pages = 0;
  std::optional<std::uint64_t> first_total;  // the first page's total
  std::optional<StoreError> error;           // the walk stopped on it
};

// Follows next_page_token from `request` until the last page (or `max_pages`).
inline Walk walk_pages(const OrganizationMemberStore& store, ListRequest request,
                       std::size_t max_pages = 1000000) {
  Walk walk;
  while (walk.pages < max_pages) {
    auto result = store.list(request);
    if (auto* error = std::get_if<StoreError>(&result)) {
      walk.error = *error;
      return walk;
    }
    auto& page = std::get<ListResult>(result);
    if (walk.pages++ == 0) walk.first_total = page.total;
    walk.items.insert(walk.items.end(), page.items.begin(), page.items.end());
    if (page.next_page_token.empty()) return walk;
    request.page_token = std::move(page.next_page_token);
  }
  return walk;
}

inline std::vector<Uuid> ids_of(const std::vector<MemberPtr>& members) {
  std::vector<Uuid> ids;
  ids.reserve(members.size());
  for (const MemberPtr& m : members) ids.push_back(m->organization_member_id);
  return ids;
}

inline std::vector<Uuid> ids_of(const std::vector<const OrganizationMember*>& members) {
  std::vector<Uuid> ids;
  ids.reserve(members.size());
  for (const OrganizationMember* m : members) ids.push_back(m->organization_member_id);
  return ids;
}

// Random test data, deterministic on every platform.
class Prng : public SplitMix64 {
 public:
  using SplitMix64::SplitMix64;

  std::size_t below(std::size_t n) { return static_cast<std::size_t>(SplitMix64::below(n)); }
  bool chance(int percent) { return SplitMix64::percent(static_cast<unsigned>(percent)); }
  template <class T>
  const T& pick(const std::vector<T>& from) {
    return from[below(from.size())];
  }
};

// The reference ordering: per key NULLs last ascending and first descending,
// then the ID in the last key's direction. Knows the attributes tests sort by.
using RefValue = std::variant<std::monostate, std::string, std::int64_t, Uuid, Timestamp>;

inline RefValue ref_value(const OrganizationMember& m, const std::string& attribute) {
  if (attribute == "CreatedAt") return m.created_at;
  if (attribute == "Username") return m.username.str();
  if (attribute == "DisplayName") return m.display_name.str();
  if (attribute == "Role") return m.role;
  if (attribute == "Version") return m.version;
  if (attribute == "UserID") return m.user_id ? RefValue(*m.user_id) : RefValue();
  ADD_FAILURE() << "the reference ordering does not know " << attribute;
  return {};
}

// NULL (monostate, index 0) is greater than every value.
inline int compare_ref(const RefValue& a, const RefValue& b) {
  if (a.index() == 0 || b.index() == 0) {
    return a.index() == b.index() ? 0 : (a.index() == 0 ? 1 : -1);
  }
  return a < b ? -1 : (b < a ? 1 : 0);
}

inline bool ordered_before(const OrganizationMember& a, const OrganizationMember& b,
                           const std::vector<SortKey>& order_by) {
  std::vector<SortKey> keys = order_by;
  if (keys.empty()) keys.push_back(SortKey{});
  for (const SortKey& key : keys) {
    const int order = compare_ref(ref_value(a, key.attribute), ref_value(b, key.attribute));
    if (order != 0) return key.descending ? order > 0 : order < 0;
  }
  const bool id_less = a.organization_member_id < b.organization_member_id;
  const bool id_more = b.organization_member_id < a.organization_member_id;
  return keys.back().descending ? id_more : id_less;
}

// The records of `org` that match, sorted the reference way.
inline std::vector<const OrganizationMember*> expected_list(
    const std::vector<OrganizationMember>& records, const Uuid& org,
    const filter::Predicate& predicate, const std::vector<SortKey>& order_by) {
  std::vector<const OrganizationMember*> out;
  for (const OrganizationMember& m : records) {
    if (m.organization_id == org && predicate.matches(m)) out.push_back(&m);
  }
  std::sort(out.begin(), out.end(),
            [&](const auto* a, const auto* b) { return ordered_before(*a, *b, order_by); });
  return out;
}

}  // namespace rollcall::member_test
