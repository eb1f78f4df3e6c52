// How the member stores apply several logged writes at once: the records are
// allocated first, then every write is applied under one unique lock, so that
// readers see all of them or none.
#pragma once

#include <memory>
#include <mutex>
#include <variant>
#include <vector>

#include "rollcall/filter/values.hpp"

namespace rollcall::index::detail {

// `state` has a `mutex`, `restore_locked(shared_ptr<const Record>)` and
// `erase_locked(const Uuid&)`.
template <class Record, class State>
void restore_batch(State& state, std::vector<std::variant<Record, filter::Uuid>> writes) {
  if (writes.empty()) return;
  std::vector<std::shared_ptr<const Record>> records;
  for (auto& write : writes) {
    if (auto* record = std::get_if<Record>(&write)) {
      records.push_back(std::make_shared<const Record>(std::move(*record)));
    }
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
