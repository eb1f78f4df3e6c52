#include "record_arena.hpp"

#include <cassert>
#include <cstring>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define ROLLCALL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ROLLCALL_ASAN 1
#endif
#endif

#ifdef ROLLCALL_ASAN
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

namespace rollcall::index::detail {

// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): the arena's table
char* record_chunks[kMaxRecordChunks];

namespace {

constexpr std::size_t kUnitsPerChunk = std::size_t{1} << kRecordChunkUnitBits;
#ifdef ROLLCALL_ASAN
constexpr std::size_t kQuarantineBlocks = std::size_t{1} << 14;
#else
constexpr std::size_t kQuarantineBlocks = 0;
#endif

}  // namespace

RecordArena::RecordArena(char** chunks, std::size_t max_chunks, std::size_t quarantine_blocks)
    : chunks_(chunks), max_chunks_(max_chunks), next_unit_(kUnitsPerChunk) {
  quarantine_.reserve(quarantine_blocks);
}

RecordArena::~RecordArena() {
  for (std::size_t chunk = 0; chunk < chunk_count_; ++chunk) {
    ASAN_UNPOISON_MEMORY_REGION(chunks_[chunk], kChunkBytes);
    ::operator delete(chunks_[chunk]);
    chunks_[chunk] = nullptr;
  }
}

void* RecordArena::address(std::uint32_t handle) const noexcept {
  return chunk_address(chunks_, handle);
}

RecordArena::Block RecordArena::allocate(std::size_t bytes) {
  assert(bytes > 0 && bytes <= kMaxBlockBytes);
  const std::size_t size = units(bytes);
  std::lock_guard lock(mutex_);
  Block block{free_lists_[size], nullptr};
  if (block.handle != 0) {
    block.address = address(block.handle);
    ASAN_UNPOISON_MEMORY_REGION(block.address, size * kUnitBytes);
    std::memcpy(&free_lists_[size], block.address, sizeof(std::uint32_t));
  } else {
    if (next_unit_ + size > kUnitsPerChunk) {
      if (chunk_count_ == max_chunks_) throw std::bad_alloc();
      chunks_[chunk_count_] = static_cast<char*>(::operator new(kChunkBytes));
      ASAN_POISON_MEMORY_REGION(chunks_[chunk_count_], kChunkBytes);
      ++chunk_count_;
      next_unit_ = chunk_count_ == 1 ? 1 : 0;  // handle 0 is no block
    }
    block.handle =
        static_cast<std::uint32_t>(((chunk_count_ - 1) << kRecordChunkUnitBits) | next_unit_);
    block.address = address(block.handle);
    next_unit_ += size;
    ASAN_UNPOISON_MEMORY_REGION(block.address, size * kUnitBytes);
  }
  ++live_blocks_;
  live_units_ += size;
  return block;
}

void RecordArena::free(Block block, std::size_t bytes) noexcept {
  const std::size_t size = units(bytes);
  std::lock_guard lock(mutex_);
  ASAN_POISON_MEMORY_REGION(block.address, size * kUnitBytes);
  --live_blocks_;
  live_units_ -= size;
  if (quarantine_.capacity() == 0) {
    add_to_free_list(block.handle, size);
  } else if (quarantine_.size() < quarantine_.capacity()) {
    quarantine_.emplace_back(block.handle, size);
  } else {
    auto& oldest = quarantine_[quarantine_next_];
    add_to_free_list(oldest.first, oldest.second);
    oldest = {block.handle, size};
    quarantine_next_ = (quarantine_next_ + 1) % quarantine_.size();
  }
}

// The block's first 4 bytes link it to the next free block of its size.
void RecordArena::add_to_free_list(std::uint32_t handle, std::size_t size) {
  void* link = address(handle);
  ASAN_UNPOISON_MEMORY_REGION(link, sizeof(std::uint32_t));
  std::memcpy(link, &free_lists_[size], sizeof(std::uint32_t));
  ASAN_POISON_MEMORY_REGION(link, sizeof(std::uint32_t));
  free_lists_[size] = handle;
}

std::size_t RecordArena::live_blocks() const {
  std::lock_guard lock(mutex_);
  return live_blocks_;
}

std::size_t RecordArena::chunks() const {
  std::lock_guard lock(mutex_);
  return chunk_count_;
}

std::size_t RecordArena::live_bytes() const {
  std::lock_guard lock(mutex_);
  return live_units_ * kUnitBytes;
}

RecordArena& record_arena() {
  // Never destroyed: records may be released after static destructors run.
  static auto* arena = new RecordArena(record_chunks, kMaxRecordChunks, kQuarantineBlocks);
  return *arena;
}

}  // namespace rollcall::index::detail

namespace rollcall::index {

RecordMemory record_memory() {
  const detail::RecordArena& arena = detail::record_arena();
  return {arena.chunks() * detail::RecordArena::kChunkBytes, arena.live_bytes()};
}

}  // namespace rollcall::index
