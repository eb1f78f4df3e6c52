// RecordArena: where membership records live, so that a record is known by a
// 4-byte handle (MemberRef) instead of an 8-byte pointer: every index entry
// halves. Chunks of 1 MiB from the heap; a handle is a chunk's number and an
// 8-byte unit in it. Freed blocks go to a free list per size (8-byte steps)
// and are reused by records of that size; chunks are never given back. Under
// AddressSanitizer freed blocks stay poisoned and wait in a quarantine before
// reuse, so that a use after free is reported rather than reading a new record.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "rollcall/index/member_ptr.hpp"

namespace rollcall::index::detail {

class RecordArena {
 public:
  static constexpr std::size_t kUnitBytes = std::size_t{1} << kRecordUnitBits;
  static constexpr std::size_t kChunkBytes = kUnitBytes << kRecordChunkUnitBits;
  // A record's block: the record and the texts packed behind it.
  static constexpr std::size_t kMaxBlockBytes = 4096;

  // Over a table of at most `max_chunks` chunk addresses, which the arena fills.
  // The last `quarantine_blocks` freed blocks are not reused yet.
  RecordArena(char** chunks, std::size_t max_chunks, std::size_t quarantine_blocks = 0);
  RecordArena(const RecordArena&) = delete;
  RecordArena& operator=(const RecordArena&) = delete;
  ~RecordArena();

  struct Block {
    std::uint32_t handle;  // never 0
    void* address;
  };
  // Throws std::bad_alloc when all chunks are taken (or the heap is out).
  Block allocate(std::size_t bytes);
  // `bytes` as allocated.
  void free(Block block, std::size_t bytes) noexcept;
  void* address(std::uint32_t handle) const noexcept;

  std::size_t live_blocks() const;
  std::size_t chunks() const;
  // In live blocks, with the rounding to units.
  std::size_t live_bytes() const;

 private:
  static std::size_t units(std::size_t bytes) { return (bytes + kUnitBytes - 1) / kUnitBytes; }
  void add_to_free_list(std::uint32_t handle, std::size_t size);

  mutable std::mutex mutex_;
  char** const chunks_;
  const std::size_t max_chunks_;
  std::size_t chunk_count_ = 0;
  std::size_t next_unit_ = 0;  // the first free unit of the last chunk
  std::array<std::uint32_t, kMaxBlockBytes / kUnitBytes + 1> free_lists_{};  // by units; 0: none
  std::size_t live_blocks_ = 0;
  std::size_t live_units_ = 0;
  // Freed blocks (handle, units) not on a free list yet, oldest first.
  std::vector<std::pair<std::uint32_t, std::size_t>> quarantine_;
  std::size_t quarantine_next_ = 0;  // the oldest, once quarantine_ is full
};

// The process's arena, over record_chunks; it lives as long as the process,
// so records released at exit still have it.
RecordArena& record_arena();

}  // namespace rollcall::index::detail
