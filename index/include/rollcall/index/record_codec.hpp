// Compact binary encoding of the records for the write-ahead log and snapshots:
// little-endian fixed-width integers, varint (LEB128) lengths and counts, no
// padding. UUIDs are their 16 bytes; an optional UUID is a 0/1 tag and, when
// present, the 16 bytes; a bool is one 0/1 byte.
//
// Decoding is bounds-checked everywhere: any byte string, however corrupt,
// yields either a record or an error, never a crash or an over-allocation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rollcall/index/entities.hpp"
#include "rollcall/index/persist_status.hpp"

namespace rollcall::persist {

using index::OrganizationMember;
using index::SpaceMember;
using index::Uuid;

// Bumped whenever a record's encoding changes; decoders reject other versions.
inline constexpr std::uint8_t kCodecVersion = 1;

enum class EntityType : std::uint8_t { kOrganizationMember = 1, kSpaceMember = 2 };
enum class Op : std::uint8_t { kUpsert = 1, kDelete = 2 };

const char* to_string(EntityType type) noexcept;

// Record bodies (no version byte: the envelope or snapshot header carries it).
// encode_* append to `out`; decode_* reuse `out`'s storage and require that
// `in` holds exactly one record.
void encode_record(const OrganizationMember& record, std::string& out);
void encode_record(const SpaceMember& record, std::string& out);
Status decode_record(std::string_view in, OrganizationMember& out);
Status decode_record(std::string_view in, SpaceMember& out);

// The unit the write-ahead log stores:
//   codec version u8 | entity type u8 | op u8 | id (16 bytes) | payload
// where the payload is the encoded record for an upsert and empty for a delete.
// The view points into the decoded bytes.
struct MutationView {
  EntityType entity = EntityType::kOrganizationMember;
  Op op = Op::kUpsert;
  Uuid id;
  std::string_view payload;
};

void encode_upsert(const OrganizationMember& record, std::string& out);
void encode_upsert(const SpaceMember& record, std::string& out);
void encode_delete(EntityType entity, const Uuid& id, std::string& out);
Result<MutationView> decode_mutation(std::string_view in);

}  // namespace rollcall::persist
