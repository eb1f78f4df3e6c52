// Directory: spaces and space memberships — who may do what, the cascade on
// removal, accepting binds the user, lists and paging, durability.
#include <functional>
#include <set>

#include "directory_fixture.hpp"
#include "rollcall/filter.hpp"
#include "rollcall/index/schemas.hpp"

namespace rollcall::index {
namespace {

using test::created;

class DirectorySpacesTest : public test::DirectoryTest {
 protected:
  void SetUp() override {
    DirectoryTest::SetUp();
    owner_ = user("ada");
    org_ = organization(owner_.user);
    space_ = created(directory_->create_space(as(owner_), org_.organization_id, {"Ops", "ops"}));
  }

  static Actor as(const CreatedUser& who) { return Actor::user(who.user.user_id); }

  SpaceMemberPtr add(const Actor& actor, std::string_view email, bool admin = false) {
    SpaceInvitation invitation{std::string(email), {}};
    invitation.settings.admin = admin;
    return created(directory_->add_space_member(actor, space_.space_id, invitation)).record;
  }

  StoreErrorCode add_fails(const Actor& actor, std::string_view email) {
    auto added = directory_->add_space_member(actor, space_.space_id, {std::string(email), {}});
    EXPECT_FALSE(added);
    return added ? StoreErrorCode::kConflict : added.error().code;
  }

  SpaceStanding standing_of(const CreatedUser& who) {
    auto access = directory_->space_access(as(who), space_.space_id);
    return access ? access->standing : SpaceStanding::kNone;
  }

  // Every page of a walk; `between()` runs after each page but the last.
  std::vector<SpaceMemberPtr> list(const std::string& where, std::size_t limit = 100,
                                   std::vector<SortKey> order_by = {},
                                   const std::function<void()>& between = {}) {
    SpaceMemberListRequest request;
    request.organization_id = org_.organization_id;
    request.space_id = space_.space_id;
    auto predicate = filter::compile_where(where, space_member_schema());
    EXPECT_TRUE(predicate) << predicate.error().message();
    request.predicate = *predicate;
    request.limit = limit;
    request.order_by = std::move(order_by);
    std::vector<SpaceMemberPtr> all;
    do {
      auto page = directory_->space_members().list(request);
      EXPECT_TRUE(std::holds_alternative<SpaceMemberListResult>(page));
      if (!std::holds_alternative<SpaceMemberListResult>(page)) break;
      auto& result = std::get<SpaceMemberListResult>(page);
      all.insert(all.end(), result.items.begin(), result.items.end());
      request.page_token = result.next_page_token;
      if (between && !request.page_token.empty()) between();
    } while (!request.page_token.empty());
    return all;
  }

  CreatedUser owner_;
  Organization org_;
  Space space_;
};

TEST_F(DirectorySpacesTest, OwnersAndAdminsCreateSpacesMembersList) {
  const CreatedUser admin = member(org_, "adm", "ADMIN");
  const CreatedUser plain = member(org_, "bob", "MEMBER");
  EXPECT_TRUE(directory_->create_space(as(admin), org_.organization_id, {"Dev", ""}));
  EXPECT_EQ(directory_->create_space(as(plain), org_.organization_id, {"X", ""}).error().code,
            StoreErrorCode::kForbidden);
  EXPECT_EQ(
      directory_->create_space(as(owner_), org_.organization_id, {"Again", "ops"}).error().code,
      StoreErrorCode::kConflict);
  EXPECT_EQ(directory_->create_space(as(owner_), org_.organization_id, {"", ""}).error().code,
            StoreErrorCode::kBadRequest);
  auto spaces = directory_->spaces(as(plain), org_.organization_id, {});
  ASSERT_TRUE(spaces);
  EXPECT_EQ(spaces->total, 2U);
  EXPECT_EQ(directory_->spaces(as(user("eve")), org_.organization_id, {}).error().code,
            StoreErrorCode::kNotFound);
}

TEST_F(DirectorySpacesTest, StandingInASpace) {
  const CreatedUser admin = member(org_, "adm", "ADMIN");
  const CreatedUser bob = member(org_, "bob", "MEMBER");
  const CreatedUser cy = member(org_, "cy", "MEMBER");
  const CreatedUser dee = member(org_, "dee", "MEMBER");
  add(as(owner_), bob.user.email);
  add(as(owner_), cy.user.email, /*admin=*/true);
  EXPECT_EQ(standing_of(owner_), SpaceStanding::kOrgAdmin);
  EXPECT_EQ(standing_of(admin), SpaceStanding::kOrgAdmin);
  EXPECT_EQ(standing_of(bob), SpaceStanding::kSpaceMember);
  EXPECT_EQ(standing_of(cy), SpaceStanding::kSpaceAdmin);
  EXPECT_EQ(standing_of(dee), SpaceStanding::kOrgMember);
  EXPECT_EQ(standing_of(user("eve")), SpaceStanding::kNone);
  EXPECT_EQ(directory_->space_access(Actor::admin(), space_.space_id)->standing,
            SpaceStanding::kOrgAdmin);
}

TEST_F(DirectorySpacesTest, AddingNeedsAMembershipWithThatEmail) {
  invite(as(owner_), org_, "pending@example.com");
  const SpaceMemberPtr pending = add(as(owner_), "PENDING@Example.com");
  ASSERT_TRUE(pending);
  EXPECT_FALSE(pending->user_id);
  EXPECT_EQ(pending->email, "pending@example.com");
  EXPECT_EQ(add_fails(as(owner_), "pending@example.com"), StoreErrorCode::kConflict);
  EXPECT_EQ(add_fails(as(owner_), "nobody@example.com"), StoreErrorCode::kRuleViolation);
  EXPECT_EQ(add_fails(as(owner_), ""), StoreErrorCode::kBadRequest);
}

TEST_F(DirectorySpacesTest, SpaceAdminsWhoAreOrganizationMembersCannotProbePendingInvitations) {
  const CreatedUser cy = member(org_, "cy", "MEMBER");
  add(as(owner_), cy.user.email, /*admin=*/true);
  invite(as(owner_), org_, "ghost@example.com");
  // The same answer as for an email no membership has: nothing to tell apart.
  EXPECT_EQ(add_fails(as(cy), "ghost@example.com"), StoreErrorCode::kRuleViolation);
  EXPECT_EQ(add_fails(as(cy), "nobody@example.com"), StoreErrorCode::kRuleViolation);
  EXPECT_TRUE(add(as(owner_), "ghost@example.com"));  // OWNER and ADMIN may
}

TEST_F(DirectorySpacesTest, SpaceAdminsManageTheirSpaceMembersDoNot) {
  const CreatedUser bob = member(org_, "bob", "MEMBER");
  const CreatedUser cy = member(org_, "cy", "MEMBER");
  const CreatedUser dee = member(org_, "dee", "MEMBER");
  add(as(owner_), bob.user.email);
  add(as(owner_), cy.user.email, /*admin=*/true);
  EXPECT_EQ(add_fails(as(bob), dee.user.email), StoreErrorCode::kForbidden);
  EXPECT_EQ(add_fails(as(dee), dee.user.email), StoreErrorCode::kForbidden);
  const SpaceMemberPtr added = add(as(cy), dee.user.email);
  ASSERT_TRUE(added);
  SpaceMemberSettings settings;
  settings.labels = {{"team", "sre"}};
  EXPECT_EQ(directory_
                ->update_space_member(as(bob), space_.space_id, added->space_member_id, settings,
                                      added->version)
                .error()
                .code,
            StoreErrorCode::kForbidden);
  auto changed = directory_->update_space_member(as(cy), space_.space_id, added->space_member_id,
                                                 settings, added->version);
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(changed->record->version, 2);
  EXPECT_EQ(directory_
                ->update_space_member(as(cy), space_.space_id, added->space_member_id, settings,
                                      added->version)
                .error()
                .code,
            StoreErrorCode::kVersionMismatch);
  EXPECT_EQ(
      directory_
          ->remove_space_member(as(bob), space_.space_id, added->space_member_id, std::nullopt)
          .error()
          .code,
      StoreErrorCode::kForbidden);
}

TEST_F(DirectorySpacesTest, AMemberMayRemoveTheirOwnSpaceMembership) {
  const CreatedUser bob = member(org_, "bob", "MEMBER");
  const SpaceMemberPtr own = add(as(owner_), bob.user.email);
  EXPECT_TRUE(directory_->remove_space_member(as(bob), space_.space_id, own->space_member_id, 1));
  EXPECT_FALSE(directory_->space_members().find(own->space_member_id));
  EXPECT_EQ(standing_of(bob), SpaceStanding::kOrgMember);
}

TEST_F(DirectorySpacesTest, RemovingTheOrganizationMembershipRemovesItsSpaceMemberships) {
  const CreatedUser bob = member(org_, "bob", "MEMBER");
  const SpaceMemberPtr in_space = add(as(owner_), bob.user.email);
  const Space other =
      created(directory_->create_space(as(owner_), org_.organization_id, {"Other", ""}));
  ASSERT_TRUE(
      created(directory_->add_space_member(as(owner_), other.space_id, {bob.user.email.str(), {}}))
          .record);
  EXPECT_EQ(directory_->space_members()
                .find_by_organization_member(in_space->organization_member_id)
                .size(),
            2U);
  ASSERT_TRUE(directory_->leave(bob.user, org_.organization_id));
  EXPECT_TRUE(directory_->space_members()
                  .find_by_organization_member(in_space->organization_member_id)
                  .empty());
  reopen();  // the cascade was logged with the removal
  EXPECT_EQ(directory_->space_members().size(), 0U);
}

TEST_F(DirectorySpacesTest, AcceptingAnInvitationBindsTheUserInItsSpaces) {
  invite(as(owner_), org_, "newbie@example.com");
  const SpaceMemberPtr pending = add(as(owner_), "newbie@example.com");
  const CreatedUser newbie =
      created(directory_->create_user({"newbie", "newbie@example.com", "New Bie", "", "", ""}));
  ASSERT_TRUE(directory_->accept_invitation(newbie.user, org_.organization_id));
  const SpaceMemberPtr bound = directory_->space_members().find(pending->space_member_id);
  EXPECT_EQ(bound->user_id, newbie.user.user_id);
  EXPECT_EQ(bound->username, "newbie");
  EXPECT_EQ(bound->display_name, "New Bie");
  EXPECT_EQ(bound->version, 2);
}

TEST_F(DirectorySpacesTest, ListsFilterOrderAndPage) {
  for (int i = 0; i < 7; ++i) {
    const std::string name = std::string("m").append(std::to_string(i));
    member(org_, name, "MEMBER");
    add(as(owner_), name + "@Example.com", i % 3 == 0);
  }
  EXPECT_EQ(list("").size(), 7U);
  EXPECT_EQ(list("", 2).size(), 7U);  // four pages, each record once
  EXPECT_EQ(list("Admin = true", 1).size(), 3U);
  const auto by_name = list("", 3, {{"Username", true}});
  ASSERT_EQ(by_name.size(), 7U);
  EXPECT_EQ(by_name.front()->username, "m6");
  EXPECT_EQ(by_name.back()->username, "m0");
  const auto newest_first = list("Admin = false", 2, {{"CreatedAt", true}});
  ASSERT_EQ(newest_first.size(), 4U);
  EXPECT_EQ(newest_first.front()->username, "m5");
}

TEST_F(DirectorySpacesTest, AWalkReadsTheSpaceAsItWasAtItsFirstPage) {
  std::vector<SpaceMemberPtr> added;
  for (int i = 0; i < 9; ++i) {
    const std::string name = std::string("w").append(std::to_string(i));
    member(org_, name, "MEMBER");
    added.push_back(add(as(owner_), name + "@Example.com"));
  }
  // Between pages, make the last non-admin an admin: it moves to the front
  // of an (Admin DESC) order that the walk has already passed.
  std::size_t promoted = 0;
  const auto seen = list("", 2, {{"Admin", true}}, [&] {
    const SpaceMemberPtr& target = added[added.size() - 1 - promoted++];
    SpaceMemberSettings settings;
    settings.admin = true;
    ASSERT_TRUE(directory_->update_space_member(as(owner_), space_.space_id,
                                                target->space_member_id, settings, 1));
  });
  std::set<Uuid> ids;
  for (const SpaceMemberPtr& m : seen) {
    EXPECT_TRUE(ids.insert(m->space_member_id).second) << m->username << " twice";
    EXPECT_FALSE(m->admin);
  }
  EXPECT_EQ(ids.size(), added.size());
  EXPECT_GT(promoted, 0U);
}

TEST_F(DirectorySpacesTest, SpacesAndTheirMembersSurviveReopening) {
  const CreatedUser bob = member(org_, "bob", "MEMBER");
  const SpaceMemberPtr in_space = add(as(owner_), bob.user.email, true);
  for (bool with_snapshot : {false, true}) {
    if (with_snapshot) {
      ASSERT_TRUE(directory_->snapshot());
    }
    reopen();
    EXPECT_EQ(directory_->space_count(), 1U);
    EXPECT_EQ(directory_->space_members().find(in_space->space_member_id)->admin, true);
    EXPECT_EQ(standing_of(bob), SpaceStanding::kSpaceAdmin);
  }
}

TEST_F(DirectorySpacesTest, IdempotentSpaceCreatesAnswerTheFirstAnswer) {
  IdempotentCreate<Space> request{"ada spaces key", {7}, [](const Space& s) {
                                    return StoredAnswer{201, s.space_id.to_string()};
                                  }};
  auto first = directory_->create_space(as(owner_), org_.organization_id, {"Once", ""}, &request);
  ASSERT_TRUE(first);
  auto again = directory_->create_space(as(owner_), org_.organization_id, {"Once", ""}, &request);
  ASSERT_TRUE(again);
  EXPECT_EQ(std::get<StoredAnswer>(*again).body, std::get<Space>(*first).space_id.to_string());
  EXPECT_EQ(directory_->space_count(), 2U);
}

}  // namespace
}  // namespace rollcall::index
