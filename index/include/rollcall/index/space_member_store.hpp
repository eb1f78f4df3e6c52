// SpaceMemberStore: every space membership, indexed by space and by
// organization for the filtered, ordered, paged lists of the API. The
// Directory writes it (rules, log, cascade); callers read it. Thread-safe on
// the same terms as OrganizationMemberStore: records are immutable and shared.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rollcall/filter.hpp"
#include "rollcall/index/entities.hpp"
#include "rollcall/index/member_store.hpp"

namespace rollcall::index {

using SpaceMemberPtr = std::shared_ptr<const SpaceMember>;

struct SpaceMemberListRequest {
  Uuid organization_id;
  std::optional<Uuid> space_id;  // one space's members; none: the whole organization's
  // where AND saved filter AND contains, compiled against space_member_schema()
  // or a restriction of it.
  filter::Predicate predicate;
  std::vector<SortKey> order_by;  // attributes of space_member_schema(); empty: CreatedAt
  std::size_t limit = 100;
  std::string page_token;
  bool include_total = false;
  std::string binding;  // extra text the page token is bound to
};

struct SpaceMemberListResult {
  std::vector<SpaceMemberPtr> items;
  std::string next_page_token;
  std::optional<std::uint64_t> total;
};

class SpaceMemberStore {
 public:
  explicit SpaceMemberStore(std::string token_key, PageWalkOptions walks = {});
  ~SpaceMemberStore();
  SpaceMemberStore(const SpaceMemberStore&) = delete;
  SpaceMemberStore& operator=(const SpaceMemberStore&) = delete;

  SpaceMemberPtr find(const Uuid& id) const;
  // The space memberships of one organization membership (any space).
  std::vector<SpaceMemberPtr> find_by_organization_member(const Uuid& organization_member_id) const;
  // The membership of `organization_member_id` in `space_id`, if any.
  SpaceMemberPtr find_in_space(const Uuid& space_id, const Uuid& organization_member_id) const;
  std::size_t size() const;
  // Fails only on a bad page token or order_by (kBadRequest).
  std::variant<SpaceMemberListResult, StoreError> list(const SpaceMemberListRequest& request) const;
  // How `list` would run: the access path and estimated candidate rows.
  Explanation explain(const SpaceMemberListRequest& request) const;
  std::vector<SpaceMemberPtr> all() const;

  // No walk resumes from a state before now (after recovery).
  void forget_history();

  // Applies a logged write as it is (the Directory's apply and recovery).
  void restore(SpaceMember member);
  bool restore_erase(const Uuid& id);
  // Several logged writes (upserts, or erasures of an ID) in order under one
  // lock: readers see all of them or none.
  using Restore = std::variant<SpaceMember, Uuid>;
  void restore(std::vector<Restore> writes);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace rollcall::index
