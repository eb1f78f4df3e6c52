#include "member_id_table.hpp"

#include <cmath>
#include <utility>

#include "uuid_hash.hpp"

namespace rollcall::index::detail {
namespace {

__extension__ using Wide = unsigned __int128;  // GCC and clang's, on 64-bit targets

// UuidHash keeps a UUID's own bits; time-ordered or sequential IDs need them
// mixed before their high bits pick a slot (MurmurHash3's finalizer).
std::uint64_t mix(std::uint64_t h) noexcept {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  return h ^ (h >> 33);
}

// Gives back the count the table held.
void drop(MemberRef owned) noexcept { MemberPtr::adopt(owned); }

std::size_t slots_for(std::size_t records) {
  return static_cast<std::size_t>(
             std::ceil(static_cast<double>(records) / MemberIdTable::kMaxLoad)) +
         1;
}

}  // namespace

MemberIdTable::MemberIdTable(MemberIdTable&& other) noexcept
    : slots_(std::exchange(other.slots_, {})),
      tags_(std::exchange(other.tags_, {})),
      size_(std::exchange(other.size_, 0)) {}

MemberIdTable& MemberIdTable::operator=(MemberIdTable&& other) noexcept {
  if (this != &other) {
    release_all();
    slots_ = std::exchange(other.slots_, {});
    tags_ = std::exchange(other.tags_, {});
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

MemberIdTable::~MemberIdTable() { release_all(); }

void MemberIdTable::release_all() noexcept {
  for (std::size_t slot = 0; slot < slots_.size(); ++slot) {
    if (tags_[slot] != 0) drop(slots_[slot]);
  }
  slots_.clear();
  tags_.clear();
  size_ = 0;
}

// The slot from the high bits of the hash (a multiply, not a modulo: any
// number of slots), the tag from its low 7 bits, never 0.
MemberIdTable::Probe MemberIdTable::start(const Uuid& id) const noexcept {
  const std::uint64_t h = mix(UuidHash{}(id));
  const auto slot = static_cast<std::size_t>((static_cast<Wide>(h) * slots_.size()) >> 64);
  return {slot, static_cast<std::uint8_t>(0x80U | (h & 0x7FU))};
}

std::size_t MemberIdTable::slot_of(const Uuid& id) const noexcept {
  if (size_ == 0) return capacity();
  auto [slot, tag] = start(id);
  for (; tags_[slot] != 0; slot = next(slot)) {
    if (tags_[slot] == tag && slots_[slot]->organization_member_id == id) return slot;
  }
  return capacity();
}

MemberRef MemberIdTable::find(const Uuid& id) const noexcept {
  const std::size_t slot = slot_of(id);
  return slot == capacity() ? MemberRef() : slots_[slot];
}

void MemberIdTable::place(MemberRef member) noexcept {
  auto [slot, tag] = start(member->organization_member_id);
  while (tags_[slot] != 0) slot = next(slot);
  slots_[slot] = member;
  tags_[slot] = tag;
}

void MemberIdTable::rehash(std::size_t slots) {
  std::vector<MemberRef> old_slots(slots);
  std::vector<std::uint8_t> old_tags(slots, 0);
  std::swap(old_slots, slots_);
  std::swap(old_tags, tags_);
  for (std::size_t slot = 0; slot < old_slots.size(); ++slot) {
    if (old_tags[slot] != 0) place(old_slots[slot]);
  }
}

void MemberIdTable::reserve(std::size_t records) {
  if (slots_for(records) > capacity()) rehash(slots_for(records));
}

bool MemberIdTable::insert(const MemberPtr& member) {
  if (slot_of(member->organization_member_id) != capacity()) return false;
  if (size_ + 1 > static_cast<std::size_t>(kMaxLoad * static_cast<double>(capacity()))) {
    rehash(std::max(slots_for(size_ + 1), capacity() + capacity() / 2));
  }
  place(MemberPtr(member).release_to_ref());
  ++size_;
  return true;
}

void MemberIdTable::replace(const MemberPtr& after) noexcept {
  const std::size_t slot = slot_of(after->organization_member_id);
  drop(std::exchange(slots_[slot], MemberPtr(after).release_to_ref()));
}

// Backward shift: each later entry of the run moves into the hole when its
// own start is not between the hole and it, so no probe meets a gap.
bool MemberIdTable::erase(const Uuid& id) noexcept {
  std::size_t hole = slot_of(id);
  if (hole == capacity()) return false;
  drop(slots_[hole]);
  for (std::size_t slot = next(hole); tags_[slot] != 0; slot = next(slot)) {
    const std::size_t home = start(slots_[slot]->organization_member_id).slot;
    const bool stays = hole <= slot ? (hole < home && home <= slot) : (hole < home || home <= slot);
    if (stays) continue;
    slots_[hole] = slots_[slot];
    tags_[hole] = tags_[slot];
    hole = slot;
  }
  tags_[hole] = 0;
  --size_;
  return true;
}

}  // namespace rollcall::index::detail
