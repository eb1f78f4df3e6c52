// Who may do what to an organization membership. Pure functions over the
// caller's standing and the records, so the Directory can check them in the
// critical section of each write and tests can check them alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rollcall/index/directory.hpp"

namespace rollcall::index::detail {

bool is_valid_role(std::string_view role);
// OWNER, ADMIN or the server admin: who manages members, spaces and filters.
bool manages_members(Standing caller);
// kBadRequest for a label with an empty key.
std::optional<StoreError> check_labels(const Labels& labels);
bool is_active_owner(const OrganizationMember& member);

// kBadRequest for a role that is not OWNER, ADMIN or MEMBER, or a label with an empty key.
std::optional<StoreError> check_settings(const MemberSettings& settings);
std::optional<StoreError> check_invite(Standing caller, const MemberSettings& settings);
std::optional<StoreError> check_change(Standing caller, const OrganizationMember& target,
                                       const MemberSettings& next);
// `own`: the caller's own membership (anyone may leave).
std::optional<StoreError> check_remove(Standing caller, const OrganizationMember& target, bool own);
// kRuleViolation when `before` is the organization's only active OWNER and
// `after` (null: removed) is not one.
std::optional<StoreError> check_keeps_owner(std::size_t active_owners,
                                            const OrganizationMember& before,
                                            const OrganizationMember* after);

// kVersionMismatch when If-Match names another Version (any versioned record).
template <class Record>
std::optional<StoreError> check_version(const Record& current,
                                        std::optional<std::int64_t> expected) {
  if (!expected || *expected == current.version) return std::nullopt;
  std::string message = "Version is ";
  message.append(std::to_string(current.version))
      .append(", not ")
      .append(std::to_string(*expected));
  return StoreError{StoreErrorCode::kVersionMismatch, std::move(message)};
}

}  // namespace rollcall::index::detail
