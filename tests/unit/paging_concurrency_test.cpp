// OrganizationMemberStore under concurrent writes: a walk through all pages
// sees every record that existed for the whole walk exactly once, and the
// last-OWNER rule and If-Match hold when writers race.
#include <atomic>
#include <chrono>
#include <functional>
#include <latch>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "member_fixtures.hpp"

namespace rollcall::member_test {
namespace {

// Runs body(0..threads-1) on as many threads, released together.
void run_together(std::size_t threads, const std::function<void(std::size_t)>& body) {
  std::latch start(static_cast<std::ptrdiff_t>(threads));
  std::vector<std::thread> pool;
  for (std::size_t i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      start.arrive_and_wait();
      body(i);
    });
  }
  for (std::thread& thread : pool) thread.join();
}

// --- A walk while writers insert, replace and erase ---------------------------

constexpr std::uint64_t kInitial = 1500;  // member_id(1) is the OWNER, left alone
constexpr std::int64_t kSeconds = 300;    // CreatedAt values: many ties
constexpr std::size_t kWriters = 3;
constexpr std::uint64_t kWritesPerWriter = 500;  // paced, so they overlap the walk
constexpr std::size_t kLimit = 7;

// The walk's order: CreatedAt (which no write changes) or Username and Role
// (which the writers change: the walk then reads the versions of its first page).
class PagingConcurrencyTest : public ::testing::TestWithParam<SortKey> {
 protected:
  void SetUp() override {
    for (std::uint64_t n = 1; n <= kInitial; ++n) {
      OrganizationMember m = make_member(org_, n);
      m.created_at = at_second(static_cast<std::int64_t>(n * 7919 % kSeconds));
      if (n == 1) m.role = "OWNER";
      ASSERT_TRUE(succeeded(store_.insert(m)));
    }
  }

  // One writer: random inserts (anywhere in CreatedAt order), replaces that
  // keep CreatedAt, and erases, until `stop_` or kWritesPerWriter; returns
  // the IDs it erased.
  std::vector<Uuid> write(std::size_t writer) {
    Prng prng(1000 + writer);
    std::vector<Uuid> erased;
    for (std::uint64_t k = 0; k < kWritesPerWriter && !stop_.load(); ++k) {
      const std::uint64_t victim = 2 + prng.below(kInitial - 1);
      switch (prng.below(3)) {
        case 0:
          insert_new(prng, 1000000 * (writer + 1) + k);
          break;
        case 1:
          rename(victim, k);
          break;
        default:
          if (!store_.erase(member_id(victim))) erased.push_back(member_id(victim));
      }
      writes_.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    return erased;
  }

  void insert_new(Prng& prng, std::uint64_t n) {
    OrganizationMember m = make_member(org_, n);
    m.created_at = at_second(static_cast<std::int64_t>(prng.below(kSeconds)));
    EXPECT_TRUE(succeeded(store_.insert(m)));
  }

  void rename(std::uint64_t n, std::uint64_t k) {
    const MemberPtr current = store_.find(member_id(n));
    if (current == nullptr) return;  // erased meanwhile
    OrganizationMember m = *current;
    m.username = "renamed" + std::to_string(k);
    m.role = k % 2 == 0 ? "ADMIN" : "MEMBER";
    m.labels = {{"round", std::to_string(k)}};
    const auto error = store_.replace(m);
    EXPECT_TRUE(!error || error->code == StoreErrorCode::kNotFound) << error->message;
  }

  const Uuid org_ = org_id(1);
  OrganizationMemberStore store_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> writes_{0};
};

// The walk: a page at a time, pausing between pages like a client would.
Walk slow_walk(const OrganizationMemberStore& store, ListRequest request) {
  Walk walk;
  for (;;) {
    const ListResult page = list_ok(store, request);
    ++walk.pages;
    walk.items.insert(walk.items.end(), page.items.begin(), page.items.end());
    if (page.next_page_token.empty()) return walk;
    request.page_token = page.next_page_token;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

TEST_P(PagingConcurrencyTest, WalkSeesEveryStableRecordExactlyOnce) {
  const std::vector<SortKey> order = {GetParam()};
  std::vector<std::vector<Uuid>> erased(kWriters);
  Walk walk;
  std::size_t writes_during_walk = 0;
  run_together(kWriters + 1, [&](std::size_t i) {
    if (i < kWriters) {
      erased[i] = write(i);
      return;
    }
    walk = slow_walk(store_, request_for(org_, "", order, kLimit));
    writes_during_walk = writes_.load();
    stop_.store(true);
  });
  ASSERT_GT(writes_during_walk, 0u) << "the writers never ran during the walk";

  std::set<Uuid> seen;
  for (std::size_t i = 0; i < walk.items.size(); ++i) {
    const OrganizationMember& m = *walk.items[i];
    EXPECT_EQ(m.organization_id, org_);
    EXPECT_TRUE(seen.insert(m.organization_member_id).second)
        << m.organization_member_id.to_string() << " appeared twice";
    if (i > 0) {
      EXPECT_TRUE(ordered_before(*walk.items[i - 1], m, order)) << "out of order at " << i;
    }
  }
  std::set<Uuid> gone;
  for (const auto& ids : erased) gone.insert(ids.begin(), ids.end());
  std::size_t missing = 0;
  for (std::uint64_t n = 1; n <= kInitial; ++n) {
    if (!gone.contains(member_id(n)) && !seen.contains(member_id(n))) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << kInitial - gone.size() << " records present all along";
  EXPECT_LE(walk.pages, (kInitial + writes_during_walk) / kLimit + 2);
}

INSTANTIATE_TEST_SUITE_P(Orders, PagingConcurrencyTest,
                         ::testing::Values(SortKey{"CreatedAt", false}, SortKey{"CreatedAt", true},
                                           SortKey{"Username", false}, SortKey{"Role", true}),
                         [](const auto& info) {
                           return info.param.attribute +
                                  (info.param.descending ? "Descending" : "Ascending");
                         });

// --- Races on the last-OWNER rule and on If-Match ------------------------------

constexpr std::size_t kRounds = 50;
constexpr std::size_t kRacers = 8;

// A write one racer attempts, and which record it targets.
struct RacingWrite {
  std::uint64_t target;
  std::function<std::optional<StoreError>(OrganizationMemberStore&)> write;
};

struct Outcome {
  std::uint64_t target;
  std::optional<StoreErrorCode> error;
};

// Runs `writes` concurrently on `store`, one thread each.
std::vector<Outcome> race(OrganizationMemberStore& store, const std::vector<RacingWrite>& writes) {
  std::vector<Outcome> outcomes(writes.size());
  run_together(writes.size(), [&](std::size_t i) {
    outcomes[i] = {writes[i].target, code_of(writes[i].write(store))};
  });
  return outcomes;
}

RacingWrite erase_write(std::uint64_t n) {
  return {n, [n](OrganizationMemberStore& s) { return s.erase(member_id(n)); }};
}

// Demotes record `n` to ADMIN, with If-Match `expected` when given.
RacingWrite demote_write(std::uint64_t n, std::optional<std::int64_t> expected) {
  return {n, [n, expected](OrganizationMemberStore& s) -> std::optional<StoreError> {
            const MemberPtr current = s.find(member_id(n));
            if (current == nullptr) return StoreError{StoreErrorCode::kNotFound, "gone"};
            OrganizationMember m = *current;
            m.role = "ADMIN";
            return s.replace(std::move(m), expected);
          }};
}

class StoreOwnerRaceTest : public ::testing::Test {
 protected:
  // A fresh organization with active OWNERs 1 and 2 and a MEMBER 3.
  static void seed(OrganizationMemberStore& store) {
    for (std::uint64_t n = 1; n <= 3; ++n) {
      OrganizationMember m = make_member(org_id(1), n);
      if (n <= 2) m.role = "OWNER";
      ASSERT_TRUE(succeeded(store.insert(m)));
    }
  }

  // The IDs of the remaining active OWNERs.
  static std::vector<Uuid> active_owners(const OrganizationMemberStore& store) {
    return ids_of(
        list_ok(store, request_for(org_id(1), "Role = 'OWNER' AND Status = 'active'")).items);
  }

  // Runs `make(i)` for each racer in `kRounds` fresh stores; checks that one
  // OWNER remains, that every write on it failed with kRuleViolation, and
  // that the winners all hit the other one. Returns the successes per round.
  static std::vector<std::size_t> rounds(const std::function<RacingWrite(std::size_t)>& make) {
    std::vector<std::size_t> successes;
    for (std::size_t round = 0; round < kRounds; ++round) {
      OrganizationMemberStore store;
      seed(store);
      std::vector<RacingWrite> writes;
      for (std::size_t i = 0; i < kRacers; ++i) writes.push_back(make(i));
      const std::vector<Outcome> outcomes = race(store, writes);
      const std::vector<Uuid> owners = active_owners(store);
      EXPECT_EQ(owners.size(), 1u) << "round " << round;
      if (owners.size() != 1) return successes;
      const std::uint64_t survivor = owners[0] == member_id(1) ? 1 : 2;
      std::size_t won = 0;
      for (const Outcome& outcome : outcomes) {
        if (outcome.target == survivor) {
          EXPECT_EQ(outcome.error, StoreErrorCode::kRuleViolation) << "round " << round;
        }
        won += outcome.error ? 0 : 1;
      }
      EXPECT_EQ(store.find(member_id(survivor))->version, 1);
      successes.push_back(won);
    }
    return successes;
  }
};

TEST_F(StoreOwnerRaceTest, ConcurrentErasesOfBothOwnersLetExactlyOneThrough) {
  for (const std::size_t won : rounds([](std::size_t i) { return erase_write(1 + i % 2); })) {
    EXPECT_EQ(won, 1u);
  }
}

TEST_F(StoreOwnerRaceTest, ConcurrentIfMatchDemotionsLetExactlyOneThrough) {
  for (const std::size_t won : rounds([](std::size_t i) { return demote_write(1 + i % 2, 1); })) {
    EXPECT_EQ(won, 1u);
  }
}

TEST_F(StoreOwnerRaceTest, MixedErasesAndDemotionsKeepOneOwner) {
  // Without If-Match a demoted OWNER may be demoted again or erased, so
  // several writes may succeed, but all on the same OWNER.
  const auto make = [](std::size_t i) {
    return i % 4 < 2 ? erase_write(1 + i % 2) : demote_write(1 + i % 2, std::nullopt);
  };
  for (const std::size_t won : rounds(make)) {
    EXPECT_GE(won, 1u);
    EXPECT_LE(won, kRacers / 2);
  }
}

TEST(StoreIfMatchRaceTest, ExactlyOneOfTheReplacesWithTheSameVersionWins) {
  for (std::size_t round = 0; round < kRounds; ++round) {
    OrganizationMemberStore store;
    ASSERT_TRUE(succeeded(store.insert(make_member(org_id(1), 1))));
    std::vector<RacingWrite> writes;
    for (std::size_t i = 0; i < kRacers; ++i) {
      writes.push_back({i, [i](OrganizationMemberStore& s) {
                          OrganizationMember m = make_member(org_id(1), 1);
                          m.username = "racer" + std::to_string(i);
                          return s.replace(std::move(m), 1);
                        }});
    }
    std::size_t winner = kRacers;
    for (const Outcome& outcome : race(store, writes)) {
      if (!outcome.error) {
        EXPECT_EQ(winner, kRacers) << "two winners in round " << round;
        winner = outcome.target;
      } else {
        EXPECT_EQ(outcome.error, StoreErrorCode::kVersionMismatch);
      }
    }
    ASSERT_LT(winner, kRacers) << "no winner in round " << round;
    EXPECT_EQ(store.find(member_id(1))->version, 2);
    EXPECT_EQ(store.find(member_id(1))->username, "racer" + std::to_string(winner));
  }
}

}  // namespace
}  // namespace rollcall::member_test
