#include "demo.hpp"

#include <array>
#include <optional>

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

struct DemoSpace {
  const char* display_name;
  const char* slug;
  std::size_t members;
};
constexpr std::array<DemoSpace, 3> kSpaces = {
    {{"Platform", "platform", 150}, {"Data", "data", 100}, {"Security", "security", 50}}};

// Adds the big organization's members, in generation order, from `next` on;
// every 25th is a space admin. Answers where it stopped.
index::DirectoryResult<std::size_t> add_space_members(index::Directory& directory,
                                                      const index::Space& space,
                                                      const bench::MemberGenerator& generator,
                                                      std::size_t next, std::size_t count) {
  for (std::size_t added = 0; added < count; ++next) {
    const index::OrganizationMember member = generator.member(next);
    if (member.organization_id != space.organization_id) continue;
    index::SpaceInvitation invitation{member.email.str(),
                                      {added % 25 == 0, {}, {{"seat", space.slug}}}};
    auto result = directory.add_space_member(index::Actor::admin(), space.space_id, invitation);
    // Generated emails may repeat: the same membership is already in the space.
    if (!result && result.error().code != index::StoreErrorCode::kConflict) return result.error();
    ++added;
  }
  return next;
}

// A few spaces of the big organization with members, and two saved filters.
std::optional<index::StoreError> add_spaces_and_filters(index::Directory& directory,
                                                        const index::Uuid& big,
                                                        const bench::MemberGenerator& generator) {
  const index::Actor admin = index::Actor::admin();
  std::optional<index::Uuid> first_space;
  std::size_t next = 0;
  for (const DemoSpace& demo : kSpaces) {
    auto created = directory.create_space(admin, big, {demo.display_name, demo.slug});
    if (!created) return created.error();
    const auto& space = std::get<index::Space>(*created);
    if (!first_space) first_space = space.space_id;
    auto stopped = add_space_members(directory, space, generator, next, demo.members);
    if (!stopped) return stopped.error();
    next = *stopped;
  }
  for (index::FilterSpec spec :
       {index::FilterSpec{"admins", "Admins", "OrganizationMember", std::nullopt, "Role = 'ADMIN'"},
        index::FilterSpec{"platform-admins", "Platform space admins", "SpaceMember", first_space,
                          "Admin = true"}}) {
    if (auto made = directory.create_filter(admin, big, std::move(spec)); !made) {
      return made.error();
    }
  }
  return std::nullopt;
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
    auto created =
        directory.create_user({kDemoUser, "demo@rollcall.example", "Demo Owner", "demo", "", ""});
    if (!created) return created.error();
    const auto& user = std::get<index::CreatedUser>(*created);
    if (auto failed =
            directory.import_members({owner_of(*directory.find_organization(big), user.user)})) {
      return failed->error;
    }
    if (auto failed = add_spaces_and_filters(directory, big, generator)) return *failed;
    return DemoData{*directory.find_organization(big), user.token};
  }
  const auto owner =
      directory.members().find(index::Uuid::parse("00000000-0000-4000-8000-00000000de01").value());
  if (!owner || !owner->user_id) {
    return index::StoreError{index::StoreErrorCode::kConflict,
                             "--demo needs an empty data dir or one --demo filled"};
  }
  auto token = directory.issue_token(*owner->user_id);
  if (!token) return token.error();
  return DemoData{*directory.find_organization(big), std::get<std::string>(*token)};
}

}  // namespace rollcall::server
