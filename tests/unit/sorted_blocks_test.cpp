// SortedBlocks (as PostingList) against a std::set of the same keys: order
// both ways, bounds, ranks, writes at the edges of blocks (split, neighbour
// hand-off, empty block, merge) and a long random mix of inserts and
// erasures; a list built at once; then prefix bounds and replace in another
// order, and the keys a build sorts on.
#include "sorted_blocks.hpp"
#include "folded_email.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "member_indexes.hpp"

namespace rollcall::index::detail {
namespace {

constexpr std::size_t kBlock = PostingList::kBlockSize;

Uuid uuid(std::uint64_t n) {
  Uuid id;
  for (std::size_t i = 0; i < 8; ++i) id.bytes[15 - i] = static_cast<std::uint8_t>(n >> (8 * i));
  return id;
}

// The lists hold plain pointers, as the store's indexes do (the store owns the
// records): every record a test makes lives until the end of the run.
const MemberPtr& kept(OrganizationMember m) {
  static auto* const records = new std::deque<MemberPtr>;  // references stay valid
  return records->emplace_back(make_member(std::move(m)));
}

const MemberPtr& member(std::uint64_t org, std::int64_t created, std::uint64_t id) {
  OrganizationMember m;
  m.organization_id = uuid(org);
  m.created_at = Timestamp{created};
  m.organization_member_id = uuid(id);
  return kept(std::move(m));
}

std::tuple<Uuid, Timestamp, Uuid> key_of(const MemberPtr& m) {
  return {m->organization_id, m->created_at, m->organization_member_id};
}

std::tuple<Uuid> org_key(std::uint64_t org) { return {uuid(org)}; }

struct KeyOrder {
  bool operator()(const MemberPtr& a, const MemberPtr& b) const {
    return std::tie(a->organization_id, a->created_at, a->organization_member_id) <
           std::tie(b->organization_id, b->created_at, b->organization_member_id);
  }
};
using Reference = std::set<MemberPtr, KeyOrder>;

// Same entries in the same order both ways, and each position's rank.
void expect_same(const PostingList& list, const Reference& reference) {
  ASSERT_EQ(list.size(), reference.size());
  ASSERT_EQ(list.empty(), reference.empty());
  const std::vector<MemberPtr> expected(reference.begin(), reference.end());
  std::size_t i = 0;
  for (auto it = list.begin(); it != list.end(); ++it, ++i) {
    ASSERT_EQ(*it, expected[i]) << "forward at " << i;
    ASSERT_EQ(list.rank(it), i);
  }
  ASSERT_EQ(i, expected.size());
  ASSERT_EQ(list.rank(list.end()), expected.size());
  for (auto it = list.end(); it != list.begin();) {
    --i;
    ASSERT_EQ(*--it, expected[i]) << "backward at " << i;
  }
}

void insert_both(PostingList& list, Reference& reference, const MemberPtr& m) {
  EXPECT_EQ(list.insert(m), reference.insert(m).second);
}

void erase_both(PostingList& list, Reference& reference, const MemberPtr& m) {
  const auto found = reference.find(m);
  const bool there = found != reference.end() && *found == m;
  if (there) reference.erase(found);
  EXPECT_EQ(list.erase(m), there);
}

std::vector<MemberPtr> in_order(std::uint64_t org, std::size_t count, std::uint64_t first_id = 0) {
  std::vector<MemberPtr> out;
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(member(org, static_cast<std::int64_t>(10 * i), first_id + i));
  }
  return out;
}

TEST(PostingList, EmptyListHasNoEntries) {
  PostingList list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.begin(), list.end());
  EXPECT_EQ(list.lower_bound(org_key(1)), list.end());
  EXPECT_EQ(list.upper_bound(key_of(member(1, 1, 1))), list.end());
  EXPECT_EQ(list.rank(list.end()), 0u);
  EXPECT_FALSE(list.erase(member(1, 1, 1)));
}

TEST(PostingList, ShuffledInsertsComeOutInKeyOrderAcrossBlocks) {
  std::vector<MemberPtr> members = in_order(2, 3 * kBlock + 7);
  for (const MemberPtr& m : in_order(1, kBlock + 3, 100000)) members.push_back(m);
  std::shuffle(members.begin(), members.end(), std::mt19937_64(7));
  PostingList list;
  Reference reference;
  for (const MemberPtr& m : members) insert_both(list, reference, m);
  EXPECT_GT(list.blocks(), 4u);
  expect_same(list, reference);
}

TEST(PostingList, InOrderInsertsFillEveryBlockButTheLast) {
  PostingList list;
  for (const MemberPtr& m : in_order(1, 4 * kBlock + 1)) list.insert(m);
  EXPECT_EQ(list.blocks(), 5u);
}

TEST(PostingList, AppendsAtTheEndOfAnOrganizationInTheMiddleFillBlocks) {
  PostingList list;
  Reference reference;
  for (const MemberPtr& m : in_order(1, kBlock / 2)) insert_both(list, reference, m);
  for (const MemberPtr& m : in_order(3, kBlock / 2, 5000)) insert_both(list, reference, m);
  for (const MemberPtr& m : in_order(2, 6 * kBlock, 10000)) insert_both(list, reference, m);
  EXPECT_LE(list.blocks(), 8u);
  expect_same(list, reference);
}

TEST(PostingList, OrganizationBoundsCountItsEntries) {
  PostingList list;
  for (std::uint64_t org : {1, 3, 5}) {
    for (const MemberPtr& m : in_order(org, kBlock + org, 100000 * org)) list.insert(m);
  }
  for (std::uint64_t org : {1, 3, 5}) {
    const auto begin = list.lower_bound(org_key(org));
    const auto end = list.upper_bound(org_key(org));
    EXPECT_EQ(list.rank(end) - list.rank(begin), kBlock + org);
    EXPECT_EQ((*begin)->organization_id, uuid(org));
    EXPECT_EQ((*std::prev(end))->organization_id, uuid(org));
  }
  EXPECT_EQ(list.lower_bound(org_key(0)), list.begin());
  EXPECT_EQ(list.lower_bound(org_key(2)), list.upper_bound(org_key(2)));
  EXPECT_EQ(list.lower_bound(org_key(2)), list.upper_bound(org_key(1)));
  EXPECT_EQ(list.upper_bound(org_key(6)), list.end());
}

// Runs shorter than, as long as and longer than the steps it takes before it
// searches, and across blocks.
TEST(PostingList, UpperBoundAfterTheLowerBoundIsTheUpperBound) {
  PostingList list;
  const std::vector<std::uint64_t> sizes = {1, 3, 4, 5, kBlock + 2};
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const std::uint64_t org = 2 * i + 1;  // an empty organization between each
    for (const MemberPtr& m : in_order(org, sizes[i], 100000 * org)) list.insert(m);
  }
  for (std::uint64_t org = 0; org <= 2 * sizes.size() + 1; ++org) {
    const auto lower = list.lower_bound(org_key(org));
    EXPECT_EQ(list.upper_bound_after(lower, org_key(org)), list.upper_bound(org_key(org))) << org;
  }
}

TEST(PostingList, FullKeyBoundsFindAnEntryOrTheGapWhereItWouldBe) {
  PostingList list;
  const auto members = in_order(1, 2 * kBlock + 5);
  for (const MemberPtr& m : members) list.insert(m);
  for (std::size_t i : {std::size_t{0}, kBlock - 1, kBlock, members.size() - 1}) {
    const auto at = list.lower_bound(key_of(members[i]));
    EXPECT_EQ(*at, members[i]);
    EXPECT_EQ(list.rank(at), i);
    EXPECT_EQ(list.rank(list.upper_bound(key_of(members[i]))), i + 1);
    const auto gap =
        std::make_tuple(uuid(1), Timestamp{static_cast<std::int64_t>(10 * i + 5)}, uuid(0));
    EXPECT_EQ(list.lower_bound(gap), list.upper_bound(gap));
    EXPECT_EQ(list.rank(list.lower_bound(gap)), i + 1);
  }
}

TEST(PostingList, IteratesBothWaysFromACursor) {
  PostingList list;
  const auto members = in_order(1, 3 * kBlock);
  for (const MemberPtr& m : members) list.insert(m);
  auto it = list.upper_bound(key_of(members[kBlock - 1]));
  EXPECT_EQ(*it, members[kBlock]);
  EXPECT_EQ(*--it, members[kBlock - 1]);
  EXPECT_EQ(*it++, members[kBlock - 1]);
  EXPECT_EQ(*it--, members[kBlock]);
  EXPECT_EQ(*it, members[kBlock - 1]);
}

// Ranges within a block, across blocks, ending at a block's start or at the
// end, and empty ones, both ways.
TEST(PostingList, RunsCoverARangeInOrderBothWays) {
  PostingList list;
  const auto members = in_order(1, 3 * kBlock);
  for (const MemberPtr& m : members) list.insert(m);
  ASSERT_EQ(list.blocks(), 3u);
  const auto at = [&](std::size_t i) {
    return i == members.size() ? list.end() : list.lower_bound(key_of(members[i]));
  };
  for (std::size_t from : {0UL, 1UL, kBlock - 1, kBlock, kBlock + 1, 3 * kBlock - 1}) {
    for (std::size_t to : {0UL, 1UL, kBlock, kBlock + 2, 2 * kBlock, 3 * kBlock}) {
      for (bool backwards : {false, true}) {
        std::vector<MemberRef> seen;
        const bool finished =
            list.for_each_run(at(from), at(to), backwards, [&](std::span<const MemberRef> run) {
              EXPECT_FALSE(run.empty());
              if (backwards) {
                seen.insert(seen.end(), run.rbegin(), run.rend());
              } else {
                seen.insert(seen.end(), run.begin(), run.end());
              }
              return true;
            });
        EXPECT_TRUE(finished);
        std::vector<MemberRef> expected;
        for (std::size_t i = from; i < to; ++i) expected.emplace_back(members[i]);
        if (backwards) std::reverse(expected.begin(), expected.end());
        EXPECT_TRUE(seen == expected) << from << " to " << to << (backwards ? " backwards" : "");
      }
    }
  }
}

TEST(PostingList, RunsStopAtTheFirstFalse) {
  PostingList list;
  for (const MemberPtr& m : in_order(1, 3 * kBlock)) list.insert(m);
  for (bool backwards : {false, true}) {
    int runs = 0;
    EXPECT_FALSE(list.for_each_run(list.begin(), list.end(), backwards,
                                   [&](std::span<const MemberRef>) { return ++runs == 3; }));
    EXPECT_EQ(runs, 1);
  }
}

TEST(PostingList, WritesAtTheEdgesOfFullBlocks) {
  PostingList list;
  Reference reference;
  for (const MemberPtr& m : in_order(1, 2 * kBlock)) insert_both(list, reference, m);
  ASSERT_EQ(list.blocks(), 2u);
  insert_both(list, reference, member(0, 0, 1));                      // before a full first block
  insert_both(list, reference, member(1, 10 * (kBlock - 1) + 5, 1));  // end of a full block
  insert_both(list, reference, member(1, 15, 1));  // inside: both neighbours full
  insert_both(list, reference, member(1, 25, 1));  // inside: a neighbour has room
  insert_both(list, reference, member(9, 0, 1));   // after everything
  expect_same(list, reference);
}

TEST(PostingList, ErasingEmptiesAndMergesBlocks) {
  PostingList list;
  Reference reference;
  const auto members = in_order(1, 4 * kBlock);
  for (const MemberPtr& m : members) insert_both(list, reference, m);
  for (std::size_t i = kBlock; i < 2 * kBlock; ++i) erase_both(list, reference, members[i]);
  EXPECT_EQ(list.blocks(), 3u);
  expect_same(list, reference);
  // Three in four of the first two blocks' entries go: together they fit in
  // half a block and become one.
  for (std::size_t i = 0; i < 3 * kBlock; ++i) {
    if (i % 4 != 0 && (i < kBlock || i >= 2 * kBlock)) erase_both(list, reference, members[i]);
  }
  EXPECT_EQ(list.blocks(), 2u);
  expect_same(list, reference);
  for (const MemberPtr& m : members) erase_both(list, reference, m);
  EXPECT_EQ(list.blocks(), 0u);
  expect_same(list, reference);
}

TEST(PostingList, DuplicatesAndAbsentEntriesChangeNothing) {
  PostingList list;
  const MemberPtr m = member(1, 5, 1);
  EXPECT_TRUE(list.insert(m));
  EXPECT_FALSE(list.insert(m));
  EXPECT_FALSE(list.insert(member(1, 5, 1)));  // same key, another record
  EXPECT_FALSE(list.erase(member(1, 5, 1)));   // same key, another record
  EXPECT_FALSE(list.erase(member(1, 6, 1)));
  EXPECT_EQ(list.size(), 1u);
  EXPECT_TRUE(list.erase(m));
  EXPECT_FALSE(list.erase(m));
  EXPECT_TRUE(list.empty());
}

TEST(PostingList, RandomWritesMatchAReferenceSet) {
  std::mt19937_64 rng(42);
  const auto draw = [&](std::uint64_t below) { return rng() % below; };
  std::vector<MemberPtr> pool;
  for (std::uint64_t i = 0; i < 6 * kBlock; ++i) {
    pool.push_back(member(draw(4), static_cast<std::int64_t>(draw(3000)), i));
  }
  PostingList list;
  Reference reference;
  for (int round = 0; round < 40; ++round) {
    const bool growing = round % 8 < 5;
    for (int step = 0; step < 500; ++step) {
      const MemberPtr& m = pool[draw(pool.size())];
      if (draw(100) < (growing ? 70u : 30u)) {
        insert_both(list, reference, m);
      } else {
        erase_both(list, reference, m);
      }
    }
    expect_same(list, reference);
    for (int probe = 0; probe < 20; ++probe) {
      const MemberPtr key =
          member(draw(5), static_cast<std::int64_t>(draw(3100)), draw(pool.size()));
      EXPECT_EQ(list.rank(list.lower_bound(key_of(key))),
                std::distance(reference.begin(), reference.lower_bound(key)));
      EXPECT_EQ(list.rank(list.upper_bound(key_of(key))),
                std::distance(reference.begin(), reference.upper_bound(key)));
      const Uuid& org_id = key->organization_id;
      const std::tuple<Uuid> org(org_id);
      const auto first = std::find_if(reference.begin(), reference.end(), [&](const MemberPtr& m) {
        return m->organization_id >= org_id;
      });
      const auto past = std::find_if(reference.begin(), reference.end(), [&](const MemberPtr& m) {
        return m->organization_id > org_id;
      });
      EXPECT_EQ(list.rank(list.lower_bound(org)), std::distance(reference.begin(), first));
      EXPECT_EQ(list.rank(list.upper_bound(org)), std::distance(reference.begin(), past));
    }
  }
}

TEST(PostingList, BuildSortsKeepsOneOfEachKeyAndTakesWritesAfterwards) {
  std::mt19937_64 rng(7);
  std::vector<MemberPtr> entries;
  for (std::uint64_t i = 0; i < 3 * kBlock + 5; ++i) {
    entries.push_back(member(rng() % 3, static_cast<std::int64_t>(rng() % 500), i));
  }
  entries.push_back(entries[10]);  // the same entry twice
  std::shuffle(entries.begin(), entries.end(), rng);
  PostingList list;
  list.build(entries);
  Reference reference(entries.begin(), entries.end());
  expect_same(list, reference);
  EXPECT_EQ(list.blocks(), 4u);  // full blocks, then the rest
  for (std::uint64_t i = 0; i < 2 * kBlock; ++i) {
    const MemberPtr m = member(rng() % 3, static_cast<std::int64_t>(rng() % 500), 10000 + i);
    insert_both(list, reference, m);
    erase_both(list, reference, entries[rng() % entries.size()]);
  }
  expect_same(list, reference);
}

TEST(SortKeys, CopiedKeysSortAsTheRecordsDo) {
  // Around the 8 bytes a key holds: shorter, as long, longer, NUL bytes.
  const std::vector<std::string> texts = {"",
                                          "a",
                                          std::string("a\0", 2),
                                          "OWNER",
                                          "abcdefg",
                                          "abcdefgh",
                                          std::string("abcdefgh\0", 9),
                                          "abcdefghi",
                                          "abcdefgh\xff",
                                          "abcdefgi",
                                          "ABCDEFGH",
                                          "abcdefgH",
                                          "Abcdefghi",
                                          "abcdefghI",
                                          "\xff",
                                          "\x7f\xff",
                                          "@[]^_`{}",  // around the capitals and small letters
                                          "AZaz@Zz",
                                          "azAZ@zZ",
                                          "ada.lovelace@EXAMPLE.COM",
                                          "Ada.Lovelace@example.com",
                                          "ada.lovelace@example.co",
                                          "ada.lovelace@example.com\xc3\x85",
                                          "ada.lovelace@example.com\xc3\xa5"};
  const auto folded = [](std::string_view text) {
    std::string out(text);
    for (char& c : out) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 'a' - 'A') : c;
    return out;
  };
  for (const std::string& a : texts) {
    for (const std::string& b : texts) {
      const std::string_view x = a;
      const std::string_view y = b;
      EXPECT_EQ(TextSortKey(x) <=> TextSortKey(y), x <=> y) << a << " vs " << b;
      EXPECT_EQ(TextSortKey(x) == TextSortKey(y), a == b);
      const FoldedEmail folded_x{x};
      const FoldedEmail folded_y{y};
      const std::string lower_x = folded(x);
      const std::string lower_y = folded(y);
      const auto expected = std::string_view(lower_x) <=> std::string_view(lower_y);
      EXPECT_EQ(folded_x <=> folded_y, expected) << a << " vs " << b << " ignoring case";
      EXPECT_EQ(folded_x == folded_y, lower_x == lower_y);
    }
  }
  const std::vector<Uuid> uuids = {uuid(0),
                                   uuid(1),
                                   uuid(255),
                                   uuid(256),
                                   uuid(~0ULL),
                                   Uuid{{0xff}},
                                   Uuid{{0x01, 0, 0, 0, 0, 0, 0, 0, 0xff}}};
  for (const Uuid& a : uuids) {
    for (const Uuid& b : uuids) {
      EXPECT_EQ(UuidSortKey(a) <=> UuidSortKey(b), a <=> b)
          << a.to_string() << " vs " << b.to_string();
    }
  }
}

const MemberPtr& with_role(const MemberPtr& m, std::string role) {
  OrganizationMember copy = *m;
  copy.role = std::move(role);
  return kept(std::move(copy));
}

TEST(SortedBlocks, PrefixBoundsAndReplaceInAnotherOrder) {
  SortedBlocks<RoleOrder> list;
  std::vector<MemberPtr> admins;
  for (const MemberPtr& m : in_order(1, kBlock + 10)) {
    admins.push_back(with_role(m, "ADMIN"));
    list.insert(admins.back());
    list.insert(with_role(member(1, m->created_at.micros, 50000 + admins.size()), "MEMBER"));
  }
  const std::tuple<Uuid, std::string_view> admin(uuid(1), "ADMIN");
  const auto count = [&](const auto& prefix) {
    return list.rank(list.upper_bound(prefix)) - list.rank(list.lower_bound(prefix));
  };
  EXPECT_EQ(count(admin), kBlock + 10);
  EXPECT_EQ(count(std::tuple<Uuid, std::string_view>(uuid(1), "MEMBER")), kBlock + 10);
  EXPECT_EQ(count(std::tuple<Uuid, std::string_view>(uuid(1), "OWNER")), 0u);

  const MemberPtr same_key = with_role(admins[3], "ADMIN");
  list.replace(admins[3], same_key);
  EXPECT_EQ(*std::next(list.lower_bound(admin), 3), same_key);
  const MemberPtr owner = with_role(same_key, "OWNER");
  list.replace(same_key, owner);
  EXPECT_EQ(count(admin), kBlock + 9);
  EXPECT_EQ(*list.lower_bound(std::tuple<Uuid, std::string_view>(uuid(1), "OWNER")), owner);
  EXPECT_EQ(list.size(), 2 * (kBlock + 10));
}

}  // namespace
}  // namespace rollcall::index::detail
