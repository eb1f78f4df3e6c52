// Snapshots: round trips, verification, fallback past corrupt files, pruning,
// and recovery from a snapshot plus the log after it.
#include "rollcall/index/snapshot.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "persist_test_util.hpp"
#include "rollcall/index/record_codec.hpp"
#include "rollcall/index/wal.hpp"

namespace rollcall::persist {
namespace {

using test::files_with_prefix;
using test::json;
using test::sample_member;
using test::sample_space_member;
using test::TempDir;

constexpr std::uint64_t kHeaderBytes = 76;

std::vector<OrganizationMember> members(std::uint64_t count, std::uint64_t first = 0) {
  std::vector<OrganizationMember> out;
  for (std::uint64_t i = first; i < first + count; ++i) out.push_back(sample_member(i));
  return out;
}

std::string snapshot_file(std::uint64_t sequence) {
  std::string digits = std::to_string(sequence);
  return "snapshot-" + std::string(20 - digits.size(), '0') + digits + ".snap";
}

template <class Record>
void expect_same(const std::vector<Record>& actual, const std::vector<Record>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) EXPECT_EQ(json(actual[i]), json(expected[i]));
}

SnapshotContents load(const std::string& dir, std::vector<std::string>* skipped = nullptr) {
  auto loaded = load_newest_snapshot(dir);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  if (!loaded.ok() || !loaded->snapshot) {
    ADD_FAILURE() << "no snapshot loaded";
    return {};
  }
  if (skipped != nullptr) *skipped = loaded->skipped;
  return std::move(*loaded->snapshot);
}

TEST(Snapshot, RoundTripsValuesAndPointers) {
  TempDir dir;
  const auto organization_members = members(50);
  std::vector<std::shared_ptr<const SpaceMember>> space_members;
  space_members.reserve(7);
  for (int i = 0; i < 7; ++i) {
    space_members.push_back(std::make_shared<const SpaceMember>(sample_space_member(i)));
  }
  auto info = write_snapshot(dir.path(), 42, organization_members, space_members);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->path, dir.file(snapshot_file(42)));
  EXPECT_EQ(info->organization_members, 50u);
  EXPECT_EQ(info->space_members, 7u);
  EXPECT_EQ(info->bytes, test::file_size(info->path));

  std::vector<std::string> skipped;
  const SnapshotContents contents = load(dir.path(), &skipped);
  EXPECT_TRUE(skipped.empty());
  EXPECT_EQ(contents.info.sequence, 42u);
  expect_same(contents.organization_members, organization_members);
  ASSERT_EQ(contents.space_members.size(), 7u);
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(json(contents.space_members[i]), json(*space_members[i]));
  }
  EXPECT_EQ(files_with_prefix(dir.path(), ""), std::vector<std::string>{snapshot_file(42)});
}

TEST(Snapshot, EmptyDirectoryHasNone) {
  TempDir dir;
  auto loaded = load_newest_snapshot(dir.path());
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->snapshot);
  EXPECT_TRUE(loaded->skipped.empty());
  EXPECT_FALSE(load_newest_snapshot(dir.file("missing")).ok());
}

TEST(Snapshot, EmptySnapshotRoundTrips) {
  TempDir dir;
  ASSERT_TRUE(write_snapshot(dir.path(), 0, std::vector<OrganizationMember>{}).ok());
  const SnapshotContents contents = load(dir.path());
  EXPECT_EQ(contents.info.sequence, 0u);
  EXPECT_TRUE(contents.organization_members.empty());
}

TEST(Snapshot, RecordsLargerThanAReadChunkRoundTrip) {
  TempDir dir;
  auto records = members(3);
  records[1].display_name = std::string(9 << 20, 'd');  // spans several 4 MiB reads
  auto more = members(20000, 3);                        // many chunk boundaries
  ASSERT_TRUE(write_snapshot(dir.path(), 1, records, more).ok());
  records.insert(records.end(), more.begin(), more.end());
  expect_same(load(dir.path()).organization_members, records);
}

TEST(Snapshot, CorruptNewestFallsBackToOlder) {
  TempDir dir;
  ASSERT_TRUE(write_snapshot(dir.path(), 10, members(20)).ok());
  ASSERT_TRUE(write_snapshot(dir.path(), 20, members(30)).ok());
  test::flip_bit(dir.file(snapshot_file(20)), kHeaderBytes + 100);

  std::vector<std::string> skipped;
  const SnapshotContents contents = load(dir.path(), &skipped);
  EXPECT_EQ(contents.info.sequence, 10u);
  expect_same(contents.organization_members, members(20));
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find(dir.file(snapshot_file(20))), std::string::npos) << skipped[0];
}

TEST(Snapshot, EveryDamagedByteIsDetected) {
  TempDir dir;
  auto info = write_snapshot(dir.path(), 5, members(3), std::vector{sample_space_member(2)});
  ASSERT_TRUE(info.ok());
  const std::string bytes = test::read_bytes(info->path);
  for (std::size_t offset = 0; offset < bytes.size(); ++offset) {
    std::string damaged = bytes;
    damaged[offset] = static_cast<char>(damaged[offset] ^ 0x10);
    test::write_bytes(info->path, damaged);
    EXPECT_FALSE(read_snapshot(info->path).ok()) << "flipped byte " << offset;
  }
  for (std::size_t size = 0; size < bytes.size(); size += 7) {
    test::write_bytes(info->path, bytes.substr(0, size));
    EXPECT_FALSE(read_snapshot(info->path).ok()) << "truncated to " << size;
  }
}

TEST(Snapshot, TruncatedAndMislabeledSnapshotsAreSkipped) {
  TempDir dir;
  ASSERT_TRUE(write_snapshot(dir.path(), 1, members(5)).ok());
  ASSERT_TRUE(write_snapshot(dir.path(), 2, members(5)).ok());
  ASSERT_TRUE(write_snapshot(dir.path(), 3, members(5)).ok());
  test::truncate_file(dir.file(snapshot_file(3)), 100);
  std::filesystem::rename(dir.file(snapshot_file(1)), dir.file(snapshot_file(7)));

  std::vector<std::string> skipped;
  EXPECT_EQ(load(dir.path(), &skipped).info.sequence, 2u);
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_NE(skipped[0].find("header names sequence 1"), std::string::npos) << skipped[0];
  EXPECT_NE(skipped[1].find(snapshot_file(3)), std::string::npos) << skipped[1];
}

TEST(Snapshot, UncommittedWriterLeavesNothing) {
  TempDir dir;
  {
    auto writer = SnapshotWriter::create(dir.path(), 9);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->add(sample_member(1)).ok());
    EXPECT_EQ(files_with_prefix(dir.path(), "").size(), 1u);  // the .tmp
  }
  EXPECT_TRUE(files_with_prefix(dir.path(), "").empty());
}

TEST(Snapshot, PruneKeepsTheNewestAndRemovesLeftovers) {
  TempDir dir;
  for (std::uint64_t sequence : {5, 9, 14, 20}) {
    ASSERT_TRUE(write_snapshot(dir.path(), sequence, members(2)).ok());
  }
  test::write_bytes(dir.file("snapshot-00000000000000000030.snap.tmp"), "partial");
  auto oldest_kept = prune_snapshots(dir.path(), 2);
  ASSERT_TRUE(oldest_kept.ok());
  EXPECT_EQ(*oldest_kept, 14u);
  EXPECT_EQ(files_with_prefix(dir.path(), ""),
            (std::vector<std::string>{snapshot_file(14), snapshot_file(20)}));
  EXPECT_EQ(*prune_snapshots(dir.path(), 0), 0u);
  EXPECT_TRUE(files_with_prefix(dir.path(), "").empty());
}

// The start-up sequence: newest snapshot, then the log after it.
TEST(Snapshot, RecoveryReplaysTheLogAfterTheSnapshot) {
  TempDir dir;
  std::map<std::uint64_t, OrganizationMember> state;  // keyed by sample number
  {
    auto wal = Wal::open(dir.path(), 0, [](std::uint64_t, std::string_view) { return Status(); });
    ASSERT_TRUE(wal.ok());
    std::string bytes;
    for (std::uint64_t i = 0; i < 10; ++i) {
      bytes.clear();
      encode_upsert(sample_member(i), bytes);
      ASSERT_TRUE(wal->append_durable(bytes).ok());
      state[i] = sample_member(i);
      if (i == 5) {
        std::vector<const OrganizationMember*> pointers;
        pointers.reserve(state.size());
        for (const auto& [n, member] : state) pointers.push_back(&member);
        ASSERT_TRUE(write_snapshot(dir.path(), wal->last_sequence(), pointers).ok());
      }
    }
  }
  const SnapshotContents snapshot = load(dir.path());
  EXPECT_EQ(snapshot.info.sequence, 6u);
  std::vector<OrganizationMember> recovered = snapshot.organization_members;
  auto wal = Wal::open(dir.path(), snapshot.info.sequence,
                       [&recovered](std::uint64_t, std::string_view payload) {
                         auto mutation = decode_mutation(payload);
                         if (!mutation) return mutation.status();
                         return decode_record(mutation->payload, recovered.emplace_back());
                       });
  ASSERT_TRUE(wal.ok()) << wal.status().message();
  EXPECT_EQ(wal->recovery().replayed, 4u);
  expect_same(recovered, members(10));
}

}  // namespace
}  // namespace rollcall::persist
