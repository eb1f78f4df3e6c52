// The indexes behind OrganizationMemberStore. Every ordered index ends in the
// record ID, so keys are unique and a cursor (last key seen) resumes a walk
// exactly; each counts a key range in O(log n).
#pragma once

#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "folded_email.hpp"
#include "member_id_table.hpp"
#include "rollcall/index/member_store.hpp"
#include "sorted_blocks.hpp"
#include "uuid_hash.hpp"

namespace rollcall::index::detail {

// (OrganizationID, Role, CreatedAt, ID)
struct RoleOrder {
  static auto key(const OrganizationMember& m) {
    return std::tuple<const Uuid&, std::string_view, const Timestamp&, const Uuid&>(
        m.organization_id, m.role.value(), m.created_at, m.organization_member_id);
  }
};
// (OrganizationID, Username, ID)
struct UsernameOrder {
  static auto key(const OrganizationMember& m) {
    return std::tuple<const Uuid&, std::string_view, const Uuid&>(m.organization_id, m.username,
                                                                  m.organization_member_id);
  }
};

// (UserID, ID); those without a user (unanswered invitations) under the nil UUID.
struct UserOrder {
  static auto key(const OrganizationMember& m) {
    return std::tuple<Uuid, const Uuid&>(m.user_id.value_or(Uuid{}), m.organization_member_id);
  }
};
// (hash of the Email ignoring ASCII case, that Email, ID): lookups by Email
// want equal ones together, in any order, and sorting by a number first
// compares the emails themselves only when their hashes are equal (so two
// emails with one hash still sort apart). Building the list at start-up
// hashes each email once; a search hashes each email it reads (about 20 in
// a million).
struct EmailOrder {
  static auto prefix(std::string_view email) {
    return std::tuple<std::uint64_t, FoldedEmail>(FoldedEmailHash{}({email}), {email});
  }
  static auto key(const OrganizationMember& m) {
    return std::tuple_cat(prefix(m.email), std::tuple<const Uuid&>(m.organization_member_id));
  }
};

// Every record once: by ID, and in the orders lookups, walks and counts use.
// UserID and Email are sorted lists rather than hashed indexes: 4 bytes an
// entry where a hashed index took about 30, for a lookup in O(log n).
// The ID table owns the records; the orders hold uncounted handles. So a
// write that fails halfway (out of memory) would leave an order pointing at a
// freed record: the writes are noexcept, and such a failure ends the process
// (the write-ahead log replays what was acknowledged) instead.
class MemberSet {
 public:
  // False when the ID is taken.
  bool insert(const MemberPtr& member) noexcept;
  // The parts of the set, which touch nothing in common.
  enum class Part : std::uint8_t { kLookup, kCreatedOrder, kOtherOrders };
  // Into an empty set: one part built at once, each order sorted once. Parts
  // may be built at the same time. The set is whole only when no two records
  // have the same ID: size() is then records.size(). Otherwise its orders may
  // point at a repeated record its ID table does not own: throw the set away.
  void build(Part part, const std::vector<MemberPtr>& records);
  // `before` is a current record; `after` has its ID.
  void replace(const MemberPtr& before, const MemberPtr& after) noexcept;
  // `member` is a current record.
  void erase(const MemberPtr& member) noexcept;

  // The current record with this ID, or a null ref.
  MemberRef find(const Uuid& id) const { return by_id_.find(id); }
  std::vector<MemberPtr> with_user(const Uuid& user_id) const;
  // Those whose Email equals `email` ignoring ASCII case.
  std::vector<MemberPtr> with_email(std::string_view email) const;
  // In (OrganizationID, CreatedAt, ID) order: a snapshot written in it loads
  // by appending to that order and to every posting list.
  std::vector<MemberPtr> all() const { return {by_created_.begin(), by_created_.end()}; }
  std::size_t size() const { return by_id_.size(); }
  bool empty() const { return by_id_.empty(); }

  const SortedBlocks<CreatedOrder>& by_created() const { return by_created_; }
  const SortedBlocks<RoleOrder>& by_role() const { return by_role_; }
  const SortedBlocks<UsernameOrder>& by_username() const { return by_username_; }

 private:
  MemberIdTable by_id_;
  SortedBlocks<CreatedOrder> by_created_;
  SortedBlocks<RoleOrder> by_role_;
  SortedBlocks<UsernameOrder> by_username_;
  SortedBlocks<UserOrder> by_user_;
  SortedBlocks<EmailOrder> by_email_;
};

struct Inverted {
  std::unordered_map<Uuid, PostingList, UuidHash> by_role_id;
  std::unordered_map<std::string, PostingList> by_label;      // key + '\0' + value
  std::unordered_map<std::string, PostingList> by_label_key;  // key

  // noexcept for the reason MemberSet's writes are.
  void add(MemberRef member) noexcept;
  void remove(MemberRef member) noexcept;
  // Into empty indexes: every posting list filled at once from the order
  // they keep.
  void build(const SortedBlocks<CreatedOrder>& members);
};

inline std::string label_entry(std::string_view key, std::string_view value) {
  std::string entry(key);
  entry.push_back('\0');
  entry.append(value);
  return entry;
}

}  // namespace rollcall::index::detail
