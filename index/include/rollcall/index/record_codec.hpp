// Compact binary encoding of the records for the write-ahead log and snapshots:
// little-endian fixed-width integers, varint (LEB128) lengths and counts, no
// padding. UUIDs are their 16 bytes and SHA-256 hashes their 32; an optional
// UUID is a 0/1 tag and, when present, the 16 bytes; a bool is one 0/1 byte.
//
// Decoding is bounds-checked everywhere: any byte string, however corrupt,
// yields either a record or an error, never a crash or an over-allocation.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "rollcall/index/entities.hpp"
#include "rollcall/index/persist_status.hpp"

namespace rollcall::persist {

using index::AccessToken;
using index::Filter;
using index::IdempotencyEntry;
using index::Organization;
using index::OrganizationMember;
using index::Space;
using index::SpaceMember;
using index::User;
using index::Uuid;

// Bumped whenever a record's encoding changes; decoders reject other versions.
inline constexpr std::uint8_t kCodecVersion = 1;

enum class EntityType : std::uint8_t {
  kOrganizationMember = 1,
  kSpaceMember = 2,
  kUser = 3,
  kOrganization = 4,
  kAccessToken = 5,
  kIdempotency = 6,
  kBatch = 7,  // several mutations applied atomically, see encode_batch
  kSpace = 8,
  kFilter = 9,
};
enum class Op : std::uint8_t { kUpsert = 1, kDelete = 2 };

const char* to_string(EntityType type) noexcept;

// The entity type a record is logged and snapshotted as.
template <class Record>
struct EntityTypeOf;
template <>
struct EntityTypeOf<OrganizationMember> {
  static constexpr EntityType value = EntityType::kOrganizationMember;
};
template <>
struct EntityTypeOf<SpaceMember> {
  static constexpr EntityType value = EntityType::kSpaceMember;
};
template <>
struct EntityTypeOf<User> {
  static constexpr EntityType value = EntityType::kUser;
};
template <>
struct EntityTypeOf<Organization> {
  static constexpr EntityType value = EntityType::kOrganization;
};
template <>
struct EntityTypeOf<AccessToken> {
  static constexpr EntityType value = EntityType::kAccessToken;
};
template <>
struct EntityTypeOf<IdempotencyEntry> {
  static constexpr EntityType value = EntityType::kIdempotency;
};
template <>
struct EntityTypeOf<Space> {
  static constexpr EntityType value = EntityType::kSpace;
};
template <>
struct EntityTypeOf<Filter> {
  static constexpr EntityType value = EntityType::kFilter;
};
template <class Record>
inline constexpr EntityType entity_type_of = EntityTypeOf<Record>::value;

// Record bodies (no version byte: the envelope or snapshot header carries it).
// encode_* append to `out`; decode_* reuse `out`'s storage and require that
// `in` holds exactly one record.
void encode_record(const OrganizationMember& record, std::string& out);
void encode_record(const SpaceMember& record, std::string& out);
void encode_record(const User& record, std::string& out);
void encode_record(const Organization& record, std::string& out);
void encode_record(const AccessToken& record, std::string& out);
void encode_record(const IdempotencyEntry& record, std::string& out);
void encode_record(const Space& record, std::string& out);
void encode_record(const Filter& record, std::string& out);
Status decode_record(std::string_view in, OrganizationMember& out);
Status decode_record(std::string_view in, SpaceMember& out);
Status decode_record(std::string_view in, User& out);
Status decode_record(std::string_view in, Organization& out);
Status decode_record(std::string_view in, AccessToken& out);
Status decode_record(std::string_view in, IdempotencyEntry& out);
Status decode_record(std::string_view in, Space& out);
Status decode_record(std::string_view in, Filter& out);

// The unit the write-ahead log stores:
//   codec version u8 | entity type u8 | op u8 | id (16 bytes) | payload
// where the payload is the encoded record for an upsert and empty for a delete.
// The id is the record's own id, except that an AccessToken carries its
// user_id and an IdempotencyEntry the all-zero UUID (both are keyed by hashes).
// A batch is an upsert with the zero id whose payload is
//   varint count | (varint length | mutation)*
// and never holds another batch. The view points into the decoded bytes.
struct MutationView {
  EntityType entity = EntityType::kOrganizationMember;
  Op op = Op::kUpsert;
  Uuid id;
  std::string_view payload;
};

void encode_upsert(const OrganizationMember& record, std::string& out);
void encode_upsert(const SpaceMember& record, std::string& out);
void encode_upsert(const User& record, std::string& out);
void encode_upsert(const Organization& record, std::string& out);
void encode_upsert(const AccessToken& record, std::string& out);
void encode_upsert(const IdempotencyEntry& record, std::string& out);
void encode_upsert(const Space& record, std::string& out);
void encode_upsert(const Filter& record, std::string& out);
void encode_delete(EntityType entity, const Uuid& id, std::string& out);
void encode_batch(std::span<const std::string> mutations, std::string& out);
Result<MutationView> decode_mutation(std::string_view in);

// Calls `fn` on each mutation of a batch's payload, in order, after checking
// the whole batch is well framed and holds no batch, so that a damaged batch
// fails before `fn` sees any of it. Stops at the first error `fn` returns.
Status for_each_in_batch(std::string_view payload,
                         const std::function<Status(std::string_view mutation)>& fn);

}  // namespace rollcall::persist
