// Directory: spaces and space memberships.
#include <algorithm>

#include "directory_state.hpp"
#include "membership_rules.hpp"
#include "small_page.hpp"

namespace rollcall::index {

using detail::error;
using detail::Mutation;
using detail::not_found;
using detail::now;
using detail::random_uuid;
using persist::EntityType;

namespace {

bool manages_space_members(SpaceStanding standing) {
  return standing == SpaceStanding::kOrgAdmin || standing == SpaceStanding::kSpaceAdmin;
}

StoreError may_not(std::string_view what) {
  std::string message = "only the organization's OWNER or ADMIN or the space's admins may ";
  return error(StoreErrorCode::kForbidden, message.append(what));
}

// A space membership with the fields the caller may see.
Seen<SpaceMemberPtr> seen_by(const SpaceAccess& access, SpaceMemberPtr member) {
  return {std::move(member), index::space_member_view(access.organization_standing).fields};
}

void apply_settings(SpaceMember& member, SpaceMemberSettings settings) {
  std::sort(settings.labels.begin(), settings.labels.end());
  member.admin = settings.admin;
  member.role_ids = std::move(settings.role_ids);
  member.labels = std::move(settings.labels);
}

}  // namespace

DirectoryResult<Created<Space>> Directory::create_space(const Actor& actor,
                                                        const Uuid& organization_id, NewSpace input,
                                                        const IdempotentCreate<Space>* idempotent) {
  if (input.display_name.empty()) {
    return error(StoreErrorCode::kBadRequest, "DisplayName is required");
  }
  std::unique_lock guard(state_->writer);
  if (auto refused = detail::check_manager(*this, actor, organization_id, "create spaces")) {
    return *refused;
  }
  if (auto repeat = state_->replay<Space>(idempotent)) return *repeat;
  if (!input.slug.empty()) {
    std::shared_lock read(state_->tables);
    for (const auto& [id, other] : state_->spaces) {
      if (other.organization_id == organization_id && other.slug == input.slug) {
        return error(StoreErrorCode::kConflict, "Slug '" + input.slug + "' is taken");
      }
    }
  }
  Space space;
  space.space_id = random_uuid();
  space.organization_id = organization_id;
  space.slug = std::move(input.slug);
  space.display_name = std::move(input.display_name);
  space.created_at = space.updated_at = now();
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(space));
  State::remember(mutations, idempotent, space);
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return Created<Space>(std::move(space));
}

DirectoryResult<Page<Space>> Directory::spaces(const Actor& actor, const Uuid& organization_id,
                                               const PageRequest& page) const {
  return state_->organization_page(state_->spaces, "spaces", actor, organization_id, page,
                                   [](const Space& s) { return s.space_id; });
}

DirectoryResult<SpaceAccess> Directory::space_access(const Actor& actor,
                                                     const Uuid& space_id) const {
  std::shared_lock read(state_->tables);
  auto found = state_->spaces.find(space_id);
  if (found == state_->spaces.end()) return not_found("Space", space_id);
  SpaceAccess access;
  access.space = found->second;
  access.organization_standing = state_->standing_locked(actor, access.space.organization_id);
  access.standing =
      state_->space_standing_locked(actor, access.space, access.organization_standing);
  if (access.standing == SpaceStanding::kNone) return not_found("Space", space_id);
  return access;
}

const SpaceMemberStore& Directory::space_members() const { return state_->space_store; }

std::size_t Directory::space_count() const {
  std::shared_lock read(state_->tables);
  return state_->spaces.size();
}

DirectoryResult<Created<Seen<SpaceMemberPtr>>> Directory::add_space_member(
    const Actor& actor, const Uuid& space_id, SpaceInvitation invitation,
    const IdempotentCreate<Seen<SpaceMemberPtr>>* idempotent) {
  if (invitation.email.empty()) return error(StoreErrorCode::kBadRequest, "Email is required");
  if (auto bad = detail::check_labels(invitation.settings.labels)) return *bad;
  std::unique_lock guard(state_->writer);
  auto access = space_access(actor, space_id);
  if (!access) return access.error();
  if (!manages_space_members(access->standing)) return may_not("add space members");
  if (auto repeat = state_->replay<Seen<SpaceMemberPtr>>(idempotent)) return *repeat;
  MemberPtr member;
  {
    std::shared_lock read(state_->tables);
    // An organization MEMBER (a space admin) may not learn of pending ones.
    const bool sees_pending = access->organization_standing != Standing::kMember;
    for (MemberPtr& candidate : state_->store.find_by_email(invitation.email)) {
      if (candidate->organization_id == access->space.organization_id &&
          (sees_pending || candidate->status == "active")) {
        member = candidate;
      }
    }
  }
  if (!member) {
    return error(StoreErrorCode::kRuleViolation,
                 "no membership of the organization has Email '" + invitation.email + "'");
  }
  if (state_->space_store.find_in_space(space_id, member->organization_member_id)) {
    return error(StoreErrorCode::kConflict,
                 "Email '" + invitation.email + "' is already a member of the space");
  }
  SpaceMember added;
  added.space_member_id = random_uuid();
  added.space_id = space_id;
  added.organization_id = member->organization_id;
  added.organization_member_id = member->organization_member_id;
  detail::copy_user_fields(*member, added);
  apply_settings(added, std::move(invitation.settings));
  added.created_at = added.updated_at = now();
  added.created_by = added.updated_by = actor.user_id;
  const Seen<SpaceMemberPtr> written = seen_by(*access, std::make_shared<const SpaceMember>(added));
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(std::move(added)));
  State::remember(mutations, idempotent, written);
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return Created<Seen<SpaceMemberPtr>>(written);
}

namespace {

// The space member `id` of the space as the caller may see it, or 404. (An
// organization member outside the space is refused before any lookup, so that
// 403 and 404 tell them nothing of its members.)
DirectoryResult<SpaceMemberPtr> member_of_space(const SpaceMemberStore& store,
                                                const SpaceAccess& access, const Uuid& id) {
  SpaceMemberPtr member = store.find(id);
  const bool in_space = member && member->space_id == access.space.space_id;
  return detail::shown(std::move(member), in_space,
                       index::space_member_view(access.organization_standing), "SpaceMember", id);
}

}  // namespace

DirectoryResult<Seen<SpaceMemberPtr>> Directory::update_space_member(
    const Actor& actor, const Uuid& space_id, const Uuid& space_member_id,
    SpaceMemberSettings settings, std::int64_t expected_version) {
  if (auto bad = detail::check_labels(settings.labels)) return *bad;
  std::unique_lock guard(state_->writer);
  auto access = space_access(actor, space_id);
  if (!access) return access.error();
  if (access->standing == SpaceStanding::kOrgMember) return may_not("change space members");
  auto current = member_of_space(state_->space_store, *access, space_member_id);
  if (!current) return current.error();
  if (!manages_space_members(access->standing)) return may_not("change space members");
  if (auto stale = detail::check_version(**current, expected_version)) return *stale;
  SpaceMember next = detail::next_version(**current, actor);
  apply_settings(next, std::move(settings));
  const Seen<SpaceMemberPtr> written = seen_by(*access, std::make_shared<const SpaceMember>(next));
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(std::move(next)));
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return written;
}

DirectoryResult<std::monostate> Directory::remove_space_member(
    const Actor& actor, const Uuid& space_id, const Uuid& space_member_id,
    std::optional<std::int64_t> expected_version) {
  std::unique_lock guard(state_->writer);
  auto access = space_access(actor, space_id);
  if (!access) return access.error();
  if (access->standing == SpaceStanding::kOrgMember) return may_not("remove space members");
  auto current = member_of_space(state_->space_store, *access, space_member_id);
  if (!current) return current.error();
  const bool own = actor.user_id && (*current)->user_id == actor.user_id;
  if (!own && !manages_space_members(access->standing)) return may_not("remove space members");
  if (auto stale = detail::check_version(**current, expected_version)) return *stale;
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::erase(EntityType::kSpaceMember, space_member_id));
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return std::monostate{};
}

}  // namespace rollcall::index
