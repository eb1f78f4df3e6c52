// The write-ahead log: numbered records in segment files <dir>/wal-<first
// sequence, 20 digits>.log, each
//
//   segment header: magic u32 | format version u32 | first sequence u64 | CRC-32C u32
//   record:         CRC-32C u32 | payload length u32 | sequence u64 | payload
//
// (a record's CRC covers its payload, length and sequence). A flusher thread
// writes whatever has been appended since its last write with one write() and
// one fdatasync() (group commit); appenders wait for the sequence they got.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rollcall/index/persist_status.hpp"

namespace rollcall::persist {

inline constexpr std::uint32_t kWalFormatVersion = 1;
inline constexpr std::uint32_t kMaxWalPayloadBytes = 64u << 20;

struct WalOptions {
  // The active segment is closed and a new one started once it reaches this size.
  std::uint64_t segment_bytes = 64u << 20;
  // append() blocks while this many bytes wait for the flusher (back-pressure).
  std::size_t max_pending_bytes = 64u << 20;
};

// Where recovery found a torn or corrupt record, and what it did about it.
struct WalDamage {
  std::string file;             // the segment holding the first bad record
  std::uint64_t offset = 0;     // byte offset of that record (or header) in it
  std::string reason;           // e.g. "checksum mismatch", "torn record"
  bool torn_tail = false;       // an incomplete record at the end of the log: a crash mid-write
  std::uint64_t bytes_cut = 0;  // bytes dropped after `offset`, this and later segments
  std::string preserved_as;     // a corrupt (not torn) tail is moved here, not deleted

  // One line for the start-up log: "<file> at byte <offset>: <reason>; ...".
  std::string message() const;
};

struct WalRecovery {
  std::uint64_t replayed = 0;       // records handed to the replay callback
  std::uint64_t last_sequence = 0;  // the last good record's, or `after` if larger
  std::optional<WalDamage> damage;  // set when the log was cut
};

// Receives each replayed record; a failure aborts Wal::open with that status.
using WalReplayFn = std::function<Status(std::uint64_t sequence, std::string_view payload)>;

class Wal {
 public:
  // Opens the log in `dir` (created if needed). Hands every good record with a
  // sequence above `after` (what the loaded snapshot covers; 0 without one) to
  // `replay` in order; stops at the first torn or corrupt record, cuts the log
  // there (reported in recovery()) so new records follow the last good one.
  // Fails, changing nothing, when records after `after` are missing from the
  // log (a sequence gap), when `replay` fails, or on an I/O error.
  static Result<Wal> open(const std::string& dir, std::uint64_t after, const WalReplayFn& replay,
                          const WalOptions& options = {});

  Wal(Wal&& other) noexcept;
  Wal& operator=(Wal&& other) noexcept;
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;
  ~Wal();  // writes and syncs what was appended, then stops the flusher

  const WalRecovery& recovery() const;

  // Queues a record and returns its sequence (consecutive, in append order).
  // Cheap (a copy under a mutex): call it under the lock that orders your
  // mutations, and wait_durable() outside that lock. After an I/O error the
  // log refuses every append.
  Result<std::uint64_t> append(std::string_view payload);
  // Blocks until record `sequence` and all before it are on disk.
  Status wait_durable(std::uint64_t sequence);
  Result<std::uint64_t> append_durable(std::string_view payload);

  std::uint64_t last_sequence() const;  // the last appended
  std::uint64_t durable_sequence() const;

  // Ends the active segment after the records appended so far: later ones go
  // to a new segment wal-<returned sequence>.log, which the flusher creates
  // once those before it are on disk. Call it under the lock that orders
  // your appends (so the boundary is where you want it), and wait_rotated()
  // outside it; it returns at once unless an earlier rotation is still to be
  // made, and then waits for that one. After a failure of the log, or once
  // it is closing, it refuses. With nothing appended since the active segment
  // began, that segment is already the one later records go to.
  Result<std::uint64_t> rotate();
  // Blocks until the segment starting at `first` (from rotate()) exists.
  Status wait_rotated(std::uint64_t first);

  // Deletes the segments all of whose records are below `sequence` (never the
  // one being written): call it once a snapshot covering sequence - 1 is durable.
  Status drop_segments_before(std::uint64_t sequence);

 private:
  struct State;
  explicit Wal(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

}  // namespace rollcall::persist
