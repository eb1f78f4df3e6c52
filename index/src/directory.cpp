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

#include "directory_mutation.hpp"
#include "member_indexes.hpp"
#include "membership_rules.hpp"
#include "page_token.hpp"
#include "rollcall/index/data_dir_lock.hpp"
#include "rollcall/index/snapshot.hpp"
#include "rollcall/index/wal.hpp"

namespace rollcall::index {

using detail::Mutation;
using persist::EntityType;
using persist::Result;
using persist::Status;

namespace {

using Hash = std::array<std::uint8_t, 32>;

StoreError error(StoreErrorCode code, std::string message) {
  return StoreError{code, std::move(message)};
}

StoreError not_found(std::string_view what, const Uuid& id) {
  return error(StoreErrorCode::kNotFound, std::string(what) + " " + id.to_string() + " not found");
}

Hash sha256(std::string_view text) {
  Hash out{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out.data());
  return out;
}

std::string hash_key(const Hash& hash) { return {hash.begin(), hash.end()}; }

Uuid random_uuid() {
  Uuid id;
  RAND_bytes(id.bytes.data(), static_cast<int>(id.bytes.size()));
  id.bytes[6] = static_cast<std::uint8_t>((id.bytes[6] & 0x0F) | 0x40);  // version 4
  id.bytes[8] = static_cast<std::uint8_t>((id.bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return id;
}

// 256 random bits as 64 hex digits after a recognizable prefix.
std::string random_token() {
  std::array<unsigned char, 32> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token = "rcu_";
  for (unsigned char byte : bytes) {
    token += kHex[byte >> 4];
    token += kHex[byte & 0x0F];
  }
  return token;
}

Timestamp now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp{std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count()};
}

void apply_settings(OrganizationMember& member, MemberSettings settings) {
  std::sort(settings.labels.begin(), settings.labels.end());
  member.role = std::move(settings.role);
  member.labels = std::move(settings.labels);
  member.role_ids = std::move(settings.role_ids);
  member.required_sso_auth = settings.required_sso_auth;
  member.required_mfa_auth = settings.required_mfa_auth;
}

void bind_user(OrganizationMember& member, const User& user) {
  member.user_id = user.user_id;
  member.username = user.username;
  member.email = user.email;
  member.display_name = user.display_name;
  member.slug = user.slug;
  member.external_id = user.external_id;
  member.profile_picture_url = user.profile_picture_url;
}

// The next change of a record: Version +1, UpdatedAt/By.
OrganizationMember next_version(const OrganizationMember& current, const Actor& actor) {
  OrganizationMember next = current;
  next.version = current.version + 1;
  next.updated_at = std::max(now(), current.updated_at);
  next.updated_by = actor.user_id;
  return next;
}

// Small lists (organizations, a user's memberships) page by (CreatedAt, ID)
// with the store's token format: the cursor is the last item's key.
std::string cursor_of(Timestamp created_at, const Uuid& id) {
  std::string cursor(sizeof(created_at.micros) + id.bytes.size(), '\0');
  std::memcpy(cursor.data(), &created_at.micros, sizeof(created_at.micros));
  std::memcpy(cursor.data() + sizeof(created_at.micros), id.bytes.data(), id.bytes.size());
  return cursor;
}

std::optional<std::pair<Timestamp, Uuid>> key_of_cursor(const std::string& cursor) {
  Timestamp created;
  Uuid id;
  if (cursor.size() != sizeof(created.micros) + id.bytes.size()) return std::nullopt;
  std::memcpy(&created.micros, cursor.data(), sizeof(created.micros));
  std::memcpy(id.bytes.data(), cursor.data() + sizeof(created.micros), id.bytes.size());
  return std::pair(created, id);
}

template <class T, class KeyOf>
DirectoryResult<Page<T>> page_of(std::vector<T> items, const PageRequest& request,
                                 std::string_view token_key, std::uint64_t query_hash,
                                 KeyOf key_of) {
  std::sort(items.begin(), items.end(),
            [&](const T& a, const T& b) { return key_of(a) < key_of(b); });
  if (request.reverse) std::reverse(items.begin(), items.end());
  auto begin = items.begin();
  if (!request.page_token.empty()) {
    auto cursor = detail::open_page_token(token_key, query_hash, request.page_token);
    auto after = cursor ? key_of_cursor(*cursor) : std::nullopt;
    if (!after) return error(StoreErrorCode::kBadRequest, "page_token is not valid for this query");
    begin = std::find_if(items.begin(), items.end(), [&](const T& item) {
      return request.reverse ? key_of(item) < *after : *after < key_of(item);
    });
  }
  Page<T> page;
  page.total = items.size();
  const auto left = static_cast<std::size_t>(items.end() - begin);
  const auto end = begin + static_cast<std::ptrdiff_t>(std::min(left, request.limit));
  page.items.assign(std::make_move_iterator(begin), std::make_move_iterator(end));
  if (end != items.end() && !page.items.empty()) {
    const auto [created, id] = key_of(page.items.back());
    page.next_page_token = detail::seal_page_token(token_key, query_hash, cursor_of(created, id));
  }
  return page;
}

}  // namespace

std::string fold_email(std::string_view email) {
  std::string folded(email);
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return folded;
}

struct Directory::State {
  State(std::string dir, DirectoryOptions options, persist::DataDirLock lock)
      : dir(std::move(dir)),
        options(std::move(options)),
        lock(std::move(lock)),
        token_key(this->options.token_key.empty() ? random_token() : this->options.token_key),
        store(token_key) {}

  // --- in-memory tables; `tables` guards all but the store -----------------
  void apply(Mutation&& mutation) {
    if (mutation.entity == EntityType::kOrganizationMember) return apply_member(mutation);
    std::unique_lock guard(tables);
    if (!mutation.upsert) {
      if (mutation.entity == EntityType::kUser) erase_user(mutation.id);
      if (mutation.entity == EntityType::kOrganization) organizations.erase(mutation.id);
      return;
    }
    std::visit([this](auto&& record) { put(std::move(record)); }, std::move(*mutation.upsert));
  }

  void put(User&& user) {
    erase_user(user.user_id);
    users_by_username[user.username] = user.user_id;
    users_by_email[fold_email(user.email)] = user.user_id;
    users[user.user_id] = std::move(user);
  }
  void erase_user(const Uuid& id) {
    auto found = users.find(id);
    if (found == users.end()) return;
    users_by_username.erase(found->second.username);
    users_by_email.erase(fold_email(found->second.email));
    users.erase(found);
  }
  void put(Organization&& org) { organizations[org.organization_id] = std::move(org); }
  void put(AccessToken&& token) { tokens[hash_key(token.hash)] = token; }
  void put(IdempotencyEntry&& entry) { answers[entry.scope] = std::move(entry); }
  void put(OrganizationMember&& /*member*/) {}  // see apply_member

  void apply_member(Mutation& mutation) {
    const Uuid id = mutation.upsert
                        ? std::get<OrganizationMember>(*mutation.upsert).organization_member_id
                        : mutation.id;
    std::unique_lock guard(tables);
    if (MemberPtr before = store.find(id)) unlist_email(*before);
    if (!mutation.upsert) {
      store.restore_erase(id);
      return;
    }
    auto& member = std::get<OrganizationMember>(*mutation.upsert);
    members_by_email[fold_email(member.email)].push_back(id);
    store.restore(std::move(member));
  }
  void unlist_email(const OrganizationMember& member) {
    auto found = members_by_email.find(fold_email(member.email));
    if (found == members_by_email.end()) return;
    std::erase(found->second, member.organization_member_id);
    if (found->second.empty()) members_by_email.erase(found);
  }

  // --- reads under `tables` -------------------------------------------------
  std::vector<MemberPtr> members_with_email(std::string_view email) const {
    std::vector<MemberPtr> out;
    auto found = members_by_email.find(fold_email(email));
    if (found == members_by_email.end()) return out;
    for (const Uuid& id : found->second) {
      if (MemberPtr member = store.find(id)) out.push_back(std::move(member));
    }
    return out;
  }

  MemberPtr active_membership(const Uuid& user_id, const Uuid& org) const {
    for (MemberPtr& member : store.find_by_user(user_id)) {
      if (member->organization_id == org && member->status == "active") return member;
    }
    return nullptr;
  }

  Standing standing_locked(const Actor& actor, const Uuid& org) const {
    if (!organizations.contains(org)) return Standing::kNone;
    if (actor.is_admin()) return Standing::kServerAdmin;
    MemberPtr member = active_membership(*actor.user_id, org);
    if (!member) return Standing::kNone;
    if (member->role == "OWNER") return Standing::kOwner;
    return member->role == "ADMIN" ? Standing::kAdmin : Standing::kMember;
  }

  // The member `id` of `org` as the caller may see it.
  DirectoryResult<MemberPtr> visible_member(const Uuid& org, const Uuid& id) const {
    MemberPtr member = store.find(id);
    if (!member || member->organization_id != org) return not_found("OrganizationMember", id);
    return member;
  }

  // --- writes ---------------------------------------------------------------
  // Logs and applies `mutations` (caller holds `writer`); the sequence to wait for.
  DirectoryResult<std::uint64_t> commit(std::vector<Mutation> mutations) {
    auto sequence = wal->append(detail::encode_mutations(mutations));
    if (!sequence) {
      return error(StoreErrorCode::kUnavailable,
                   "write-ahead log refused the write: " + sequence.status().message());
    }
    for (Mutation& mutation : mutations) apply(std::move(mutation));
    ++writes_since_snapshot;
    return *sequence;
  }

  std::optional<StoreError> durable(std::uint64_t sequence) {
    if (Status synced = wal->wait_durable(sequence); !synced) {
      return error(StoreErrorCode::kUnavailable,
                   "write-ahead log failed to sync: " + synced.message());
    }
    return std::nullopt;
  }

  std::string dir;
  DirectoryOptions options;
  persist::DataDirLock lock;
  std::string token_key;
  OrganizationMemberStore store;
  std::optional<persist::Wal> wal;
  Recovery recovery;

  std::mutex writer;  // one write at a time: rules, log append and apply
  mutable std::shared_mutex tables;
  std::map<Uuid, User> users;
  std::unordered_map<std::string, Uuid> users_by_username;
  std::unordered_map<std::string, Uuid> users_by_email;
  std::unordered_map<std::string, AccessToken> tokens;  // by SHA-256
  std::map<Uuid, Organization> organizations;
  std::unordered_map<std::string, std::vector<Uuid>> members_by_email;  // folded
  std::unordered_map<std::string, IdempotencyEntry> answers;            // by scope
  std::uint64_t writes_since_snapshot = 0;

  std::mutex snapshot_mutex;
  std::mutex background_mutex;
  Status background_status;
  std::optional<persist::SnapshotInfo> last_snapshot;
  std::future<Status> background;  // last: joined before the rest goes
};

namespace {

// Loads a snapshot's records into the directory.
class DirectorySink : public persist::SnapshotSink {
 public:
  using Apply = std::function<void(Mutation&&)>;
  explicit DirectorySink(Apply apply) : apply_(std::move(apply)) {}

  Status add(OrganizationMember&& record) override { return put(std::move(record)); }
  Status add(SpaceMember&& /*record*/) override {
    return Status::error("the snapshot holds SpaceMember records, which this version cannot load");
  }
  Status add(User&& record) override { return put(std::move(record)); }
  Status add(Organization&& record) override { return put(std::move(record)); }
  Status add(AccessToken&& record) override { return put(std::move(record)); }
  Status add(IdempotencyEntry&& record) override { return put(std::move(record)); }

 private:
  template <class Record>
  Status put(Record&& record) {
    apply_(Mutation::put(std::forward<Record>(record)));
    return {};
  }
  Apply apply_;
};

}  // namespace

Result<std::unique_ptr<Directory>> Directory::open(const std::string& data_dir,
                                                   const DirectoryOptions& options) {
  auto lock = persist::DataDirLock::acquire(data_dir);
  if (!lock) return lock.status();
  auto state = std::make_unique<State>(data_dir, options, std::move(*lock));
  State* raw = state.get();
  DirectorySink sink([raw](Mutation&& mutation) { raw->apply(std::move(mutation)); });
  auto loaded = persist::load_newest_snapshot(data_dir, sink);
  if (!loaded) return loaded.status();
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
        for (Mutation& mutation : *mutations) raw->apply(std::move(mutation));
        return {};
      },
      options.wal);
  if (!wal) return wal.status();
  recovery.replayed = wal->recovery().replayed;
  recovery.damage = wal->recovery().damage;
  state->wal.emplace(std::move(*wal));
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

DirectoryResult<CreatedUser> Directory::create_user(NewUser input) {
  if (input.username.empty() || input.email.empty()) {
    return error(StoreErrorCode::kBadRequest, "Username and Email are required");
  }
  std::unique_lock guard(state_->writer);
  {
    std::shared_lock read(state_->tables);
    if (state_->users_by_username.contains(input.username)) {
      return error(StoreErrorCode::kConflict, "Username '" + input.username + "' is taken");
    }
    if (state_->users_by_email.contains(fold_email(input.email))) {
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
  created.token = random_token();
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(user));
  mutations.push_back(Mutation::put(AccessToken{sha256(created.token), user.user_id, now()}));
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return created;
}

DirectoryResult<std::string> Directory::issue_token(const Uuid& user_id) {
  std::unique_lock guard(state_->writer);
  if (!find_user(user_id)) return not_found("User", user_id);
  std::string token = random_token();
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(AccessToken{sha256(token), user_id, now()}));
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return token;
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
  auto user = state_->users.find(found->second.user_id);
  if (user == state_->users.end()) return std::nullopt;
  return user->second;
}

std::optional<User> Directory::find_user(const Uuid& user_id) const {
  std::shared_lock read(state_->tables);
  auto found = state_->users.find(user_id);
  if (found == state_->users.end()) return std::nullopt;
  return found->second;
}

DirectoryResult<Organization> Directory::create_organization(const User& creator,
                                                             NewOrganization input) {
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
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(org));
  mutations.push_back(Mutation::put(std::move(owner)));
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return org;
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
  return page_of(std::move(orgs), page, state_->token_key, query,
                 [](const Organization& o) { return std::pair(o.created_at, o.organization_id); });
}

Standing Directory::standing(const Actor& actor, const Uuid& organization_id) const {
  std::shared_lock read(state_->tables);
  return state_->standing_locked(actor, organization_id);
}

namespace {

// The caller's standing, or 404 when the organization is not theirs to see.
DirectoryResult<Standing> visible_standing(const Directory& directory, const Actor& actor,
                                           const Uuid& org) {
  const Standing standing = directory.standing(actor, org);
  if (standing == Standing::kNone) return not_found("Organization", org);
  return standing;
}

}  // namespace

DirectoryResult<Directory::InviteOutcome> Directory::invite(const Actor& actor,
                                                            const Uuid& organization_id,
                                                            Invitation invitation,
                                                            const IdempotentRequest* idempotent) {
  if (invitation.email.empty() || invitation.email.find('@') == std::string::npos) {
    return error(StoreErrorCode::kBadRequest, "Email must be an email address");
  }
  if (auto bad = detail::check_settings(invitation.settings)) return *bad;
  std::unique_lock guard(state_->writer);
  auto standing = visible_standing(*this, actor, organization_id);
  if (!standing) return standing.error();
  if (idempotent != nullptr) {
    std::shared_lock read(state_->tables);
    auto found = state_->answers.find(idempotent->scope);
    const auto retention = std::chrono::duration_cast<std::chrono::microseconds>(
        state_->options.idempotency_retention);
    if (found != state_->answers.end() &&
        now().micros - found->second.created_at.micros < retention.count()) {
      if (found->second.request_hash != idempotent->request_hash) {
        return error(StoreErrorCode::kRuleViolation,
                     "Idempotency-Key was used with another request body");
      }
      return InviteOutcome(StoredAnswer{found->second.status, found->second.response_body});
    }
  }
  if (auto refused = detail::check_invite(*standing, invitation.settings)) return *refused;
  {
    std::shared_lock read(state_->tables);
    for (const MemberPtr& other : state_->members_with_email(invitation.email)) {
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
  auto stored = std::make_shared<const OrganizationMember>(member);
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(std::move(member)));
  if (idempotent != nullptr) {
    mutations.push_back(Mutation::put(IdempotencyEntry{idempotent->scope, idempotent->request_hash,
                                                       201, idempotent->render(*stored), now()}));
  }
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return InviteOutcome(stored);
}

DirectoryResult<MemberPtr> Directory::update_member(const Actor& actor, const Uuid& organization_id,
                                                    const Uuid& member_id, MemberSettings settings,
                                                    std::int64_t expected_version) {
  if (auto bad = detail::check_settings(settings)) return *bad;
  std::unique_lock guard(state_->writer);
  auto standing = visible_standing(*this, actor, organization_id);
  if (!standing) return standing.error();
  auto current = state_->visible_member(organization_id, member_id);
  if (!current) return current.error();
  if (auto refused = detail::check_change(*standing, **current, settings)) return *refused;
  if (auto stale = detail::check_version(**current, expected_version)) return *stale;
  OrganizationMember next = next_version(**current, actor);
  apply_settings(next, std::move(settings));
  if (auto last = detail::check_keeps_owner(state_->store.active_owner_count(organization_id),
                                            **current, &next)) {
    return *last;
  }
  // The record as written, not a re-read: a concurrent delete may follow at once.
  auto written = std::make_shared<const OrganizationMember>(next);
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(std::move(next)));
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return MemberPtr(written);
}

namespace {

std::vector<Mutation> erase_member(const Uuid& id) {
  std::vector<Mutation> mutations;
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
  auto standing = visible_standing(*this, actor, organization_id);
  if (!standing) return standing.error();
  auto current = state_->visible_member(organization_id, member_id);
  if (!current) return current.error();
  if (auto refused = detail::check_remove(*standing, **current, is_own(actor, **current))) {
    return *refused;
  }
  if (auto stale = detail::check_version(**current, expected_version)) return *stale;
  if (auto last = detail::check_keeps_owner(state_->store.active_owner_count(organization_id),
                                            **current, nullptr)) {
    return *last;
  }
  if (auto failed = finish_write(guard, erase_member(member_id))) return *failed;
  return std::monostate{};
}

DirectoryResult<MemberPtr> Directory::transfer_ownership(
    const Actor& actor, const Uuid& organization_id, const Uuid& member_id,
    std::optional<std::int64_t> expected_version) {
  std::unique_lock guard(state_->writer);
  auto standing = visible_standing(*this, actor, organization_id);
  if (!standing) return standing.error();
  if (*standing != Standing::kOwner && *standing != Standing::kServerAdmin) {
    return error(StoreErrorCode::kForbidden, "only an OWNER may transfer ownership");
  }
  auto target = state_->visible_member(organization_id, member_id);
  if (!target) return target.error();
  if (auto stale = detail::check_version(**target, expected_version)) return *stale;
  if ((*target)->status != "active") {
    return error(StoreErrorCode::kRuleViolation, "ownership goes only to an active member");
  }
  if (is_own(actor, **target)) {
    return error(StoreErrorCode::kRuleViolation, "the caller is already an OWNER");
  }
  std::vector<Mutation> mutations;
  OrganizationMember promoted = next_version(**target, actor);
  promoted.role = "OWNER";
  auto written = std::make_shared<const OrganizationMember>(promoted);
  mutations.push_back(Mutation::put(std::move(promoted)));  // first: never zero owners
  if (!actor.is_admin()) {
    MemberPtr caller = state_->active_membership(*actor.user_id, organization_id);
    OrganizationMember demoted = next_version(*caller, actor);
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
    for (MemberPtr& invited : state_->members_with_email(user.email)) {
      if (invited->status == "pending") mine.push_back(std::move(invited));
    }
  }
  if (status) {
    std::erase_if(mine, [&](const MemberPtr& member) { return member->status != *status; });
  }
  const std::uint64_t query =
      detail::fnv1a(std::string("memberships:") + std::string(status.value_or("*")) +
                    (page.reverse ? ":reverse" : ""));
  return page_of(std::move(mine), page, state_->token_key, query, [](const MemberPtr& member) {
    return std::pair(member->created_at, member->organization_member_id);
  });
}

MemberPtr Directory::membership(const User& user, const Uuid& organization_id) const {
  std::shared_lock read(state_->tables);
  for (MemberPtr& member : state_->store.find_by_user(user.user_id)) {
    if (member->organization_id == organization_id) return member;
  }
  for (MemberPtr& invited : state_->members_with_email(user.email)) {
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
  OrganizationMember accepted = next_version(*current, Actor::user(user.user_id));
  bind_user(accepted, user);
  accepted.status = "active";
  auto written = std::make_shared<const OrganizationMember>(accepted);
  std::vector<Mutation> mutations;
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
  if (auto failed = finish_write(guard, erase_member(current->organization_member_id))) {
    return *failed;
  }
  return std::monostate{};
}

std::optional<Directory::BulkError> Directory::import_members(
    std::vector<OrganizationMember> members, const std::function<void(std::size_t)>& progress,
    std::size_t progress_every) {
  std::optional<BulkError> failed;
  std::uint64_t last = 0;
  std::unique_lock guard(state_->writer);
  for (std::size_t i = 0; i < members.size() && !failed; ++i) {
    OrganizationMember& member = members[i];
    if (state_->store.find(member.organization_member_id)) {
      failed =
          BulkError{i, error(StoreErrorCode::kConflict,
                             "OrganizationMemberID " + member.organization_member_id.to_string() +
                                 " already exists")};
      break;
    }
    std::vector<Mutation> mutations;
    if (!find_organization(member.organization_id)) {
      Organization org;
      org.organization_id = member.organization_id;
      org.display_name = member.external_organization_id;
      org.external_organization_id = member.external_organization_id;
      org.created_at = org.updated_at = member.created_at;
      mutations.push_back(Mutation::put(std::move(org)));
    }
    if (member.user_id && !find_user(*member.user_id)) {
      User user;
      user.user_id = *member.user_id;
      user.username = member.username;
      user.email = member.email;
      user.display_name = member.display_name;
      user.slug = member.slug;
      user.external_id = member.external_id;
      user.profile_picture_url = member.profile_picture_url;
      user.created_at = user.updated_at = member.created_at;
      mutations.push_back(Mutation::put(std::move(user)));
    }
    mutations.push_back(Mutation::put(std::move(member)));
    auto committed = state_->commit(std::move(mutations));
    if (!committed) {
      failed = BulkError{i, committed.error()};
    } else {
      last = *committed;
      if (progress && (i + 1) % progress_every == 0) progress(i + 1);
    }
  }
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
  std::vector<User> users;
  std::vector<Organization> orgs;
  std::vector<AccessToken> tokens;
  std::vector<IdempotencyEntry> answers;
  std::vector<MemberPtr> members;
  {
    std::lock_guard guard(state_->writer);
    std::shared_lock read(state_->tables);
    sequence = state_->wal->last_sequence();
    for (const auto& [id, user] : state_->users) users.push_back(user);
    for (const auto& [id, org] : state_->organizations) orgs.push_back(org);
    for (const auto& [hash, token] : state_->tokens) tokens.push_back(token);
    const auto retention = std::chrono::duration_cast<std::chrono::microseconds>(
        state_->options.idempotency_retention);
    const Timestamp at = now();
    for (const auto& [scope, answer] : state_->answers) {
      if (at.micros - answer.created_at.micros < retention.count()) answers.push_back(answer);
    }
    members = state_->store.all();
    state_->writes_since_snapshot = 0;
  }
  auto info = persist::write_snapshot(state_->dir, sequence, users, orgs, tokens, answers, members);
  if (!info) return info;
  auto oldest_kept = persist::prune_snapshots(state_->dir, state_->options.keep_snapshots);
  if (!oldest_kept) return oldest_kept.status();
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
