// The Boost.MultiIndex containers behind OrganizationMemberStore. Every ordered
// index ends in the record ID, so keys are unique and a cursor (last key seen)
// resumes a walk exactly. Ranked indexes count a key range in O(log n).
#pragma once

#include <boost/multi_index/composite_key.hpp>
#include <boost/multi_index/hashed_index.hpp>
#include <boost/multi_index/ranked_index.hpp>
#include <boost/multi_index_container.hpp>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

#include "posting_list.hpp"
#include "rollcall/index/member_store.hpp"

namespace rollcall::index::detail {

namespace bmi = boost::multi_index;

struct UuidHash {
  std::size_t operator()(const Uuid& uuid) const noexcept {
    std::uint64_t half[2];
    std::memcpy(half, uuid.bytes.data(), sizeof(half));
    return half[0] ^ (half[1] * 0x9E3779B97F4A7C15ULL);
  }
};

struct IdKey {
  using result_type = Uuid;
  const Uuid& operator()(const MemberPtr& m) const { return m->organization_member_id; }
};
struct OrgKey {
  using result_type = Uuid;
  const Uuid& operator()(const MemberPtr& m) const { return m->organization_id; }
};
struct CreatedKey {
  using result_type = Timestamp;
  Timestamp operator()(const MemberPtr& m) const { return m->created_at; }
};
struct RoleKey {
  using result_type = std::string_view;
  std::string_view operator()(const MemberPtr& m) const { return m->role; }
};
struct UsernameKey {
  using result_type = std::string_view;
  std::string_view operator()(const MemberPtr& m) const { return m->username; }
};
struct UserKey {
  using result_type = Uuid;
  Uuid operator()(const MemberPtr& m) const { return m->user_id.value_or(Uuid{}); }
};

struct ById {};
struct ByOrgCreated {};
struct ByOrgRole {};
struct ByOrgUsername {};
struct ByUser {};

using MemberSet = bmi::multi_index_container<
    MemberPtr,
    bmi::indexed_by<
        bmi::hashed_unique<bmi::tag<ById>, IdKey, UuidHash>,
        bmi::ranked_unique<bmi::tag<ByOrgCreated>,
                           bmi::composite_key<MemberPtr, OrgKey, CreatedKey, IdKey>>,
        bmi::ranked_unique<bmi::tag<ByOrgRole>,
                           bmi::composite_key<MemberPtr, OrgKey, RoleKey, CreatedKey, IdKey>>,
        bmi::ranked_unique<bmi::tag<ByOrgUsername>,
                           bmi::composite_key<MemberPtr, OrgKey, UsernameKey, IdKey>>,
        bmi::hashed_non_unique<bmi::tag<ByUser>, UserKey, UuidHash>>>;

struct Inverted {
  std::unordered_map<Uuid, PostingList, UuidHash> by_role_id;
  std::unordered_map<std::string, PostingList> by_label;      // key + '\0' + value
  std::unordered_map<std::string, PostingList> by_label_key;  // key

  void add(const MemberPtr& member);
  void remove(const MemberPtr& member);
};

inline std::string label_entry(std::string_view key, std::string_view value) {
  std::string entry(key);
  entry.push_back('\0');
  entry.append(value);
  return entry;
}

}  // namespace rollcall::index::detail
