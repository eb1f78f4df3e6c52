// Snapshots: the whole data set as of one WAL sequence, in
// <dir>/snapshot-<sequence, 20 digits>.snap:
//
//   header:  magic "RCSNAP\r\n" | format version u32 | codec version u32 |
//            sequence u64 | record count u64 for each of OrganizationMember,
//            SpaceMember, User, Organization, AccessToken, IdempotencyEntry,
//            Space, Filter |
//            CRC-32C of the above u32
//   records: entity type u8 | varint length | record (record_codec.hpp)
//   trailer: CRC-32C of the records u32 | magic "SEND"
//
// A snapshot is written under a temporary name, fsynced, renamed into place and
// the directory fsynced, so a crash leaves either the old set or the new one.
//
// To take one without blocking writers for long: under the lock that orders
// mutations (the one held around Wal::append), note wal.last_sequence() and copy
// pointers to the immutable records; release the lock; on a background thread
// call write_snapshot(dir, sequence, pointers), then prune_snapshots(dir, 2) and
// wal.drop_segments_before(<what prune returned> + 1), so that falling back to
// the older snapshot still finds its log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rollcall/index/entities.hpp"
#include "rollcall/index/persist_status.hpp"

namespace rollcall::persist {

using index::AccessToken;
using index::Filter;
using index::IdempotencyEntry;
using index::Organization;
using index::OrganizationMember;
using index::Space;
using index::SpaceMember;
using index::User;

// Version 2 added the User, Organization, AccessToken and IdempotencyEntry
// records and their header counts, version 3 Space and Filter; other versions
// are refused.
inline constexpr std::uint32_t kSnapshotFormatVersion = 3;

struct SnapshotInfo {
  std::string path;
  std::uint64_t sequence = 0;  // the last WAL record the snapshot includes
  std::uint64_t organization_members = 0;
  std::uint64_t space_members = 0;
  std::uint64_t users = 0;
  std::uint64_t organizations = 0;
  std::uint64_t access_tokens = 0;
  std::uint64_t idempotency_entries = 0;
  std::uint64_t spaces = 0;
  std::uint64_t filters = 0;
  std::uint64_t bytes = 0;
};

class SnapshotWriter {
 public:
  // Starts <dir>/snapshot-<sequence>.snap.tmp (the directory must exist).
  static Result<SnapshotWriter> create(const std::string& dir, std::uint64_t sequence);

  SnapshotWriter(SnapshotWriter&& other) noexcept;
  SnapshotWriter& operator=(SnapshotWriter&& other) noexcept;
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;
  ~SnapshotWriter();  // removes the temporary file unless committed

  // The first failure sticks: later calls return it.
  Status add(const OrganizationMember& record);
  Status add(const SpaceMember& record);
  Status add(const User& record);
  Status add(const Organization& record);
  Status add(const AccessToken& record);
  Status add(const IdempotencyEntry& record);
  Status add(const Space& record);
  Status add(const Filter& record);
  // Completes the file, fsyncs it and renames it into place atomically.
  Result<SnapshotInfo> commit();

 private:
  struct State;
  explicit SnapshotWriter(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

namespace detail {
// Records may be handed over by value or through any pointer-like handle.
template <class T>
const auto& deref(const T& item) {
  if constexpr (requires { *item; }) {
    return *item;
  } else {
    return item;
  }
}
}  // namespace detail

// Writes every record of each range (of any record type SnapshotWriter::add
// takes, or pointers to them) as the snapshot of `sequence`.
template <class... Ranges>
Result<SnapshotInfo> write_snapshot(const std::string& dir, std::uint64_t sequence,
                                    const Ranges&... ranges) {
  auto writer = SnapshotWriter::create(dir, sequence);
  if (!writer) return writer.status();
  Status status;
  const auto add_all = [&](const auto& range) {
    for (const auto& item : range) {
      if (!status.ok()) return;
      status = writer->add(detail::deref(item));
    }
  };
  (add_all(ranges), ...);
  if (!status.ok()) return status;
  return writer->commit();
}

// Receives the records of a snapshot being read, once the whole file has been
// verified (so a damaged snapshot never reaches a sink).
class SnapshotSink {
 public:
  virtual ~SnapshotSink() = default;
  // Called once, before the records (e.g. to reserve room).
  virtual Status begin(const SnapshotInfo& /*info*/) { return {}; }
  virtual Status add(OrganizationMember&& record) = 0;
  virtual Status add(SpaceMember&& record) = 0;
  // Sinks written before these types existed refuse snapshots that hold them.
  virtual Status add(User&& record);
  virtual Status add(Organization&& record);
  virtual Status add(AccessToken&& record);
  virtual Status add(IdempotencyEntry&& record);
  virtual Status add(Space&& record);
  virtual Status add(Filter&& record);
};

// Reads one snapshot file into `sink`, verifying the header and checksums first.
Result<SnapshotInfo> read_snapshot(const std::string& path, SnapshotSink& sink);

struct SnapshotLoad {
  std::optional<SnapshotInfo> loaded;  // none when no snapshot is valid
  std::vector<std::string> skipped;    // why each newer snapshot was passed over
};

// Feeds `sink` the newest valid snapshot in `dir`, passing over damaged ones.
// Fails when the directory cannot be read, or when a snapshot that verified
// fails to decode or is refused by the sink (the sink may then hold part of it).
Result<SnapshotLoad> load_newest_snapshot(const std::string& dir, SnapshotSink& sink);

// The same, collecting the records.
struct SnapshotContents {
  SnapshotInfo info;
  std::vector<OrganizationMember> organization_members;
  std::vector<SpaceMember> space_members;
  std::vector<User> users;
  std::vector<Organization> organizations;
  std::vector<AccessToken> access_tokens;
  std::vector<IdempotencyEntry> idempotency_entries;
  std::vector<Space> spaces;
  std::vector<Filter> filters;
};

struct LoadedSnapshot {
  std::optional<SnapshotContents> snapshot;  // none when no snapshot is valid
  std::vector<std::string> skipped;
};

Result<SnapshotContents> read_snapshot(const std::string& path);
Result<LoadedSnapshot> load_newest_snapshot(const std::string& dir);

// Deletes all but the newest `keep` snapshots and leftover temporary files
// (never call it while a SnapshotWriter is open on `dir`). Returns the oldest
// kept snapshot's sequence (0 if none): the log must be kept from the record
// after it.
Result<std::uint64_t> prune_snapshots(const std::string& dir, std::size_t keep);

}  // namespace rollcall::persist
