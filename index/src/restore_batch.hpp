// How the member stores apply several logged writes at once: the records are
// allocated first, then every write is applied under one unique lock, so that
// readers see all of them or none.
#pragma once

#include <mutex>
#include <utility>
#include <variant>
#include <vector>

#include "rollcall/filter/values.hpp"

namespace rollcall::index::detail {

// `state` has a `mutex`, `restore_locked(const Ptr&)` and
// `erase_locked(const Uuid&)`; `make(Record)` makes a Ptr.
template <class Record, class State, class Make>
void restore_batch(State& state, std::vector<std::variant<Record, filter::Uuid>> writes,
                   Make make) {
  if (writes.empty()) return;
  std::vector<decltype(make(std::declval<Record>()))> records;
  for (auto& write : writes) {
    if (auto* record = std::get_if<Record>(&write)) records.push_back(make(std::move(*record)));
  }
  auto next = records.begin();
  std::unique_lock lock(state.mutex);
  for (const auto& write : writes) {
    if (const auto* id = std::get_if<filter::Uuid>(&write)) {
      state.erase_locked(*id);
    } else {
      state.restore_locked(*next++);
    }
  }
}

}  // namespace rollcall::index::detail
