#include "member_indexes.hpp"

namespace rollcall::index::detail {

bool MemberSet::insert(const MemberPtr& member) noexcept {
  if (!by_id_.insert(member)) return false;
  by_created_.insert(member);
  by_role_.insert(member);
  by_username_.insert(member);
  by_user_.insert(member);
  by_email_.insert(member);
  return true;
}

void MemberSet::build(Part part, const std::vector<MemberPtr>& records) {
  switch (part) {
    case Part::kLookup:
      by_id_.reserve(records.size());
      for (const MemberPtr& record : records) by_id_.insert(record);
      by_user_.build(records);
      return;
    case Part::kCreatedOrder:
      return by_created_.build(records);
    case Part::kOtherOrders:
      by_role_.build(records);
      by_username_.build(records);
      return by_email_.build(records);
  }
}

void MemberSet::replace(const MemberPtr& before, const MemberPtr& after) noexcept {
  by_created_.replace(before, after);
  by_role_.replace(before, after);
  by_username_.replace(before, after);
  by_user_.replace(before, after);
  by_email_.replace(before, after);
  by_id_.replace(after);
}

void MemberSet::erase(const MemberPtr& member) noexcept {
  const Uuid id = member->organization_member_id;  // `member` may be the entry erased
  by_created_.erase(member);
  by_role_.erase(member);
  by_username_.erase(member);
  by_user_.erase(member);
  by_email_.erase(member);
  by_id_.erase(id);
}

namespace {

template <class Order, class Prefix>
std::vector<MemberPtr> equal_range(const SortedBlocks<Order>& order, const Prefix& prefix) {
  std::vector<MemberPtr> found;
  const auto first = order.lower_bound(prefix);
  for (auto at = first, end = order.upper_bound_after(first, prefix); at != end; ++at) {
    found.emplace_back(*at);
  }
  return found;
}

}  // namespace

std::vector<MemberPtr> MemberSet::with_user(const Uuid& user_id) const {
  return equal_range(by_user_, std::tuple(user_id));
}

std::vector<MemberPtr> MemberSet::with_email(std::string_view email) const {
  return equal_range(by_email_, EmailOrder::prefix(email));
}

}  // namespace rollcall::index::detail
