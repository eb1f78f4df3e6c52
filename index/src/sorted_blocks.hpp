// Records in one sort order, stored densely: 4-byte record handles
// (MemberRef) in sorted blocks of at most kBlockSize, where a tree node took
// 32 to 64 bytes an entry. A write moves the entries of at most two blocks (its own and a
// neighbour's); the block sizes sit in a Fenwick tree, so finding a key costs O(log n) and a rank
// O(log blocks). The posting lists of the inverted indexes and the store's ordered indexes are such
// lists.
#pragma once

#include <algorithm>
#include <cassert>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "rollcall/index/member_store.hpp"

namespace rollcall::index::detail {

// The positions half: blocks, iteration, ranks, writes at a position.
// SortedBlocks finds the positions.
class BlockList {
 protected:
  using Block = std::vector<MemberRef>;

 public:
  // Large enough that the block directory stays small (a 500,000-entry list
  // has 1,000 to 1,400 blocks), small enough that moving a block's entries on
  // a write in the middle stays cheap (2 KiB).
  static constexpr std::size_t kBlockSize = 512;

  class const_iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = MemberRef;
    using difference_type = std::ptrdiff_t;
    using pointer = const MemberRef*;
    using reference = const MemberRef&;

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
    friend class BlockList;
    const_iterator(const std::vector<Block>* blocks, std::size_t block, std::size_t offset)
        : blocks_(blocks), block_(block), offset_(offset) {}

    const std::vector<Block>* blocks_ = nullptr;
    std::size_t block_ = 0;
    std::size_t offset_ = 0;  // < the block's size, except at end (block_ == blocks)
  };

  // Into an empty list: `sorted` holds distinct keys in the list's order.
  void fill_sorted(std::vector<MemberRef> sorted);

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t blocks() const { return blocks_.size(); }
  const_iterator begin() const { return {&blocks_, 0, 0}; }
  const_iterator end() const { return {&blocks_, blocks_.size(), 0}; }

  // Entries before `at`.
  std::size_t rank(const_iterator at) const;

  // Calls `visit(std::span<const MemberRef>)` on the entries of [from, to), a
  // block's run of consecutive entries at a time: a walk without the
  // iterator's block check at every entry. The runs come first to last, or
  // last to first when `backwards` (each still in order). Stops at, and
  // returns, the first false `visit` returns.
  template <class Visit>
  bool for_each_run(const_iterator from, const_iterator to, bool backwards, Visit visit) const {
    assert(from.blocks_ == &blocks_ && to.blocks_ == &blocks_);  // this list's, as a plan's are
    if (std::tie(to.block_, to.offset_) <= std::tie(from.block_, from.offset_)) return true;
    const std::size_t first = from.block_;
    const std::size_t last = to.offset_ == 0 ? to.block_ - 1 : to.block_;
    for (std::size_t i = 0; i <= last - first; ++i) {
      const std::size_t block = backwards ? last - i : first + i;
      const std::span<const MemberRef> entries(blocks_[block]);
      const std::size_t begin = block == first ? from.offset_ : 0;
      const std::size_t end = block == to.block_ ? to.offset_ : entries.size();
      if (!visit(entries.subspan(begin, end - begin))) return false;
    }
    return true;
  }

 protected:
  // The first position whose entry is not `before(const OrganizationMember&)`,
  // which holds of a prefix of the entries.
  template <class Before>
  const_iterator partition_point(Before before) const {
    const auto block = std::partition_point(blocks_.begin(), blocks_.end(),
                                            [&](const Block& b) { return before(*b.back()); });
    if (block == blocks_.end()) return end();
    const auto entry =
        std::partition_point(block->begin(), block->end(), [&](MemberRef m) { return before(*m); });
    return {&blocks_, static_cast<std::size_t>(block - blocks_.begin()),
            static_cast<std::size_t>(entry - block->begin())};
  }
  // `at` is the first entry that sorts after `member`.
  void insert_before(const_iterator at, MemberRef member);
  void erase_at(const_iterator at);
  void assign(const_iterator at, MemberRef member);

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

  Slot insertion_slot(const_iterator at) const;
  Slot make_room(Slot slot);
  Slot new_block(std::size_t block);
  Slot split(Slot slot);
  void move_entry(Slot from, Slot to);
  void insert_at(Slot slot, MemberRef member);
  void merge_if_sparse(std::size_t block);
  void merge_into_previous(std::size_t block);
  void erase_block(std::size_t block);

  std::vector<Block> blocks_;  // none empty
  BlockSizes sizes_;
  std::size_t size_ = 0;
};

// The first fields of `full` against the tuple `prefix`, field by field.
template <class Full, class Prefix>
std::strong_ordering compare_prefix(const Full& full, const Prefix& prefix) {
  static_assert(std::tuple_size_v<Prefix> <= std::tuple_size_v<Full>);
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    std::strong_ordering order = std::strong_ordering::equal;
    (void)(std::is_eq(order = std::compare_three_way{}(std::get<I>(full), std::get<I>(prefix))) &&
           ...);
    return order;
  }
  (std::make_index_sequence<std::tuple_size_v<Prefix>>{});
}

// A text field of a sort key, its first bytes first: sorting on it reads the
// text itself only when those are equal.
struct TextSortKey {
  std::uint64_t head;  // the first 8 bytes, big-endian, zero-padded
  std::string_view text;

  explicit TextSortKey(std::string_view text) : head(0), text(text) {
    for (std::size_t i = 0; i < 8; ++i) {
      const auto byte = i < text.size() ? static_cast<unsigned char>(text[i]) : 0U;
      head = (head << 8) | byte;
    }
  }
  friend std::strong_ordering operator<=>(const TextSortKey& a, const TextSortKey& b) {
    if (a.head != b.head) return a.head <=> b.head;
    if (a.whole_in_head() && b.whole_in_head()) return a.text.size() <=> b.text.size();
    return a.text <=> b.text;
  }
  friend bool operator==(const TextSortKey& a, const TextSortKey& b) {
    return a.head == b.head && a.text.size() == b.text.size() &&
           (a.whole_in_head() || a.text == b.text);
  }
  // Short texts (roles, say) compare without reading the record at all.
  bool whole_in_head() const { return text.size() <= sizeof(head); }
};

// A UUID of a sort key as two numbers, which compare faster than 16 bytes.
struct UuidSortKey {
  std::uint64_t high;
  std::uint64_t low;

  explicit UuidSortKey(const Uuid& uuid) : high(0), low(0) {
    for (std::size_t i = 0; i < 8; ++i) {
      high = (high << 8) | uuid.bytes[i];
      low = (low << 8) | uuid.bytes[i + 8];
    }
  }
  friend std::strong_ordering operator<=>(const UuidSortKey& a, const UuidSortKey& b) {
    return a.high != b.high ? a.high <=> b.high : a.low <=> b.low;
  }
  friend bool operator==(const UuidSortKey& a, const UuidSortKey& b) {
    return a.high == b.high && a.low == b.low;
  }
};

// A key with its fields copied out of the record (text as a TextSortKey), for
// sorting many records without reading each record at every comparison.
template <class... Fields>
auto sort_key(const std::tuple<Fields...>& key) {
  const auto copy = []<class Field>(const Field& field) {
    if constexpr (std::is_convertible_v<Field, std::string_view>) {
      return TextSortKey(field);
    } else if constexpr (std::is_same_v<Field, Uuid>) {
      return UuidSortKey(field);
    } else {
      return std::remove_cvref_t<Field>(field);
    }
  };
  return std::apply([&](const auto&... field) { return std::tuple(copy(field)...); }, key);
}

// `Order::key(const OrganizationMember&)` is the sort key, a tuple whose last
// field is unique; lookups take any leading part of it as a tuple.
template <class Order>
class SortedBlocks : public BlockList {
 public:
  // False when an entry with the record's key is already there.
  bool insert(MemberRef member) {
    const auto key = Order::key(*member);
    const const_iterator at = lower_bound(key);
    if (at != end() && std::is_eq(compare_prefix(Order::key(**at), key))) return false;
    insert_before(at, member);
    return true;
  }

  // Into an empty list: `entries` (any order) sorted once; of entries with
  // the same key, one is kept.
  void build(const std::vector<MemberPtr>& entries) {
    using Key = decltype(sort_key(Order::key(std::declval<const OrganizationMember&>())));
    std::vector<std::pair<Key, std::size_t>> keyed;  // an entry's key and position
    keyed.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      keyed.emplace_back(sort_key(Order::key(*entries[i])), i);
    }
    const auto before = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (!std::is_sorted(keyed.begin(), keyed.end(), before)) {
      std::sort(keyed.begin(), keyed.end(), before);
    }
    const auto same = [](const auto& a, const auto& b) { return a.first == b.first; };
    keyed.erase(std::unique(keyed.begin(), keyed.end(), same), keyed.end());
    std::vector<MemberRef> sorted;
    sorted.reserve(keyed.size());
    for (const auto& entry : keyed) sorted.push_back(entries[entry.second]);
    fill_sorted(std::move(sorted));
  }

  // False unless this very record is there under its key.
  bool erase(MemberRef member) {
    const const_iterator at = lower_bound(Order::key(*member));
    if (at == end() || *at != member) return false;
    erase_at(at);
    return true;
  }

  // `before` is there; `after` takes its place, in place when the key is the same.
  void replace(MemberRef before, MemberRef after) {
    if (std::is_eq(compare_prefix(Order::key(*before), Order::key(*after)))) {
      assign(lower_bound(Order::key(*before)), after);
    } else {
      erase(before);
      insert(after);
    }
  }

  template <class Prefix>
  const_iterator lower_bound(const Prefix& prefix) const {
    return partition_point([&](const OrganizationMember& m) {
      return std::is_lt(compare_prefix(Order::key(m), prefix));
    });
  }

  template <class Prefix>
  const_iterator upper_bound(const Prefix& prefix) const {
    return partition_point([&](const OrganizationMember& m) {
      return std::is_lteq(compare_prefix(Order::key(m), prefix));
    });
  }

  // upper_bound(prefix) for a `from` at or before it, as lower_bound(prefix)
  // is: a few entries (a name looked up, say) are stepped over; past those,
  // the whole list is searched again.
  template <class Prefix>
  const_iterator upper_bound_after(const_iterator from, const Prefix& prefix) const {
    assert(from == begin() || !std::is_gt(compare_prefix(Order::key(**std::prev(from)), prefix)));
    constexpr int kSteps = 4;
    for (int step = 0; step < kSteps && from != end(); ++step, ++from) {
      if (std::is_gt(compare_prefix(Order::key(**from), prefix))) return from;
    }
    return from == end() ? from : upper_bound(prefix);
  }
};

// (OrganizationID, CreatedAt, ID): walks in the default order, and the
// posting lists of the inverted indexes.
struct CreatedOrder {
  static auto key(const OrganizationMember& m) {
    return std::tie(m.organization_id, m.created_at, m.organization_member_id);
  }
};
using PostingList = SortedBlocks<CreatedOrder>;

}  // namespace rollcall::index::detail
