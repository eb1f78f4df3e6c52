#include "rollcall/index/schemas.hpp"

namespace rollcall::index {
namespace {

using filter::SchemaBuilder;

// Attributes both member entities have, under the same names.
template <class R>
SchemaBuilder<R>& add_user(SchemaBuilder<R>& builder) {
  return builder.uuid("UserID", [](const R& r) { return r.user_id; })
      .string("Username", [](const R& r) -> std::string_view { return r.username; })
      .string("Email", [](const R& r) -> std::string_view { return r.email; })
      .string("DisplayName", [](const R& r) -> std::string_view { return r.display_name; });
}

template <class R>
SchemaBuilder<R>& add_grants(SchemaBuilder<R>& builder) {
  return builder
      .uuid_array(
          "RoleIDs", [](const R& r) -> const auto& { return r.role_ids; })
      .string_map(
          "Labels", [](const R& r) -> const auto& { return r.labels; });
}

template <class R>
SchemaBuilder<R>& add_history(SchemaBuilder<R>& builder) {
  return builder.time("CreatedAt", [](const R& r) { return r.created_at; })
      .uuid("CreatedBy", [](const R& r) { return r.created_by; })
      .time("UpdatedAt", [](const R& r) { return r.updated_at; })
      .uuid("UpdatedBy", [](const R& r) { return r.updated_by; })
      .integer("Version", [](const R& r) { return r.version; });
}

filter::Schema build_organization_member_schema() {
  using R = OrganizationMember;
  SchemaBuilder<R> builder("OrganizationMember");
  builder.uuid("OrganizationMemberID", [](const R& r) { return r.organization_member_id; })
      .uuid("OrganizationID", [](const R& r) { return r.organization_id; });
  add_user(builder)
      .string("Slug", [](const R& r) -> std::string_view { return r.slug; })
      .string("ExternalID", [](const R& r) -> std::string_view { return r.external_id; })
      .string("ExternalOrganizationID",
              [](const R& r) -> std::string_view { return r.external_organization_id; })
      .string("ProfilePictureURL",
              [](const R& r) -> std::string_view { return r.profile_picture_url; })
      .string("Role", [](const R& r) -> const std::string& { return r.role; })
      .string("Status", [](const R& r) -> const std::string& { return r.status; });
  add_grants(builder)
      .boolean("RequiredSSOAuth", [](const R& r) { return r.required_sso_auth; })
      .boolean("RequiredMFAAuth", [](const R& r) { return r.required_mfa_auth; });
  return add_history(builder).build();
}

filter::Schema build_space_member_schema() {
  using R = SpaceMember;
  SchemaBuilder<R> builder("SpaceMember");
  builder.uuid("SpaceMemberID", [](const R& r) { return r.space_member_id; })
      .uuid("SpaceID", [](const R& r) { return r.space_id; })
      .uuid("OrganizationID", [](const R& r) { return r.organization_id; })
      .uuid("OrganizationMemberID", [](const R& r) { return r.organization_member_id; });
  add_user(builder).boolean("Admin", [](const R& r) { return r.admin; });
  add_grants(builder);
  return add_history(builder).build();
}

}  // namespace

const filter::Schema& organization_member_schema() {
  static const filter::Schema schema = build_organization_member_schema();
  return schema;
}

const filter::Schema& space_member_schema() {
  static const filter::Schema schema = build_space_member_schema();
  return schema;
}

const filter::Schema* schema_for_entity(std::string_view entity) {
  if (entity == "OrganizationMember") return &organization_member_schema();
  if (entity == "SpaceMember") return &space_member_schema();
  return nullptr;
}

}  // namespace rollcall::index
