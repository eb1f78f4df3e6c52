// The `where` schemas of the built-in entities, defined with the public
// SchemaBuilder like any embedder's schema.
#pragma once

#include "rollcall/filter/schema.hpp"
#include "rollcall/index/entities.hpp"

namespace rollcall::index {

const filter::Schema& organization_member_schema();
const filter::Schema& space_member_schema();

// The schema for an entity name ("OrganizationMember", "SpaceMember"), or null.
const filter::Schema* schema_for_entity(std::string_view entity);

}  // namespace rollcall::index
