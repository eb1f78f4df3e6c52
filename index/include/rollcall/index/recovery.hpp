// What opening a data directory found and did: the snapshot loaded, the newer
// ones passed over, the log records replayed after it and where the log was cut.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rollcall/index/snapshot.hpp"
#include "rollcall/index/wal.hpp"

namespace rollcall::index {

struct Recovery {
  std::optional<persist::SnapshotInfo> snapshot;  // the snapshot loaded, if any
  std::vector<std::string> skipped_snapshots;     // why each newer one was passed over
  std::uint64_t replayed = 0;                     // log records applied after it
  std::optional<persist::WalDamage> damage;       // where the log was cut

  bool clean() const { return skipped_snapshots.empty() && !damage; }
  // One line for the start-up log.
  std::string message() const;
};

}  // namespace rollcall::index
