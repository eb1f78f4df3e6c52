#include "sorted_blocks.hpp"

#include <algorithm>
#include <cassert>
#include <iterator>

namespace rollcall::index::detail {
namespace {

auto entry_at(std::vector<MemberRef>& block, std::size_t offset) {
  return block.begin() + static_cast<std::ptrdiff_t>(offset);
}

// Capacity grows by an eighth, never past a block: little slack, and moving a
// block to a larger buffer costs less per insert than the insert's own shift.
void insert_entry(std::vector<MemberRef>& block, std::size_t offset, MemberRef entry) {
  if (block.size() == block.capacity()) {
    block.reserve(std::min(BlockList::kBlockSize, block.size() + block.size() / 8 + 1));
  }
  block.insert(entry_at(block, offset), entry);
}

constexpr std::size_t lowest_bit(std::size_t k) { return k & (~k + 1); }

}  // namespace

// Full blocks: the first write into one splits it, and a list that is only
// read wastes no room.
void BlockList::fill_sorted(std::vector<MemberRef> sorted) {
  assert(blocks_.empty());
  for (std::size_t first = 0; first < sorted.size(); first += kBlockSize) {
    const auto from = entry_at(sorted, first);
    const auto to = entry_at(sorted, std::min(sorted.size(), first + kBlockSize));
    blocks_.emplace_back(std::make_move_iterator(from), std::make_move_iterator(to));
  }
  size_ += sorted.size();
  sizes_.rebuild(blocks_);
}

void BlockList::insert_before(const_iterator at, MemberRef member) {
  insert_at(blocks_.empty() ? new_block(0) : make_room(insertion_slot(at)), member);
  ++size_;
}

void BlockList::erase_at(const_iterator at) {
  Block& block = blocks_[at.block_];
  block.erase(entry_at(block, at.offset_));
  --size_;
  if (block.empty()) {
    erase_block(at.block_);
  } else {
    sizes_.decrement(at.block_);
    merge_if_sparse(at.block_);
  }
}

void BlockList::assign(const_iterator at, MemberRef member) {
  blocks_[at.block_][at.offset_] = member;
}

std::size_t BlockList::rank(const_iterator at) const {
  return sizes_.before(at.block_) + at.offset_;
}

// Where a new entry goes in front of `at`: at the end of the previous block
// rather than the start of the next, so entries added in order fill blocks.
BlockList::Slot BlockList::insertion_slot(const_iterator at) const {
  if (at.block_ == blocks_.size()) return {blocks_.size() - 1, blocks_.back().size()};
  if (at.offset_ == 0 && at.block_ > 0) return {at.block_ - 1, blocks_[at.block_ - 1].size()};
  return {at.block_, at.offset_};
}

// The same place in the order, in a block with room for one more entry. A full
// block first hands an entry to a neighbour with room and splits only when
// both are full, which keeps blocks mostly full under random inserts.
BlockList::Slot BlockList::make_room(Slot slot) {
  const std::size_t block = slot.block;
  if (blocks_[block].size() < kBlockSize) return slot;
  if (slot.offset == 0) return new_block(block);
  if (slot.offset == kBlockSize) return new_block(block + 1);
  if (block + 1 < blocks_.size() && blocks_[block + 1].size() < kBlockSize) {
    move_entry({block, kBlockSize - 1}, {block + 1, 0});
    return slot;
  }
  if (block > 0 && blocks_[block - 1].size() < kBlockSize) {
    move_entry({block, 0}, {block - 1, blocks_[block - 1].size()});
    return {block, slot.offset - 1};
  }
  return split(slot);
}

// An empty block for the entry about to be inserted.
BlockList::Slot BlockList::new_block(std::size_t block) {
  blocks_.emplace(blocks_.begin() + static_cast<std::ptrdiff_t>(block));
  sizes_.rebuild(blocks_);
  return {block, 0};
}

BlockList::Slot BlockList::split(Slot slot) {
  Block& full = blocks_[slot.block];
  const std::size_t half = full.size() / 2;
  Block upper(std::make_move_iterator(entry_at(full, half)), std::make_move_iterator(full.end()));
  full.erase(entry_at(full, half), full.end());
  full.shrink_to_fit();
  blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(slot.block + 1), std::move(upper));
  sizes_.rebuild(blocks_);
  return slot.offset <= half ? slot : Slot{slot.block + 1, slot.offset - half};
}

void BlockList::move_entry(Slot from, Slot to) {
  Block& source = blocks_[from.block];
  insert_entry(blocks_[to.block], to.offset, source[from.offset]);
  source.erase(entry_at(source, from.offset));
  sizes_.increment(to.block);
  sizes_.decrement(from.block);
}

void BlockList::insert_at(Slot slot, MemberRef member) {
  insert_entry(blocks_[slot.block], slot.offset, member);
  sizes_.increment(slot.block);
}

// Neighbours that fit together in half a block become one, so erasures cannot
// leave a trail of nearly empty blocks.
void BlockList::merge_if_sparse(std::size_t block) {
  const auto fit_together = [&](std::size_t first) {
    return blocks_[first].size() + blocks_[first + 1].size() <= kBlockSize / 2;
  };
  if (block + 1 < blocks_.size() && fit_together(block)) {
    merge_into_previous(block + 1);
  } else if (block > 0 && fit_together(block - 1)) {
    merge_into_previous(block);
  }
}

void BlockList::merge_into_previous(std::size_t block) {
  Block& target = blocks_[block - 1];
  Block& source = blocks_[block];
  target.reserve(target.size() + source.size());
  target.insert(target.end(), std::make_move_iterator(source.begin()),
                std::make_move_iterator(source.end()));
  erase_block(block);
}

void BlockList::erase_block(std::size_t block) {
  blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(block));
  sizes_.rebuild(blocks_);
}

void BlockList::BlockSizes::rebuild(const std::vector<Block>& blocks) {
  const std::size_t n = blocks.size();
  tree_.resize(n);
  for (std::size_t i = 0; i < n; ++i) tree_[i] = blocks[i].size();
  for (std::size_t k = 1; k <= n; ++k) {
    const std::size_t parent = k + lowest_bit(k);
    if (parent <= n) tree_[parent - 1] += tree_[k - 1];
  }
}

void BlockList::BlockSizes::increment(std::size_t block) {
  for (std::size_t k = block + 1; k <= tree_.size(); k += lowest_bit(k)) ++tree_[k - 1];
}

void BlockList::BlockSizes::decrement(std::size_t block) {
  for (std::size_t k = block + 1; k <= tree_.size(); k += lowest_bit(k)) --tree_[k - 1];
}

std::size_t BlockList::BlockSizes::before(std::size_t block) const {
  std::size_t sum = 0;
  for (std::size_t k = block; k > 0; k -= lowest_bit(k)) sum += tree_[k - 1];
  return sum;
}

}  // namespace rollcall::index::detail
