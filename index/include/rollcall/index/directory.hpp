// Directory: everything the service serves — users and their tokens,
// organizations, organization memberships, idempotent answers — durable
// (write-ahead log + snapshots) and guarded by the rules that must hold under
// concurrency. Every write checks its rules, logs and applies its mutations in
// one critical section, so no caller can break them; it returns once the log
// is on disk. Reads never wait for the disk.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rollcall/filter/error.hpp"
#include "rollcall/index/entities.hpp"
#include "rollcall/index/member_store.hpp"
#include "rollcall/index/recovery.hpp"
#include "rollcall/index/space_member_store.hpp"
#include "rollcall/index/views.hpp"

namespace rollcall::index {

namespace detail {
struct Mutation;
}

template <class T>
using DirectoryResult = filter::Result<T, StoreError>;

// Who is asking: a user, or the server's admin token (no user).
struct Actor {
  std::optional<Uuid> user_id;

  static Actor admin() { return {}; }
  static Actor user(const Uuid& id) { return Actor{id}; }
  bool is_admin() const { return !user_id; }
};

// The caller's standing in an organization.
enum class Standing : std::uint8_t { kNone, kMember, kAdmin, kOwner, kServerAdmin };

// Fills `bytes` with cryptographically secure random bytes; false when it
// cannot. The default is OpenSSL's RAND_bytes.
using RandomSource = bool (*)(std::uint8_t* bytes, std::size_t size);
bool system_random(std::uint8_t* bytes, std::size_t size);

struct DirectoryOptions {
  std::string token_key;  // page tokens; see OrganizationMemberStore
  persist::WalOptions wal;
  std::size_t keep_snapshots = 2;
  // A background snapshot starts after this many logged writes (0: never).
  std::uint64_t snapshot_every_writes = 100000;
  std::chrono::seconds idempotency_retention{24 * 3600};
  // Expired idempotent answers are dropped from memory after this many new
  // answers (0 is taken as 1) and left out of snapshots; until then they only
  // take memory (they are never answered).
  std::size_t idempotency_prune_every = 4096;
  // The largest ListSpec::limit of a member or space-member list (at least 1).
  std::size_t max_list_limit = 1000;
  PageWalkOptions page_walks;            // how far back a walk through list pages may resume
  RandomSource random = &system_random;  // API tokens; a failure refuses the token (503)
};

struct NewUser {
  std::string username;
  std::string email;
  std::string display_name;
  std::string slug;
  std::string external_id;
  std::string profile_picture_url;
};

struct CreatedUser {
  User user;
  std::string token;  // shown once; only its SHA-256 is kept
};

struct NewOrganization {
  std::string display_name;
  std::string slug;
  std::string external_organization_id;
};

// The fields of a membership an OWNER or ADMIN may set.
struct MemberSettings {
  std::string role = "MEMBER";
  Labels labels;
  std::vector<Uuid> role_ids;
  bool required_sso_auth = false;
  bool required_mfa_auth = false;
};

struct Invitation {
  std::string email;
  MemberSettings settings;
};

// A repeat of an idempotent request: the first answer.
struct StoredAnswer {
  std::int32_t status = 0;
  std::string body;
};

// An Idempotency-Key on a create: `scope` names caller, route and key;
// `request_hash` is the SHA-256 of the request body. `render` makes, from the
// record created, the answer a repeat of the same request gets back; it is
// stored with the record in the same logged write (so it must hold no secret:
// a token is stored only as its hash). A repeat with another body is 422.
template <class T>
struct IdempotentCreate {
  std::string scope;
  std::array<std::uint8_t, 32> request_hash{};
  std::function<StoredAnswer(const T&)> render;
};

// What a create answers: the record it made, or the stored first answer to
// the same Idempotency-Key.
template <class T>
using Created = std::variant<T, StoredAnswer>;

// A page of a small list (organizations, the caller's memberships).
template <class T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;
  std::uint64_t total = 0;  // items on all pages
};

struct PageRequest {
  std::size_t limit = 10;
  std::string page_token;
  bool reverse = false;
};

struct NewSpace {
  std::string display_name;
  std::string slug;  // unique in the organization when not empty
};

// The fields of a space membership an OWNER, ADMIN or space admin may set.
struct SpaceMemberSettings {
  bool admin = false;
  std::vector<Uuid> role_ids;
  Labels labels;
};

// Adds the organization membership with this Email (case-insensitively,
// pending ones too) to a space.
struct SpaceInvitation {
  std::string email;
  SpaceMemberSettings settings;
};

// What the caller may do in a space.
enum class SpaceStanding : std::uint8_t {
  kNone,         // not a member of the organization, or no such space: 404
  kOrgMember,    // an organization member outside the space: 403
  kSpaceMember,  // reads the space's members
  kSpaceAdmin,   // also adds, changes and removes them
  kOrgAdmin,     // OWNER, ADMIN or the server admin: everything
};

struct SpaceAccess {
  Space space;
  SpaceStanding standing = SpaceStanding::kNone;
  Standing organization_standing = Standing::kNone;
};

// A saved filter as written by a client. `where` is compiled against the
// schema of `from` when saved.
struct FilterSpec {
  std::string slug;  // required; unique in the organization
  std::string display_name;
  std::string from = "OrganizationMember";  // or SpaceMember
  std::optional<Uuid> from_space_id;        // SpaceMember only; a space of the organization
  std::string where;
};

// Whose space memberships a read is of: one space's (for the space's readers:
// its members and the organization's OWNER and ADMIN) or every space's of an
// organization (for its OWNER and ADMIN).
struct SpaceScope {
  std::optional<Uuid> space_id;
  std::optional<Uuid> organization_id;

  static SpaceScope space(const Uuid& id) { return {id, std::nullopt}; }
  static SpaceScope organization(const Uuid& id) { return {std::nullopt, id}; }
};

// How a list through the caller's view would run. For a scoped view,
// estimated_rows is the exact count of the matches the caller may see, and
// the access path and residual are empty: the planner chooses them by counts
// that include hidden records.
struct ListPlan {
  Explanation explanation;
  bool scoped = false;
};

class Directory {
 public:
  // Locks `data_dir`, loads the newest valid snapshot, replays the log.
  static persist::Result<std::unique_ptr<Directory>> open(const std::string& data_dir,
                                                          const DirectoryOptions& options = {});
  ~Directory();  // waits for a background snapshot, then syncs the log
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  const Recovery& recovery() const;

  // Users and tokens. Username and Email (case-insensitively) are unique.
  DirectoryResult<Created<CreatedUser>> create_user(
      NewUser user, const IdempotentCreate<CreatedUser>* idempotent = nullptr);
  // `render` sees the new token but must not store it (see IdempotentCreate).
  DirectoryResult<Created<std::string>> issue_token(
      const Uuid& user_id, const IdempotentCreate<std::string>* idempotent = nullptr);
  // The user a token belongs to.
  std::optional<User> authenticate(std::string_view token) const;
  std::optional<User> find_user(const Uuid& user_id) const;

  // Organizations. The creator becomes their active OWNER in the same write.
  DirectoryResult<Created<Organization>> create_organization(
      const User& creator, NewOrganization org,
      const IdempotentCreate<Organization>* idempotent = nullptr);
  std::optional<Organization> find_organization(const Uuid& organization_id) const;
  // Those where `actor` has an active membership (all for the admin), by
  // (CreatedAt, OrganizationID).
  DirectoryResult<Page<Organization>> organizations(const Actor& actor,
                                                    const PageRequest& page) const;

  // What `actor` may do in the organization (kNone: not a member, or no such
  // organization: answer 404).
  Standing standing(const Actor& actor, const Uuid& organization_id) const;

  // Memberships, with the role rules: OWNER and ADMIN manage members; ADMIN
  // never creates, changes or removes an OWNER membership nor grants OWNER;
  // an organization keeps an active OWNER. Errors: kNotFound (not visible),
  // kForbidden, kConflict, kVersionMismatch, kRuleViolation, kBadRequest.
  DirectoryResult<Created<MemberPtr>> invite(
      const Actor& actor, const Uuid& organization_id, Invitation invitation,
      const IdempotentCreate<OrganizationMember>* idempotent = nullptr);
  DirectoryResult<MemberPtr> update_member(const Actor& actor, const Uuid& organization_id,
                                           const Uuid& member_id, MemberSettings settings,
                                           std::int64_t expected_version);
  // Also the member themself; their space memberships go in the same write.
  // `expected_version`: If-Match, when given.
  DirectoryResult<std::monostate> remove_member(const Actor& actor, const Uuid& organization_id,
                                                const Uuid& member_id,
                                                std::optional<std::int64_t> expected_version);
  // Makes the target an OWNER and the calling OWNER an ADMIN, atomically.
  DirectoryResult<MemberPtr> transfer_ownership(const Actor& actor, const Uuid& organization_id,
                                                const Uuid& member_id,
                                                std::optional<std::int64_t> expected_version);

  // The user's own memberships: active ones and pending invitations to the
  // user's email.
  DirectoryResult<Page<MemberPtr>> memberships(const User& user, const PageRequest& page,
                                               std::optional<std::string_view> status) const;
  MemberPtr membership(const User& user, const Uuid& organization_id) const;
  // Accepts a pending invitation: binds the user, copies their profile, active;
  // the membership's space memberships get the user too (Version +1 each).
  DirectoryResult<MemberPtr> accept_invitation(const User& user, const Uuid& organization_id);
  DirectoryResult<std::monostate> leave(const User& user, const Uuid& organization_id);

  // Spaces. OWNER and ADMIN create them; every member lists them.
  DirectoryResult<Created<Space>> create_space(const Actor& actor, const Uuid& organization_id,
                                               NewSpace space,
                                               const IdempotentCreate<Space>* idempotent = nullptr);
  // The organization's spaces, by (CreatedAt, SpaceID).
  DirectoryResult<Page<Space>> spaces(const Actor& actor, const Uuid& organization_id,
                                      const PageRequest& page) const;
  // The space and what `actor` may do in it; kNotFound when the caller may not
  // see its organization (or there is no such space).
  DirectoryResult<SpaceAccess> space_access(const Actor& actor, const Uuid& space_id) const;

  // Space memberships. The organization's OWNER and ADMIN and the space's
  // admins manage them; a member may remove their own. Errors as for
  // memberships; kRuleViolation when no organization membership has the Email,
  // kConflict when it is already in the space.
  // Both answer the record with the fields the caller may see (see views.hpp),
  // decided in the same critical section as the write; so is a stored answer.
  DirectoryResult<Created<Seen<SpaceMemberPtr>>> add_space_member(
      const Actor& actor, const Uuid& space_id, SpaceInvitation invitation,
      const IdempotentCreate<Seen<SpaceMemberPtr>>* idempotent = nullptr);
  DirectoryResult<Seen<SpaceMemberPtr>> update_space_member(const Actor& actor,
                                                            const Uuid& space_id,
                                                            const Uuid& space_member_id,
                                                            SpaceMemberSettings settings,
                                                            std::int64_t expected_version);
  DirectoryResult<std::monostate> remove_space_member(const Actor& actor, const Uuid& space_id,
                                                      const Uuid& space_member_id,
                                                      std::optional<std::int64_t> expected_version);
  // Every space membership, unscoped (see members()).
  const SpaceMemberStore& space_members() const;

  // Saved filters. Members read them; OWNER and ADMIN write them. `where` that
  // does not compile is kBadRequest with the compiler's message (and column).
  DirectoryResult<Created<Filter>> create_filter(
      const Actor& actor, const Uuid& organization_id, FilterSpec spec,
      const IdempotentCreate<Filter>* idempotent = nullptr);
  // PATCH and PUT: the caller merges; this replaces the mutable fields.
  DirectoryResult<Filter> update_filter(const Actor& actor, const Uuid& organization_id,
                                        const Uuid& filter_id, FilterSpec spec,
                                        std::int64_t expected_version);
  DirectoryResult<std::monostate> remove_filter(const Actor& actor, const Uuid& organization_id,
                                                const Uuid& filter_id,
                                                std::optional<std::int64_t> expected_version);
  // By FilterID or Slug, in the organization.
  DirectoryResult<Filter> filter(const Actor& actor, const Uuid& organization_id,
                                 std::string_view id_or_slug) const;
  DirectoryResult<Page<Filter>> filters(const Actor& actor, const Uuid& organization_id,
                                        const PageRequest& page) const;
  // `filter=` on a list of `entity` in the organization (and `space_id`, for a
  // space's list): kBadRequest naming the rule when the filter belongs to
  // another organization, is From another entity, or is bound to another space.
  DirectoryResult<Filter> filter_for_list(const Actor& actor, const Uuid& organization_id,
                                          std::string_view id_or_slug, std::string_view entity,
                                          const std::optional<Uuid>& space_id) const;

  // Imports records as they are (IDs, Version, times kept), creating the users
  // and organizations they name. Stops at the first failure (those before it
  // stay, durable). `progress(n)` every `progress_every` records. Into a store
  // with no memberships, they are indexed (and seen by readers) all at once at
  // the end.
  struct BulkError {
    std::size_t index;
    StoreError error;
  };
  std::optional<BulkError> import_members(std::vector<OrganizationMember> members,
                                          const std::function<void(std::size_t)>& progress = {},
                                          std::size_t progress_every = 100000);

  // Reads through the caller's view (views.hpp): kNotFound when the caller may
  // not see the organization, the space or the record (a MEMBER and a pending
  // membership: as if absent); kForbidden when they may see the organization
  // but not these records; kBadRequest naming the list parameter at fault.
  DirectoryResult<Listing<MemberPtr>> list_members(const Actor& actor, const Uuid& organization_id,
                                                   const ListSpec& spec) const;
  // The largest ListSpec::limit the lists take (DirectoryOptions::max_list_limit).
  std::size_t max_list_limit() const;
  DirectoryResult<Seen<MemberPtr>> member(const Actor& actor, const Uuid& organization_id,
                                          const Uuid& member_id) const;
  DirectoryResult<Listing<SpaceMemberPtr>> list_space_members(const Actor& actor,
                                                              const SpaceScope& scope,
                                                              const ListSpec& spec) const;
  DirectoryResult<Seen<SpaceMemberPtr>> space_member(const Actor& actor, const SpaceScope& scope,
                                                     const Uuid& space_member_id) const;
  // The view a caller's `where` must be compiled against for explain_*.
  DirectoryResult<const View*> view_of_members(const Actor& actor,
                                               const Uuid& organization_id) const;
  DirectoryResult<const View*> view_of_space_members(const Actor& actor,
                                                     const SpaceScope& scope) const;
  // kBadRequest when `where` was not compiled against the caller's view.
  DirectoryResult<ListPlan> explain_members(const Actor& actor, const Uuid& organization_id,
                                            const filter::Predicate& where) const;
  DirectoryResult<ListPlan> explain_space_members(const Actor& actor, const SpaceScope& scope,
                                                  const filter::Predicate& where) const;

  // Every membership, unscoped: for export and programs that embed the index.
  // The server reads through the view-aware reads above.
  const OrganizationMemberStore& members() const;
  std::size_t user_count() const;
  std::size_t organization_count() const;
  std::size_t space_count() const;
  std::size_t filter_count() const;
  std::size_t idempotent_answer_count() const;  // expired ones included until pruned
  std::uint64_t wal_last_sequence() const;
  std::uint64_t wal_durable_sequence() const;
  std::optional<persist::SnapshotInfo> last_snapshot() const;

  // A snapshot of everything now; pruning old snapshots and the log they cover.
  persist::Result<persist::SnapshotInfo> snapshot();
  bool snapshot_in_background();
  persist::Status wait_for_snapshot();

 private:
  struct State;
  explicit Directory(std::unique_ptr<State> state);
  // Logs and applies `mutations` (the caller holds `guard`, the writer lock),
  // releases the lock and waits for the disk.
  std::optional<StoreError> finish_write(std::unique_lock<std::mutex>& guard,
                                         std::vector<detail::Mutation> mutations);

  std::unique_ptr<State> state_;
};

// 256 random bits as 64 hex digits after `prefix` (tokens, keys); empty when
// `random` has no random bytes to give.
std::string random_secret(std::string_view prefix, RandomSource random = &system_random);

}  // namespace rollcall::index
