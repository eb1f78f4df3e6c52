// DurableMemberStore: writes survive reopening, through the log and snapshots;
// a torn log tail is cut and reported; the data directory is exclusive.
#include "rollcall/index/durable_member_store.hpp"

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "member_fixtures.hpp"
#include "persist_test_util.hpp"

namespace rollcall::member_test {
namespace {

using index::DurableMemberStore;
using test::TempDir;

std::unique_ptr<DurableMemberStore> open_store(const std::string& dir) {
  auto opened = DurableMemberStore::open(dir);
  EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.status().message());
  return opened.ok() ? std::move(*opened) : nullptr;
}

OrganizationMember owner(const Uuid& org, std::uint64_t n) {
  OrganizationMember m = make_member(org, n);
  m.role = "OWNER";
  return m;
}

std::string stored_json(const DurableMemberStore& store, std::uint64_t n) {
  const MemberPtr found = store.store().find(member_id(n));
  return found ? test::json(*found) : "absent";
}

TEST(DurableMemberStoreTest, WritesSurviveReopen) {
  TempDir dir;
  const OrganizationMember member = make_member(org_id(1), 1);
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    EXPECT_TRUE(store->recovery().clean());
    EXPECT_TRUE(succeeded(store->insert(member)));
  }
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(store->recovery().replayed, 1u);
  EXPECT_EQ(stored_json(*store, 1), test::json(member));
}

TEST(DurableMemberStoreTest, ReplaceAndEraseReplayWithTheBumpedVersion) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    ASSERT_TRUE(succeeded(store->insert(make_member(org_id(1), 1))));
    ASSERT_TRUE(succeeded(store->insert(make_member(org_id(1), 2))));
    OrganizationMember renamed = make_member(org_id(1), 1);
    renamed.display_name = "Renamed";
    ASSERT_TRUE(succeeded(store->replace(renamed, 1)));
    ASSERT_TRUE(succeeded(store->erase(member_id(2))));
  }
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(store->store().size(), 1u);
  const MemberPtr found = store->store().find(member_id(1));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->display_name, "Renamed");
  EXPECT_EQ(found->version, 2);
}

TEST(DurableMemberStoreTest, SnapshotThenMoreWritesThenReopen) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    for (std::uint64_t n = 1; n <= 50; ++n) {
      ASSERT_TRUE(succeeded(store->insert(make_member(org_id(n % 3), n))));
    }
    auto info = store->snapshot();
    ASSERT_TRUE(info.ok()) << info.status().message();
    EXPECT_EQ(info->organization_members, 50u);
    ASSERT_TRUE(succeeded(store->erase(member_id(7))));
    ASSERT_TRUE(store->snapshot_in_background());
    EXPECT_TRUE(store->wait_for_snapshot().ok());
    ASSERT_TRUE(succeeded(store->insert(make_member(org_id(1), 51))));
  }
  EXPECT_EQ(test::files_with_prefix(dir.path(), "snapshot-").size(), 2u);
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->recovery().snapshot);
  EXPECT_EQ(store->recovery().snapshot->organization_members, 49u);
  EXPECT_EQ(store->recovery().replayed, 1u);
  EXPECT_EQ(store->store().size(), 50u);
  EXPECT_EQ(stored_json(*store, 7), "absent");
  EXPECT_EQ(stored_json(*store, 51), test::json(make_member(org_id(1), 51)));
}

TEST(DurableMemberStoreTest, TornLogTailIsCutAndReported) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    ASSERT_TRUE(succeeded(store->insert(make_member(org_id(1), 1))));
    ASSERT_TRUE(succeeded(store->insert(make_member(org_id(1), 2))));
  }
  const auto segments = test::files_with_prefix(dir.path(), "wal-");
  ASSERT_EQ(segments.size(), 1u);
  const std::string segment = dir.file(segments[0]);
  test::truncate_file(segment, test::file_size(segment) - 5);
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->recovery().damage);
    EXPECT_TRUE(store->recovery().damage->torn_tail);
    EXPECT_NE(store->recovery().message().find("log cut at"), std::string::npos);
    EXPECT_EQ(store->store().size(), 1u);
    EXPECT_EQ(stored_json(*store, 2), "absent");
    // New writes follow the last good record and survive.
    ASSERT_TRUE(succeeded(store->insert(make_member(org_id(1), 3))));
  }
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->recovery().clean()) << store->recovery().message();
  EXPECT_EQ(store->store().size(), 2u);
}

TEST(DurableMemberStoreTest, SecondOpenOfTheSameDirectoryFails) {
  TempDir dir;
  auto first = open_store(dir.path());
  ASSERT_TRUE(first);
  auto second = DurableMemberStore::open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("in use"), std::string::npos);
}

TEST(DurableMemberStoreTest, RefusedWritesAreNotLogged) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    ASSERT_TRUE(succeeded(store->insert(owner(org_id(1), 1))));
    EXPECT_EQ(code_of(store->erase(member_id(1))), StoreErrorCode::kRuleViolation);
    EXPECT_EQ(code_of(store->insert(owner(org_id(1), 1))), StoreErrorCode::kConflict);
    EXPECT_EQ(code_of(store->replace(owner(org_id(1), 1), 5)), StoreErrorCode::kVersionMismatch);
  }
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(store->recovery().replayed, 1u);
  EXPECT_EQ(stored_json(*store, 1), test::json(owner(org_id(1), 1)));
}

TEST(DurableMemberStoreTest, InsertAllStopsAtTheFirstConflict) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  std::vector<OrganizationMember> batch;
  for (std::uint64_t n : {1, 2, 1, 3}) batch.push_back(make_member(org_id(1), n));
  std::size_t reported = 0;
  const auto failed = store->insert_all(
      batch, [&](std::size_t n) { reported = n; }, 2);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->index, 2u);
  EXPECT_EQ(failed->error.code, StoreErrorCode::kConflict);
  EXPECT_EQ(reported, 2u);
  EXPECT_EQ(store->store().size(), 2u);
}

TEST(StoreJournalTest, AFailingJournalAbortsTheWrite) {
  OrganizationMemberStore store;
  int calls = 0;
  store.set_journal([&](const OrganizationMember*, const Uuid&) -> std::optional<StoreError> {
    if (++calls == 1) return std::nullopt;
    return StoreError{StoreErrorCode::kUnavailable, "disk full"};
  });
  ASSERT_TRUE(succeeded(store.insert(make_member(org_id(1), 1))));
  EXPECT_EQ(code_of(store.insert(make_member(org_id(1), 2))), StoreErrorCode::kUnavailable);
  EXPECT_EQ(code_of(store.erase(member_id(1))), StoreErrorCode::kUnavailable);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_TRUE(store.find(member_id(1)));
}

}  // namespace
}  // namespace rollcall::member_test
