// The API's JSON encoding of the built-in entities (PascalCase names).
#pragma once

#include <cstdint>
#include <span>
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

// The same, filling and type-checking only the members named in `only` (the
// rest of the line must still be valid JSON). For filters that read a few
// attributes of wide records.
std::string decode_json(std::string_view json, OrganizationMember& out,
                        std::span<const std::string> only);
std::string decode_json(std::string_view json, SpaceMember& out, std::span<const std::string> only);

// Appends the record as one line-free JSON object.
void encode_json(const OrganizationMember& record, std::string& out);
void encode_json(const SpaceMember& record, std::string& out);
void encode_json(const User& record, std::string& out);
void encode_json(const Organization& record, std::string& out);
void encode_json(const Space& record, std::string& out);
void encode_json(const Filter& record, std::string& out);

// A subset of an OrganizationMember's or SpaceMember's JSON members: one bit
// per member.
using FieldMask = std::uint32_t;
inline constexpr FieldMask kAllFields = ~FieldMask{0};
// The bit of the member `name`, or 0 when there is no such member.
FieldMask organization_member_field(std::string_view name);
void encode_json(const OrganizationMember& record, std::string& out, FieldMask fields);
FieldMask space_member_field(std::string_view name);
void encode_json(const SpaceMember& record, std::string& out, FieldMask fields);

}  // namespace rollcall::index
