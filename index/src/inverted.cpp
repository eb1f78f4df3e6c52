#include "member_indexes.hpp"

namespace rollcall::index::detail {
namespace {

template <class Map, class Key>
void erase_posting(Map& map, const Key& key, MemberRef member) {
  auto found = map.find(key);
  if (found == map.end()) return;
  found->second.erase(member);
  if (found->second.empty()) map.erase(found);
}

// Each list's entries, in order, then each list filled with them.
template <class Key, class Hash>
class ListEntries {
 public:
  void add(const Key& key, MemberRef member) {
    std::vector<MemberRef>& entries = entries_[key];
    if (entries.empty() || entries.back() != member) entries.push_back(member);  // once a record
  }
  template <class Map>
  void fill(Map& lists) {
    for (auto& [key, entries] : entries_) lists[key].fill_sorted(std::move(entries));
  }

 private:
  std::unordered_map<Key, std::vector<MemberRef>, Hash> entries_;
};

}  // namespace

void Inverted::build(const SortedBlocks<CreatedOrder>& members) {
  ListEntries<Uuid, UuidHash> role_ids;
  ListEntries<std::string, std::hash<std::string>> labels;
  ListEntries<std::string, std::hash<std::string>> label_keys;
  for (MemberRef member : members) {
    for (const Uuid& role_id : member->role_ids) role_ids.add(role_id, member);
    for (const auto& [key, value] : member->labels) {
      labels.add(label_entry(key, value), member);
      label_keys.add(key, member);
    }
  }
  role_ids.fill(by_role_id);
  labels.fill(by_label);
  label_keys.fill(by_label_key);
}

void Inverted::add(MemberRef member) noexcept {
  for (const Uuid& role_id : member->role_ids) by_role_id[role_id].insert(member);
  for (const auto& [key, value] : member->labels) {
    by_label[label_entry(key, value)].insert(member);
    by_label_key[key].insert(member);
  }
}

void Inverted::remove(MemberRef member) noexcept {
  for (const Uuid& role_id : member->role_ids) erase_posting(by_role_id, role_id, member);
  for (const auto& [key, value] : member->labels) {
    erase_posting(by_label, label_entry(key, value), member);
    erase_posting(by_label_key, key, member);
  }
}

}  // namespace rollcall::index::detail
