// The versions records had before recent writes, so that every page of a walk
// reads the store as it was at the walk's first page (multi-version reads):
// a record whose sort key or match changes mid-walk is then neither repeated
// nor skipped. Writes record the version they replace (null for an insert)
// under the store's write lock; reads rebuild a past state under its read lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <unordered_map>

#include "list_paging.hpp"
#include "member_indexes.hpp"
#include "rollcall/index/member_store.hpp"

namespace rollcall::index::detail {

template <class Ptr>
class VersionHistory {
 public:
  using Clock = std::chrono::steady_clock;

  explicit VersionHistory(const PageWalkOptions& options) : options_(options) {}

  // The state the store is in: the number of writes recorded so far.
  std::uint64_t sequence() const { return sequence_; }

  // True when the state after write `as_of` can still be rebuilt.
  bool covers(std::uint64_t as_of) const { return as_of >= horizon_ && as_of <= sequence_; }

  // A write replaced (or erased) `before`, or inserted `id` (before null).
  void record(const Uuid& id, Ptr before) {
    ++sequence_;
    changes_.push_back({id, std::move(before), sequence_, Clock::now()});
    trim(Clock::now());
  }

  // Forgets every past version: no walk may resume from an earlier state
  // (after recovery, whose writes no walk has seen).
  void forget() {
    changes_.clear();
    horizon_ = sequence_;
  }

  // `writes` made at once (a bulk load), behind which no walk may look: the
  // state moves on and every past version is forgotten.
  void skip(std::uint64_t writes) {
    sequence_ += writes;
    forget();
  }

  // The records written after state `as_of`, each with its version in that
  // state (null: it did not exist then). Requires covers(as_of).
  std::unordered_map<Uuid, Ptr, UuidHash> changed_since(std::uint64_t as_of) const {
    std::unordered_map<Uuid, Ptr, UuidHash> changed;
    // changes_ holds the writes horizon_+1 .. sequence_, in order.
    const auto first = changes_.end() - static_cast<std::ptrdiff_t>(sequence_ - as_of);
    for (auto it = first; it != changes_.end(); ++it) changed.try_emplace(it->id, it->before);
    return changed;
  }

  std::size_t size() const { return changes_.size(); }

 private:
  struct Change {
    Uuid id;
    Ptr before;
    std::uint64_t sequence;
    Clock::time_point at;
  };

  void trim(Clock::time_point now) {
    while (!changes_.empty() && (changes_.size() > options_.max_versions ||
                                 now - changes_.front().at > options_.retention)) {
      horizon_ = changes_.front().sequence;
      changes_.pop_front();
    }
  }

  PageWalkOptions options_;
  std::deque<Change> changes_;
  std::uint64_t sequence_ = 0;
  std::uint64_t horizon_ = 0;  // the oldest state still covered
};

inline const Uuid& record_id(const OrganizationMember& m) { return m.organization_member_id; }
inline const Uuid& record_id(const SpaceMember& m) { return m.space_member_id; }

// The matches of state `as_of`, which later writes changed, offered to `page`:
// the current candidates they left alone (`for_each_current(visit)` walks the
// candidates; `matches` tests one) and the versions they replaced that were
// then in the list's scope and matched. Returns how many were offered.
template <class Ptr, class Entry, class ForEachCurrent, class Matches, class InScope>
std::uint64_t offer_past_state(const VersionHistory<Ptr>& history, std::uint64_t as_of,
                               const ForEachCurrent& for_each_current, const Matches& matches,
                               const InScope& in_scope, const filter::Predicate& predicate,
                               SortedPage<Entry>& page) {
  const auto changed = history.changed_since(as_of);
  std::uint64_t offered = 0;
  const auto offer = [&](const Entry& record) {
    ++offered;
    page.offer(record);
  };
  for_each_current([&](const auto& record) {
    if (!changed.contains(record_id(*record)) && matches(record)) offer(record);
    return true;
  });
  for (const auto& [id, then] : changed) {
    if (then != nullptr && in_scope(*then) && predicate.matches(*then)) offer(then);
  }
  return offered;
}

}  // namespace rollcall::index::detail
