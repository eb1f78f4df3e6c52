// OrganizationMemberStore: every organization membership, indexed for the
// filtered, ordered, paged lists of the API. Thread-safe: reads share a lock
// and never wait on more than one short write; records are immutable and
// shared, so results stay valid after the lock is released.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rollcall/filter.hpp"
#include "rollcall/index/entities.hpp"
#include "rollcall/index/member_ptr.hpp"

namespace rollcall::index {

// MemberPtr and MemberRef: member_ptr.hpp.

enum class StoreErrorCode : std::uint8_t {
  kNotFound,         // no such record
  kConflict,         // the ID (or another unique key) is taken
  kVersionMismatch,  // If-Match: the record has another Version
  kRuleViolation,    // e.g. the last active OWNER would go
  kBadRequest,       // e.g. a page token from another query
  kUnavailable,      // the write-ahead log refused or failed the write
  kForbidden,        // the caller may see the record but not do this
};

struct StoreError {
  StoreErrorCode code;
  std::string message;
};

// One sort key: an attribute of organization_member_schema(), ascending or not.
// The record ID always breaks ties, in the direction of the last key.
struct SortKey {
  std::string attribute = "CreatedAt";
  bool descending = false;
};

// How far back a walk through pages may resume. Each page of a walk reads the
// store as it was at the walk's first page, rebuilt from the versions that
// later writes replaced; a token older than the oldest kept version (or made
// before a restart) answers kBadRequest "page_token has expired".
struct PageWalkOptions {
  std::size_t max_versions = 100000;  // replaced versions kept (they share the records)
  std::chrono::seconds retention{600};
};

struct ListRequest {
  Uuid organization_id;
  // where AND saved filter AND contains, compiled against
  // organization_member_schema() or a restriction of it.
  filter::Predicate predicate;
  std::vector<SortKey> order_by;  // empty: CreatedAt ascending
  std::size_t limit = 100;
  std::string page_token;  // from a previous ListResult; empty for the first page
  bool include_total = false;
  // Extra text the page token is bound to (the caller's select, scope, ...).
  std::string binding;
};

// How a list would run, for `GET /where/explain`.
struct Explanation {
  std::string access_path;           // e.g. "index (OrganizationID, Role) = 'OWNER'"
  std::uint64_t estimated_rows = 0;  // candidates the access path yields
  std::string residual;              // what is evaluated on each candidate; empty: nothing
  std::string text() const;          // one line: path; residual
};

struct ListResult {
  std::vector<MemberPtr> items;
  std::string next_page_token;  // empty on the last page
  std::optional<std::uint64_t> total;
};

class OrganizationMemberStore {
 public:
  // `token_key` authenticates page tokens (keep it across restarts so that
  // tokens stay valid); empty picks a random one.
  explicit OrganizationMemberStore(std::string token_key = {}, PageWalkOptions walks = {});
  ~OrganizationMemberStore();
  OrganizationMemberStore(const OrganizationMemberStore&) = delete;
  OrganizationMemberStore& operator=(const OrganizationMemberStore&) = delete;

  // Writes. Each is atomic; rules are checked in the same critical section.
  std::optional<StoreError> insert(OrganizationMember member);
  // Replaces the record with the same ID. `expected_version`: If-Match.
  std::optional<StoreError> replace(OrganizationMember member,
                                    std::optional<std::int64_t> expected_version = {});
  std::optional<StoreError> erase(const Uuid& id,
                                  std::optional<std::int64_t> expected_version = {});

  // No walk resumes from a state before now (Directory: after recovery).
  void forget_history();

  // Recovery: applies a logged write as it was logged (an upsert keeps the
  // record's Version), without rules. False when `id` is absent.
  void restore(OrganizationMember member);
  bool restore_erase(const Uuid& id);
  // Several logged writes (upserts, or erasures of an ID) in order under one
  // lock: readers see all of them or none.
  using Restore = std::variant<OrganizationMember, Uuid>;
  void restore(std::vector<Restore> writes);
  // Start-up: upserts `records` in order under one lock, as restore() would
  // (a later record with an ID replaces the earlier). Into an empty store,
  // every index is built at once, each order sorted once, instead of record
  // by record. No walk resumes from a state before the load.
  void load(const std::vector<MemberPtr>& records);

  // Reads.
  MemberPtr find(const Uuid& id) const;
  // Every membership bound to the user (any organization, any status).
  std::vector<MemberPtr> find_by_user(const Uuid& user_id) const;
  // Every membership whose Email equals `email` ignoring ASCII case.
  std::vector<MemberPtr> find_by_email(std::string_view email) const;
  std::size_t active_owner_count(const Uuid& organization_id) const;
  std::size_t size() const;
  // Fails only on a bad page token (kBadRequest).
  std::variant<ListResult, StoreError> list(const ListRequest& request) const;
  // The number of the organization's records matching `predicate`, without
  // materializing them (O(log n) when an index answers the whole predicate).
  std::uint64_t count(const Uuid& organization, const filter::Predicate& predicate) const;
  // How `list` would run: the access path chosen and the residual predicate.
  Explanation explain(const ListRequest& request) const;
  // Every record, for snapshots; copies pointers under a short lock.
  std::vector<MemberPtr> all() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace rollcall::index
