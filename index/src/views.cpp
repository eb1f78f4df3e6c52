#include "rollcall/index/views.hpp"

#include <array>
#include <span>

#include "rollcall/index/directory.hpp"
#include "rollcall/index/schemas.hpp"

namespace rollcall::index {

namespace {

constexpr std::array<std::string_view, 10> kOrganizationMemberVisible = {
    "OrganizationMemberID", "OrganizationID", "UserID", "Username", "DisplayName", "Slug",
    "ProfilePictureURL",    "Role",           "Status", "CreatedAt"};

constexpr std::array<std::string_view, 9> kSpaceMemberVisible = {
    "SpaceMemberID", "SpaceID", "OrganizationID", "OrganizationMemberID", "UserID", "Username",
    "DisplayName",   "Admin",   "CreatedAt"};

// `full` seen through a scope: only `visible` attributes, only records `scope` matches.
View restrict(const View& full, std::span<const std::string_view> visible, std::string_view scope) {
  View view{full.schema.restricted_to(visible), 0, full.field_bit, full.id_field, {}};
  for (std::string_view name : visible) view.fields |= full.field_bit(name);
  view.scope = *filter::compile_where(scope, view.schema);
  return view;
}

}  // namespace

const View& organization_member_view(Standing standing) {
  static const View full{organization_member_schema(),
                         kAllFields,
                         &organization_member_field,
                         "OrganizationMemberID",
                         {}};
  static const View scoped = restrict(full, kOrganizationMemberVisible, "Status = 'active'");
  return standing == Standing::kMember ? scoped : full;
}

const View& space_member_view(Standing organization_standing) {
  static const View full{
      space_member_schema(), kAllFields, &space_member_field, "SpaceMemberID", {}};
  static const View scoped = restrict(full, kSpaceMemberVisible, "UserID IS NOT NULL");
  return organization_standing == Standing::kMember ? scoped : full;
}

}  // namespace rollcall::index
