// MemberIdTable: records by ID in an open addressing table that owns a count
// of each. Checked against std::map under random inserts, replaces and
// erasures, small enough that probe runs wrap around the table's end.
#include "member_id_table.hpp"

#include <gtest/gtest.h>

#include <map>

#include "member_fixtures.hpp"

namespace rollcall::member_test {
namespace {

using index::detail::MemberIdTable;

MemberPtr record(std::uint64_t n, std::int64_t version = 1) {
  OrganizationMember m = make_member(org_id(1), n);
  m.version = version;
  return index::make_member(std::move(m));
}

void expect_same(const MemberIdTable& table, const std::map<std::uint64_t, MemberPtr>& expected,
                 std::uint64_t first, std::uint64_t ids) {
  ASSERT_EQ(table.size(), expected.size());
  for (std::uint64_t n = first; n < first + ids; ++n) {
    const index::MemberRef found = table.find(member_id(n));
    const auto it = expected.find(n);
    if (it == expected.end()) {
      EXPECT_FALSE(found) << "ID " << n << " was erased or never inserted";
    } else {
      ASSERT_TRUE(found) << "ID " << n << " is held";
      EXPECT_EQ(found.get(), it->second.get()) << "ID " << n;
      EXPECT_EQ(it->second.use_count(), 2U) << "the map's count and the table's";
    }
  }
}

// `steps` random writes on IDs first .. first + ids - 1, checked every `every`.
void random_writes(std::uint64_t first, std::uint64_t ids, int steps, int every) {
  MemberIdTable table;
  std::map<std::uint64_t, MemberPtr> expected;
  Prng prng(first + ids);
  for (int step = 1; step <= steps; ++step) {
    const std::uint64_t n = first + prng.below(ids);
    const bool held = expected.count(n) != 0;
    switch (prng.below(3)) {
      case 0: {
        const MemberPtr member = record(n);
        EXPECT_EQ(table.insert(member), !held);
        if (!held) expected[n] = member;
        break;
      }
      case 1:
        if (held) {
          const MemberPtr after = record(n, expected[n]->version + 1);
          const MemberPtr before = std::exchange(expected[n], after);
          table.replace(after);
          EXPECT_EQ(before.use_count(), 1U) << "the table let the replaced record go";
        }
        break;
      default:
        EXPECT_EQ(table.erase(member_id(n)), held);
        expected.erase(n);
    }
    if (step % every == 0) expect_same(table, expected, first, ids);
  }
  expect_same(table, expected, first, ids);
  EXPECT_LE(static_cast<double>(table.size()),
            MemberIdTable::kMaxLoad * static_cast<double>(table.capacity()));
}

// Tables of a few slots, each with other IDs (so other home slots): runs of
// entries wrap around the end, and erasures shift entries back across it.
TEST(MemberIdTable, AgreesWithAMapInSmallTables) {
  for (std::uint64_t round = 0; round < 300; ++round) random_writes(round * 1000, 7, 120, 1);
}

TEST(MemberIdTable, AgreesWithAMapAsItGrows) { random_writes(0, 3000, 20000, 997); }

TEST(MemberIdTable, GivesBackItsCountsWhenDestroyedOrMovedOver) {
  const MemberPtr kept = record(1);
  const MemberPtr other = record(2);
  {
    MemberIdTable table;
    ASSERT_TRUE(table.insert(kept));
    EXPECT_FALSE(table.insert(record(1))) << "the ID is taken";
    EXPECT_EQ(kept.use_count(), 2U);
    MemberIdTable moved(std::move(table));
    EXPECT_EQ(kept.use_count(), 2U);
    EXPECT_FALSE(table.find(member_id(1)));  // NOLINT(bugprone-use-after-move): moved from, empty
    MemberIdTable replacement;
    ASSERT_TRUE(replacement.insert(other));
    moved = std::move(replacement);
    EXPECT_EQ(kept.use_count(), 1U) << "the table moved over let its records go";
    EXPECT_EQ(moved.find(member_id(2)).get(), other.get());
  }
  EXPECT_EQ(other.use_count(), 1U);
}

TEST(MemberIdTable, ReserveMakesRoomWithoutGrowing) {
  MemberIdTable table;
  table.reserve(1000);
  const std::size_t slots = table.capacity();
  for (std::uint64_t n = 0; n < 1000; ++n) ASSERT_TRUE(table.insert(record(n)));
  EXPECT_EQ(table.capacity(), slots);
  EXPECT_EQ(table.size(), 1000U);
  EXPECT_LT(static_cast<double>(slots), 1000 / MemberIdTable::kMaxLoad + 2);
}

}  // namespace
}  // namespace rollcall::member_test
