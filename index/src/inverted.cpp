#include "member_indexes.hpp"

namespace rollcall::index::detail {
namespace {

template <class Map, class Key>
void erase_posting(Map& map, const Key& key, const MemberPtr& member) {
  auto found = map.find(key);
  if (found == map.end()) return;
  found->second.erase(member);
  if (found->second.empty()) map.erase(found);
}

}  // namespace

void Inverted::add(const MemberPtr& member) {
  for (const Uuid& role_id : member->role_ids) by_role_id[role_id].insert(member);
  for (const auto& [key, value] : member->labels) {
    by_label[label_entry(key, value)].insert(member);
    by_label_key[key].insert(member);
  }
}

void Inverted::remove(const MemberPtr& member) {
  for (const Uuid& role_id : member->role_ids) erase_posting(by_role_id, role_id, member);
  for (const auto& [key, value] : member->labels) {
    erase_posting(by_label, label_entry(key, value), member);
    erase_posting(by_label_key, key, member);
  }
}

}  // namespace rollcall::index::detail
