// The records rollcall serves, as the API encodes them (PascalCase JSON).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rollcall/filter/values.hpp"
#include "rollcall/index/interned.hpp"
#include "rollcall/index/text.hpp"

namespace rollcall::index {

using filter::Timestamp;
using filter::Uuid;

// A string map kept sorted by key (labels are few; a vector beats a tree).
using Labels = std::vector<std::pair<std::string, std::string>>;

// What records repeat, held once per distinct value (interned.hpp).
using SharedLabels = Interned<Labels>;
using SharedRoleIds = Interned<std::vector<Uuid>>;
using SharedText = Interned<std::string>;

// Fields are ordered to pack (the 17-byte optional IDs and the flags last);
// json.cpp and the record codec name them in the API's order.
struct OrganizationMember {
  Uuid organization_member_id;
  Uuid organization_id;
  Text username;
  Text email;
  Text display_name;
  Text slug;
  Text external_id;
  Text external_organization_id;
  Text profile_picture_url;
  SharedText role;    // OWNER | ADMIN | MEMBER
  SharedText status;  // pending | active
  SharedRoleIds role_ids;
  SharedLabels labels;
  Timestamp created_at;
  Timestamp updated_at;
  std::int64_t version = 1;
  std::optional<Uuid> user_id;  // null while an invitation is unanswered
  std::optional<Uuid> created_by;
  std::optional<Uuid> updated_by;
  bool required_sso_auth = false;
  bool required_mfa_auth = false;
};

struct SpaceMember {
  Uuid space_member_id;
  Uuid space_id;
  Uuid organization_id;
  Uuid organization_member_id;
  Text username;
  Text email;
  Text display_name;
  SharedRoleIds role_ids;
  SharedLabels labels;
  Timestamp created_at;
  Timestamp updated_at;
  std::int64_t version = 1;
  std::optional<Uuid> user_id;
  std::optional<Uuid> created_by;
  std::optional<Uuid> updated_by;
  bool admin = false;
};

struct User {
  Uuid user_id;
  Text username;
  Text email;
  Text display_name;
  Text slug;
  Text external_id;
  Text profile_picture_url;
  Timestamp created_at;
  Timestamp updated_at;
};

struct Organization {
  Uuid organization_id;
  std::string slug;
  std::string display_name;
  std::string external_organization_id;
  Timestamp created_at;
  Timestamp updated_at;
  std::int64_t version = 1;
};

struct Space {
  Uuid space_id;
  Uuid organization_id;
  std::string slug;
  std::string display_name;
  Timestamp created_at;
  Timestamp updated_at;
  std::int64_t version = 1;
};

// A saved `where`: compiled when saved, applied by lists that name it.
struct Filter {
  Uuid filter_id;
  Uuid organization_id;
  std::string slug;
  std::string display_name;
  std::string from;                   // OrganizationMember | SpaceMember
  std::optional<Uuid> from_space_id;  // only for SpaceMember: that space's lists
  std::string where;
  Timestamp created_at;
  Timestamp updated_at;
  std::int64_t version = 1;
};

// A user's API token, kept only as the SHA-256 of its text.
struct AccessToken {
  std::array<std::uint8_t, 32> hash{};
  Uuid user_id;
  Timestamp created_at;
};

// The first answer to a create request made with an Idempotency-Key. `scope`
// names the caller, the route and the key; `request_hash` is the SHA-256 of
// the request body, so a reuse with another body can be told apart.
struct IdempotencyEntry {
  std::string scope;
  std::array<std::uint8_t, 32> request_hash{};
  std::int32_t status = 0;
  std::string response_body;
  Timestamp created_at;
};

}  // namespace rollcall::index
