// MemberPtr: a shared, immutable membership record, used as a
// std::shared_ptr<const OrganizationMember> would be, in one block with its
// count and its texts (make_member packs them behind the record). The store's
// indexes hold MemberRef, a 4-byte handle into the record arena (where a
// shared pointer took 16 bytes, and nothing to count when entries move) that
// makes a MemberPtr again without a lookup.
#pragma once

#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "rollcall/index/entities.hpp"

namespace rollcall::index {

namespace detail {
// The record arena (record_arena.hpp) in 1 MiB chunks of 8-byte units; a
// handle is a chunk's number and a unit in it: at most 32 GiB of records.
inline constexpr unsigned kRecordUnitBits = 3;
inline constexpr unsigned kRecordChunkUnitBits = 17;
inline constexpr std::size_t kMaxRecordChunks = std::size_t{1} << (32 - kRecordChunkUnitBits);
// Where each chunk starts.
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): read by every MemberRef
extern char* record_chunks[kMaxRecordChunks];
// The address a handle names in a table of chunks.
inline void* chunk_address(char* const* chunks, std::uint32_t handle) noexcept {
  const std::size_t unit = handle & ((std::uint32_t{1} << kRecordChunkUnitBits) - 1);
  return chunks[handle >> kRecordChunkUnitBits] + (unit << kRecordUnitBits);
}
inline void* record_address(std::uint32_t handle) noexcept {
  return chunk_address(record_chunks, handle);
}
}  // namespace detail

class MemberRef;

class MemberPtr {
 public:
  MemberPtr() noexcept = default;
  // NOLINTNEXTLINE(google-explicit-constructor): null, as a shared_ptr is
  MemberPtr(std::nullptr_t) noexcept {}
  explicit MemberPtr(MemberRef ref) noexcept;
  MemberPtr(const MemberPtr& other) noexcept : block_(other.block_) { retain(); }
  MemberPtr(MemberPtr&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  MemberPtr& operator=(MemberPtr other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~MemberPtr() { release(); }

  const OrganizationMember* get() const noexcept {
    return block_ == nullptr ? nullptr : &block_->value;
  }
  const OrganizationMember& operator*() const noexcept { return block_->value; }
  const OrganizationMember* operator->() const noexcept { return &block_->value; }
  explicit operator bool() const noexcept { return block_ != nullptr; }
  // The MemberPtrs (and counting holders) sharing the record, as shared_ptr's.
  std::uint32_t use_count() const noexcept {
    return block_ == nullptr ? 0 : block_->refs.load(std::memory_order_relaxed);
  }

  // For a holder that keeps plain refs and counts them itself: this pointer's
  // count goes to the ref returned, and adopt() takes such a count back.
  MemberRef release_to_ref() && noexcept;
  static MemberPtr adopt(MemberRef owned) noexcept;

  friend bool operator==(const MemberPtr& a, const MemberPtr& b) noexcept {
    return a.block_ == b.block_;
  }
  friend bool operator==(const MemberPtr& a, std::nullptr_t) noexcept {
    return a.block_ == nullptr;
  }

 private:
  friend class MemberRef;
  friend MemberPtr make_member(OrganizationMember value);

  struct Block {
    OrganizationMember value;
    std::atomic<std::uint32_t> refs{1};
    std::uint32_t handle = 0;  // its place in the record arena
  };

  explicit MemberPtr(Block* adopted) noexcept : block_(adopted) {}
  void retain() const noexcept {
    if (block_ != nullptr) block_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept {
    if (block_ != nullptr && block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      destroy(block_);
    }
  }
  static void destroy(Block* block) noexcept;

  Block* block_ = nullptr;
};

// The record in a block of its own with its texts, counted once.
MemberPtr make_member(OrganizationMember value);

// The record arena's memory: the chunks it took from the heap, and how much of
// them live records hold (the rest waits for records to come).
struct RecordMemory {
  std::size_t chunk_bytes = 0;
  std::size_t live_bytes = 0;
};
RecordMemory record_memory();

// A record's handle, valid while the store (or a MemberPtr) holds it.
class MemberRef {
 public:
  MemberRef() noexcept = default;
  // NOLINTNEXTLINE(google-explicit-constructor): any held record can be referred to
  MemberRef(const MemberPtr& owner) noexcept
      : handle_(owner.block_ == nullptr ? 0 : owner.block_->handle) {}
  MemberRef(const MemberPtr&& owner) = delete;  // would refer to a record about to go

  const OrganizationMember* get() const noexcept {
    return handle_ == 0 ? nullptr : &block()->value;
  }
  const OrganizationMember& operator*() const noexcept { return block()->value; }
  const OrganizationMember* operator->() const noexcept { return &block()->value; }
  explicit operator bool() const noexcept { return handle_ != 0; }

  friend bool operator==(MemberRef a, MemberRef b) noexcept { return a.handle_ == b.handle_; }

 private:
  friend class MemberPtr;
  MemberPtr::Block* block() const noexcept {
    assert(handle_ != 0 && "a null MemberRef has no record");
    return static_cast<MemberPtr::Block*>(detail::record_address(handle_));
  }
  std::uint32_t handle_ = 0;
};

inline MemberPtr::MemberPtr(MemberRef ref) noexcept
    : block_(ref.handle_ == 0 ? nullptr : ref.block()) {
  retain();
}

inline MemberRef MemberPtr::release_to_ref() && noexcept {
  const MemberRef ref(*this);
  block_ = nullptr;
  return ref;
}

inline MemberPtr MemberPtr::adopt(MemberRef owned) noexcept {
  return MemberPtr(owned.handle_ == 0 ? nullptr : owned.block());
}

}  // namespace rollcall::index
