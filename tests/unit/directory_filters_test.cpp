// Directory: saved filters — compiled when saved, who writes them, slugs,
// FromSpaceID, the checks a list makes before applying one.
#include "directory_fixture.hpp"

namespace rollcall::index {
namespace {

using test::created;

class DirectoryFiltersTest : public test::DirectoryTest {
 protected:
  void SetUp() override {
    DirectoryTest::SetUp();
    owner_ = user("ada");
    org_ = organization(owner_.user);
    space_ = created(directory_->create_space(owner(), org_.organization_id, {"Ops", ""}));
  }

  Actor owner() const { return Actor::user(owner_.user.user_id); }

  static FilterSpec spec(const std::string& slug, const std::string& where,
                         const std::string& from = "OrganizationMember") {
    FilterSpec out;
    out.slug = slug;
    out.display_name = "Filter " + slug;
    out.from = from;
    out.where = where;
    return out;
  }

  StoreError create_fails(const FilterSpec& bad) {
    auto made = directory_->create_filter(owner(), org_.organization_id, bad);
    EXPECT_FALSE(made);
    return made ? StoreError{} : made.error();
  }

  StoreError list_refuses(std::string_view ref, std::string_view entity,
                          const std::optional<Uuid>& space, const Uuid& org) {
    auto found = directory_->filter_for_list(owner(), org, ref, entity, space);
    EXPECT_FALSE(found);
    return found ? StoreError{} : found.error();
  }

  CreatedUser owner_;
  Organization org_;
  Space space_;
};

TEST_F(DirectoryFiltersTest, WhereIsCompiledWhenSaved) {
  const Filter saved = created(
      directory_->create_filter(owner(), org_.organization_id, spec("owners", "Role = 'OWNER'")));
  EXPECT_EQ(saved.version, 1);
  const StoreError bad = create_fails(spec("bad", "Role = 'OWNER' AND Rol = 'x'"));
  EXPECT_EQ(bad.code, StoreErrorCode::kBadRequest);
  EXPECT_NE(bad.message.find("unknown attribute 'Rol' for OrganizationMember at column 20"),
            std::string::npos)
      << bad.message;
  // Admin is a SpaceMember attribute only.
  EXPECT_EQ(create_fails(spec("x", "Admin = true")).code, StoreErrorCode::kBadRequest);
  EXPECT_TRUE(directory_->create_filter(owner(), org_.organization_id,
                                        spec("space-admins", "Admin = true", "SpaceMember")));
}

TEST_F(DirectoryFiltersTest, SpecRulesAndSlugs) {
  EXPECT_EQ(create_fails(spec("", "")).code, StoreErrorCode::kBadRequest);
  EXPECT_EQ(create_fails(spec("x", "", "Space")).code, StoreErrorCode::kBadRequest);
  FilterSpec bound = spec("bound", "");
  bound.from_space_id = space_.space_id;
  EXPECT_NE(create_fails(bound).message.find("only for filters From SpaceMember"),
            std::string::npos);
  bound.from = "SpaceMember";
  bound.from_space_id = Uuid::parse("99999999-9999-4999-8999-999999999999");
  EXPECT_NE(create_fails(bound).message.find("is not a space of this organization"),
            std::string::npos);
  bound.from_space_id = space_.space_id;
  EXPECT_TRUE(directory_->create_filter(owner(), org_.organization_id, bound));
  EXPECT_EQ(create_fails(bound).code, StoreErrorCode::kConflict);  // the Slug is taken
}

TEST_F(DirectoryFiltersTest, MembersReadOwnersAndAdminsWrite) {
  const CreatedUser bob = member(org_, "bob", "MEMBER");
  const CreatedUser adm = member(org_, "adm", "ADMIN");
  const Actor as_bob = Actor::user(bob.user.user_id);
  EXPECT_EQ(directory_->create_filter(as_bob, org_.organization_id, spec("b", "")).error().code,
            StoreErrorCode::kForbidden);
  const Filter saved = created(directory_->create_filter(Actor::user(adm.user.user_id),
                                                         org_.organization_id, spec("a", "")));
  EXPECT_EQ(directory_->filter(as_bob, org_.organization_id, "a")->filter_id, saved.filter_id);
  EXPECT_EQ(directory_->filter(as_bob, org_.organization_id, saved.filter_id.to_string())->slug,
            "a");
  EXPECT_EQ(directory_->filters(as_bob, org_.organization_id, {})->total, 1U);
  EXPECT_EQ(
      directory_->update_filter(as_bob, org_.organization_id, saved.filter_id, spec("a", ""), 1)
          .error()
          .code,
      StoreErrorCode::kForbidden);
  EXPECT_EQ(directory_->remove_filter(as_bob, org_.organization_id, saved.filter_id, std::nullopt)
                .error()
                .code,
            StoreErrorCode::kForbidden);
  EXPECT_EQ(directory_->filter(Actor::user(user("eve").user.user_id), org_.organization_id, "a")
                .error()
                .code,
            StoreErrorCode::kNotFound);
}

TEST_F(DirectoryFiltersTest, UpdatesAreVersionedAndKeepTheirSlugFree) {
  const Filter saved =
      created(directory_->create_filter(owner(), org_.organization_id, spec("one", "")));
  created(directory_->create_filter(owner(), org_.organization_id, spec("two", "")));
  auto changed = directory_->update_filter(owner(), org_.organization_id, saved.filter_id,
                                           spec("one", "Status = 'active'"), 1);
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(changed->version, 2);
  EXPECT_EQ(changed->created_at, saved.created_at);
  EXPECT_EQ(
      directory_->update_filter(owner(), org_.organization_id, saved.filter_id, spec("one", ""), 1)
          .error()
          .code,
      StoreErrorCode::kVersionMismatch);
  EXPECT_EQ(
      directory_->update_filter(owner(), org_.organization_id, saved.filter_id, spec("two", ""), 2)
          .error()
          .code,
      StoreErrorCode::kConflict);
  EXPECT_EQ(directory_
                ->update_filter(owner(), org_.organization_id, saved.filter_id,
                                spec("one", "Nope = 1"), 2)
                .error()
                .code,
            StoreErrorCode::kBadRequest);
  ASSERT_TRUE(directory_->remove_filter(owner(), org_.organization_id, saved.filter_id, 2));
  reopen();
  EXPECT_EQ(directory_->filter_count(), 1U);
  EXPECT_EQ(directory_->filter(owner(), org_.organization_id, "two")->where, "");
}

TEST_F(DirectoryFiltersTest, AListChecksTheFilterItApplies) {
  FilterSpec bound = spec("in-ops", "Admin = true", "SpaceMember");
  bound.from_space_id = space_.space_id;
  created(directory_->create_filter(owner(), org_.organization_id, bound));
  const Filter members =
      created(directory_->create_filter(owner(), org_.organization_id, spec("m", "")));
  EXPECT_TRUE(directory_->filter_for_list(owner(), org_.organization_id, "m", "OrganizationMember",
                                          std::nullopt));
  EXPECT_TRUE(directory_->filter_for_list(owner(), org_.organization_id, "in-ops", "SpaceMember",
                                          space_.space_id));
  EXPECT_NE(list_refuses("m", "SpaceMember", space_.space_id, org_.organization_id)
                .message.find("is From OrganizationMember, not SpaceMember"),
            std::string::npos);
  const Space other =
      created(directory_->create_space(owner(), org_.organization_id, {"Other", ""}));
  EXPECT_NE(list_refuses("in-ops", "SpaceMember", other.space_id, org_.organization_id)
                .message.find("not this space"),
            std::string::npos);
  EXPECT_NE(list_refuses("in-ops", "SpaceMember", std::nullopt, org_.organization_id)
                .message.find("not lists across spaces"),
            std::string::npos);
  EXPECT_NE(list_refuses("nope", "OrganizationMember", std::nullopt, org_.organization_id)
                .message.find("does not exist"),
            std::string::npos);
  const Organization second = organization(owner_.user);
  EXPECT_NE(list_refuses(members.filter_id.to_string(), "OrganizationMember", std::nullopt,
                         second.organization_id)
                .message.find("belongs to another organization"),
            std::string::npos);
}

}  // namespace
}  // namespace rollcall::index
