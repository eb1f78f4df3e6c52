#include "rollcall/index/member_store.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <future>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <tuple>
#include <unordered_set>

#include "list_paging.hpp"
#include "member_indexes.hpp"
#include "member_planner.hpp"
#include "membership_rules.hpp"
#include "restore_batch.hpp"
#include "rollcall/index/schemas.hpp"
#include "version_history.hpp"

namespace rollcall::index {

using detail::AccessPath;
using detail::OrderKey;
using detail::ResolvedSortKey;

struct OrganizationMemberStore::State {
  explicit State(const PageWalkOptions& walks) : history(walks) {}

  mutable std::shared_mutex mutex;
  detail::MemberSet members;
  detail::Inverted inverted;
  detail::VersionHistory<MemberPtr> history;
  std::uint64_t epoch = detail::random_epoch();
  std::string token_key;

  // Under the unique lock: a logged write as it was logged.
  void restore_locked(const MemberPtr& record) {
    const MemberRef found = members.find(record->organization_member_id);
    if (!found) {
      members.insert(record);
      history.record(record->organization_member_id, nullptr);
    } else {
      const MemberPtr before(found);  // the ID is about to hold `record`
      history.record(record->organization_member_id, before);
      inverted.remove(before);
      members.replace(before, record);
    }
    inverted.add(record);
  }

  // Under the unique lock, into an empty store: every index built at once,
  // beside the current ones, which it replaces only when whole. False (and
  // nothing changed) when IDs repeat.
  bool build(const std::vector<MemberPtr>& records) {
    using Part = detail::MemberSet::Part;
    detail::MemberSet built;
    detail::Inverted postings;
    // The orders on a second thread when one starts; the rest on this one.
    auto orders = std::async(std::launch::async | std::launch::deferred,
                             [&] { built.build(Part::kOtherOrders, records); });
    built.build(Part::kLookup, records);
    const bool distinct = built.size() == records.size();
    if (distinct) {
      built.build(Part::kCreatedOrder, records);
      postings.build(built.by_created());
    }
    orders.get();
    if (!distinct) return false;
    members = std::move(built);
    inverted = std::move(postings);
    history.skip(records.size());
    return true;
  }

  bool erase_locked(const Uuid& id) {
    const MemberRef found = members.find(id);
    if (!found) return false;
    const MemberPtr before(found);  // outlives its erasure from the index
    history.record(id, before);
    inverted.remove(before);
    members.erase(before);
    return true;
  }
};

namespace {

using Visitor = std::function<bool(MemberRef)>;  // false stops the walk

std::size_t active_owners(const detail::MemberSet& members, const Uuid& org) {
  const auto& index = members.by_role();
  const std::tuple<const Uuid&, std::string_view> owners(org, "OWNER");
  return static_cast<std::size_t>(std::count_if(index.lower_bound(owners),
                                                index.upper_bound(owners),
                                                [](MemberRef m) { return m->status == "active"; }));
}

// Scans are bound by memory, a cache miss or more a record: asking for the
// records a few entries ahead overlaps those misses.
constexpr int kPrefetchDistance = 8;

void prefetch(MemberRef member) {
  // The record (about 200 bytes, its flags last), then the first of the texts
  // packed behind it.
  const char* record = reinterpret_cast<const char*>(member.get());
  for (std::ptrdiff_t line = 0; line < 5; ++line) __builtin_prefetch(record + 64 * line);
}

template <class It, class Visit>
bool walk_run(It first, It last, const Visit& visit) {
  for (It ahead = first; ahead != last && ahead - first < kPrefetchDistance; ++ahead) {
    prefetch(*ahead);
  }
  for (It it = first; it != last; ++it) {
    if (last - it > kPrefetchDistance) prefetch(it[kPrefetchDistance]);
    if (!visit(*it)) return false;
  }
  return true;
}

template <class Visit>
bool walk(const detail::BlockList& index, detail::BlockList::const_iterator begin,
          detail::BlockList::const_iterator end, bool descending, const Visit& visit) {
  return index.for_each_run(begin, end, descending, [&](std::span<const MemberRef> run) {
    return descending ? walk_run(run.rbegin(), run.rend(), visit)
                      : walk_run(run.begin(), run.end(), visit);
  });
}

// Walks [begin, end) of a (prefix..., CreatedAt, ID) index, resuming strictly
// after `cursor`, when not null, in the walk's direction.
template <class Index, class Make, class Visit>
bool walk_created(const Index& index, typename Index::const_iterator begin,
                  typename Index::const_iterator end, Make with_cursor, const OrderKey* cursor,
                  bool descending, const Visit& visit) {
  if (cursor != nullptr) {
    const auto at = with_cursor(std::get<Timestamp>(cursor->values.front()), cursor->id);
    if (descending) {
      const auto resume = index.lower_bound(at);
      if (index.rank(resume) < index.rank(end)) end = resume;
    } else {
      const auto resume = index.upper_bound(at);
      if (index.rank(resume) > index.rank(begin)) begin = resume;
    }
  }
  return walk(index, begin, end, descending, visit);
}

class Executor {
 public:
  Executor(const detail::MemberSet& members, const Uuid& org) : members_(members), org_(org) {}

  // Candidates of an ordered path in (CreatedAt, ID) order, after `cursor`
  // (a pointer: an optional's payload read only when set made GCC 12 warn).
  template <class Visit>
  bool stream(const AccessPath& path, const OrderKey* cursor, bool descending,
              const Visit& visit) const {
    const auto org_cursor = [&](Timestamp t, const Uuid& id) {
      return std::make_tuple(org_, t, id);
    };
    switch (path.kind) {
      case AccessPath::Kind::kRole: {
        const std::string_view role(path.role);
        return walk_created(
            members_.by_role(), path.first, path.last,
            [&](Timestamp t, const Uuid& id) { return std::make_tuple(org_, role, t, id); }, cursor,
            descending, visit);
      }
      case AccessPath::Kind::kPostings:
        return walk_created(*path.postings, path.first, path.last, org_cursor, cursor, descending,
                            visit);
      default:
        return walk_created(members_.by_created(), path.first, path.last, org_cursor, cursor,
                            descending, visit);
    }
  }

  // Every candidate of any path, in no particular order, each once.
  void for_each(const AccessPath& path, const Visitor& visit) const {
    if (path.in_created_order()) {
      stream(path, nullptr, false, visit);
      return;
    }
    switch (path.kind) {
      case AccessPath::Kind::kUsernameRange:
        walk(members_.by_username(), path.first, path.last, false, visit);
        return;
      case AccessPath::Kind::kIds: {
        for (const Uuid& id : path.ids) {
          const MemberRef found = members_.find(id);
          if (found && found->organization_id == org_ && !visit(found)) return;
        }
        return;
      }
      default: {
        std::unordered_set<const OrganizationMember*> seen;
        for (const AccessPath& part : path.parts) {
          bool go_on = true;
          for_each(part, [&](MemberRef m) {
            go_on = !seen.insert(m.get()).second || visit(m);
            return go_on;
          });
          if (!go_on) return;
        }
      }
    }
  }

 private:
  const detail::MemberSet& members_;
  const Uuid& org_;
};

std::uint64_t count_matches(const Executor& executor, const AccessPath& path,
                            const filter::Predicate& predicate) {
  // A union's parts may overlap, so its estimate only bounds the count.
  if (path.exact && path.kind != AccessPath::Kind::kUnion) return path.estimate;
  std::uint64_t total = 0;
  executor.for_each(path, [&](MemberRef m) {
    total += predicate.matches(*m) ? 1 : 0;
    return true;
  });
  return total;
}

// What a page hands out: records the caller holds after the lock is gone.
std::vector<MemberPtr> owners(const std::vector<MemberRef>& refs) {
  return {refs.begin(), refs.end()};
}

std::string random_key() {
  std::string key(32, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size()));
  return key;
}

}  // namespace

OrganizationMemberStore::OrganizationMemberStore(std::string token_key, PageWalkOptions walks)
    : state_(std::make_unique<State>(walks)) {
  state_->token_key = token_key.empty() ? random_key() : std::move(token_key);
}

OrganizationMemberStore::~OrganizationMemberStore() = default;

void OrganizationMemberStore::forget_history() {
  std::unique_lock lock(state_->mutex);
  state_->history.forget();
}

std::optional<StoreError> OrganizationMemberStore::insert(OrganizationMember member) {
  auto record = make_member(std::move(member));
  const Uuid& id = record->organization_member_id;
  std::unique_lock lock(state_->mutex);
  // Every unique key ends in the ID: only the ID can collide.
  if (state_->members.find(id)) {
    return StoreError{StoreErrorCode::kConflict,
                      "OrganizationMemberID " + id.to_string() + " already exists"};
  }
  state_->members.insert(record);
  state_->history.record(id, nullptr);
  state_->inverted.add(record);
  return std::nullopt;
}

void OrganizationMemberStore::restore(OrganizationMember member) {
  auto record = make_member(std::move(member));
  std::unique_lock lock(state_->mutex);
  state_->restore_locked(record);
}

bool OrganizationMemberStore::restore_erase(const Uuid& id) {
  std::unique_lock lock(state_->mutex);
  return state_->erase_locked(id);
}

void OrganizationMemberStore::restore(std::vector<Restore> writes) {
  detail::restore_batch<OrganizationMember>(*state_, std::move(writes), make_member);
}

void OrganizationMemberStore::load(const std::vector<MemberPtr>& records) {
  std::unique_lock lock(state_->mutex);
  if (state_->members.empty() && state_->build(records)) return;
  for (const MemberPtr& record : records) state_->restore_locked(record);
  state_->history.forget();
}

namespace {

// The organization must keep an active OWNER when `before` stops being one.
std::optional<StoreError> check_last_owner(const detail::MemberSet& members,
                                           const OrganizationMember& before,
                                           const OrganizationMember* after) {
  return detail::check_keeps_owner(active_owners(members, before.organization_id), before, after);
}

}  // namespace

std::optional<StoreError> OrganizationMemberStore::replace(
    OrganizationMember member, std::optional<std::int64_t> expected_version) {
  std::unique_lock lock(state_->mutex);
  const MemberRef found = state_->members.find(member.organization_member_id);
  if (!found) {
    return StoreError{StoreErrorCode::kNotFound,
                      "no OrganizationMember " + member.organization_member_id.to_string()};
  }
  const MemberPtr before(found);  // the record must outlive its erasure from the index
  if (auto error = detail::check_version(*before, expected_version)) return error;
  if (member.organization_id != before->organization_id) {
    return StoreError{StoreErrorCode::kBadRequest, "OrganizationID cannot change"};
  }
  // Walks in the default order rely on it: CreatedAt is fixed at creation.
  if (member.created_at != before->created_at) {
    return StoreError{StoreErrorCode::kBadRequest, "CreatedAt cannot change"};
  }
  if (auto error = check_last_owner(state_->members, *before, &member)) return error;
  member.version = before->version + 1;
  auto after = make_member(std::move(member));
  state_->history.record(after->organization_member_id, before);
  state_->members.replace(before, after);  // every key ends in the ID: no collision
  state_->inverted.remove(before);
  state_->inverted.add(after);
  return std::nullopt;
}

std::optional<StoreError> OrganizationMemberStore::erase(
    const Uuid& id, std::optional<std::int64_t> expected_version) {
  std::unique_lock lock(state_->mutex);
  const MemberRef found = state_->members.find(id);
  if (!found) {
    return StoreError{StoreErrorCode::kNotFound, "no OrganizationMember " + id.to_string()};
  }
  const MemberPtr before(found);  // the record must outlive its erasure from the index
  if (auto error = detail::check_version(*before, expected_version)) return error;
  if (auto error = check_last_owner(state_->members, *before, nullptr)) return error;
  state_->history.record(id, before);
  state_->members.erase(before);
  state_->inverted.remove(before);
  return std::nullopt;
}

MemberPtr OrganizationMemberStore::find(const Uuid& id) const {
  std::shared_lock lock(state_->mutex);
  const MemberRef found = state_->members.find(id);
  return found ? MemberPtr(found) : nullptr;
}

std::vector<MemberPtr> OrganizationMemberStore::find_by_user(const Uuid& user_id) const {
  std::shared_lock lock(state_->mutex);
  return state_->members.with_user(user_id);
}

std::vector<MemberPtr> OrganizationMemberStore::find_by_email(std::string_view email) const {
  std::shared_lock lock(state_->mutex);
  return state_->members.with_email(email);
}

std::size_t OrganizationMemberStore::active_owner_count(const Uuid& organization_id) const {
  std::shared_lock lock(state_->mutex);
  return active_owners(state_->members, organization_id);
}

std::size_t OrganizationMemberStore::size() const {
  std::shared_lock lock(state_->mutex);
  return state_->members.size();
}

std::vector<MemberPtr> OrganizationMemberStore::all() const {
  std::shared_lock lock(state_->mutex);
  return state_->members.all();
}

std::variant<ListResult, StoreError> OrganizationMemberStore::list(
    const ListRequest& request) const {
  auto resolved = detail::resolve_sort_keys(request.order_by, organization_member_schema());
  if (auto* error = std::get_if<StoreError>(&resolved)) return *error;
  const auto& keys = std::get<std::vector<ResolvedSortKey>>(resolved);
  // Hashing the query costs more than a point lookup: only for tokens.
  const auto hash = [&request] {
    return detail::list_query_hash(request.organization_id, request.predicate, request.binding,
                                   request.order_by);
  };
  detail::ListCursor cursor;
  if (!request.page_token.empty()) {
    auto opened = detail::open_list_cursor(state_->token_key, state_->epoch, hash(),
                                           request.page_token, keys);
    if (auto* error = std::get_if<StoreError>(&opened)) return *error;
    cursor = std::get<detail::ListCursor>(std::move(opened));
  }
  const filter::Predicate& predicate = request.predicate;
  const std::size_t limit = std::max<std::size_t>(request.limit, 1);

  const bool created_order = detail::in_created_order(keys);
  std::shared_lock lock(state_->mutex);
  const std::uint64_t as_of = cursor.as_of.value_or(state_->history.sequence());
  if (!state_->history.covers(as_of)) return detail::expired_walk();
  const bool current = as_of == state_->history.sequence();
  const AccessPath path = detail::plan_access(
      predicate.expression(), predicate.schema(), request.organization_id, state_->members,
      state_->inverted, created_order && current ? limit + 1 : 0);
  Executor executor(state_->members, request.organization_id);
  // Every candidate of an exact path matches: nothing is left to evaluate.
  const auto matches = [&](MemberRef m) { return path.exact || predicate.matches(*m); };
  ListResult result;
  bool more = false;
  if (!current) {
    detail::SortedPage<MemberRef> page(keys, cursor.after);
    const std::uint64_t total = detail::offer_past_state(
        state_->history, as_of, [&](const auto& visit) { executor.for_each(path, visit); }, matches,
        [&](const OrganizationMember& m) { return m.organization_id == request.organization_id; },
        predicate, page);
    if (request.include_total) result.total = total;
    result.items = owners(page.take(limit, more));
  } else if (created_order && path.in_created_order()) {
    result.items.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(limit, path.estimate)));
    const OrderKey* after = cursor.after ? &*cursor.after : nullptr;
    executor.stream(path, after, keys[0].descending, [&](MemberRef m) {
      if (!matches(m)) return true;
      if (result.items.size() == limit) {
        more = true;
        return false;
      }
      result.items.emplace_back(m);
      return true;
    });
  } else {
    detail::SortedPage<MemberRef> page(keys, cursor.after);
    executor.for_each(path, [&](MemberRef m) {
      if (matches(m)) page.offer(m);
      return true;
    });
    result.items = owners(page.take(limit, more));
  }
  if (current && request.include_total) {
    result.total = count_matches(executor, path, predicate);
  }
  lock.unlock();
  if (more && !result.items.empty()) {
    result.next_page_token =
        detail::next_list_token(state_->token_key, state_->epoch, hash(), as_of,
                                detail::order_key(*result.items.back(), keys));
  }
  return result;
}

std::uint64_t OrganizationMemberStore::count(const Uuid& organization,
                                             const filter::Predicate& predicate) const {
  std::shared_lock lock(state_->mutex);
  const AccessPath path = detail::plan_access(predicate.expression(), predicate.schema(),
                                              organization, state_->members, state_->inverted);
  return count_matches(Executor(state_->members, organization), path, predicate);
}

Explanation OrganizationMemberStore::explain(const ListRequest& request) const {
  std::shared_lock lock(state_->mutex);
  const AccessPath path =
      detail::plan_access(request.predicate.expression(), request.predicate.schema(),
                          request.organization_id, state_->members, state_->inverted);
  return Explanation{path.describe(), path.estimate,
                     path.exact ? std::string() : request.predicate.normalized()};
}

std::string Explanation::text() const {
  return access_path + "; residual: " + (residual.empty() ? "none" : residual);
}

}  // namespace rollcall::index
