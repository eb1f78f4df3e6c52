// `rollcall serve`: the HTTP API over a data directory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "rollcall/index/directory.hpp"

namespace rollcall::server {

struct ServeOptions {
  std::string data_dir = "./rollcall-data";
  std::string listen = "127.0.0.1:8080";  // ADDR:PORT; port 0 picks a free one
  std::string admin_token;                // empty: ROLLCALL_ADMIN_TOKEN, else none
  std::size_t threads = 0;                // workers serving at once; 0: two per CPU it may run on
  // Threads in all (at least `threads`), counting those started while others
  // wait on a write's fsync or a slow client.
  std::size_t max_threads = 512;
  std::size_t max_connections = 1024;  // open at once; one more is answered 503
  // Access-log lines waiting for stderr, at most (then requests wait for room).
  std::size_t access_log_buffer_bytes = std::size_t{1} << 20;
  bool demo = false;  // fill an empty data dir with demo data
  // Logged writes between background snapshots (0: never).
  std::uint64_t snapshot_every_writes = index::DirectoryOptions().snapshot_every_writes;
};

// The largest snapshot_every_writes `rollcall serve --snapshot-every` takes.
inline constexpr std::uint64_t kMaxSnapshotEveryWrites = 1'000'000'000;

// The largest threads / max_threads and max_connections `rollcall serve` takes.
inline constexpr std::size_t kMaxServeThreads = 4096;
// (Idle connections are checked one by one every 100 ms.)
inline constexpr std::size_t kMaxServeConnections = 65'536;

// The range of access_log_buffer_bytes `rollcall serve --access-log-buffer` takes.
inline constexpr std::size_t kMinAccessLogBufferBytes = 1024;
inline constexpr std::size_t kMaxAccessLogBufferBytes = std::size_t{1} << 30;

// Serves until SIGINT or SIGTERM; returns the process exit code.
int serve(const ServeOptions& options);

}  // namespace rollcall::server
