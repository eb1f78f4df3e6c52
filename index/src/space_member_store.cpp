#include "rollcall/index/space_member_store.hpp"

#include <boost/multi_index/composite_key.hpp>
#include <boost/multi_index/hashed_index.hpp>
#include <boost/multi_index/ranked_index.hpp>
#include <boost/multi_index_container.hpp>
#include <mutex>
#include <shared_mutex>

#include "list_paging.hpp"
#include "member_indexes.hpp"
#include "restore_batch.hpp"
#include "rollcall/index/schemas.hpp"
#include "version_history.hpp"

namespace rollcall::index {
namespace {

namespace bmi = boost::multi_index;
using detail::OrderKey;
using detail::ResolvedSortKey;
using detail::UuidHash;

struct IdKey {
  using result_type = Uuid;
  const Uuid& operator()(const SpaceMemberPtr& m) const { return m->space_member_id; }
};
struct SpaceKey {
  using result_type = Uuid;
  const Uuid& operator()(const SpaceMemberPtr& m) const { return m->space_id; }
};
struct OrgKey {
  using result_type = Uuid;
  const Uuid& operator()(const SpaceMemberPtr& m) const { return m->organization_id; }
};
struct OrgMemberKey {
  using result_type = Uuid;
  const Uuid& operator()(const SpaceMemberPtr& m) const { return m->organization_member_id; }
};
struct CreatedKey {
  using result_type = Timestamp;
  Timestamp operator()(const SpaceMemberPtr& m) const { return m->created_at; }
};

struct ById {};
struct BySpaceCreated {};
struct ByOrgCreated {};
struct ByOrgMember {};

// Both ordered indexes end in the ID, so a (CreatedAt, ID) cursor resumes a
// walk exactly; ranks size a space or an organization in O(log n).
using SpaceMemberSet = bmi::multi_index_container<
    SpaceMemberPtr,
    bmi::indexed_by<
        bmi::hashed_unique<bmi::tag<ById>, IdKey, UuidHash>,
        bmi::ranked_unique<bmi::tag<BySpaceCreated>,
                           bmi::composite_key<SpaceMemberPtr, SpaceKey, CreatedKey, IdKey>>,
        bmi::ranked_unique<bmi::tag<ByOrgCreated>,
                           bmi::composite_key<SpaceMemberPtr, OrgKey, CreatedKey, IdKey>>,
        bmi::hashed_non_unique<bmi::tag<ByOrgMember>, OrgMemberKey, UuidHash>>>;

using Visitor = std::function<bool(const SpaceMemberPtr&)>;  // false stops the walk

// Walks the (scope, CreatedAt, ID) range of `index`, strictly after `cursor`
// in the walk's direction.
template <class Index>
void walk_scope(const Index& index, const Uuid& scope, const std::optional<OrderKey>& cursor,
                bool descending, const Visitor& visit) {
  auto begin = index.lower_bound(boost::make_tuple(scope));
  auto end = index.upper_bound(boost::make_tuple(scope));
  if (cursor) {
    const auto at =
        boost::make_tuple(scope, std::get<Timestamp>(cursor->values.front()), cursor->id);
    if (descending) {
      end = index.lower_bound(at);
    } else {
      begin = index.upper_bound(at);
    }
  }
  if (!descending) {
    for (auto it = begin; it != end; ++it) {
      if (!visit(*it)) return;
    }
    return;
  }
  for (auto it = end; it != begin;) {
    if (!visit(*--it)) return;
  }
}

template <class Index>
std::uint64_t scope_size(const Index& index, const Uuid& scope) {
  return index.rank(index.upper_bound(boost::make_tuple(scope))) -
         index.rank(index.lower_bound(boost::make_tuple(scope)));
}

}  // namespace

struct SpaceMemberStore::State {
  explicit State(const PageWalkOptions& walks) : history(walks) {}

  mutable std::shared_mutex mutex;
  SpaceMemberSet members;
  detail::VersionHistory<SpaceMemberPtr> history;
  std::uint64_t epoch = detail::random_epoch();
  std::string token_key;

  // The request's scope: one space, or the whole organization.
  void walk(const SpaceMemberListRequest& request, const std::optional<OrderKey>& cursor,
            bool descending, const Visitor& visit) const {
    if (request.space_id) {
      walk_scope(members.get<BySpaceCreated>(), *request.space_id, cursor, descending, visit);
    } else {
      walk_scope(members.get<ByOrgCreated>(), request.organization_id, cursor, descending, visit);
    }
  }

  // Under the unique lock: a logged write as it was logged.
  void restore_locked(const SpaceMemberPtr& record) {
    auto& by_id = members.get<ById>();
    auto found = by_id.find(record->space_member_id);
    if (found == by_id.end()) {
      history.record(record->space_member_id, nullptr);
      members.insert(record);
    } else {
      history.record(record->space_member_id, *found);
      by_id.replace(found, record);  // every ordered key ends in the ID: no collision
    }
  }

  bool erase_locked(const Uuid& id) {
    auto& by_id = members.get<ById>();
    auto found = by_id.find(id);
    if (found == by_id.end()) return false;
    history.record(id, *found);
    by_id.erase(found);
    return true;
  }

  std::uint64_t size_of(const SpaceMemberListRequest& request) const {
    return request.space_id ? scope_size(members.get<BySpaceCreated>(), *request.space_id)
                            : scope_size(members.get<ByOrgCreated>(), request.organization_id);
  }
};

SpaceMemberStore::SpaceMemberStore(std::string token_key, PageWalkOptions walks)
    : state_(std::make_unique<State>(walks)) {
  state_->token_key = std::move(token_key);
}

SpaceMemberStore::~SpaceMemberStore() = default;

SpaceMemberPtr SpaceMemberStore::find(const Uuid& id) const {
  std::shared_lock lock(state_->mutex);
  const auto& by_id = state_->members.get<ById>();
  auto found = by_id.find(id);
  return found == by_id.end() ? nullptr : *found;
}

std::vector<SpaceMemberPtr> SpaceMemberStore::find_by_organization_member(
    const Uuid& organization_member_id) const {
  std::shared_lock lock(state_->mutex);
  const auto range = state_->members.get<ByOrgMember>().equal_range(organization_member_id);
  return {range.first, range.second};
}

SpaceMemberPtr SpaceMemberStore::find_in_space(const Uuid& space_id,
                                               const Uuid& organization_member_id) const {
  for (SpaceMemberPtr& member : find_by_organization_member(organization_member_id)) {
    if (member->space_id == space_id) return member;
  }
  return nullptr;
}

std::size_t SpaceMemberStore::size() const {
  std::shared_lock lock(state_->mutex);
  return state_->members.size();
}

std::vector<SpaceMemberPtr> SpaceMemberStore::all() const {
  std::shared_lock lock(state_->mutex);
  return {state_->members.begin(), state_->members.end()};
}

void SpaceMemberStore::restore(SpaceMember member) {
  auto record = std::make_shared<const SpaceMember>(std::move(member));
  std::unique_lock lock(state_->mutex);
  state_->restore_locked(record);
}

bool SpaceMemberStore::restore_erase(const Uuid& id) {
  std::unique_lock lock(state_->mutex);
  return state_->erase_locked(id);
}

void SpaceMemberStore::restore(std::vector<Restore> writes) {
  detail::restore_batch<SpaceMember>(*state_, std::move(writes), [](SpaceMember record) {
    return std::make_shared<const SpaceMember>(std::move(record));
  });
}

void SpaceMemberStore::forget_history() {
  std::unique_lock lock(state_->mutex);
  state_->history.forget();
}

std::variant<SpaceMemberListResult, StoreError> SpaceMemberStore::list(
    const SpaceMemberListRequest& request) const {
  auto resolved = detail::resolve_sort_keys(request.order_by, space_member_schema());
  if (auto* error = std::get_if<StoreError>(&resolved)) return *error;
  const auto& keys = std::get<std::vector<ResolvedSortKey>>(resolved);
  const Uuid& scope = request.space_id ? *request.space_id : request.organization_id;
  const std::string binding =
      std::string(request.space_id ? "space:" : "organization:").append(request.binding);
  const std::uint64_t hash =
      detail::list_query_hash(scope, request.predicate, binding, request.order_by);
  auto opened =
      detail::open_list_cursor(state_->token_key, state_->epoch, hash, request.page_token, keys);
  if (auto* error = std::get_if<StoreError>(&opened)) return *error;
  const auto cursor = std::get<detail::ListCursor>(std::move(opened));
  const std::size_t limit = std::max<std::size_t>(request.limit, 1);
  const filter::Predicate& predicate = request.predicate;
  const auto in_scope = [&](const SpaceMember& m) {
    return request.space_id ? m.space_id == *request.space_id
                            : m.organization_id == request.organization_id;
  };

  SpaceMemberListResult result;
  bool more = false;
  std::uint64_t total = 0;
  std::shared_lock lock(state_->mutex);
  const std::uint64_t as_of = cursor.as_of.value_or(state_->history.sequence());
  if (!state_->history.covers(as_of)) return detail::expired_walk();
  if (as_of == state_->history.sequence() && detail::in_created_order(keys)) {
    state_->walk(request, cursor.after, keys[0].descending, [&](const SpaceMemberPtr& m) {
      if (!predicate.matches(*m)) return true;
      more = result.items.size() == limit;
      if (!more) result.items.push_back(m);
      return !more;
    });
    if (request.include_total) {
      state_->walk(request, std::nullopt, false, [&](const SpaceMemberPtr& m) {
        total += predicate.matches(*m) ? 1 : 0;
        return true;
      });
    }
  } else {
    // Any other order, or a past state: the records then, sorted.
    detail::SortedPage<SpaceMemberPtr> page(keys, cursor.after);
    total = detail::offer_past_state(
        state_->history, as_of,
        [&](const auto& visit) { state_->walk(request, std::nullopt, false, visit); },
        [&](const SpaceMemberPtr& m) { return predicate.matches(*m); }, in_scope, predicate, page);
    result.items = page.take(limit, more);
  }
  lock.unlock();
  if (request.include_total) result.total = total;
  if (more && !result.items.empty()) {
    result.next_page_token = detail::next_list_token(state_->token_key, state_->epoch, hash, as_of,
                                                     detail::order_key(*result.items.back(), keys));
  }
  return result;
}

Explanation SpaceMemberStore::explain(const SpaceMemberListRequest& request) const {
  std::shared_lock lock(state_->mutex);
  Explanation explanation;
  explanation.access_path =
      request.space_id ? "scan (SpaceID, CreatedAt, ID)" : "scan (OrganizationID, CreatedAt, ID)";
  explanation.estimated_rows = state_->size_of(request);
  explanation.residual = request.predicate.normalized();
  return explanation;
}

}  // namespace rollcall::index
