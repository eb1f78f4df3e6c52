// An inverted index's posting list: the records with one role ID, one label
// entry or one label key, in (OrganizationID, CreatedAt, OrganizationMemberID)
// order. Entries are shared pointers in sorted blocks of at most kBlockSize:
// 16 bytes an entry where a tree node took about 64. A write moves at most one
// block's entries; the block sizes sit in a Fenwick tree, so finding a key
// costs O(log n) and the rank of a position O(log blocks).
#pragma once

#include <cstddef>
#include <iterator>
#include <vector>

#include "rollcall/index/member_store.hpp"

namespace rollcall::index::detail {

struct PostingKey {
  Uuid organization_id;
  Timestamp created_at;
  Uuid organization_member_id;
};

class PostingList {
  using Block = std::vector<MemberPtr>;

 public:
  // Large enough that the block directory stays small (a 500,000-entry list
  // has about 1,000 blocks), small enough that moving a block's entries on a
  // write in the middle stays cheap (8 KiB).
  static constexpr std::size_t kBlockSize = 512;

  class const_iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = MemberPtr;
    using difference_type = std::ptrdiff_t;
    using pointer = const MemberPtr*;
    using reference = const MemberPtr&;

    const_iterator() = default;
    reference operator*() const { return (*blocks_)[block_][offset_]; }
    pointer operator->() const { return &**this; }
    const_iterator& operator++() {
      if (++offset_ == (*blocks_)[block_].size()) {
        ++block_;
        offset_ = 0;
      }
      return *this;
    }
    const_iterator& operator--() {
      if (offset_ == 0) offset_ = (*blocks_)[--block_].size();
      --offset_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    const_iterator operator--(int) {
      const_iterator before = *this;
      --*this;
      return before;
    }
    friend bool operator==(const const_iterator&, const const_iterator&) = default;

   private:
    friend class PostingList;
    const_iterator(const std::vector<Block>* blocks, std::size_t block, std::size_t offset)
        : blocks_(blocks), block_(block), offset_(offset) {}

    const std::vector<Block>* blocks_ = nullptr;
    std::size_t block_ = 0;
    std::size_t offset_ = 0;  // < the block's size, except at end (block_ == blocks)
  };

  // False when an entry with the record's key is already there.
  bool insert(const MemberPtr& member);
  // False unless this very record is there under its key.
  bool erase(const MemberPtr& member);

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t blocks() const { return blocks_.size(); }
  const_iterator begin() const { return {&blocks_, 0, 0}; }
  const_iterator end() const { return {&blocks_, blocks_.size(), 0}; }

  // Bounds of one organization's entries.
  const_iterator lower_bound(const Uuid& organization) const;
  const_iterator upper_bound(const Uuid& organization) const;
  // Bounds of one full key.
  const_iterator lower_bound(const PostingKey& key) const;
  const_iterator upper_bound(const PostingKey& key) const;
  // Entries before `at`.
  std::size_t rank(const_iterator at) const;

 private:
  struct Slot {
    std::size_t block;
    std::size_t offset;
  };

  // Prefix sums of the block sizes (a Fenwick tree).
  class BlockSizes {
   public:
    void rebuild(const std::vector<Block>& blocks);
    void increment(std::size_t block);
    void decrement(std::size_t block);
    std::size_t before(std::size_t block) const;  // entries in blocks [0, block)

   private:
    std::vector<std::size_t> tree_;  // node k (1-based) at k - 1
  };

  template <class Before>
  const_iterator partition_point(Before before) const;
  Slot insertion_slot(const_iterator at) const;
  Slot make_room(Slot slot);
  Slot new_block(std::size_t block);
  Slot split(Slot slot);
  void move_entry(Slot from, Slot to);
  void insert_at(Slot slot, const MemberPtr& member);
  void merge_if_sparse(std::size_t block);
  void merge_into_previous(std::size_t block);
  void erase_block(std::size_t block);

  std::vector<Block> blocks_;  // none empty
  BlockSizes sizes_;
  std::size_t size_ = 0;
};

}  // namespace rollcall::index::detail
