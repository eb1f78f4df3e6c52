#include "membership_rules.hpp"

#include <string>

namespace rollcall::index::detail {

namespace {

StoreError forbidden(std::string message) {
  return StoreError{StoreErrorCode::kForbidden, std::move(message)};
}

// ADMIN may manage everything but OWNER memberships.
std::optional<StoreError> check_admin_reach(Standing caller, std::string_view role,
                                            const char* what) {
  if (caller == Standing::kAdmin && role == "OWNER") {
    return forbidden(std::string("an ADMIN cannot ") + what + " an OWNER membership");
  }
  return std::nullopt;
}

}  // namespace

bool is_valid_role(std::string_view role) {
  return role == "OWNER" || role == "ADMIN" || role == "MEMBER";
}

bool is_active_owner(const OrganizationMember& member) {
  return member.role == "OWNER" && member.status == "active";
}

bool manages_members(Standing caller) {
  return caller == Standing::kOwner || caller == Standing::kAdmin ||
         caller == Standing::kServerAdmin;
}

std::optional<StoreError> check_labels(const Labels& labels) {
  for (const auto& [key, value] : labels) {
    if (key.empty()) return StoreError{StoreErrorCode::kBadRequest, "Labels: a key is empty"};
  }
  return std::nullopt;
}

std::optional<StoreError> check_settings(const MemberSettings& settings) {
  if (!is_valid_role(settings.role)) {
    return StoreError{StoreErrorCode::kBadRequest,
                      "Role must be OWNER, ADMIN or MEMBER, not '" + settings.role + "'"};
  }
  return check_labels(settings.labels);
}

std::optional<StoreError> check_invite(Standing caller, const MemberSettings& settings) {
  if (!manages_members(caller)) return forbidden("only an OWNER or ADMIN may invite members");
  return check_admin_reach(caller, settings.role, "create");
}

std::optional<StoreError> check_change(Standing caller, const OrganizationMember& target,
                                       const MemberSettings& next) {
  if (!manages_members(caller)) return forbidden("only an OWNER or ADMIN may change members");
  if (auto error = check_admin_reach(caller, target.role, "change")) return error;
  return check_admin_reach(caller, next.role, "grant");
}

std::optional<StoreError> check_remove(Standing caller, const OrganizationMember& target,
                                       bool own) {
  if (own) return std::nullopt;
  if (!manages_members(caller)) {
    return forbidden("only an OWNER or ADMIN may remove other members");
  }
  return check_admin_reach(caller, target.role, "remove");
}

std::optional<StoreError> check_keeps_owner(std::size_t active_owners,
                                            const OrganizationMember& before,
                                            const OrganizationMember* after) {
  if (!is_active_owner(before) || (after != nullptr && is_active_owner(*after))) {
    return std::nullopt;
  }
  if (active_owners > 1) return std::nullopt;
  return StoreError{StoreErrorCode::kRuleViolation,
                    "the organization's last active OWNER cannot be removed or demoted"};
}

}  // namespace rollcall::index::detail
