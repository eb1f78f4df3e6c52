// MemberIdTable: the store's records by OrganizationMemberID, in an open
// addressing table (linear probing, deletion by backward shift) of MemberRefs
// with a byte of hash beside each. About 6 to 10 bytes a record where a Boost
// hashed index took about 45 (a node, its malloc header and a bucket): the
// byte answers most probes without reading a record. The table owns one count
// of each record it holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rollcall/index/member_ptr.hpp"

namespace rollcall::index::detail {

class MemberIdTable {
 public:
  MemberIdTable() = default;
  MemberIdTable(const MemberIdTable&) = delete;
  MemberIdTable& operator=(const MemberIdTable&) = delete;
  MemberIdTable(MemberIdTable&& other) noexcept;
  MemberIdTable& operator=(MemberIdTable&& other) noexcept;
  ~MemberIdTable();

  // Room for `records` without growing.
  void reserve(std::size_t records);
  // False (and nothing held) when the ID is taken.
  bool insert(const MemberPtr& member);
  // `after` takes the place of the record with its ID, which must be held.
  void replace(const MemberPtr& after) noexcept;
  // False when no record has the ID.
  bool erase(const Uuid& id) noexcept;
  // The record with this ID, or a null ref.
  MemberRef find(const Uuid& id) const noexcept;

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  std::size_t capacity() const noexcept { return slots_.size(); }

  // At most this share of the slots is taken; growing multiplies them by 1.5.
  static constexpr double kMaxLoad = 0.8;

 private:
  struct Probe {
    std::size_t slot;
    std::uint8_t tag;
  };
  Probe start(const Uuid& id) const noexcept;
  std::size_t next(std::size_t slot) const noexcept {
    return slot + 1 == slots_.size() ? 0 : slot + 1;
  }
  // The slot holding the ID, or capacity() when none does.
  std::size_t slot_of(const Uuid& id) const noexcept;
  void place(MemberRef member) noexcept;  // into a table with room, ID not held
  void rehash(std::size_t slots);
  void release_all() noexcept;

  std::vector<MemberRef> slots_;
  std::vector<std::uint8_t> tags_;  // 0: the slot is empty
  std::size_t size_ = 0;
};

}  // namespace rollcall::index::detail
