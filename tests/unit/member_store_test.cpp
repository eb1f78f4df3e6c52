// OrganizationMemberStore: writes and their rules (conflicts, If-Match, the
// last active OWNER), ordered and paged lists, page tokens, plans, and the
// organization boundary.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "member_fixtures.hpp"

namespace rollcall::member_test {
namespace {

class MemberStoreTest : public ::testing::Test {
 protected:
  // Inserts make_member(org, n) after `change` and returns its stored record.
  MemberPtr add(const Uuid& org, std::uint64_t n,
                const std::function<void(OrganizationMember&)>& change = {}) {
    OrganizationMember m = make_member(org, n);
    if (change) change(m);
    EXPECT_TRUE(succeeded(store_.insert(m)));
    return store_.find(m.organization_member_id);
  }

  MemberPtr add_owner(const Uuid& org, std::uint64_t n, std::string status = "active") {
    return add(org, n, [&](OrganizationMember& m) {
      m.role = "OWNER";
      m.status = status;
    });
  }

  // The stored record `n` with `change` applied, ready to replace it.
  OrganizationMember changed(std::uint64_t n,
                             const std::function<void(OrganizationMember&)>& change) {
    OrganizationMember m = *store_.find(member_id(n));
    change(m);
    return m;
  }

  std::vector<Uuid> list_ids(const ListRequest& request) {
    return ids_of(list_ok(store_, request).items);
  }

  OrganizationMemberStore store_{"test key"};
  const Uuid org_a_ = org_id(1);
  const Uuid org_b_ = org_id(2);
};

void demote(OrganizationMember& m) { m.role = "ADMIN"; }

// --- Writes ---------------------------------------------------------------

TEST_F(MemberStoreTest, InsertFindAndSize) {
  EXPECT_EQ(store_.size(), 0u);
  add(org_a_, 1);
  add(org_a_, 2, [](OrganizationMember& m) { m.labels = {{"team", "x"}}; });
  add(org_b_, 3);
  EXPECT_EQ(store_.size(), 3u);
  const MemberPtr found = store_.find(member_id(2));
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->username, "user2");
  EXPECT_EQ(found->organization_id, org_a_);
  EXPECT_EQ(found->labels, (index::Labels{{"team", "x"}}));
  EXPECT_EQ(found->version, 1);
  EXPECT_EQ(store_.find(member_id(99)), nullptr);
  EXPECT_EQ(store_.all().size(), 3u);
}

TEST_F(MemberStoreTest, DuplicateIdIsConflictEvenInAnotherOrganization) {
  add(org_a_, 1);
  OrganizationMember again = make_member(org_b_, 1);
  again.username = "someone else";
  EXPECT_EQ(code_of(store_.insert(again)), StoreErrorCode::kConflict);
  EXPECT_EQ(store_.size(), 1u);
  EXPECT_EQ(store_.find(member_id(1))->username, "user1");
  EXPECT_TRUE(list_ids(request_for(org_b_)).empty());
}

TEST_F(MemberStoreTest, ReplaceBumpsVersionWhateverTheCallerSends) {
  add(org_a_, 1);
  EXPECT_TRUE(succeeded(store_.replace(changed(1, [](OrganizationMember& m) {
    m.username = "renamed";
    m.version = 42;
  }))));
  EXPECT_EQ(store_.find(member_id(1))->version, 2);
  EXPECT_EQ(store_.find(member_id(1))->username, "renamed");
  EXPECT_TRUE(succeeded(store_.replace(changed(1, demote))));
  EXPECT_EQ(store_.find(member_id(1))->version, 3);
  EXPECT_EQ(store_.size(), 1u);
  // The indexes follow the new values.
  EXPECT_EQ(list_ids(request_for(org_a_, "Username = 'renamed'")), std::vector{member_id(1)});
  EXPECT_EQ(list_ids(request_for(org_a_, "Role = 'ADMIN'")), std::vector{member_id(1)});
  EXPECT_TRUE(list_ids(request_for(org_a_, "Username = 'user1'")).empty());
  EXPECT_TRUE(list_ids(request_for(org_a_, "Role = 'MEMBER'")).empty());
}

TEST_F(MemberStoreTest, ReplaceWithIfMatch) {
  add(org_a_, 1);
  const auto rename = [](OrganizationMember& m) { m.username = "renamed"; };
  EXPECT_EQ(code_of(store_.replace(changed(1, rename), 2)), StoreErrorCode::kVersionMismatch);
  EXPECT_EQ(store_.find(member_id(1))->username, "user1");
  EXPECT_EQ(store_.find(member_id(1))->version, 1);
  EXPECT_TRUE(succeeded(store_.replace(changed(1, rename), 1)));
  EXPECT_EQ(store_.find(member_id(1))->version, 2);
  EXPECT_EQ(code_of(store_.replace(changed(1, rename), 1)), StoreErrorCode::kVersionMismatch);
}

TEST_F(MemberStoreTest, ReplaceOfUnknownRecordIsNotFound) {
  add(org_a_, 1);
  EXPECT_EQ(code_of(store_.replace(make_member(org_a_, 2))), StoreErrorCode::kNotFound);
  EXPECT_EQ(code_of(store_.replace(make_member(org_a_, 2), 1)), StoreErrorCode::kNotFound);
  EXPECT_EQ(store_.size(), 1u);
}

TEST_F(MemberStoreTest, ReplaceCannotChangeCreatedAt) {
  add(org_a_, 1);
  const Timestamp created = store_.find(member_id(1))->created_at;
  OrganizationMember later = changed(1, [&](OrganizationMember& m) { m.created_at.micros += 1; });
  EXPECT_EQ(code_of(store_.replace(later)), StoreErrorCode::kBadRequest);
  EXPECT_EQ(store_.find(member_id(1))->created_at, created);
  EXPECT_EQ(store_.find(member_id(1))->version, 1);
}

TEST_F(MemberStoreTest, ReplaceCannotMoveRecordToAnotherOrganization) {
  add(org_a_, 1);
  OrganizationMember moved = changed(1, [&](OrganizationMember& m) { m.organization_id = org_b_; });
  EXPECT_EQ(code_of(store_.replace(moved)), StoreErrorCode::kBadRequest);
  EXPECT_EQ(store_.find(member_id(1))->organization_id, org_a_);
  EXPECT_EQ(store_.find(member_id(1))->version, 1);
  EXPECT_EQ(list_ids(request_for(org_a_)), std::vector{member_id(1)});
  EXPECT_TRUE(list_ids(request_for(org_b_)).empty());
}

TEST_F(MemberStoreTest, EraseWithAndWithoutIfMatch) {
  add(org_a_, 1);
  add(org_a_, 2);
  EXPECT_EQ(code_of(store_.erase(member_id(1), 7)), StoreErrorCode::kVersionMismatch);
  EXPECT_NE(store_.find(member_id(1)), nullptr);
  EXPECT_TRUE(succeeded(store_.erase(member_id(1), 1)));
  EXPECT_EQ(store_.find(member_id(1)), nullptr);
  EXPECT_EQ(code_of(store_.erase(member_id(1))), StoreErrorCode::kNotFound);
  EXPECT_EQ(code_of(store_.erase(member_id(1), 1)), StoreErrorCode::kNotFound);
  EXPECT_TRUE(succeeded(store_.erase(member_id(2))));
  EXPECT_EQ(store_.size(), 0u);
  EXPECT_TRUE(list_ids(request_for(org_a_)).empty());
}

TEST_F(MemberStoreTest, ErasedRecordLeavesEveryIndex) {
  const auto decorate = [](OrganizationMember& m) {
    m.role = "ADMIN";
    m.role_ids = {make_uuid(kRoleTag, 1)};
    m.labels = {{"team", "x"}};
  };
  add(org_a_, 1, decorate);
  add(org_a_, 2, decorate);
  for (std::uint64_t n = 3; n <= 5; ++n) add(org_a_, n);  // so that indexes beat a scan
  EXPECT_TRUE(succeeded(store_.erase(member_id(1))));
  const std::string role_id = make_uuid(kRoleTag, 1).to_string();
  for (const std::string& text :
       std::vector<std::string>{"Role = 'ADMIN'", "Labels.team = 'x'", "Labels ? 'team'",
                                "RoleIDs ? '" + role_id + "'", "Username <= 'user2'"}) {
    EXPECT_EQ(list_ids(request_for(org_a_, text)), std::vector{member_id(2)}) << text;
  }
  EXPECT_TRUE(
      list_ids(request_for(org_a_, "OrganizationMemberID = '" + member_id(1).to_string() + "'"))
          .empty());
}

TEST_F(MemberStoreTest, FindByEmailIgnoresAsciiCaseOnly) {
  add(org_a_, 1, [](OrganizationMember& m) { m.email = "Ada.Lovelace@Example.COM"; });
  add(org_b_, 2, [](OrganizationMember& m) { m.email = "ada.lovelace@example.com"; });
  add(org_a_, 3, [](OrganizationMember& m) { m.email = "\xC3\x85sa@example.com"; });  // Åsa
  std::vector<Uuid> found = ids_of(store_.find_by_email("ADA.LOVELACE@EXAMPLE.COM"));
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector{member_id(1), member_id(2)}));
  EXPECT_EQ(ids_of(store_.find_by_email("\xC3\x85SA@example.com")), std::vector{member_id(3)});
  EXPECT_TRUE(store_.find_by_email("\xC3\xA5sa@example.com").empty());  // åsa: not ASCII
  EXPECT_TRUE(store_.find_by_email("ada.lovelace@example.co").empty());

  EXPECT_TRUE(succeeded(
      store_.replace(changed(1, [](OrganizationMember& m) { m.email = "countess@example.com"; }))));
  EXPECT_EQ(ids_of(store_.find_by_email("ada.lovelace@example.com")), std::vector{member_id(2)});
  EXPECT_EQ(ids_of(store_.find_by_email("Countess@example.com")), std::vector{member_id(1)});
  EXPECT_TRUE(succeeded(store_.erase(member_id(1))));
  EXPECT_TRUE(store_.find_by_email("countess@example.com").empty());
}

std::vector<MemberPtr> shared(std::vector<OrganizationMember> records) {
  std::vector<MemberPtr> out;
  out.reserve(records.size());
  for (OrganizationMember& m : records) {
    out.push_back(make_member(std::move(m)));
  }
  return out;
}

// Emails that sort between the cases ('[', '_' lie between 'Z' and 'a'), each
// under several spellings, and users with several memberships: each lookup
// finds exactly its own, whether the records came one by one or were loaded.
TEST_F(MemberStoreTest, FindByEmailAndUserAmongManySpellings) {
  const std::vector<std::string> spellings = {"a_b@x.io", "A_B@X.IO", "a[b@x.io", "A[B@x.io",
                                              "aZb@x.io", "azb@x.io", "AZB@X.IO", "a^b@x.io"};
  const auto folded = [](std::string text) {
    for (char& c : text) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    return text;
  };
  std::vector<OrganizationMember> records;
  for (std::uint64_t n = 1; n <= 40; ++n) {
    OrganizationMember m = make_member(n % 2 == 0 ? org_a_ : org_b_, n);
    m.email = spellings[n % spellings.size()];
    m.user_id = make_uuid(kUserTag, n % 5);
    records.push_back(std::move(m));
  }
  const auto expect_each_lookup_exact = [&](const OrganizationMemberStore& store) {
    for (const std::string& email : spellings) {
      std::vector<Uuid> expected;
      for (const OrganizationMember& m : records) {
        if (folded(std::string(m.email)) == folded(email))
          expected.push_back(m.organization_member_id);
      }
      std::sort(expected.begin(), expected.end());
      std::vector<Uuid> found = ids_of(store.find_by_email(email));
      std::sort(found.begin(), found.end());
      EXPECT_EQ(found, expected) << email;
    }
    for (std::uint64_t user = 0; user < 5; ++user) {
      std::vector<Uuid> found = ids_of(store.find_by_user(make_uuid(kUserTag, user)));
      std::sort(found.begin(), found.end());
      std::vector<Uuid> expected;
      for (std::uint64_t n = 1; n <= 40; ++n) {
        if (n % 5 == user) expected.push_back(member_id(n));
      }
      std::sort(expected.begin(), expected.end());
      EXPECT_EQ(found, expected) << user;
    }
  };
  for (const OrganizationMember& m : records) ASSERT_TRUE(succeeded(store_.insert(m)));
  expect_each_lookup_exact(store_);

  OrganizationMemberStore loaded{"test key"};
  loaded.load(shared(records));
  expect_each_lookup_exact(loaded);
}

// --- Loading at start-up ----------------------------------------------------

TEST_F(MemberStoreTest, LoadIntoAnEmptyStoreIndexesEveryRecord) {
  std::vector<OrganizationMember> records;
  for (std::uint64_t n : {7, 3, 9, 1, 5}) {
    OrganizationMember m = make_member(org_a_, n);
    m.role = n == 3 ? "OWNER" : "MEMBER";
    m.role_ids = {make_uuid(kRoleTag, n % 2)};
    m.labels = {{"team", n < 5 ? "x" : "y"}};
    records.push_back(std::move(m));
  }
  records.push_back(make_member(org_b_, 2));
  store_.load(shared(records));
  EXPECT_EQ(store_.size(), 6u);
  EXPECT_EQ(store_.active_owner_count(org_a_), 1u);
  EXPECT_EQ(list_ids(request_for(org_a_)),
            (std::vector{member_id(1), member_id(3), member_id(5), member_id(7), member_id(9)}));
  EXPECT_EQ(list_ids(request_for(org_a_, "Labels.team = 'x'")),
            (std::vector{member_id(1), member_id(3)}));
  EXPECT_EQ(list_ids(request_for(org_a_, "RoleIDs ? '" + make_uuid(kRoleTag, 1).to_string() + "'")),
            (std::vector{member_id(1), member_id(3), member_id(5), member_id(7), member_id(9)}));
  EXPECT_EQ(list_ids(request_for(org_a_, "Username >= 'user7'")),
            (std::vector{member_id(7), member_id(9)}));
  EXPECT_EQ(ids_of(store_.find_by_email("USER5@example.com")), std::vector{member_id(5)});
  EXPECT_EQ(ids_of(store_.find_by_user(make_uuid(kUserTag, 2))), std::vector{member_id(2)});
  // The loaded indexes take writes.
  add(org_a_, 4);
  EXPECT_TRUE(succeeded(store_.erase(member_id(5))));
  EXPECT_EQ(list_ids(request_for(org_a_, "Username <= 'user5'")),
            (std::vector{member_id(1), member_id(3), member_id(4)}));
}

TEST_F(MemberStoreTest, LoadWithARepeatedIdKeepsTheLastRecord) {
  OrganizationMember first = make_member(org_a_, 1);
  OrganizationMember second = make_member(org_a_, 1);
  second.username = "renamed";
  second.email = "renamed@example.com";
  second.user_id = make_uuid(kUserTag, 99);
  second.labels = {{"team", "x"}};
  store_.load(shared({first, make_member(org_a_, 2), second}));
  EXPECT_EQ(store_.size(), 2u);
  EXPECT_EQ(store_.find(member_id(1))->username, "renamed");
  EXPECT_TRUE(store_.find_by_email(first.email).empty());
  EXPECT_TRUE(store_.find_by_user(*first.user_id).empty());
  EXPECT_EQ(ids_of(store_.find_by_email("renamed@example.com")), std::vector{member_id(1)});
  EXPECT_EQ(ids_of(store_.find_by_user(make_uuid(kUserTag, 99))), std::vector{member_id(1)});
  EXPECT_EQ(list_ids(request_for(org_a_, "Username = 'user1'")), std::vector<Uuid>{});
  EXPECT_EQ(list_ids(request_for(org_a_, "Username = 'renamed'")), std::vector{member_id(1)});
  EXPECT_EQ(list_ids(request_for(org_a_, "Labels.team = 'x'")), std::vector{member_id(1)});
  EXPECT_EQ(list_ids(request_for(org_a_)), (std::vector{member_id(1), member_id(2)}));
}

TEST_F(MemberStoreTest, LoadIntoAStoreWithRecordsUpsertsEach) {
  add(org_a_, 1);
  OrganizationMember renamed = make_member(org_a_, 1);
  renamed.username = "renamed";
  store_.load(shared({renamed, make_member(org_a_, 2)}));
  EXPECT_EQ(store_.size(), 2u);
  EXPECT_EQ(store_.find(member_id(1))->username, "renamed");
  EXPECT_EQ(list_ids(request_for(org_a_, "Username = 'renamed'")), std::vector{member_id(1)});
  EXPECT_EQ(list_ids(request_for(org_a_)), (std::vector{member_id(1), member_id(2)}));
}

// --- The last active OWNER ------------------------------------------------

TEST_F(MemberStoreTest, OnlyActiveOwnerCannotBeDemotedOrErased) {
  add_owner(org_a_, 1);
  add(org_a_, 2);
  const auto make_pending = [](OrganizationMember& m) { m.status = "pending"; };
  EXPECT_EQ(code_of(store_.replace(changed(1, demote))), StoreErrorCode::kRuleViolation);
  EXPECT_EQ(code_of(store_.replace(changed(1, make_pending))), StoreErrorCode::kRuleViolation);
  EXPECT_EQ(code_of(store_.erase(member_id(1))), StoreErrorCode::kRuleViolation);
  EXPECT_EQ(code_of(store_.erase(member_id(1), 1)), StoreErrorCode::kRuleViolation);
  const MemberPtr owner = store_.find(member_id(1));
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(owner->role, "OWNER");
  EXPECT_EQ(owner->status, "active");
  EXPECT_EQ(owner->version, 1);
  EXPECT_EQ(store_.size(), 2u);
  EXPECT_EQ(list_ids(request_for(org_a_, "Role = 'OWNER'")), std::vector{member_id(1)});
  // Changes that keep it an active OWNER are fine.
  EXPECT_TRUE(succeeded(store_.replace(changed(1, [](OrganizationMember& m) {
    m.labels = {{"team", "x"}};
  }))));
}

TEST_F(MemberStoreTest, WithTwoActiveOwnersOneMayGo) {
  add_owner(org_a_, 1);
  add_owner(org_a_, 2);
  EXPECT_TRUE(succeeded(store_.replace(changed(1, demote))));
  EXPECT_EQ(code_of(store_.erase(member_id(2))), StoreErrorCode::kRuleViolation);
  EXPECT_EQ(code_of(store_.replace(changed(2, demote))), StoreErrorCode::kRuleViolation);
  // Promoting someone again makes room.
  EXPECT_TRUE(
      succeeded(store_.replace(changed(1, [](OrganizationMember& m) { m.role = "OWNER"; }))));
  EXPECT_TRUE(succeeded(store_.erase(member_id(2))));
  EXPECT_EQ(list_ids(request_for(org_a_, "Role = 'OWNER' AND Status = 'active'")),
            std::vector{member_id(1)});
}

TEST_F(MemberStoreTest, PendingOwnerDoesNotCount) {
  add_owner(org_a_, 1);
  add_owner(org_a_, 2, "pending");
  EXPECT_EQ(code_of(store_.replace(changed(1, demote))), StoreErrorCode::kRuleViolation);
  EXPECT_EQ(code_of(store_.erase(member_id(1))), StoreErrorCode::kRuleViolation);
  EXPECT_TRUE(succeeded(store_.erase(member_id(2))));
  EXPECT_EQ(store_.find(member_id(1))->role, "OWNER");
}

TEST_F(MemberStoreTest, OwnersOfAnotherOrganizationDoNotCount) {
  add_owner(org_a_, 1);
  add_owner(org_b_, 2);
  add_owner(org_b_, 3);
  EXPECT_EQ(code_of(store_.erase(member_id(1))), StoreErrorCode::kRuleViolation);
  EXPECT_TRUE(succeeded(store_.erase(member_id(2))));
}

// --- Ordering -------------------------------------------------------------

// Records 1..8 in org A; CreatedAt in pairs (1,2 share a second, ...), IDs
// inserted out of order; usernames and versions vary; 3 and 6 are pending
// with a NULL UserID.
class MemberStoreListTest : public MemberStoreTest {
 protected:
  void SetUp() override {
    const std::vector<std::string> names = {"dora", "bob", "carl", "bob",
                                            "ann",  "eve", "ann",  "fay"};
    for (std::uint64_t n : {5, 2, 8, 1, 7, 3, 6, 4}) {
      add(org_a_, n, [&](OrganizationMember& m) {
        m.created_at = at_second(static_cast<std::int64_t>((n + 1) / 2));
        m.username = names[n - 1];
        m.version = static_cast<std::int64_t>(n % 3) + 1;
        if (n % 3 == 0) {
          m.status = "pending";
          m.user_id.reset();
        }
      });
    }
    add(org_b_, 9);
  }

  // The IDs `order_by` should give, by the reference ordering.
  std::vector<Uuid> expected(const std::vector<SortKey>& order_by, std::string_view text = {}) {
    std::vector<OrganizationMember> records;
    for (const MemberPtr& m : store_.all()) records.push_back(*m);
    return ids_of(expected_list(records, org_a_, where(text), order_by));
  }

  static std::vector<Uuid> ids(std::initializer_list<std::uint64_t> ns) {
    std::vector<Uuid> out;
    for (std::uint64_t n : ns) out.push_back(member_id(n));
    return out;
  }
};

TEST_F(MemberStoreListTest, DefaultOrderIsCreatedAtThenId) {
  EXPECT_EQ(list_ids(request_for(org_a_)), ids({1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(list_ids(request_for(org_a_, "", {{"CreatedAt", false}})),
            ids({1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST_F(MemberStoreListTest, DescendingReversesTheTieBreakToo) {
  EXPECT_EQ(list_ids(request_for(org_a_, "", {{"CreatedAt", true}})),
            ids({8, 7, 6, 5, 4, 3, 2, 1}));
}

TEST_F(MemberStoreListTest, OrderByOtherAttributes) {
  // Usernames: 1 dora, 2 bob, 3 carl, 4 bob, 5 ann, 6 eve, 7 ann, 8 fay.
  EXPECT_EQ(list_ids(request_for(org_a_, "", {{"Username", false}})),
            ids({5, 7, 2, 4, 3, 1, 6, 8}));
  EXPECT_EQ(list_ids(request_for(org_a_, "", {{"Username", true}})), ids({8, 6, 1, 3, 4, 2, 7, 5}));
  // Versions: n % 3 + 1 -> 1:2 2:3 3:1 4:2 5:3 6:1 7:2 8:3.
  EXPECT_EQ(list_ids(request_for(org_a_, "", {{"Version", false}})), ids({3, 6, 1, 4, 7, 2, 5, 8}));
  EXPECT_EQ(list_ids(request_for(org_a_, "", {{"Version", true}})), ids({8, 5, 2, 7, 4, 1, 6, 3}));
  // Version descending, then Username ascending, then ID ascending.
  EXPECT_EQ(list_ids(request_for(org_a_, "", {{"Version", true}, {"Username", false}})),
            ids({5, 2, 8, 7, 4, 1, 3, 6}));
}

TEST_F(MemberStoreListTest, NullUserIdsSortLastAscendingAndFirstDescending) {
  const auto asc = list_ids(request_for(org_a_, "", {{"UserID", false}}));
  const auto desc = list_ids(request_for(org_a_, "", {{"UserID", true}}));
  EXPECT_EQ(asc, ids({1, 2, 4, 5, 7, 8, 3, 6}));
  EXPECT_EQ(desc, ids({6, 3, 8, 7, 5, 4, 2, 1}));
  EXPECT_EQ(asc, expected({{"UserID", false}}));
  EXPECT_EQ(desc, expected({{"UserID", true}}));
}

TEST_F(MemberStoreListTest, UnsortableOrUnknownAttributeIsBadRequest) {
  for (const std::string name : {"Labels", "RoleIDs", "Nope"}) {
    EXPECT_EQ(code_of(store_.list(request_for(org_a_, "", {{name, false}}))),
              StoreErrorCode::kBadRequest)
        << name;
  }
}

// --- Limits, totals and page tokens ----------------------------------------

TEST_F(MemberStoreListTest, LimitCutsThePageAndOnlyThenGivesAToken) {
  const ListResult first = list_ok(store_, request_for(org_a_, "", {}, 3));
  EXPECT_EQ(ids_of(first.items), ids({1, 2, 3}));
  EXPECT_FALSE(first.next_page_token.empty());
  EXPECT_FALSE(first.total.has_value());
  const ListResult whole = list_ok(store_, request_for(org_a_, "", {}, 8));
  EXPECT_EQ(whole.items.size(), 8u);
  EXPECT_TRUE(whole.next_page_token.empty());
  const ListResult none = list_ok(store_, request_for(org_a_, "Username = 'nobody'", {}, 3));
  EXPECT_TRUE(none.items.empty());
  EXPECT_TRUE(none.next_page_token.empty());
}

TEST_F(MemberStoreListTest, IncludeTotalCountsEveryMatchOnExactAndResidualPlans) {
  const std::vector<std::string> wheres = {
      "",                                                   // exact scan
      "Role = 'MEMBER'",                                    // exact index
      "Username = 'ann'",                                   // exact index
      "Username IN ('ann', 'bob')",                         // union of exact parts
      "Username = 'ann' OR Username LIKE 'a%'",             // overlapping union
      "Username IN ('ann', 'ann')",                         // the same value twice
      "CreatedAt >= '2025-01-01T00:00:02Z'",                // exact range
      "Username = 'ann' AND Version >= 2",                  // index + residual
      "DisplayName ILIKE '%user%' AND UserID IS NOT NULL",  // scan + residual
  };
  for (const std::string& text : wheres) {
    for (const std::size_t limit : {1u, 100u}) {
      ListRequest request = request_for(org_a_, text, {}, limit);
      request.include_total = true;
      EXPECT_EQ(list_ok(store_, request).total, expected({}, text).size())
          << text << "\n"
          << store_.explain(request).text();
    }
  }
}

TEST_F(MemberStoreListTest, PageTokensWalkEveryMatchOnceInOrder) {
  const std::vector<std::vector<SortKey>> orders = {{},
                                                    {{"CreatedAt", true}},
                                                    {{"Username", false}},
                                                    {{"Version", true}, {"Username", false}},
                                                    {{"UserID", true}}};
  const std::vector<std::string> wheres = {"", "Status = 'active'", "Username IN ('ann', 'bob')",
                                           "CreatedAt > '2025-01-01T00:00:01Z'"};
  for (const auto& order : orders) {
    for (const std::string& text : wheres) {
      for (const std::size_t limit : {1u, 3u}) {
        const Walk walk = walk_pages(store_, request_for(org_a_, text, order, limit));
        ASSERT_FALSE(walk.error.has_value()) << walk.error->message;
        EXPECT_EQ(ids_of(walk.items), expected(order, text))
            << text << " limit " << limit << " order "
            << (order.empty() ? "-" : order[0].attribute);
      }
    }
  }
}

TEST_F(MemberStoreListTest, TokenOfAnotherQueryIsBadRequest) {
  ListRequest original = request_for(org_a_, "Version >= 1", {{"Username", false}}, 2);
  original.binding = "select=Username";
  const std::string token = list_ok(store_, original).next_page_token;
  ASSERT_FALSE(token.empty());
  {
    ListRequest same = original;
    same.page_token = token;
    same.limit = 5;  // limit and include_total may change between pages
    same.include_total = true;
    EXPECT_EQ(code_of(store_.list(same)), std::nullopt);
  }
  const std::vector<std::function<void(ListRequest&)>> changes = {
      [](ListRequest& r) { r.predicate = where("Version >= 2"); },
      [](ListRequest& r) { r.predicate = where(""); },
      [](ListRequest& r) {
        r.order_by = {{"Username", true}};
      },
      [](ListRequest& r) {
        r.order_by = {{"DisplayName", false}};
      },
      [](ListRequest& r) { r.order_by = {}; },
      [](ListRequest& r) { r.binding = "select=Email"; },
      [&](ListRequest& r) { r.organization_id = org_b_; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    ListRequest other = original;
    changes[i](other);
    other.page_token = token;
    EXPECT_EQ(code_of(store_.list(other)), StoreErrorCode::kBadRequest) << "change " << i;
  }
  // Another store (another key) does not accept it either.
  OrganizationMemberStore other_store("another key");
  ListRequest elsewhere = original;
  elsewhere.page_token = token;
  EXPECT_EQ(code_of(other_store.list(elsewhere)), StoreErrorCode::kBadRequest);
}

TEST_F(MemberStoreListTest, TamperedTokenIsBadRequest) {
  ListRequest request = request_for(org_a_, "", {}, 2);
  const std::string token = list_ok(store_, request).next_page_token;
  ASSERT_FALSE(token.empty());
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (const char replacement : alphabet) {
      if (replacement == token[i]) continue;
      request.page_token = token;
      request.page_token[i] = replacement;
      ASSERT_EQ(code_of(store_.list(request)), StoreErrorCode::kBadRequest)
          << "position " << i << " of " << token.size() << ": " << token[i] << " -> "
          << replacement;
    }
  }
  for (const std::string& bad : {token.substr(0, token.size() - 1), token + "A", token + "AA",
                                 std::string("!!"), std::string("A")}) {
    request.page_token = bad;
    EXPECT_EQ(code_of(store_.list(request)), StoreErrorCode::kBadRequest) << bad;
  }
}

TEST_F(MemberStoreListTest, TokenOfAStoreWithAnotherKeyIsBadRequest) {
  OrganizationMemberStore other("another key");
  for (const MemberPtr& m : store_.all()) ASSERT_TRUE(succeeded(other.insert(*m)));
  ListRequest request = request_for(org_a_, "", {}, 2);
  const std::string mine = list_ok(store_, request).next_page_token;
  const std::string theirs = list_ok(other, request).next_page_token;
  ASSERT_FALSE(mine.empty());
  ASSERT_NE(mine, theirs);
  // Back and forth, so that neither key's MAC is only ever the last one used.
  for (int round = 0; round < 2; ++round) {
    request.page_token = mine;
    EXPECT_EQ(code_of(other.list(request)), StoreErrorCode::kBadRequest);
    EXPECT_EQ(list_ok(store_, request).items.size(), 2u);
    request.page_token = theirs;
    EXPECT_EQ(code_of(store_.list(request)), StoreErrorCode::kBadRequest);
    EXPECT_EQ(list_ok(other, request).items.size(), 2u);
  }
}

// --- Plans ----------------------------------------------------------------

// 40 MEMBERs in org A created a second apart; a few stand out: one OWNER,
// two with a role ID, two labelled team=x, two usernames starting 'ab'.
class MemberStorePlanTest : public MemberStoreTest {
 protected:
  void SetUp() override {
    for (std::uint64_t n = 1; n <= 40; ++n) {
      add(org_a_, n, [&](OrganizationMember& m) {
        if (n == 1) m.role = "OWNER";
        if (n % 20 == 3) m.role_ids = {role_id_};
        if (n % 20 == 5) m.labels = {{"team", "x"}};
        if (n % 20 == 7) m.username = "ab" + m.username.str();
        if (n == 9) m.username = "\xFF\xFF\xFF\xFF\xFF" + m.username.str();  // above any UTF-8
      });
    }
  }

  std::string explain(const std::string& text) {
    return store_.explain(request_for(org_a_, text)).text();
  }

  const Uuid role_id_ = make_uuid(kRoleTag, 1);
};

TEST_F(MemberStorePlanTest, ExplainNamesTheIndexUsed) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Role = 'OWNER'", "index (OrganizationID, Role, CreatedAt, ID) Role = 'OWNER'"},
      {"RoleIDs ? '" + role_id_.to_string() + "'", "inverted index RoleIDs ?"},
      {"Labels.team = 'x'", "inverted index Labels.team = 'x'"},
      {"Labels ? 'team'", "inverted index Labels ? 'team'"},
      {"Username LIKE 'ab%'", "index (OrganizationID, Username, ID) prefix 'ab'"},
      {"Username >= 'zz'", "index (OrganizationID, Username, ID) range"},
      {"CreatedAt >= '2025-01-01T00:00:38Z'", "range (OrganizationID, CreatedAt, ID)"},
      {"Role = 'OWNER' OR Labels.team = 'x'", "union of (index (OrganizationID, Role"},
      {"DisplayName ILIKE '%x%'", "scan (OrganizationID, CreatedAt, ID)"},
  };
  for (const auto& [text, plan] : cases) {
    EXPECT_NE(explain(text).find(plan), std::string::npos) << text << "\n" << explain(text);
  }
}

TEST_F(MemberStorePlanTest, ExplainShowsTheResidual) {
  EXPECT_NE(explain("Role = 'OWNER'").find("exact; residual: none"), std::string::npos)
      << explain("Role = 'OWNER'");
  const std::string plan = explain("Role = 'OWNER' AND DisplayName ILIKE '%x%'");
  EXPECT_NE(plan.find("Role = 'OWNER'"), std::string::npos) << plan;
  EXPECT_NE(plan.find("residual: Role = 'OWNER' AND DisplayName ILIKE '%x%'"), std::string::npos)
      << plan;
}

// Equal names are counted by stepping over a few and searching past more.
TEST_F(MemberStoreTest, UsernameEqualityCountsItsCandidates) {
  for (std::uint64_t n = 1; n <= 12; ++n) {
    add(org_a_, n, [&](OrganizationMember& m) {
      m.username = n <= 6   ? "twin"
                   : n <= 9 ? "trio"
                            : std::string("solo").append(std::to_string(n));
    });
  }
  for (const auto& [text, count] :
       std::vector<std::pair<std::string, std::size_t>>{{"Username = 'twin'", 6},
                                                        {"Username = 'trio'", 3},
                                                        {"Username = 'solo12'", 1},
                                                        {"Username = 'none'", 0}}) {
    const std::string plan = store_.explain(request_for(org_a_, text)).text();
    EXPECT_NE(plan.find("index (OrganizationID, Username, ID)"), std::string::npos) << plan;
    EXPECT_NE(plan.find(std::string("~").append(std::to_string(count)).append(" candidates")),
              std::string::npos)
        << plan;
    EXPECT_EQ(list_ids(request_for(org_a_, text)).size(), count) << text;
  }
}

// An index that holds every record of the organization still beats a scan: it
// needs no residual.
TEST_F(MemberStoreTest, IndexOfTheWholeOrganizationIsChosenOverAScan) {
  for (std::uint64_t n = 1; n <= 3; ++n)
    add(org_a_, n, [](OrganizationMember& m) { m.role = "OWNER"; });
  const std::string plan = store_.explain(request_for(org_a_, "Role = 'OWNER'")).text();
  EXPECT_NE(
      plan.find("index (OrganizationID, Role, CreatedAt, ID) Role = 'OWNER', ~3 candidates, exact"),
      std::string::npos)
      << plan;
}

TEST_F(MemberStorePlanTest, IndexedPlansAnswerLikeTheReference) {
  std::vector<OrganizationMember> records;
  for (const MemberPtr& m : store_.all()) records.push_back(*m);
  for (const std::string& text : std::vector<std::string>{
           "Role = 'OWNER'", "RoleIDs ? '" + role_id_.to_string() + "'", "Labels.team = 'x'",
           "Username LIKE 'ab%'", "CreatedAt >= '2025-01-01T00:00:38Z'",
           "Role = 'OWNER' OR Labels.team = 'x'", "DisplayName ILIKE '%1%'", "Username >= 'zz'",
           "CreatedAt > '2025-01-01T00:00:20Z' AND CreatedAt < '2025-01-01T00:00:20Z'"}) {
    for (const bool descending : {false, true}) {
      const std::vector<SortKey> order = {{"CreatedAt", descending}};
      const Walk walk = walk_pages(store_, request_for(org_a_, text, order, 1));
      EXPECT_EQ(ids_of(walk.items), ids_of(expected_list(records, org_a_, where(text), order)))
          << text;
    }
  }
}

// --- The organization boundary ----------------------------------------------

TEST_F(MemberStoreTest, OnlyTheRequestedOrganizationsRecords) {
  const auto alike = [](OrganizationMember& m) {
    m.role = "OWNER";
    m.username = "same";
    m.labels = {{"team", "x"}};
    m.role_ids = {make_uuid(kRoleTag, 1)};
    m.created_at = at_second(1);
  };
  add(org_a_, 1, alike);
  add(org_b_, 2, alike);
  add(org_b_, 3, alike);
  for (std::uint64_t n = 4; n <= 9; ++n) add(org_a_, n);  // so that indexes beat a scan
  const std::string a_id = member_id(1).to_string();
  const std::string b_id = member_id(2).to_string();
  const std::vector<std::string> wheres = {
      "Role = 'OWNER'",
      "Username = 'same'",
      "Username LIKE 'sa%'",
      "Labels.team = 'x'",
      "Labels ? 'team'",
      "RoleIDs ? '" + make_uuid(kRoleTag, 1).to_string() + "'",
      "CreatedAt <= '2025-01-01T00:00:01Z'",
      "OrganizationMemberID IN ('" + a_id + "', '" + b_id + "')",
      "OrganizationMemberID = '" + a_id + "' OR OrganizationMemberID = '" + b_id + "'",
      "Role = 'OWNER' OR Username = 'same'",
  };
  for (const std::string& text : wheres) {
    ListRequest request = request_for(org_a_, text);
    request.include_total = true;
    const ListResult page = list_ok(store_, request);
    EXPECT_EQ(ids_of(page.items), std::vector{member_id(1)}) << text;
    EXPECT_EQ(page.total, 1u) << text << "\n" << store_.explain(request).text();
  }
  ListRequest other = request_for(org_a_, "OrganizationMemberID = '" + b_id + "'");
  other.include_total = true;
  const ListResult none = list_ok(store_, other);
  EXPECT_TRUE(none.items.empty());
  EXPECT_EQ(none.total, 0u);
  const std::vector<Uuid> everyone = list_ids(request_for(org_a_));
  EXPECT_EQ(everyone.size(), 7u);
  EXPECT_EQ(std::count(everyone.begin(), everyone.end(), member_id(2)), 0);
  EXPECT_TRUE(list_ids(request_for(org_id(3))).empty());
}

}  // namespace
}  // namespace rollcall::member_test
