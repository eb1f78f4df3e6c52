// RecordArena: 4-byte handles to blocks in 1 MiB chunks, blocks reused by
// size, and a bound on the chunks that refuses, changing nothing, at its edge.
#include "record_arena.hpp"

#include <gtest/gtest.h>

#include <new>
#include <set>
#include <vector>

#include "member_fixtures.hpp"

namespace rollcall::member_test {
namespace {

using index::detail::RecordArena;

struct SmallArena {
  explicit SmallArena(std::size_t max_chunks)
      : chunks(max_chunks), arena(chunks.data(), max_chunks) {}
  std::vector<char*> chunks;
  RecordArena arena;
};

TEST(RecordArena, HandlesAreDistinctAndFindTheirBlocks) {
  SmallArena small(4);
  std::set<std::uint32_t> handles;
  for (std::size_t bytes = 1; bytes <= RecordArena::kMaxBlockBytes; bytes += 37) {
    const RecordArena::Block block = small.arena.allocate(bytes);
    EXPECT_NE(block.handle, 0U) << "0 is no block";
    EXPECT_TRUE(handles.insert(block.handle).second);
    EXPECT_EQ(small.arena.address(block.handle), block.address);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block.address) % RecordArena::kUnitBytes, 0U);
    std::memset(block.address, 0xAB, bytes);  // all of it is the caller's
  }
  EXPECT_EQ(small.arena.live_blocks(), handles.size());
}

// Past the first chunk, handles name the chunk: each still finds its block.
TEST(RecordArena, HandlesFindTheirBlocksInEveryChunk) {
  SmallArena small(3);
  std::vector<RecordArena::Block> blocks;
  while (small.arena.chunks() < 3) {
    blocks.push_back(small.arena.allocate(1000));
    std::memset(blocks.back().address, static_cast<int>(blocks.size() % 251), 1000);
  }
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    ASSERT_EQ(small.arena.address(blocks[i].handle), blocks[i].address);
    EXPECT_EQ(*static_cast<unsigned char*>(blocks[i].address), (i + 1) % 251) << "block " << i;
  }
}

TEST(RecordArena, AFreedBlockIsReusedBySameSizeOnly) {
  SmallArena small(1);
  const RecordArena::Block first = small.arena.allocate(200);
  small.arena.free(first, 200);
  EXPECT_NE(small.arena.allocate(300).handle, first.handle) << "another size";
  EXPECT_EQ(small.arena.allocate(197).handle, first.handle) << "200 and 197 take 25 units";
  EXPECT_EQ(small.arena.live_blocks(), 2U);
}

// The largest blocks fill the chunks allowed; one more is refused with
// std::bad_alloc and nothing changes; a block freed then makes room.
TEST(RecordArena, RefusesPastItsChunks) {
  SmallArena small(2);
  std::vector<RecordArena::Block> blocks;
  constexpr std::size_t kLargest = RecordArena::kMaxBlockBytes;
  constexpr std::size_t kPerChunk = RecordArena::kChunkBytes / kLargest;
  for (std::size_t i = 0; i + 1 < 2 * kPerChunk; ++i)
    blocks.push_back(small.arena.allocate(kLargest));
  EXPECT_EQ(small.arena.chunks(), 2U);
  EXPECT_THROW(small.arena.allocate(kLargest), std::bad_alloc)
      << "the first chunk lost a unit to handle 0";
  EXPECT_EQ(small.arena.chunks(), 2U);
  EXPECT_EQ(small.arena.live_blocks(), blocks.size());
  small.arena.free(blocks.back(), kLargest);
  EXPECT_EQ(small.arena.allocate(kLargest).handle, blocks.back().handle);
}

// The last freed blocks wait before reuse (the arena's quarantine under ASan).
TEST(RecordArena, QuarantinedBlocksWaitBeforeReuse) {
  std::vector<char*> chunks(1);
  RecordArena arena(chunks.data(), 1, 2);
  const RecordArena::Block a = arena.allocate(64);
  const RecordArena::Block b = arena.allocate(64);
  const RecordArena::Block c = arena.allocate(64);
  arena.free(a, 64);
  arena.free(b, 64);
  const RecordArena::Block d = arena.allocate(64);
  EXPECT_TRUE(d.handle != a.handle && d.handle != b.handle) << "both still wait";
  arena.free(c, 64);  // pushes out the oldest, a
  EXPECT_EQ(arena.allocate(64).handle, a.handle);
  EXPECT_NE(arena.allocate(64).handle, b.handle) << "b and c still wait";
  EXPECT_EQ(arena.live_blocks(), 3U);
}

#if defined(__SANITIZE_ADDRESS__)
// A record read after its block was freed is reported, even after later
// records of its size were made: the block is poisoned and not yet reused.
TEST(RecordArenaDeathTest, UseAfterFreeIsReported) {
  std::vector<char*> chunks(1);
  RecordArena arena(chunks.data(), 1, 16);
  const RecordArena::Block freed = arena.allocate(64);
  arena.free(freed, 64);
  (void)arena.allocate(64);
  EXPECT_DEATH((void)*static_cast<volatile char*>(freed.address), "use-after-poison");
}
#endif

TEST(RecordArena, ReportsLiveAndChunkBytes) {
  const index::RecordMemory before = index::record_memory();
  OrganizationMember member = make_member(org_id(1), 1);
  member.display_name = std::string(100, 'd');
  MemberPtr record = index::make_member(member);
  const index::RecordMemory held = index::record_memory();
  std::size_t block = sizeof(OrganizationMember) + 8;  // the count and the handle
  for (const index::Text* text :
       {&member.username, &member.email, &member.display_name, &member.slug, &member.external_id,
        &member.external_organization_id, &member.profile_picture_url}) {
    block += text->size();
  }
  EXPECT_EQ(held.live_bytes - before.live_bytes, (block + 7) / 8 * 8);
  EXPECT_GE(held.chunk_bytes, held.live_bytes);
  EXPECT_EQ(held.chunk_bytes % RecordArena::kChunkBytes, 0U);
  record = nullptr;
  EXPECT_EQ(index::record_memory().live_bytes, before.live_bytes);
}

// The store gives back every record it held when it goes.
TEST(RecordArena, AStoreFreesItsRecords) {
  const std::size_t before = index::detail::record_arena().live_blocks();
  {
    OrganizationMemberStore store;
    for (std::uint64_t n = 0; n < 300; ++n) ASSERT_FALSE(store.insert(make_member(org_id(1), n)));
    OrganizationMember changed = make_member(org_id(1), 7);
    changed.display_name = "changed";
    ASSERT_FALSE(store.replace(changed));
    ASSERT_FALSE(store.erase(member_id(8)));
    EXPECT_GE(index::detail::record_arena().live_blocks(), before + 299);
  }
  EXPECT_EQ(index::detail::record_arena().live_blocks(), before);
}

}  // namespace
}  // namespace rollcall::member_test
