#include "member_indexes.hpp"

namespace rollcall::index::detail {

bool MemberSet::insert(const MemberPtr& member) noexcept {
  if (!lookup_.insert(member).second) return false;
  by_created_.insert(member);
  by_role_.insert(member);
  by_username_.insert(member);
  return true;
}

void MemberSet::build(Part part, const std::vector<MemberPtr>& records) {
  switch (part) {
    case Part::kLookup:
      lookup_.get<ById>().reserve(records.size());  // each index rehashes on its own
      lookup_.get<ByUser>().reserve(records.size());
      lookup_.get<ByEmail>().reserve(records.size());
      lookup_.insert(records.begin(), records.end());
      return;
    case Part::kCreatedOrder:
      return by_created_.build(records);
    case Part::kRoleAndUsernameOrders:
      by_role_.build(records);
      return by_username_.build(records);
  }
}

void MemberSet::replace(const MemberPtr& before, const MemberPtr& after) noexcept {
  by_created_.replace(before, after);
  by_role_.replace(before, after);
  by_username_.replace(before, after);
  auto& by_id = lookup_.get<ById>();
  by_id.replace(by_id.find(before->organization_member_id), after);
}

void MemberSet::erase(const MemberPtr& member) noexcept {
  const Uuid id = member->organization_member_id;  // `member` may be the entry erased
  by_created_.erase(member);
  by_role_.erase(member);
  by_username_.erase(member);
  lookup_.get<ById>().erase(id);
}

const MemberPtr* MemberSet::find(const Uuid& id) const {
  const auto& by_id = lookup_.get<ById>();
  const auto found = by_id.find(id);
  return found == by_id.end() ? nullptr : &*found;
}

std::vector<MemberPtr> MemberSet::with_user(const Uuid& user_id) const {
  const auto range = lookup_.get<ByUser>().equal_range(user_id);
  return {range.first, range.second};
}

std::vector<MemberPtr> MemberSet::with_email(std::string_view email) const {
  const auto range = lookup_.get<ByEmail>().equal_range(FoldedEmail{email});
  return {range.first, range.second};
}

}  // namespace rollcall::index::detail
