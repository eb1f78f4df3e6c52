// Directory reads through the caller's view: a MEMBER sees active memberships
// and a few fields, names nothing else, and finds hidden records absent on
// reads and writes alike; explain refuses a `where` compiled for another view.
#include <set>

#include "directory_fixture.hpp"
#include "rollcall/index/schemas.hpp"

namespace rollcall::index {
namespace {

using test::created;

class DirectoryViewsTest : public test::DirectoryTest {
 protected:
  void SetUp() override {
    DirectoryTest::SetUp();
    owner_ = user("ada");
    org_ = organization(owner_.user);
    plain_ = member(org_, "bob", "MEMBER");
    pending_ = invite(as(owner_), org_, "pending@example.com");
  }

  static Actor as(const CreatedUser& who) { return Actor::user(who.user.user_id); }

  DirectoryResult<Listing<MemberPtr>> list(const CreatedUser& who, ListSpec spec = {}) {
    return directory_->list_members(as(who), org_.organization_id, spec);
  }

  static std::set<std::string> emails(const Listing<MemberPtr>& listing) {
    std::set<std::string> out;
    for (const MemberPtr& m : listing.items) out.insert(m->email.str());
    return out;
  }

  StoreErrorCode refusal(const ListSpec& spec) {
    auto listed = list(plain_, spec);
    EXPECT_FALSE(listed);
    return listed ? StoreErrorCode::kConflict : listed.error().code;
  }

  CreatedUser owner_;
  Organization org_;
  CreatedUser plain_;
  MemberPtr pending_;
};

TEST_F(DirectoryViewsTest, OwnerListsEveryMembershipWithEveryField) {
  auto listed = list(owner_);
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_EQ(listed->items.size(), 3u);
  EXPECT_EQ(listed->fields, kAllFields);
}

TEST_F(DirectoryViewsTest, MemberListsActiveMembershipsWithTheirVisibleFields) {
  auto listed = list(plain_);
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_EQ(emails(*listed), (std::set<std::string>{"ada@Example.com", "bob@Example.com"}));
  EXPECT_EQ(listed->fields, organization_member_view(Standing::kMember).fields);
  EXPECT_EQ(listed->fields & organization_member_field("Email"), 0u);
}

TEST_F(DirectoryViewsTest, MemberMayNameOnlyVisibleAttributes) {
  ListSpec where;
  where.where = "Email = 'pending@example.com'";
  EXPECT_EQ(refusal(where), StoreErrorCode::kBadRequest);
  ListSpec order;
  order.order_by = {SortKey{"Email", false}};
  EXPECT_EQ(refusal(order), StoreErrorCode::kBadRequest);
  ListSpec select;
  select.select = {"Email"};
  EXPECT_EQ(refusal(select), StoreErrorCode::kBadRequest);
  select.select = {"Username"};
  EXPECT_TRUE(list(plain_, select));
}

TEST_F(DirectoryViewsTest, ContainsForAMemberSearchesOnlyVisibleFields) {
  ListSpec spec;
  spec.contains = "example.com";  // only in Email, which a MEMBER does not see
  auto listed = list(plain_, spec);
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_TRUE(listed->items.empty());
  EXPECT_EQ(list(owner_, spec)->items.size(), 3u);
}

TEST_F(DirectoryViewsTest, SavedFilterOnAHiddenFieldIsRefusedToAMember) {
  FilterSpec saved{"by-email", "", "OrganizationMember", std::nullopt, "Email LIKE 'p%'"};
  ASSERT_TRUE(directory_->create_filter(as(owner_), org_.organization_id, saved));
  ListSpec spec;
  spec.filter = "by-email";
  auto refused = list(plain_, spec);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StoreErrorCode::kBadRequest);
  EXPECT_NE(refused.error().message.find("filter: "), std::string::npos);
  EXPECT_EQ(emails(*list(owner_, spec)), std::set<std::string>{"pending@example.com"});
}

TEST_F(DirectoryViewsTest, HiddenMembershipIsAbsentToReadsAndWrites) {
  const Uuid& org = org_.organization_id;
  const Uuid& id = pending_->organization_member_id;
  EXPECT_EQ(directory_->member(as(plain_), org, id).error().code, StoreErrorCode::kNotFound);
  EXPECT_EQ(directory_->update_member(as(plain_), org, id, {}, 1).error().code,
            StoreErrorCode::kNotFound);
  EXPECT_EQ(directory_->remove_member(as(plain_), org, id, std::nullopt).error().code,
            StoreErrorCode::kNotFound);
  auto seen = directory_->member(as(owner_), org, id);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->fields, kAllFields);
}

TEST_F(DirectoryViewsTest, NonMemberSeesNoOrganization) {
  const CreatedUser stranger = user("eve");
  EXPECT_EQ(list(stranger).error().code, StoreErrorCode::kNotFound);
  EXPECT_EQ(directory_->member(as(stranger), org_.organization_id, pending_->organization_member_id)
                .error()
                .code,
            StoreErrorCode::kNotFound);
}

TEST_F(DirectoryViewsTest, ListLimitIsBoundedByTheOptions) {
  ListSpec spec;
  spec.limit = 1000;
  EXPECT_TRUE(list(owner_, spec));
  spec.limit = 1001;
  auto refused = list(owner_, spec);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StoreErrorCode::kBadRequest);
  EXPECT_EQ(refused.error().message, "limit must be from 1 to 1000, not 1001");
  spec.limit = 0;
  EXPECT_FALSE(list(owner_, spec));

  DirectoryOptions options;
  options.max_list_limit = 2;
  reopen(options);
  EXPECT_EQ(directory_->max_list_limit(), 2U);
  spec.limit = 2;
  auto at_edge = list(owner_, spec);
  ASSERT_TRUE(at_edge) << at_edge.error().message;
  EXPECT_EQ(at_edge->items.size(), 2U);
  EXPECT_FALSE(at_edge->next_page_token.empty());
  spec.limit = 3;
  EXPECT_FALSE(list(owner_, spec));
}

TEST_F(DirectoryViewsTest, ExplainRefusesAWhereCompiledForAnotherView) {
  auto full = filter::compile_where("Role = 'MEMBER'", organization_member_schema());
  ASSERT_TRUE(full);
  auto refused = directory_->explain_members(as(plain_), org_.organization_id, *full);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StoreErrorCode::kBadRequest);

  auto view = directory_->view_of_members(as(plain_), org_.organization_id);
  ASSERT_TRUE(view);
  auto scoped = filter::compile_where("Role = 'MEMBER'", (*view)->schema);
  ASSERT_TRUE(scoped);
  auto plan = directory_->explain_members(as(plain_), org_.organization_id, *scoped);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_TRUE(plan->scoped);
  EXPECT_EQ(plan->explanation.estimated_rows, 1u);  // bob; the pending MEMBER is hidden
}

class DirectorySpaceViewsTest : public DirectoryViewsTest {
 protected:
  void SetUp() override {
    DirectoryViewsTest::SetUp();
    space_ = created(directory_->create_space(as(owner_), org_.organization_id, {"Ops", "ops"}));
    outsider_ = member(org_, "cy", "MEMBER");
    in_space_ = add(plain_.user.email);
    pending_in_space_ = add(pending_->email);
  }

  SpaceMemberPtr add(std::string_view email) {
    return created(
               directory_->add_space_member(as(owner_), space_.space_id, {std::string(email), {}}))
        .record;
  }

  SpaceScope scope() const { return SpaceScope::space(space_.space_id); }

  // Reading, updating and removing space membership `id` as `who` each fail with `code`.
  void expect_every_access_refused(const CreatedUser& who, const Uuid& id, StoreErrorCode code) {
    EXPECT_EQ(directory_->space_member(as(who), scope(), id).error().code, code) << "read";
    EXPECT_EQ(directory_->update_space_member(as(who), space_.space_id, id, {}, 1).error().code,
              code)
        << "update";
    EXPECT_EQ(
        directory_->remove_space_member(as(who), space_.space_id, id, std::nullopt).error().code,
        code)
        << "remove";
  }

  Space space_;
  CreatedUser outsider_;
  SpaceMemberPtr in_space_;
  SpaceMemberPtr pending_in_space_;
};

TEST_F(DirectorySpaceViewsTest, SpaceMemberSeesOnlyActiveOnes) {
  auto listed = directory_->list_space_members(as(plain_), scope(), {});
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0]->space_member_id, in_space_->space_member_id);
  EXPECT_EQ(listed->fields, space_member_view(Standing::kMember).fields);
  EXPECT_EQ(directory_->list_space_members(as(owner_), scope(), {})->items.size(), 2u);
  ListSpec past_the_limit;
  past_the_limit.limit = directory_->max_list_limit() + 1;
  EXPECT_EQ(directory_->list_space_members(as(owner_), scope(), past_the_limit).error().code,
            StoreErrorCode::kBadRequest);
}

// 403 before any lookup: an outsider cannot tell which memberships exist.
TEST_F(DirectorySpaceViewsTest, OutsiderIsRefusedWhateverTheRecord) {
  const Uuid absent = org_.organization_id;
  EXPECT_EQ(directory_->list_space_members(as(outsider_), scope(), {}).error().code,
            StoreErrorCode::kForbidden);
  for (const Uuid& id : {in_space_->space_member_id, pending_in_space_->space_member_id, absent}) {
    expect_every_access_refused(outsider_, id, StoreErrorCode::kForbidden);
  }
}

TEST_F(DirectorySpaceViewsTest, HiddenRecordIsAbsentToTheSpacesReaders) {
  expect_every_access_refused(plain_, pending_in_space_->space_member_id,
                              StoreErrorCode::kNotFound);
}

TEST_F(DirectorySpaceViewsTest, WritesAnswerWithTheFieldsTheWriterMaySee) {
  const CreatedUser dee = member(org_, "dee", "MEMBER");
  SpaceInvitation as_admin{dee.user.email.str(), {}};
  as_admin.settings.admin = true;
  ASSERT_TRUE(directory_->add_space_member(as(owner_), space_.space_id, as_admin));
  auto added =
      directory_->add_space_member(as(dee), space_.space_id, {outsider_.user.email.str(), {}});
  ASSERT_TRUE(added) << added.error().message;
  const auto& seen = std::get<Seen<SpaceMemberPtr>>(*added);
  EXPECT_EQ(seen.fields, space_member_view(Standing::kMember).fields);
  auto updated = directory_->update_space_member(as(owner_), space_.space_id,
                                                 seen.record->space_member_id, {}, 1);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->fields, kAllFields);
}

TEST_F(DirectorySpaceViewsTest, OrganizationWideListIsForManagersOnly) {
  const SpaceScope whole = SpaceScope::organization(org_.organization_id);
  EXPECT_EQ(directory_->list_space_members(as(plain_), whole, {}).error().code,
            StoreErrorCode::kForbidden);
  EXPECT_EQ(directory_->list_space_members(as(owner_), whole, {})->items.size(), 2u);
}

TEST_F(DirectorySpaceViewsTest, SpaceOfAnotherOrganizationIsNotFound) {
  const SpaceScope mismatched{space_.space_id, pending_->organization_member_id};
  EXPECT_EQ(directory_->list_space_members(as(owner_), mismatched, {}).error().code,
            StoreErrorCode::kNotFound);
}

}  // namespace
}  // namespace rollcall::index
