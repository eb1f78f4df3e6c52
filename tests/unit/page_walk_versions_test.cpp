// Every page of a walk reads the store as it was at the first page: records
// whose sort key or match changes mid-walk are neither repeated nor skipped;
// the versions kept for that are bounded, and a walk older than them expires.
#include <set>

#include <gtest/gtest.h>

#include "member_fixtures.hpp"

namespace rollcall::member_test {
namespace {

constexpr std::uint64_t kMembers = 40;
constexpr std::size_t kLimit = 6;
constexpr const char* kTokenKey = "one key for every store instance";

class PageWalkVersionsTest : public ::testing::Test {
 protected:
  explicit PageWalkVersionsTest(index::PageWalkOptions walks = {}) : store_(kTokenKey, walks) {
    for (std::uint64_t n = 1; n <= kMembers; ++n) {
      EXPECT_TRUE(succeeded(store_.insert(make_member(org_, n))));
    }
  }

  // Gives member `n` a new Username (and Role), so that it moves in both orders.
  void rename(std::uint64_t n, const std::string& username) {
    OrganizationMember m = *store_.find(member_id(n));
    m.username = username;
    m.role = m.role == "MEMBER" ? "ADMIN" : "MEMBER";
    ASSERT_TRUE(succeeded(store_.replace(m)));
  }

  // Walks `request`, calling `between(page)` after each page but the last.
  Walk walk(ListRequest request, const std::function<void(std::size_t)>& between) {
    Walk walk;
    for (;;) {
      const ListResult page = list_ok(store_, request);
      walk.items.insert(walk.items.end(), page.items.begin(), page.items.end());
      if (page.next_page_token.empty()) return walk;
      between(walk.pages++);
      request.page_token = page.next_page_token;
    }
  }

  static std::set<Uuid> once_each(const Walk& walk) {
    std::set<Uuid> seen;
    for (const MemberPtr& m : walk.items) {
      EXPECT_TRUE(seen.insert(m->organization_member_id).second)
          << m->username << " appeared twice";
    }
    return seen;
  }

  const Uuid org_ = org_id(1);
  OrganizationMemberStore store_;
};

TEST_F(PageWalkVersionsTest, RecordsMovingInTheOrderAppearOnceAsTheyWere) {
  // Each page sends a record not yet seen to the front (it would be skipped)
  // and one already seen to the back (it would be repeated).
  const Walk seen =
      walk(request_for(org_, "", {{"Username", false}}, kLimit), [&](std::size_t page) {
        rename(kMembers - page, std::string("a").append(std::to_string(page)));
        rename(1 + page, std::string("z").append(std::to_string(page)));
      });
  EXPECT_EQ(once_each(seen).size(), kMembers);
  for (std::size_t i = 1; i < seen.items.size(); ++i) {
    EXPECT_LT(seen.items[i - 1]->username, seen.items[i]->username);
    EXPECT_EQ(seen.items[i]->version, 1) << "a version from after the walk began";
  }
}

TEST_F(PageWalkVersionsTest, RecordsThatStopMatchingMidWalkStillAppear) {
  const Walk seen = walk(request_for(org_, "Role = 'MEMBER'", {}, kLimit), [&](std::size_t page) {
    rename(kMembers - page, std::string("changed").append(std::to_string(page)));  // now an ADMIN
    ASSERT_TRUE(succeeded(store_.erase(member_id(kMembers - 10 - page))));
    ASSERT_TRUE(succeeded(store_.insert(make_member(org_, 1000 + page))));
  });
  EXPECT_EQ(once_each(seen).size(), kMembers);
  for (const MemberPtr& m : seen.items) EXPECT_EQ(m->role, "MEMBER");
}

TEST_F(PageWalkVersionsTest, TotalsCountTheWalksState) {
  ListRequest request = request_for(org_, "Role = 'MEMBER'", {}, kLimit);
  request.include_total = true;
  const ListResult first = list_ok(store_, request);
  rename(kMembers, "now-admin");
  rename(kMembers - 1, "also-admin");
  ASSERT_TRUE(succeeded(store_.insert(make_member(org_, 500))));
  request.page_token = first.next_page_token;
  EXPECT_EQ(list_ok(store_, request).total, kMembers);
  request.page_token.clear();
  EXPECT_EQ(list_ok(store_, request).total, kMembers - 1);  // two less, one more
}

class ShortHistoryTest : public PageWalkVersionsTest {
 protected:
  static constexpr std::size_t kKept = 5;
  ShortHistoryTest()
      : PageWalkVersionsTest(index::PageWalkOptions{kKept, std::chrono::seconds(600)}) {}

  // The second page of a walk after `writes` writes, or its error.
  std::variant<ListResult, StoreError> second_page_after(std::size_t writes) {
    ListRequest request = request_for(org_, "", {{"Username", false}}, kLimit);
    request.page_token = list_ok(store_, request).next_page_token;
    for (std::size_t i = 0; i < writes; ++i)
      rename(1 + i, std::string("r").append(std::to_string(i)));
    return store_.list(request);
  }
};

TEST_F(ShortHistoryTest, AWalkResumesWhileItsStateIsKept) {
  EXPECT_FALSE(code_of(second_page_after(kKept)));
}

TEST_F(ShortHistoryTest, AWalkOlderThanTheKeptVersionsExpires) {
  const auto page = second_page_after(kKept + 1);
  ASSERT_EQ(code_of(page), StoreErrorCode::kBadRequest);
  EXPECT_NE(std::get<StoreError>(page).message.find("page_token has expired"), std::string::npos);
}

TEST_F(ShortHistoryTest, TokensOfAnotherStoreInstanceExpire) {
  ListRequest request = request_for(org_, "", {}, kLimit);
  request.page_token = list_ok(store_, request).next_page_token;
  OrganizationMemberStore restarted(kTokenKey);  // a restart: same key, new instance
  ASSERT_TRUE(succeeded(restarted.insert(make_member(org_, 1))));
  const auto page = restarted.list(request);
  ASSERT_EQ(code_of(page), StoreErrorCode::kBadRequest);
  EXPECT_NE(std::get<StoreError>(page).message.find("page_token has expired"), std::string::npos);
}

}  // namespace
}  // namespace rollcall::member_test
