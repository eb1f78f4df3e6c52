// Directory's state, shared by the files that implement its parts
// (directory.cpp: users, organizations, memberships, persistence;
// directory_spaces.cpp; directory_filters.cpp).
#pragma once

#include <array>
#include <future>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "directory_mutation.hpp"
#include "rollcall/index/data_dir_lock.hpp"
#include "rollcall/index/directory.hpp"
#include "rollcall/index/snapshot.hpp"
#include "rollcall/index/wal.hpp"
#include "small_page.hpp"
#include "user_table.hpp"

namespace rollcall::index {
namespace detail {

using Hash = std::array<std::uint8_t, 32>;

StoreError error(StoreErrorCode code, std::string message);
StoreError not_found(std::string_view what, const Uuid& id);
Uuid random_uuid();
Timestamp now();
inline std::string hash_key(const Hash& hash) { return {hash.begin(), hash.end()}; }

// The caller's standing, or 404 when the organization is not theirs to see.
DirectoryResult<Standing> visible_standing(const Directory& directory, const Actor& actor,
                                           const Uuid& org);
// 404 as above, 403 "only an OWNER or ADMIN may <what>" unless the caller
// manages the organization.
std::optional<StoreError> check_manager(const Directory& directory, const Actor& actor,
                                        const Uuid& org, std::string_view what);

// `record` when it is under the path (`in_scope`) and the caller's view shows
// it; else 404, as if absent.
template <class Ptr>
DirectoryResult<Ptr> shown(Ptr record, bool in_scope, const View& view, std::string_view what,
                           const Uuid& id) {
  if (!in_scope || !view.shows(*record)) return not_found(what, id);
  return record;
}

// A space membership shows its organization membership's user.
inline void copy_user_fields(const OrganizationMember& from, SpaceMember& to) {
  to.user_id = from.user_id;
  to.username = from.username;
  to.email = from.email;
  to.display_name = from.display_name;
}

// The next change of a record: Version +1, UpdatedAt (and UpdatedBy when the
// record has one).
template <class Record>
Record next_version(const Record& current, const Actor& actor) {
  Record next = current;
  next.version = current.version + 1;
  next.updated_at = std::max(now(), current.updated_at);
  if constexpr (requires { next.updated_by; }) next.updated_by = actor.user_id;
  return next;
}

}  // namespace detail

struct Directory::State {
  State(std::string dir, DirectoryOptions options, persist::DataDirLock lock)
      : dir(std::move(dir)),
        options(std::move(options)),
        lock(std::move(lock)),
        token_key(this->options.token_key),
        store(token_key, this->options.page_walks),
        space_store(token_key, this->options.page_walks) {}

  // --- in-memory tables; `tables` guards all but the stores ---------------
  // Applies one logged write (its mutations, in order) so that readers see
  // all of it or none: the tables under one lock, each store in one call.
  void apply(std::vector<detail::Mutation>&& mutations) {
    std::unique_lock guard(tables);
    Batch batch;
    for (detail::Mutation& mutation : mutations) apply_locked(std::move(mutation), batch);
    store.restore(std::move(batch.members));
    space_store.restore(std::move(batch.space_members));
  }

  // Start-up: room in the tables for a snapshot's records.
  void reserve(const persist::SnapshotInfo& info) {
    std::unique_lock guard(tables);
    users.reserve(info.users);
    tokens.reserve(info.access_tokens);
    answers.reserve(info.idempotency_entries);
  }

  // Start-up: a snapshot's memberships, indexed at once.
  void load_members(const std::vector<MemberPtr>& records) {
    std::unique_lock guard(tables);
    store.load(records);
  }

  struct Batch {
    std::vector<OrganizationMemberStore::Restore> members;
    std::vector<SpaceMemberStore::Restore> space_members;
  };

  void apply_locked(detail::Mutation&& mutation, Batch& batch) {
    if (mutation.entity == persist::EntityType::kOrganizationMember) {
      return stage<OrganizationMember>(std::move(mutation), batch.members);
    }
    if (mutation.entity == persist::EntityType::kSpaceMember) {
      return stage<SpaceMember>(std::move(mutation), batch.space_members);
    }
    if (!mutation.upsert) return erase(mutation.entity, mutation.id);
    std::visit([this](auto&& record) { put(std::forward<decltype(record)>(record)); },
               std::move(*mutation.upsert));
  }

  // A membership write, for its store's batch.
  template <class Record, class Writes>
  static void stage(detail::Mutation&& mutation, Writes& writes) {
    if (mutation.upsert) {
      writes.emplace_back(std::get<Record>(std::move(*mutation.upsert)));
    } else {
      writes.emplace_back(mutation.id);
    }
  }

  void erase(persist::EntityType entity, const Uuid& id) {
    switch (entity) {
      case persist::EntityType::kUser:
        return users.erase(id);
      case persist::EntityType::kOrganization:
        organizations.erase(id);
        return;
      case persist::EntityType::kSpace:
        spaces.erase(id);
        return;
      case persist::EntityType::kFilter:
        filters.erase(id);
        return;
      default:
        return;
    }
  }

  void put(User&& user) { users.put(std::move(user)); }
  void put(Organization&& org) { organizations[org.organization_id] = std::move(org); }
  void put(AccessToken&& token) { tokens[detail::hash_key(token.hash)] = token; }
  void put(IdempotencyEntry&& entry) {
    answers[entry.scope] = std::move(entry);
    // Expired answers go now and then, so the table holds about a retention's worth.
    if (++answers_since_prune < options.idempotency_prune_every) return;
    answers_since_prune = 0;
    const Timestamp at = detail::now();
    std::erase_if(answers, [&](const auto& item) { return !retained(item.second, at); });
  }
  void put(OrganizationMember&& /*member*/) {}  // see apply_locked
  void put(SpaceMember&& /*member*/) {}         // see apply_locked
  void put(Space&& space) { spaces[space.space_id] = std::move(space); }
  void put(Filter&& filter) { filters[filter.filter_id] = std::move(filter); }

  // --- reads under `tables` -------------------------------------------------
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

  // The member `id` of `org` as a caller of `standing` may see it.
  DirectoryResult<MemberPtr> visible_member(Standing standing, const Uuid& org,
                                            const Uuid& id) const {
    MemberPtr member = store.find(id);
    const bool in_org = member && member->organization_id == org;
    return detail::shown(std::move(member), in_org, organization_member_view(standing),
                         "OrganizationMember", id);
  }

  // The caller's standing in a space of an organization where it has `org`.
  SpaceStanding space_standing_locked(const Actor& actor, const Space& space, Standing org) const {
    if (org == Standing::kNone) return SpaceStanding::kNone;
    if (org != Standing::kMember) return SpaceStanding::kOrgAdmin;
    MemberPtr mine = active_membership(*actor.user_id, space.organization_id);
    SpaceMemberPtr in_space =
        space_store.find_in_space(space.space_id, mine->organization_member_id);
    if (!in_space) return SpaceStanding::kOrgMember;
    return in_space->admin ? SpaceStanding::kSpaceAdmin : SpaceStanding::kSpaceMember;
  }

  // A page of the organization's records in `table` (spaces, filters), by
  // (CreatedAt, ID); kNotFound when the caller may not see the organization.
  template <class Record, class IdOf>
  DirectoryResult<Page<Record>> organization_page(const std::map<Uuid, Record>& table,
                                                  std::string_view what, const Actor& actor,
                                                  const Uuid& org, const PageRequest& page,
                                                  IdOf id_of) const {
    std::vector<Record> found;
    {
      std::shared_lock read(tables);
      if (standing_locked(actor, org) == Standing::kNone) {
        return detail::not_found("Organization", org);
      }
      for (const auto& [id, record] : table) {
        if (record.organization_id == org) found.push_back(record);
      }
    }
    std::string query(what);
    query.append(":").append(org.to_string()).append(page.reverse ? ":reverse" : "");
    return detail::page_of(std::move(found), page, token_key, detail::fnv1a(query),
                           [&](const Record& r) { return std::pair(r.created_at, id_of(r)); });
  }

  // --- idempotent creates (under `writer`) ----------------------------------
  // The first answer to a repeat of an idempotent create, 422 for a repeat
  // with another body, nothing for a new key (or one past its retention).
  template <class R, class T>
  std::optional<DirectoryResult<Created<R>>> replay(const IdempotentCreate<T>* idempotent) const {
    if (idempotent == nullptr) return std::nullopt;
    std::shared_lock read(tables);
    auto found = answers.find(idempotent->scope);
    if (found == answers.end() || !retained(found->second, detail::now())) return std::nullopt;
    if (found->second.request_hash != idempotent->request_hash) {
      return DirectoryResult<Created<R>>(detail::error(
          StoreErrorCode::kRuleViolation, "Idempotency-Key was used with another request body"));
    }
    return DirectoryResult<Created<R>>(
        Created<R>(StoredAnswer{found->second.status, found->second.response_body}));
  }

  // Logs the answer a repeat of the create gets, with the created record.
  template <class T>
  static void remember(std::vector<detail::Mutation>& mutations,
                       const IdempotentCreate<T>* idempotent, const T& created) {
    if (idempotent == nullptr) return;
    StoredAnswer answer = idempotent->render(created);
    mutations.push_back(detail::Mutation::put(
        IdempotencyEntry{idempotent->scope, idempotent->request_hash, answer.status,
                         std::move(answer.body), detail::now()}));
  }

  bool retained(const IdempotencyEntry& entry, Timestamp at) const {
    const auto retention =
        std::chrono::duration_cast<std::chrono::microseconds>(options.idempotency_retention);
    return at.micros - entry.created_at.micros < retention.count();
  }

  // --- writes ---------------------------------------------------------------
  // Logs and applies `mutations` (caller holds `writer`); the sequence to wait for.
  DirectoryResult<std::uint64_t> commit(std::vector<detail::Mutation> mutations) {
    auto sequence = log(mutations);
    if (sequence) apply(std::move(mutations));
    return sequence;
  }

  // Logs `mutations` without applying them (caller holds `writer`).
  DirectoryResult<std::uint64_t> log(const std::vector<detail::Mutation>& mutations) {
    auto sequence = wal->append(detail::encode_mutations(mutations));
    if (!sequence) {
      return detail::error(StoreErrorCode::kUnavailable,
                           "write-ahead log refused the write: " + sequence.status().message());
    }
    ++writes_since_snapshot;
    return *sequence;
  }

  std::optional<StoreError> durable(std::uint64_t sequence) {
    if (persist::Status synced = wal->wait_durable(sequence); !synced) {
      return detail::error(StoreErrorCode::kUnavailable,
                           "write-ahead log failed to sync: " + synced.message());
    }
    return std::nullopt;
  }

  std::string dir;
  DirectoryOptions options;
  persist::DataDirLock lock;
  std::string token_key;
  OrganizationMemberStore store;
  SpaceMemberStore space_store;
  std::optional<persist::Wal> wal;
  Recovery recovery;

  std::mutex writer;  // one write at a time: rules, log append and apply
  mutable std::shared_mutex tables;
  detail::UserTable users;  // a snapshot copies pointers, not records, under the lock
  std::unordered_map<std::string, AccessToken> tokens;  // by SHA-256
  std::map<Uuid, Organization> organizations;
  std::unordered_map<std::string, IdempotencyEntry> answers;  // by scope
  std::size_t answers_since_prune = 0;
  std::map<Uuid, Space> spaces;
  std::map<Uuid, Filter> filters;
  std::uint64_t writes_since_snapshot = 0;

  std::mutex snapshot_mutex;
  std::mutex background_mutex;
  persist::Status background_status;
  std::optional<persist::SnapshotInfo> last_snapshot;
  std::future<persist::Status> background;  // last: joined before the rest goes
};

}  // namespace rollcall::index
