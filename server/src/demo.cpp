#include "demo.hpp"

#include "datagen.hpp"

namespace rollcall::server {

namespace {

constexpr std::size_t kBigOrganization = 100000;
constexpr std::size_t kSmallMembers = 4000;  // over 5 small organizations
constexpr const char* kDemoUser = "demo";

index::OrganizationMember owner_of(const index::Organization& org, const index::User& user) {
  index::OrganizationMember owner;
  owner.organization_member_id = index::Uuid::parse("00000000-0000-4000-8000-00000000de01").value();
  owner.organization_id = org.organization_id;
  owner.user_id = user.user_id;
  owner.username = user.username;
  owner.email = user.email;
  owner.display_name = user.display_name;
  owner.role = "OWNER";
  owner.status = "active";
  owner.created_at = owner.updated_at = user.created_at;
  return owner;
}

}  // namespace

index::DirectoryResult<DemoData> fill_demo(index::Directory& directory) {
  const bench::MemberGenerator generator({.members = kBigOrganization + kSmallMembers,
                                          .organizations = 6,
                                          .seed = 2026,
                                          .big_org_share = static_cast<double>(kBigOrganization) /
                                                           (kBigOrganization + kSmallMembers)});
  const index::Uuid big = generator.big_organization_id();
  if (directory.members().size() == 0) {
    std::vector<index::OrganizationMember> members;
    members.reserve(kBigOrganization + kSmallMembers);
    for (std::size_t i = 0; i < kBigOrganization + kSmallMembers; ++i) {
      members.push_back(generator.member(i));
    }
    if (auto failed = directory.import_members(std::move(members))) return failed->error;
    auto user =
        directory.create_user({kDemoUser, "demo@rollcall.example", "Demo Owner", "demo", "", ""});
    if (!user) return user.error();
    if (auto failed =
            directory.import_members({owner_of(*directory.find_organization(big), user->user)})) {
      return failed->error;
    }
    return DemoData{*directory.find_organization(big), user->token};
  }
  const auto owner =
      directory.members().find(index::Uuid::parse("00000000-0000-4000-8000-00000000de01").value());
  if (!owner || !owner->user_id) {
    return index::StoreError{index::StoreErrorCode::kConflict,
                             "--demo needs an empty data dir or one --demo filled"};
  }
  auto token = directory.issue_token(*owner->user_id);
  if (!token) return token.error();
  return DemoData{*directory.find_organization(big), *token};
}

}  // namespace rollcall::server
