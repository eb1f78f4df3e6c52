// Directory persistence: what a write leaves on disk and what opening the data
// directory makes of it — log replay, snapshots (taken on demand, every N
// writes, in the background, pruned, passed over when damaged), a torn or
// corrupt log tail cut and reported, and the data directory lock.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "directory_fixture.hpp"
#include "persist_test_util.hpp"
#include "rollcall/index/directory.hpp"

namespace rollcall::index {
namespace {

using test::TempDir;

// The first sequence a log segment holds, from its name wal-<20 digits>.log.
std::uint64_t first_sequence(const std::string& segment) {
  return std::stoull(segment.substr(4, 20));
}

std::uint64_t sequence_of(const std::optional<persist::SnapshotInfo>& snapshot) {
  return snapshot ? snapshot->sequence : 0;
}

// Each test starts with a user and the organization they own (two log records).
class DirectoryPersistenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(reopen());
    owner_ =
        test::created(directory_->create_user({"ada", "ada@example.com", "Ada", "", "", ""})).user;
    org_ = test::created(directory_->create_organization(owner_, {"Acme", "acme", "ext-1"}))
               .organization_id;
  }

  [[nodiscard]] bool reopen(const DirectoryOptions& options = {}) {
    directory_.reset();
    auto opened = Directory::open(dir_.path(), options);
    if (!opened) {
      ADD_FAILURE() << opened.status().message();
      return false;
    }
    directory_ = std::move(*opened);
    return true;
  }

  // Invites m<n>@example.com, as the server admin.
  MemberPtr invite(int n) {
    auto invited =
        directory_->invite(Actor::admin(), org_, {"m" + std::to_string(n) + "@example.com", {}});
    EXPECT_TRUE(invited) << invited.error().message;
    return invited ? std::get<MemberPtr>(*invited) : nullptr;
  }

  std::vector<MemberPtr> invite_all(int first, int last) {
    std::vector<MemberPtr> invited;
    for (int n = first; n <= last; ++n) invited.push_back(invite(n));
    return invited;
  }

  // The record as the directory holds it now, as JSON; "absent" when gone.
  std::string stored(const MemberPtr& written) const {
    const MemberPtr found = directory_->members().find(written->organization_member_id);
    return found ? test::json(*found) : "absent";
  }

  persist::SnapshotInfo snapshot() {
    auto info = directory_->snapshot();
    EXPECT_TRUE(info) << info.status().message();
    return info ? *info : persist::SnapshotInfo{};
  }

  std::vector<std::string> files(const std::string& prefix) const {
    return test::files_with_prefix(dir_.path(), prefix);
  }

  std::string newest_segment() const {
    const auto segments = files("wal-");
    EXPECT_FALSE(segments.empty());
    return segments.empty() ? "" : dir_.file(segments.back());
  }

  TempDir dir_;
  std::unique_ptr<Directory> directory_;
  User owner_;
  Uuid org_;
};

TEST_F(DirectoryPersistenceTest, EveryAcknowledgedWriteIsReplayedAsWritten) {
  const std::vector<MemberPtr> invited = invite_all(1, 3);
  MemberSettings admin;
  admin.role = "ADMIN";
  admin.labels = {{"team", "sre"}};
  auto updated =
      directory_->update_member(Actor::admin(), org_, invited[0]->organization_member_id, admin, 1);
  ASSERT_TRUE(updated) << updated.error().message;
  ASSERT_TRUE(directory_->remove_member(Actor::admin(), org_, invited[1]->organization_member_id,
                                        std::nullopt));
  const std::uint64_t logged = directory_->wal_last_sequence();
  EXPECT_EQ(logged, 7U);

  ASSERT_TRUE(reopen());
  EXPECT_TRUE(directory_->recovery().clean()) << directory_->recovery().message();
  EXPECT_FALSE(directory_->recovery().snapshot);
  EXPECT_EQ(directory_->recovery().replayed, logged);
  EXPECT_EQ(stored(*updated), test::json(**updated));
  EXPECT_EQ(directory_->members().find((*updated)->organization_member_id)->version, 2);
  EXPECT_EQ(stored(invited[1]), "absent");
  EXPECT_EQ(stored(invited[2]), test::json(*invited[2]));
  EXPECT_EQ(directory_->members().size(), 3U);  // the owner and two invitations
  EXPECT_EQ(directory_->wal_last_sequence(), logged);
}

TEST_F(DirectoryPersistenceTest, RefusedWritesAreNotLogged) {
  const MemberPtr invited = invite(1);
  const std::uint64_t logged = directory_->wal_last_sequence();
  EXPECT_EQ(directory_->leave(owner_, org_).error().code, StoreErrorCode::kRuleViolation);
  EXPECT_EQ(directory_->invite(Actor::admin(), org_, {"M1@example.com", {}}).error().code,
            StoreErrorCode::kConflict);
  EXPECT_EQ(directory_
                ->update_member(Actor::admin(), org_, invited->organization_member_id, {},
                                invited->version + 1)
                .error()
                .code,
            StoreErrorCode::kVersionMismatch);
  EXPECT_EQ(directory_->create_user({"ada", "other@example.com", "", "", "", ""}).error().code,
            StoreErrorCode::kConflict);
  EXPECT_EQ(directory_->wal_last_sequence(), logged);

  ASSERT_TRUE(reopen());
  EXPECT_EQ(directory_->recovery().replayed, logged);
  EXPECT_EQ(stored(invited), test::json(*invited));
}

TEST_F(DirectoryPersistenceTest, OpeningLoadsTheNewestSnapshotAndReplaysOnlyTheLogAfterIt) {
  const std::vector<MemberPtr> invited = invite_all(1, 20);
  EXPECT_EQ(snapshot().organization_members, 21U);
  ASSERT_TRUE(directory_->remove_member(Actor::admin(), org_, invited[6]->organization_member_id,
                                        std::nullopt));
  ASSERT_TRUE(directory_->snapshot_in_background());
  ASSERT_TRUE(directory_->wait_for_snapshot());
  const MemberPtr after_snapshot = invite(21);

  ASSERT_TRUE(reopen());
  EXPECT_EQ(files("snapshot-").size(), 2U);
  const Recovery& recovery = directory_->recovery();
  ASSERT_TRUE(recovery.snapshot);
  EXPECT_EQ(recovery.snapshot->organization_members, 20U);
  EXPECT_EQ(recovery.snapshot->users, 1U);
  EXPECT_EQ(recovery.snapshot->organizations, 1U);
  EXPECT_EQ(recovery.replayed, 1U);
  EXPECT_EQ(directory_->members().size(), 21U);
  EXPECT_EQ(stored(invited[6]), "absent");
  EXPECT_EQ(stored(invited[7]), test::json(*invited[7]));
  EXPECT_EQ(stored(after_snapshot), test::json(*after_snapshot));
  EXPECT_EQ(directory_->find_user(owner_.user_id)->username, "ada");
  // The email index came back with the snapshot's records and the log's.
  for (int n : {8, 21}) {
    auto again =
        directory_->invite(Actor::admin(), org_, {"M" + std::to_string(n) + "@Example.com", {}});
    ASSERT_FALSE(again) << n;
    EXPECT_EQ(again.error().code, StoreErrorCode::kConflict) << again.error().message;
  }
  EXPECT_TRUE(directory_->invite(Actor::admin(), org_, {"m7@example.com", {}}));  // was removed
}

// A snapshot's users are applied a few thousand at a time: each chunk, and the
// last, partial one, reaches the user table and its Username and Email keys.
TEST(DirectorySnapshotLoad, EveryUserOfALargeSnapshotIsIndexed) {
  constexpr std::uint64_t kUsers = 2 * 4096 + 100;
  std::vector<User> users;
  for (std::uint64_t n = 0; n < kUsers; ++n) {
    User user;
    // IDs ascending, but for every 10th one, which sorts before all the others.
    const std::uint64_t key = n % 10 == 9 ? n : (1ULL << 40) + n;
    for (std::size_t i = 0; i < 8; ++i) user.user_id.bytes[15 - i] = (key >> (8 * i)) & 0xFF;
    user.username = "user" + std::to_string(n);
    user.email = "user" + std::to_string(n) + "@example.com";
    users.push_back(std::move(user));
  }
  TempDir dir;
  ASSERT_TRUE(persist::write_snapshot(dir.path(), 1, users));
  auto opened = Directory::open(dir.path(), {});
  ASSERT_TRUE(opened) << opened.status().message();
  Directory& directory = **opened;
  for (const User& user : users) {
    const auto found = directory.find_user(user.user_id);
    ASSERT_TRUE(found) << user.username;
    EXPECT_EQ(found->username, user.username);
  }
  for (const std::uint64_t n : std::vector<std::uint64_t>{0, 4099, kUsers - 1}) {
    const std::string name = "user" + std::to_string(n);
    auto same_name = directory.create_user({name, "other@example.com", "", "", "", ""});
    ASSERT_FALSE(same_name) << name;
    EXPECT_EQ(same_name.error().code, StoreErrorCode::kConflict);
    auto same_email = directory.create_user(
        {"other", "USER" + std::to_string(n) + "@example.com", "", "", "", ""});
    ASSERT_FALSE(same_email) << name;
    EXPECT_EQ(same_email.error().code, StoreErrorCode::kConflict);
  }
}

TEST_F(DirectoryPersistenceTest, TornLogTailIsCutReportedAndWrittenOver) {
  const MemberPtr kept = invite(1);
  const MemberPtr torn = invite(2);
  directory_.reset();
  const std::string segment = newest_segment();
  test::truncate_file(segment, test::file_size(segment) - 5);

  ASSERT_TRUE(reopen());
  const Recovery& recovery = directory_->recovery();
  ASSERT_TRUE(recovery.damage);
  EXPECT_TRUE(recovery.damage->torn_tail);
  EXPECT_NE(recovery.message().find("log cut at"), std::string::npos) << recovery.message();
  EXPECT_EQ(stored(kept), test::json(*kept));
  EXPECT_EQ(stored(torn), "absent");
  const MemberPtr after_cut = invite(3);

  ASSERT_TRUE(reopen());
  EXPECT_TRUE(directory_->recovery().clean()) << directory_->recovery().message();
  EXPECT_EQ(stored(after_cut), test::json(*after_cut));
  EXPECT_EQ(directory_->members().size(), 3U);
}

TEST_F(DirectoryPersistenceTest, CorruptLogRecordIsCutAndTheRestKeptAside) {
  const MemberPtr kept = invite(1);
  const MemberPtr corrupt = invite(2);
  directory_.reset();
  const std::string segment = newest_segment();
  test::flip_bit(segment, test::file_size(segment) - 20);  // in the last record's payload

  ASSERT_TRUE(reopen());
  const Recovery& recovery = directory_->recovery();
  ASSERT_TRUE(recovery.damage);
  EXPECT_FALSE(recovery.damage->torn_tail);
  EXPECT_EQ(recovery.damage->reason, "checksum mismatch");
  EXPECT_EQ(recovery.damage->preserved_as, segment + ".corrupt");
  EXPECT_TRUE(std::filesystem::exists(recovery.damage->preserved_as));
  EXPECT_NE(recovery.message().find("kept in"), std::string::npos) << recovery.message();
  EXPECT_EQ(stored(kept), test::json(*kept));
  EXPECT_EQ(stored(corrupt), "absent");
}

TEST_F(DirectoryPersistenceTest, DamagedNewestSnapshotFallsBackToTheOlderOneAndItsLog) {
  invite_all(1, 5);
  const persist::SnapshotInfo older = snapshot();
  invite_all(6, 10);
  const persist::SnapshotInfo newer = snapshot();
  const MemberPtr last = invite(11);
  directory_.reset();
  test::flip_bit(newer.path, newer.bytes / 2);

  ASSERT_TRUE(reopen());
  const Recovery& recovery = directory_->recovery();
  ASSERT_TRUE(recovery.snapshot);
  EXPECT_EQ(recovery.snapshot->sequence, older.sequence);
  ASSERT_EQ(recovery.skipped_snapshots.size(), 1U);
  EXPECT_NE(recovery.skipped_snapshots[0].find(newer.path), std::string::npos);
  EXPECT_NE(recovery.message().find("passed over"), std::string::npos) << recovery.message();
  EXPECT_EQ(recovery.replayed, directory_->wal_last_sequence() - older.sequence);
  EXPECT_EQ(directory_->members().size(), 12U);
  EXPECT_EQ(stored(last), test::json(*last));
}

// keep_snapshots is the limit on snapshot files; the log is kept from the
// oldest kept snapshot on, and no further back.
TEST_F(DirectoryPersistenceTest, SnapshotsBeyondTheLimitAndTheLogTheyCoverArePruned) {
  DirectoryOptions options;
  options.wal.segment_bytes = 2048;
  for (const std::size_t keep : {3, 1}) {
    options.keep_snapshots = keep;
    ASSERT_TRUE(reopen(options));
    for (int round = 0; round < 4; ++round) {
      const int first = static_cast<int>(directory_->members().size()) + 1;
      invite_all(first, first + 9);
      snapshot();
    }
    const auto snapshots = files("snapshot-");
    ASSERT_EQ(snapshots.size(), keep);
    auto oldest_kept = persist::read_snapshot(dir_.file(snapshots.front()));
    ASSERT_TRUE(oldest_kept) << oldest_kept.status().message();
    const std::uint64_t log_start = first_sequence(files("wal-").front());
    EXPECT_GT(log_start, 1U);
    EXPECT_LE(log_start, oldest_kept->info.sequence + 1);
  }
  const std::size_t members = directory_->members().size();
  ASSERT_TRUE(reopen());
  EXPECT_TRUE(directory_->recovery().clean());
  EXPECT_EQ(directory_->members().size(), members);
}

// Each snapshot starts a log segment, so however small the log, it is kept
// from the older of the two kept snapshots on and no further back.
TEST_F(DirectoryPersistenceTest, SnapshotsStartALogSegmentAndDropTheOnesBeforeTheOlderKept) {
  invite_all(1, 5);
  const persist::SnapshotInfo older = snapshot();
  ASSERT_EQ(files("wal-").size(), 1U);  // the only snapshot is the oldest kept
  EXPECT_EQ(first_sequence(files("wal-")[0]), older.sequence + 1);
  invite_all(6, 10);
  const persist::SnapshotInfo newer = snapshot();
  const std::vector<std::string> segments = files("wal-");
  ASSERT_EQ(segments.size(), 2U);
  EXPECT_EQ(first_sequence(segments[0]), older.sequence + 1);
  EXPECT_EQ(first_sequence(segments[1]), newer.sequence + 1);
  const MemberPtr last = invite(11);
  const std::size_t members = directory_->members().size();

  ASSERT_TRUE(reopen());
  EXPECT_TRUE(directory_->recovery().clean()) << directory_->recovery().message();
  EXPECT_EQ(directory_->members().size(), members);
  EXPECT_EQ(stored(last), test::json(*last));
  directory_.reset();
  std::filesystem::remove(newer.path);
  ASSERT_TRUE(reopen());  // the older snapshot and the log after it
  EXPECT_EQ(directory_->recovery().snapshot->sequence, older.sequence);
  EXPECT_EQ(directory_->members().size(), members);
}

TEST_F(DirectoryPersistenceTest, LogThatNoLongerReachesBackFailsOpeningInsteadOfGuessing) {
  DirectoryOptions options;
  options.wal.segment_bytes = 2048;
  options.keep_snapshots = 1;
  ASSERT_TRUE(reopen(options));
  invite_all(1, 20);
  snapshot();
  directory_.reset();
  for (const std::string& name : files("snapshot-")) std::filesystem::remove(dir_.file(name));

  auto opened = Directory::open(dir_.path(), options);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.status().message().find("in neither the snapshot nor the log"),
            std::string::npos)
      << opened.status().message();
}

TEST_F(DirectoryPersistenceTest, SecondOpenerIsRefusedUntilTheFirstCloses) {
  auto second = Directory::open(dir_.path());
  ASSERT_FALSE(second);
  EXPECT_NE(second.status().message().find("is in use"), std::string::npos)
      << second.status().message();
  ASSERT_TRUE(reopen());  // closes the first, then opens
}

TEST_F(DirectoryPersistenceTest, ImportStopsAtTheFirstConflictWithTheRecordsBeforeItDurable) {
  std::vector<OrganizationMember> batch;
  for (std::uint64_t n : {1, 2, 1, 3}) batch.push_back(test::sample_member(n));
  std::size_t reported = 0;
  const auto failed = directory_->import_members(
      batch, [&](std::size_t done) { reported = done; }, 2);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->index, 2U);
  EXPECT_EQ(failed->error.code, StoreErrorCode::kConflict);
  EXPECT_EQ(reported, 2U);

  ASSERT_TRUE(reopen());
  for (std::uint64_t n : {1, 2}) {
    const MemberPtr found =
        directory_->members().find(test::sample_member(n).organization_member_id);
    ASSERT_TRUE(found) << n;
    EXPECT_EQ(test::json(*found), test::json(test::sample_member(n)));
  }
  EXPECT_FALSE(directory_->members().find(test::sample_member(3).organization_member_id));
}

// Writers wait for the snapshot only while it copies record pointers: writes
// complete while its file is being written, and land in the log after it. (One
// write that was waiting for the disk when the snapshot started could end
// during it even if writers were held up, hence at least two.)
TEST_F(DirectoryPersistenceTest, WritesCompleteWhileABackgroundSnapshotIsWritten) {
  std::vector<OrganizationMember> bulk;
  for (std::uint64_t n = 1; n <= 50000; ++n) bulk.push_back(test::sample_member(n));
  ASSERT_FALSE(directory_->import_members(std::move(bulk)));
  const auto being_written = [this] {
    const auto snapshots = files("snapshot-");
    return std::any_of(snapshots.begin(), snapshots.end(),
                       [](const std::string& name) { return name.ends_with(".tmp"); });
  };
  // On a loaded machine one write can outlast a whole snapshot: try up to five.
  int during = 0;
  int n = 0;
  for (int attempt = 0; attempt < 5 && during < 2; ++attempt) {
    const std::uint64_t before = sequence_of(directory_->last_snapshot());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    ASSERT_TRUE(directory_->snapshot_in_background());
    during = 0;
    do {
      ASSERT_TRUE(invite(++n));
      if (being_written()) ++during;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the snapshot never finished";
    } while (sequence_of(directory_->last_snapshot()) == before);
    ASSERT_TRUE(directory_->wait_for_snapshot());
  }
  EXPECT_GE(during, 2);
  const std::uint64_t snapshot_sequence = directory_->last_snapshot()->sequence;
  const std::uint64_t logged = directory_->wal_last_sequence();
  const std::size_t members = directory_->members().size();

  ASSERT_TRUE(reopen());
  EXPECT_EQ(directory_->recovery().snapshot->sequence, snapshot_sequence);
  EXPECT_EQ(directory_->recovery().replayed, logged - snapshot_sequence);
  EXPECT_EQ(directory_->members().size(), members);
  EXPECT_EQ(members, 50000U + 1U + static_cast<std::size_t>(n));
}

TEST_F(DirectoryPersistenceTest, SnapshotEveryNWritesStartsOneInTheBackground) {
  DirectoryOptions options;
  options.snapshot_every_writes = 5;
  ASSERT_TRUE(reopen(options));  // counting starts at opening
  const std::uint64_t opened_at = directory_->wal_last_sequence();
  invite_all(1, 4);
  ASSERT_TRUE(directory_->wait_for_snapshot());
  EXPECT_FALSE(directory_->last_snapshot());
  invite(5);
  ASSERT_TRUE(directory_->wait_for_snapshot());
  EXPECT_EQ(sequence_of(directory_->last_snapshot()), opened_at + 5);
  invite_all(6, 9);
  ASSERT_TRUE(directory_->wait_for_snapshot());
  EXPECT_EQ(sequence_of(directory_->last_snapshot()), opened_at + 5);
  invite(10);
  ASSERT_TRUE(directory_->wait_for_snapshot());
  EXPECT_EQ(sequence_of(directory_->last_snapshot()), opened_at + 10);
}

TEST_F(DirectoryPersistenceTest, SnapshotEveryZeroWritesNeverSnapshots) {
  DirectoryOptions options;
  options.snapshot_every_writes = 0;
  ASSERT_TRUE(reopen(options));
  invite_all(1, 30);
  ASSERT_TRUE(directory_->wait_for_snapshot());
  EXPECT_FALSE(directory_->last_snapshot());
  EXPECT_TRUE(files("snapshot-").empty());
}

}  // namespace
}  // namespace rollcall::index
