#include "rollcall/index/directory.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <future>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "directory_mutation.hpp"
#include "directory_state.hpp"
#include "membership_rules.hpp"
#include "page_token.hpp"
#include "rollcall/index/data_dir_lock.hpp"
#include "rollcall/index/snapshot.hpp"
#include "rollcall/index/wal.hpp"
#include "small_page.hpp"
#include "uuid_hash.hpp"

namespace rollcall::index {

using detail::error;
using detail::Hash;
using detail::hash_key;
using detail::Mutation;
using detail::not_found;
using detail::now;
using detail::random_uuid;
using persist::EntityType;
using persist::Result;
using persist::Status;

namespace {

constexpr std::string_view kUserTokenPrefix = "rcu_";

StoreError no_randomness() {
  return error(StoreErrorCode::kUnavailable, "the system has no random bytes to make a token");
}

Hash sha256(std::string_view text) {
  Hash out{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out.data());
  return out;
}

void apply_settings(OrganizationMember& member, MemberSettings settings) {
  std::sort(settings.labels.begin(), settings.labels.end());
  member.role = std::move(settings.role);
  member.labels = std::move(settings.labels);
  member.role_ids = std::move(settings.role_ids);
  member.required_sso_auth = settings.required_sso_auth;
  member.required_mfa_auth = settings.required_mfa_auth;
}

// The user fields a membership copies from its user, both ways.
template <class From, class To>
void copy_profile(const From& from, To& to) {
  to.username = from.username;
  to.email = from.email;
  to.display_name = from.display_name;
  to.slug = from.slug;
  to.external_id = from.external_id;
  to.profile_picture_url = from.profile_picture_url;
}

void bind_user(OrganizationMember& member, const User& user) {
  member.user_id = user.user_id;
  copy_profile(user, member);
}

// The user an imported membership names.
User user_of(const OrganizationMember& member) {
  User user;
  user.user_id = *member.user_id;
  copy_profile(member, user);
  user.created_at = user.updated_at = member.created_at;
  return user;
}

}  // namespace

namespace detail {

StoreError error(StoreErrorCode code, std::string message) {
  return StoreError{code, std::move(message)};
}

StoreError not_found(std::string_view what, const Uuid& id) {
  std::string message(what);
  message.append(" ").append(id.to_string()).append(" not found");
  return error(StoreErrorCode::kNotFound, std::move(message));
}

Uuid random_uuid() {
  Uuid id;
  RAND_bytes(id.bytes.data(), static_cast<int>(id.bytes.size()));
  id.bytes[6] = static_cast<std::uint8_t>((id.bytes[6] & 0x0F) | 0x40);  // version 4
  id.bytes[8] = static_cast<std::uint8_t>((id.bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return id;
}

Timestamp now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp{std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count()};
}

}  // namespace detail

bool system_random(std::uint8_t* bytes, std::size_t size) {
  return RAND_bytes(bytes, static_cast<int>(size)) == 1;
}

std::string random_secret(std::string_view prefix, RandomSource random) {
  std::array<std::uint8_t, 32> bytes{};
  if (!random(bytes.data(), bytes.size())) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token(prefix);
  for (unsigned char byte : bytes) {
    token += kHex[byte >> 4];
    token += kHex[byte & 0x0F];
  }
  return token;
}

namespace {

// Loads a snapshot's records into the directory: memberships are kept for one
// bulk load at the end, the rest applied a few thousand at a time. (A template
// only because Directory::State is private to the Directory.)
template <class State>
class DirectorySink : public persist::SnapshotSink {
 public:
  explicit DirectorySink(State& state) : state_(state) {}

  Status begin(const persist::SnapshotInfo& info) override {
    state_.reserve(info);
    members_.reserve(info.organization_members);
    return {};
  }
  Status add(OrganizationMember&& record) override {
    members_.push_back(make_member(std::move(record)));
    return {};
  }
  Status add(SpaceMember&& record) override { return put(std::move(record)); }
  Status add(Space&& record) override { return put(std::move(record)); }
  Status add(Filter&& record) override { return put(std::move(record)); }
  Status add(User&& record) override { return put(std::move(record)); }
  Status add(Organization&& record) override { return put(std::move(record)); }
  // NOLINTNEXTLINE(performance-move-const-arg): one form for every record type
  Status add(AccessToken&& record) override { return put(std::move(record)); }
  Status add(IdempotencyEntry&& record) override { return put(std::move(record)); }

  // The rest of the records into the directory, the memberships last.
  void finish() {
    state_.apply(std::move(pending_));
    state_.load_members(members_);
    members_.clear();
  }

 private:
  static constexpr std::size_t kApplyEvery = 4096;

  template <class Record>
  Status put(Record&& record) {
    pending_.push_back(Mutation::put(std::forward<Record>(record)));
    if (pending_.size() == kApplyEvery) state_.apply(std::exchange(pending_, {}));
    return {};
  }

  State& state_;
  std::vector<Mutation> pending_;
  std::vector<MemberPtr> members_;
};

}  // namespace

Result<std::unique_ptr<Directory>> Directory::open(const std::string& data_dir,
                                                   const DirectoryOptions& options) {
  DirectoryOptions chosen = options;
  if (chosen.token_key.empty()) chosen.token_key = random_secret("", chosen.random);
  if (chosen.token_key.empty()) {
    return Status::error("no random bytes to make the page token key; give one in token_key");
  }
  auto lock = persist::DataDirLock::acquire(data_dir);
  if (!lock) return lock.status();
  auto state = std::make_unique<State>(data_dir, std::move(chosen), std::move(*lock));
  State* raw = state.get();
  DirectorySink<State> sink(*raw);
  auto loaded = persist::load_newest_snapshot(data_dir, sink);
  if (!loaded) return loaded.status();
  sink.finish();
  Recovery& recovery = state->recovery;
  recovery.snapshot = loaded->loaded;
  recovery.skipped_snapshots = loaded->skipped;
  state->last_snapshot = loaded->loaded;
  const std::uint64_t after = recovery.snapshot ? recovery.snapshot->sequence : 0;
  auto wal = persist::Wal::open(
      data_dir, after,
      [raw](std::uint64_t sequence, std::string_view payload) -> Status {
        auto mutations = detail::decode_mutations(payload);
        if (!mutations) {
          return Status::error("log record " + std::to_string(sequence) + ": " +
                               mutations.status().message());
        }
        raw->apply(std::move(*mutations));
        return {};
      },
      options.wal);
  if (!wal) return wal.status();
  recovery.replayed = wal->recovery().replayed;
  recovery.damage = wal->recovery().damage;
  state->wal.emplace(std::move(*wal));
  state->store.forget_history();  // no walk has seen the recovered writes
  state->space_store.forget_history();
  return std::unique_ptr<Directory>(new Directory(std::move(state)));
}

Directory::Directory(std::unique_ptr<State> state) : state_(std::move(state)) {}

Directory::~Directory() { (void)wait_for_snapshot(); }

const Recovery& Directory::recovery() const { return state_->recovery; }
const OrganizationMemberStore& Directory::members() const { return state_->store; }

std::optional<StoreError> Directory::finish_write(std::unique_lock<std::mutex>& guard,
                                                  std::vector<detail::Mutation> mutations) {
  auto committed = state_->commit(std::move(mutations));
  if (!committed) return committed.error();
  const bool snapshot_due = state_->options.snapshot_every_writes != 0 &&
                            state_->writes_since_snapshot >= state_->options.snapshot_every_writes;
  guard.unlock();
  if (snapshot_due) snapshot_in_background();
  return state_->durable(*committed);
}

DirectoryResult<Created<CreatedUser>> Directory::create_user(
    NewUser input, const IdempotentCreate<CreatedUser>* idempotent) {
  if (input.username.empty() || input.email.empty()) {
    return error(StoreErrorCode::kBadRequest, "Username and Email are required");
  }
  std::unique_lock guard(state_->writer);
  if (auto repeat = state_->replay<CreatedUser>(idempotent)) return *repeat;
  {
    std::shared_lock read(state_->tables);
    if (state_->users.has_username(input.username)) {
      return error(StoreErrorCode::kConflict, "Username '" + input.username + "' is taken");
    }
    if (state_->users.has_email(input.email)) {
      return error(StoreErrorCode::kConflict, "Email '" + input.email + "' is taken");
    }
  }
  CreatedUser created;
  User& user = created.user;
  user.user_id = random_uuid();
  user.username = std::move(input.username);
  user.email = std::move(input.email);
  user.display_name = std::move(input.display_name);
  user.slug = std::move(input.slug);
  user.external_id = std::move(input.external_id);
  user.profile_picture_url = std::move(input.profile_picture_url);
  user.created_at = user.updated_at = now();
  created.token = random_secret(kUserTokenPrefix, state_->options.random);
  if (created.token.empty()) return no_randomness();
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(user));
  mutations.push_back(Mutation::put(AccessToken{sha256(created.token), user.user_id, now()}));
  State::remember(mutations, idempotent, created);
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return Created<CreatedUser>(std::move(created));
}

DirectoryResult<Created<std::string>> Directory::issue_token(
    const Uuid& user_id, const IdempotentCreate<std::string>* idempotent) {
  std::unique_lock guard(state_->writer);
  if (!find_user(user_id)) return not_found("User", user_id);
  if (auto repeat = state_->replay<std::string>(idempotent)) return *repeat;
  std::string token = random_secret(kUserTokenPrefix, state_->options.random);
  if (token.empty()) return no_randomness();
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(AccessToken{sha256(token), user_id, now()}));
  State::remember(mutations, idempotent, token);
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return Created<std::string>(std::move(token));
}

std::optional<User> Directory::authenticate(std::string_view token) const {
  const Hash hash = sha256(token);
  std::shared_lock read(state_->tables);
  auto found = state_->tokens.find(hash_key(hash));
  if (found == state_->tokens.end()) return std::nullopt;
  // The map found it by hash; compare the full digest in constant time anyway.
  if (CRYPTO_memcmp(found->second.hash.data(), hash.data(), hash.size()) != 0) {
    return std::nullopt;
  }
  const detail::UserPtr user = state_->users.find(found->second.user_id);
  if (!user) return std::nullopt;
  return *user;
}

std::optional<User> Directory::find_user(const Uuid& user_id) const {
  std::shared_lock read(state_->tables);
  const detail::UserPtr found = state_->users.find(user_id);
  if (!found) return std::nullopt;
  return *found;
}

DirectoryResult<Created<Organization>> Directory::create_organization(
    const User& creator, NewOrganization input, const IdempotentCreate<Organization>* idempotent) {
  if (input.display_name.empty()) {
    return error(StoreErrorCode::kBadRequest, "DisplayName is required");
  }
  Organization org;
  org.organization_id = random_uuid();
  org.display_name = std::move(input.display_name);
  org.slug = std::move(input.slug);
  org.external_organization_id = std::move(input.external_organization_id);
  org.created_at = org.updated_at = now();
  OrganizationMember owner;
  owner.organization_member_id = random_uuid();
  owner.organization_id = org.organization_id;
  bind_user(owner, creator);
  owner.external_organization_id = org.external_organization_id;
  owner.role = "OWNER";
  owner.status = "active";
  owner.created_at = owner.updated_at = org.created_at;
  owner.created_by = owner.updated_by = creator.user_id;
  std::unique_lock guard(state_->writer);
  if (!find_user(creator.user_id)) return not_found("User", creator.user_id);
  if (auto repeat = state_->replay<Organization>(idempotent)) return *repeat;
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(org));
  mutations.push_back(Mutation::put(std::move(owner)));
  State::remember(mutations, idempotent, org);
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return Created<Organization>(std::move(org));
}

std::optional<Organization> Directory::find_organization(const Uuid& organization_id) const {
  std::shared_lock read(state_->tables);
  auto found = state_->organizations.find(organization_id);
  if (found == state_->organizations.end()) return std::nullopt;
  return found->second;
}

DirectoryResult<Page<Organization>> Directory::organizations(const Actor& actor,
                                                             const PageRequest& page) const {
  std::vector<Organization> orgs;
  {
    std::shared_lock read(state_->tables);
    if (actor.is_admin()) {
      for (const auto& [id, org] : state_->organizations) orgs.push_back(org);
    } else {
      for (const MemberPtr& member : state_->store.find_by_user(*actor.user_id)) {
        auto found = state_->organizations.find(member->organization_id);
        if (member->status == "active" && found != state_->organizations.end()) {
          orgs.push_back(found->second);
        }
      }
    }
  }
  const std::uint64_t query =
      detail::fnv1a(actor.is_admin() ? "orgs:admin" : "orgs:user") ^ (page.reverse ? 1 : 0);
  return detail::page_of(
      std::move(orgs), page, state_->token_key, query,
      [](const Organization& o) { return std::pair(o.created_at, o.organization_id); });
}

Standing Directory::standing(const Actor& actor, const Uuid& organization_id) const {
  std::shared_lock read(state_->tables);
  return state_->standing_locked(actor, organization_id);
}

namespace detail {

DirectoryResult<Standing> visible_standing(const Directory& directory, const Actor& actor,
                                           const Uuid& org) {
  const Standing standing = directory.standing(actor, org);
  if (standing == Standing::kNone) return not_found("Organization", org);
  return standing;
}

std::optional<StoreError> check_manager(const Directory& directory, const Actor& actor,
                                        const Uuid& org, std::string_view what) {
  auto standing = visible_standing(directory, actor, org);
  if (!standing) return standing.error();
  if (manages_members(*standing)) return std::nullopt;
  return error(StoreErrorCode::kForbidden, std::string("only an OWNER or ADMIN may ").append(what));
}

}  // namespace detail

DirectoryResult<Created<MemberPtr>> Directory::invite(
    const Actor& actor, const Uuid& organization_id, Invitation invitation,
    const IdempotentCreate<OrganizationMember>* idempotent) {
  if (invitation.email.empty() || invitation.email.find('@') == std::string::npos) {
    return error(StoreErrorCode::kBadRequest, "Email must be an email address");
  }
  if (auto bad = detail::check_settings(invitation.settings)) return *bad;
  std::unique_lock guard(state_->writer);
  auto standing = detail::visible_standing(*this, actor, organization_id);
  if (!standing) return standing.error();
  if (auto refused = detail::check_invite(*standing, invitation.settings)) return *refused;
  if (auto repeat = state_->replay<MemberPtr>(idempotent)) return *repeat;
  {
    std::shared_lock read(state_->tables);
    for (const MemberPtr& other : state_->store.find_by_email(invitation.email)) {
      if (other->organization_id == organization_id) {
        return error(StoreErrorCode::kConflict,
                     "Email '" + invitation.email + "' already has a membership here");
      }
    }
  }
  const auto org = find_organization(organization_id);
  OrganizationMember member;
  member.organization_member_id = random_uuid();
  member.organization_id = organization_id;
  member.email = std::move(invitation.email);
  member.external_organization_id = org->external_organization_id;
  member.status = "pending";
  apply_settings(member, std::move(invitation.settings));
  member.created_at = member.updated_at = now();
  member.created_by = member.updated_by = actor.user_id;
  auto stored = make_member(member);
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(std::move(member)));
  State::remember(mutations, idempotent, *stored);
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return Created<MemberPtr>(stored);
}

DirectoryResult<MemberPtr> Directory::update_member(const Actor& actor, const Uuid& organization_id,
                                                    const Uuid& member_id, MemberSettings settings,
                                                    std::int64_t expected_version) {
  if (auto bad = detail::check_settings(settings)) return *bad;
  std::unique_lock guard(state_->writer);
  auto standing = detail::visible_standing(*this, actor, organization_id);
  if (!standing) return standing.error();
  auto current = state_->visible_member(*standing, organization_id, member_id);
  if (!current) return current.error();
  if (auto refused = detail::check_change(*standing, **current, settings)) return *refused;
  if (auto stale = detail::check_version(**current, expected_version)) return *stale;
  OrganizationMember next = detail::next_version(**current, actor);
  apply_settings(next, std::move(settings));
  if (auto last = detail::check_keeps_owner(state_->store.active_owner_count(organization_id),
                                            **current, &next)) {
    return *last;
  }
  // The record as written, not a re-read: a concurrent delete may follow at once.
  auto written = make_member(next);
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(std::move(next)));
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return MemberPtr(written);
}

namespace {

// The membership and its space memberships, in one write.
std::vector<Mutation> erase_member(const SpaceMemberStore& spaces, const Uuid& id) {
  std::vector<Mutation> mutations;
  for (const SpaceMemberPtr& in_space : spaces.find_by_organization_member(id)) {
    mutations.push_back(Mutation::erase(EntityType::kSpaceMember, in_space->space_member_id));
  }
  mutations.push_back(Mutation::erase(EntityType::kOrganizationMember, id));
  return mutations;
}

bool is_own(const Actor& actor, const OrganizationMember& member) {
  return actor.user_id && member.user_id == actor.user_id;
}

}  // namespace

DirectoryResult<std::monostate> Directory::remove_member(
    const Actor& actor, const Uuid& organization_id, const Uuid& member_id,
    std::optional<std::int64_t> expected_version) {
  std::unique_lock guard(state_->writer);
  auto standing = detail::visible_standing(*this, actor, organization_id);
  if (!standing) return standing.error();
  auto current = state_->visible_member(*standing, organization_id, member_id);
  if (!current) return current.error();
  if (auto refused = detail::check_remove(*standing, **current, is_own(actor, **current))) {
    return *refused;
  }
  if (auto stale = detail::check_version(**current, expected_version)) return *stale;
  if (auto last = detail::check_keeps_owner(state_->store.active_owner_count(organization_id),
                                            **current, nullptr)) {
    return *last;
  }
  if (auto failed = finish_write(guard, erase_member(state_->space_store, member_id))) {
    return *failed;
  }
  return std::monostate{};
}

DirectoryResult<MemberPtr> Directory::transfer_ownership(
    const Actor& actor, const Uuid& organization_id, const Uuid& member_id,
    std::optional<std::int64_t> expected_version) {
  std::unique_lock guard(state_->writer);
  auto standing = detail::visible_standing(*this, actor, organization_id);
  if (!standing) return standing.error();
  if (*standing != Standing::kOwner && *standing != Standing::kServerAdmin) {
    return error(StoreErrorCode::kForbidden, "only an OWNER may transfer ownership");
  }
  auto target = state_->visible_member(*standing, organization_id, member_id);
  if (!target) return target.error();
  if (auto stale = detail::check_version(**target, expected_version)) return *stale;
  if ((*target)->status != "active") {
    return error(StoreErrorCode::kRuleViolation, "ownership goes only to an active member");
  }
  if (is_own(actor, **target)) {
    return error(StoreErrorCode::kRuleViolation, "the caller is already an OWNER");
  }
  std::vector<Mutation> mutations;
  OrganizationMember promoted = detail::next_version(**target, actor);
  promoted.role = "OWNER";
  auto written = make_member(promoted);
  mutations.push_back(Mutation::put(std::move(promoted)));  // first: never zero owners
  if (!actor.is_admin()) {
    MemberPtr caller = state_->active_membership(*actor.user_id, organization_id);
    OrganizationMember demoted = detail::next_version(*caller, actor);
    demoted.role = "ADMIN";
    mutations.push_back(Mutation::put(std::move(demoted)));
  }
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return MemberPtr(written);
}

DirectoryResult<Page<MemberPtr>> Directory::memberships(
    const User& user, const PageRequest& page, std::optional<std::string_view> status) const {
  std::vector<MemberPtr> mine;
  {
    std::shared_lock read(state_->tables);
    mine = state_->store.find_by_user(user.user_id);
    for (MemberPtr& invited : state_->store.find_by_email(user.email)) {
      if (invited->status == "pending") mine.push_back(std::move(invited));
    }
  }
  if (status) {
    std::erase_if(mine, [&](const MemberPtr& member) { return member->status != *status; });
  }
  const std::uint64_t query =
      detail::fnv1a(std::string("memberships:") + std::string(status.value_or("*")) +
                    (page.reverse ? ":reverse" : ""));
  return detail::page_of(std::move(mine), page, state_->token_key, query,
                         [](const MemberPtr& member) {
                           return std::pair(member->created_at, member->organization_member_id);
                         });
}

MemberPtr Directory::membership(const User& user, const Uuid& organization_id) const {
  std::shared_lock read(state_->tables);
  for (MemberPtr& member : state_->store.find_by_user(user.user_id)) {
    if (member->organization_id == organization_id) return member;
  }
  for (MemberPtr& invited : state_->store.find_by_email(user.email)) {
    if (invited->organization_id == organization_id && invited->status == "pending") {
      return invited;
    }
  }
  return nullptr;
}

DirectoryResult<MemberPtr> Directory::accept_invitation(const User& user,
                                                        const Uuid& organization_id) {
  std::unique_lock guard(state_->writer);
  MemberPtr current = membership(user, organization_id);
  if (!current) return not_found("membership in Organization", organization_id);
  if (current->status != "pending") {
    return error(StoreErrorCode::kConflict, "the membership is already active");
  }
  OrganizationMember accepted = detail::next_version(*current, Actor::user(user.user_id));
  bind_user(accepted, user);
  accepted.status = "active";
  auto written = make_member(accepted);
  std::vector<Mutation> mutations;
  for (const SpaceMemberPtr& in_space :
       state_->space_store.find_by_organization_member(accepted.organization_member_id)) {
    SpaceMember bound = detail::next_version(*in_space, Actor::user(user.user_id));
    detail::copy_user_fields(accepted, bound);
    mutations.push_back(Mutation::put(std::move(bound)));
  }
  mutations.push_back(Mutation::put(std::move(accepted)));
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return MemberPtr(written);
}

DirectoryResult<std::monostate> Directory::leave(const User& user, const Uuid& organization_id) {
  std::unique_lock guard(state_->writer);
  MemberPtr current = membership(user, organization_id);
  if (!current) return not_found("membership in Organization", organization_id);
  if (auto last = detail::check_keeps_owner(state_->store.active_owner_count(organization_id),
                                            *current, nullptr)) {
    return *last;
  }
  if (auto failed =
          finish_write(guard, erase_member(state_->space_store, current->organization_member_id))) {
    return *failed;
  }
  return std::monostate{};
}

namespace {

// The membership, and its organization and user when they are new.
std::vector<Mutation> import_mutations(const Directory& directory, OrganizationMember member) {
  std::vector<Mutation> mutations;
  if (!directory.find_organization(member.organization_id)) {
    Organization org;
    org.organization_id = member.organization_id;
    org.display_name = member.external_organization_id;
    org.external_organization_id = member.external_organization_id;
    org.created_at = org.updated_at = member.created_at;
    mutations.push_back(Mutation::put(std::move(org)));
  }
  if (member.user_id && !directory.find_user(*member.user_id)) {
    mutations.push_back(Mutation::put(user_of(member)));
  }
  mutations.push_back(Mutation::put(std::move(member)));
  return mutations;
}

// An import's memberships, logged one by one but indexed once at the end.
struct StagedMembers {
  explicit StagedMembers(std::size_t count) {
    records.reserve(count);
    ids.reserve(count);
  }
  std::vector<MemberPtr> records;
  std::unordered_set<Uuid, detail::UuidHash> ids;
};

// import_members' loop (the caller holds the writer lock); `last`: the last
// sequence logged. (A template only because Directory::State is private.)
template <class State>
std::optional<Directory::BulkError> import_each(const Directory& directory, State& state,
                                                std::vector<OrganizationMember>& members,
                                                const std::function<void(std::size_t)>& progress,
                                                std::size_t progress_every,
                                                std::optional<StagedMembers>& staged,
                                                std::uint64_t& last) {
  for (std::size_t i = 0; i < members.size(); ++i) {
    const Uuid id = members[i].organization_member_id;
    if (state.store.find(id) || (staged && !staged->ids.insert(id).second)) {
      return Directory::BulkError{
          i, error(StoreErrorCode::kConflict,
                   "OrganizationMemberID " + id.to_string() + " already exists")};
    }
    std::vector<Mutation> mutations = import_mutations(directory, std::move(members[i]));
    auto logged = state.log(mutations);
    if (!logged) return Directory::BulkError{i, logged.error()};
    last = *logged;
    if (staged) {  // the membership is the last mutation
      staged->records.push_back(
          make_member(std::get<OrganizationMember>(std::move(*mutations.back().upsert))));
      mutations.pop_back();
    }
    state.apply(std::move(mutations));
    if (progress && (i + 1) % progress_every == 0) progress(i + 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Directory::BulkError> Directory::import_members(
    std::vector<OrganizationMember> members, const std::function<void(std::size_t)>& progress,
    std::size_t progress_every) {
  std::unique_lock guard(state_->writer);
  std::optional<StagedMembers> staged;  // into an empty store
  if (state_->store.size() == 0) staged.emplace(members.size());
  const auto load_staged = [&] {
    if (staged && !staged->records.empty()) state_->load_members(staged->records);
  };
  std::optional<BulkError> failed;
  std::uint64_t last = 0;
  try {
    failed = import_each(*this, *state_, members, progress, progress_every, staged, last);
  } catch (...) {
    load_staged();  // they are in the log: the store must hold them too
    throw;
  }
  load_staged();
  guard.unlock();
  if (last != 0) {
    if (auto sync_error = state_->durable(last); sync_error && !failed) {
      failed = BulkError{members.size(), *sync_error};
    }
  }
  return failed;
}

std::size_t Directory::user_count() const {
  std::shared_lock read(state_->tables);
  return state_->users.size();
}

std::size_t Directory::idempotent_answer_count() const {
  std::shared_lock read(state_->tables);
  return state_->answers.size();
}

std::size_t Directory::organization_count() const {
  std::shared_lock read(state_->tables);
  return state_->organizations.size();
}

std::uint64_t Directory::wal_last_sequence() const { return state_->wal->last_sequence(); }
std::uint64_t Directory::wal_durable_sequence() const { return state_->wal->durable_sequence(); }

std::optional<persist::SnapshotInfo> Directory::last_snapshot() const {
  std::lock_guard guard(state_->background_mutex);
  return state_->last_snapshot;
}

Result<persist::SnapshotInfo> Directory::snapshot() {
  std::lock_guard one_at_a_time(state_->snapshot_mutex);
  std::uint64_t sequence = 0;
  Result<std::uint64_t> next_segment = std::uint64_t{0};
  std::vector<detail::UserPtr> users;
  std::vector<Organization> orgs;
  std::vector<AccessToken> tokens;
  std::vector<IdempotencyEntry> answers;
  std::vector<MemberPtr> members;
  std::vector<Space> spaces;
  std::vector<SpaceMemberPtr> space_members;
  std::vector<Filter> filters;
  {
    std::lock_guard guard(state_->writer);
    std::shared_lock read(state_->tables);
    sequence = state_->wal->last_sequence();
    // Later records start a new segment, so that once this snapshot is the
    // oldest kept, every segment before it can be dropped.
    next_segment = state_->wal->rotate();
    users = state_->users.all();
    for (const auto& [id, org] : state_->organizations) orgs.push_back(org);
    for (const auto& [hash, token] : state_->tokens) tokens.push_back(token);
    const Timestamp at = now();
    for (const auto& [scope, answer] : state_->answers) {
      if (state_->retained(answer, at)) answers.push_back(answer);
    }
    for (const auto& [id, space] : state_->spaces) spaces.push_back(space);
    for (const auto& [id, filter] : state_->filters) filters.push_back(filter);
    members = state_->store.all();
    space_members = state_->space_store.all();
    state_->writes_since_snapshot = 0;
  }
  if (!next_segment) return next_segment.status();
  auto info = persist::write_snapshot(state_->dir, sequence, users, orgs, tokens, answers, members,
                                      spaces, space_members, filters);
  if (!info) return info;
  auto oldest_kept = persist::prune_snapshots(state_->dir, state_->options.keep_snapshots);
  if (!oldest_kept) return oldest_kept.status();
  if (Status rotated = state_->wal->wait_rotated(*next_segment); !rotated) return rotated;
  if (Status dropped = state_->wal->drop_segments_before(*oldest_kept + 1); !dropped) {
    return dropped;
  }
  {
    std::lock_guard guard(state_->background_mutex);
    state_->last_snapshot = *info;
  }
  return info;
}

bool Directory::snapshot_in_background() {
  std::lock_guard guard(state_->background_mutex);
  auto& running = state_->background;
  if (running.valid()) {
    if (running.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
    state_->background_status = running.get();
  }
  running = std::async(std::launch::async, [this] {
    auto info = snapshot();
    return info ? Status() : info.status();
  });
  return true;
}

Status Directory::wait_for_snapshot() {
  std::future<Status> running;
  {
    std::lock_guard guard(state_->background_mutex);
    running = std::move(state_->background);
  }
  Status status = running.valid() ? running.get() : Status();
  std::lock_guard guard(state_->background_mutex);
  if (!status.ok()) state_->background_status = status;
  return state_->background_status;
}

}  // namespace rollcall::index
