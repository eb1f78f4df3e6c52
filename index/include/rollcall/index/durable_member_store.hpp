// DurableMemberStore: an OrganizationMemberStore whose writes are on disk
// before they return. It owns a data directory (DataDirLock): every accepted
// write is appended to the write-ahead log in the critical section that
// validates and applies it, then waited for (group commit) outside it;
// snapshots bound the log that start-up replays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rollcall/index/member_store.hpp"
#include "rollcall/index/persist_status.hpp"
#include "rollcall/index/recovery.hpp"
#include "rollcall/index/snapshot.hpp"
#include "rollcall/index/wal.hpp"

namespace rollcall::index {

struct DurableStoreOptions {
  std::string token_key;  // see OrganizationMemberStore
  persist::WalOptions wal;
  // Snapshots kept; the log is kept from the oldest one on, so that a damaged
  // newest snapshot falls back to the one before it without losing writes.
  std::size_t keep_snapshots = 2;
};

class DurableMemberStore {
 public:
  // Locks `data_dir` (created if needed), loads its newest valid snapshot and
  // replays the log after it, cutting a torn or corrupt tail (see recovery()).
  // Fails when another process holds the directory, on an I/O error, or when
  // the log does not apply to the snapshot (nothing is guessed).
  static persist::Result<std::unique_ptr<DurableMemberStore>> open(
      const std::string& data_dir, const DurableStoreOptions& options = {});
  ~DurableMemberStore();  // waits for a background snapshot, then syncs the log
  DurableMemberStore(const DurableMemberStore&) = delete;
  DurableMemberStore& operator=(const DurableMemberStore&) = delete;

  const Recovery& recovery() const;

  // OrganizationMemberStore's writes and errors, durable when they return
  // success. kUnavailable: the log failed; a write then refused is not applied,
  // one that failed only its fsync is applied in memory but may be lost.
  std::optional<StoreError> insert(OrganizationMember member);
  std::optional<StoreError> replace(OrganizationMember member,
                                    std::optional<std::int64_t> expected_version = {});
  std::optional<StoreError> erase(const Uuid& id,
                                  std::optional<std::int64_t> expected_version = {});

  // Inserts each record, waiting once for the disk at the end (bulk import).
  // Stops at the first failure: the records before it are inserted and durable.
  // `progress(n)` is called after every `progress_every` records.
  struct BulkError {
    std::size_t index;  // of the record that failed
    StoreError error;
  };
  std::optional<BulkError> insert_all(std::vector<OrganizationMember> members,
                                      const std::function<void(std::size_t)>& progress = {},
                                      std::size_t progress_every = 100000);

  // Reads go to the in-memory store.
  const OrganizationMemberStore& store() const;

  // Writes a snapshot of the current state (writers wait only while record
  // pointers are copied), then prunes old snapshots and the log they cover.
  persist::Result<persist::SnapshotInfo> snapshot();
  // The same on a background thread; false when one is still running.
  bool snapshot_in_background();
  // Waits for the background snapshot and returns how it went (ok if none).
  persist::Status wait_for_snapshot();

 private:
  struct State;
  explicit DurableMemberStore(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

}  // namespace rollcall::index
