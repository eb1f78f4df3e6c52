// A Directory write as the log stores it: an upsert of one record or the
// erasure of one ID. A write of several mutations is logged as one batch.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rollcall/index/entities.hpp"
#include "rollcall/index/persist_status.hpp"
#include "rollcall/index/record_codec.hpp"

namespace rollcall::index::detail {

using AnyRecord = std::variant<User, Organization, AccessToken, IdempotencyEntry,
                               OrganizationMember, Space, SpaceMember, Filter>;

struct Mutation {
  persist::EntityType entity = persist::EntityType::kOrganizationMember;
  Uuid id;                          // of the erased record (upserts carry their own)
  std::optional<AnyRecord> upsert;  // none: erase `id`

  static Mutation put(AnyRecord record);
  static Mutation erase(persist::EntityType entity, const Uuid& id);
};

// One log record for all of `mutations`.
std::string encode_mutations(const std::vector<Mutation>& mutations);
// The mutations of one log record, in order.
persist::Result<std::vector<Mutation>> decode_mutations(std::string_view payload);

}  // namespace rollcall::index::detail
