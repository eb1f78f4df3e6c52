// The API's JSON encoding of the built-in entities (PascalCase names).
#pragma once

#include <string>
#include <string_view>

#include "rollcall/index/entities.hpp"

namespace rollcall::index {

// Decodes one JSON object into `out`, reusing its storage (decode many records
// into one object without allocating). Unknown members are ignored; absent ones
// take their zero value (null for nullable IDs). Returns "" on success, else
// what is wrong (a member of the wrong type, malformed uuid or time, bad JSON).
std::string decode_json(std::string_view json, OrganizationMember& out);
std::string decode_json(std::string_view json, SpaceMember& out);

// Appends the record as one line-free JSON object.
void encode_json(const OrganizationMember& record, std::string& out);
void encode_json(const SpaceMember& record, std::string& out);

}  // namespace rollcall::index
